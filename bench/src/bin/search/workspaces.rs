//! Search with workspaces kept apart by row-level security, against the same searches without it
//! in the same run. `rows` assets in 10 workspaces — one holding 90 %, nine sharing the rest — read
//! through the application's own role (the policies apply); the reference is a database of one
//! workspace holding as many rows as the one searched, read by the owner (no policy applies): what
//! an installation before workspaces was. Prints p50/p95 of both and the plans under the policies.

use std::time::Instant;

use domain::{audit::Actor, db::WorkspaceDb, library::search, workspaces};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};

use super::{count, explain, finish_seeding, percentile, queries, seed, seed_workspace, start_seeding};

const SMALL: usize = 9;

/// p50 and p95 (ms) of 30 rounds of the query mix through `db`, after one warming round.
async fn measure(db: &impl ConnectionTrait) -> anyhow::Result<(f64, f64)> {
    for (_, query) in queries(0) {
        search::search(db, &edge::links::API, &query).await?;
    }
    let mut samples = Vec::new();
    let mut by_kind: Vec<(&str, Vec<f64>)> = queries(0).iter().map(|(name, _)| (*name, Vec::new())).collect();
    for round in 0..30 {
        for (i, (_, query)) in queries(round).into_iter().enumerate() {
            let started = Instant::now();
            search::search(db, &edge::links::API, &query).await?;
            let ms = started.elapsed().as_secs_f64() * 1000.0;
            samples.push(ms);
            by_kind[i].1.push(ms);
        }
    }
    let kinds: Vec<String> =
        by_kind.into_iter().map(|(name, s)| format!("{name} {:.0}", percentile(s, 0.95))).collect();
    println!("    p95 by query (ms): {}", kinds.join(", "));
    Ok((percentile(samples.clone(), 0.5), percentile(samples, 0.95)))
}

/// A database of one workspace with `rows` assets, read as its owner (the reference).
async fn reference(server: &str, name: &str, rows: i64) -> anyhow::Result<DatabaseConnection> {
    let url = format!("{server}/{name}");
    let db = domain::db::connect_and_migrate(&url, &url, 10).await?;
    if count(&db).await? != rows {
        seed(&db, rows).await?;
    }
    Ok(db)
}

pub async fn run(server: &str, rows: i64) -> anyhow::Result<()> {
    let (large, small) = (rows * 9 / 10, rows / 10 / SMALL as i64);
    let owner_url = format!("{server}/dam_bench_workspaces");
    let (scheme, host) = server.split_once("://").expect("a URL");
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let app_url = format!("{scheme}://dam_app@{host}/dam_bench_workspaces");
    let app = domain::db::connect_and_migrate(&app_url, &owner_url, 10).await?;
    let owner = Database::connect(&owner_url).await?;
    if count(&owner).await? != large + small * SMALL as i64 {
        let started = Instant::now();
        start_seeding(&owner).await?;
        seed_workspace(&owner, large, workspaces::DEFAULT_SLUG).await?;
        for n in 1..=SMALL {
            let slug = format!("small-{n}");
            if workspaces::by_slug(&owner, &slug).await?.is_none() {
                workspaces::create(&owner, &Actor::system("bench"), &format!("Small {n}")).await?;
            }
            seed_workspace(&owner, small, &slug).await?;
        }
        finish_seeding(&owner).await?;
        println!("seeded {large} + {SMALL} × {small} assets in {:.0} s", started.elapsed().as_secs_f64());
    }
    let big = workspaces::default_workspace(&owner).await?.id;
    let little = workspaces::by_slug(&owner, "small-1").await?.expect("seeded").id;
    let reference_large = reference(server, "dam_bench_workspaces_ref_large", large).await?;
    let reference_small = reference(server, "dam_bench_workspaces_ref_small", small).await?;

    let leakproof = owner
        .query_one(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT proleakproof AS l FROM pg_proc WHERE proname = 'ts_match_vq'",
        ))
        .await?
        .map(|r| r.try_get::<bool>("", "l"))
        .transpose()?
        .unwrap_or(false);
    println!("{rows} assets in {} workspaces; ts_match_vq LEAKPROOF: {leakproof}", SMALL + 1);
    for (label, workspace, reference, held) in
        [("large", big, &reference_large, large), ("small", little, &reference_small, small)]
    {
        let isolated = WorkspaceDb::new(app.clone(), workspace);
        let (p50, p95) = measure(&isolated).await?;
        // The same, every statement in one transaction: what the policies cost without the
        // round trips WorkspaceDb spends on each statement (BEGIN, set_config, COMMIT).
        let txn = isolated.begin().await?;
        let (t50, t95) = measure(&txn).await?;
        txn.rollback().await?;
        let (r50, r95) = measure(reference).await?;
        println!(
            "  {label} workspace ({held} assets): with RLS p50 {p50:.1} ms p95 {p95:.1} ms; in one transaction p50 \
             {t50:.1} ms p95 {t95:.1} ms; without p50 {r50:.1} ms p95 {r95:.1} ms; ratio p95 {:.2} ({:.2} in one \
             transaction)",
            p95 / r95,
            t95 / r95
        );
    }
    // The plans under the policies: the full-text match must stay inside the index scan.
    let txn = WorkspaceDb::new(app.clone(), big).begin().await?;
    println!("\n-- plan with RLS, large workspace: word + video, first page");
    let sql = "SELECT * FROM assets WHERE deleted_at IS NULL AND search @@ to_tsquery('simple', '''harbour''') \
               AND kind = 'video' ORDER BY created_at DESC, id DESC LIMIT 49";
    println!("{}", explain(&txn, sql).await?);
    println!("\n-- plan with RLS, large workspace: two words + tag, first page");
    let sql = "SELECT * FROM assets WHERE deleted_at IS NULL AND search @@ to_tsquery('simple', 'sunset & beach') \
               AND tags @> ARRAY['press kit'] ORDER BY created_at DESC, id DESC LIMIT 49";
    println!("{}", explain(&txn, sql).await?);
    txn.rollback().await?;
    Ok(())
}
