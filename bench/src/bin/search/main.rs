//! Library search on 1 000 000 assets: p50/p95 of a whole `library::search` call (first page,
//! total, kind and tag facets) for text queries with one or two filters, against the reference
//! a naive implementation would run — `original_filename ILIKE '%word%'` newest first — on the
//! same data in the same run. Prints EXPLAIN ANALYZE plans for docs/BENCHMARKS.md.
//!
//! `cargo run --release -p bench --bin search [rows]` (default 1 000 000). The seeded database
//! `dam_bench_search` is kept and reused while it holds that many rows. With `--workspaces`, the
//! same searches with row-level security on, in workspaces (see `workspaces.rs`).

use std::time::Instant;

use anyhow::Context;
use domain::{
    dto::{AssetKind, AssetQuery, Orientation, Resolution, Sort},
    library::search,
};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

mod workspaces;

const WORDS: &[&str] = &[
    "sunset",
    "beach",
    "harbour",
    "mountain",
    "city",
    "skyline",
    "portrait",
    "team",
    "office",
    "product",
    "launch",
    "campaign",
    "summer",
    "winter",
    "autumn",
    "spring",
    "festival",
    "concert",
    "studio",
    "kitchen",
    "garden",
    "forest",
    "river",
    "bridge",
    "street",
    "market",
    "coffee",
    "bottle",
    "shoe",
    "jacket",
    "watch",
    "phone",
    "laptop",
    "banner",
    "poster",
    "flyer",
    "logo",
    "icon",
    "hero",
    "header",
    "background",
    "texture",
    "pattern",
    "interview",
    "keynote",
    "webinar",
    "tutorial",
    "teaser",
    "trailer",
    "behind",
    "scenes",
    "aerial",
    "drone",
    "night",
    "morning",
    "golden",
    "hour",
];
const TAGS: &[&str] = &[
    "summer campaign",
    "press kit",
    "social",
    "instagram",
    "print",
    "web",
    "approved",
    "draft",
    "brand",
    "product shot",
    "lifestyle",
    "event",
    "q1",
    "q2",
    "q3",
    "q4",
    "europe",
    "asia",
    "americas",
    "retail",
    "b2b",
    "hero image",
    "archive",
    "licensed",
    "stock",
    "internal",
];

async fn exec(db: &DatabaseConnection, sql: &str) -> anyhow::Result<()> {
    db.execute_unprepared(sql).await.with_context(|| sql.chars().take(80).collect::<String>())?;
    Ok(())
}

async fn count(db: &DatabaseConnection) -> anyhow::Result<i64> {
    let row = db
        .query_one(Statement::from_string(db.get_database_backend(), "SELECT count(*) AS n FROM assets"))
        .await?
        .context("count")?;
    Ok(row.try_get("", "n")?)
}

fn sql_array(items: &[&str]) -> String {
    format!("ARRAY[{}]", items.iter().map(|w| format!("'{w}'")).collect::<Vec<_>>().join(","))
}

/// Rows shaped like a marketing library: names of 2–3 words and a number, 80 % images, 15 %
/// videos, 5 % documents, three years of uploads, 2–4 tags from a long-tailed vocabulary.
async fn seed(db: &DatabaseConnection, rows: i64) -> anyhow::Result<()> {
    start_seeding(db).await?;
    seed_workspace(db, rows, "default").await?;
    finish_seeding(db).await
}

async fn start_seeding(db: &DatabaseConnection) -> anyhow::Result<()> {
    exec(db, "TRUNCATE assets CASCADE; TRUNCATE tags CASCADE").await?;
    exec(db, "ALTER TABLE asset_tags DISABLE TRIGGER asset_tags_changed").await
}

/// `rows` assets (and their tags) in the workspace at /w/`slug`, through the tables' owner.
async fn seed_workspace(db: &DatabaseConnection, rows: i64, slug: &str) -> anyhow::Result<()> {
    let words = sql_array(WORDS);
    let tags = sql_array(TAGS);
    let (nw, nt) = (WORDS.len(), TAGS.len());
    // Batches keep each statement's memory and WAL modest.
    let batch = 100_000;
    let mut start = 0;
    while start < rows {
        let end = (start + batch).min(rows);
        let sql = format!(
            "WITH v AS (SELECT {words} AS w, {tags} AS t)
             INSERT INTO assets (id, original_path, original_filename, status, kind, mime, size, checksum, width, height, metadata,
                                 created_at, updated_at, priority, attempts, available_at, taken_at, duration_ms, tags)
             SELECT id, 'originals/' || id || ext, name || ext, 'processed', kind,
                    CASE kind WHEN 'image' THEN 'image/jpeg' WHEN 'video' THEN 'video/mp4' ELSE 'application/pdf' END,
                    (random() * 50000000)::bigint + 10000, md5(id::text), wd, ht, '{{}}', created, created, 0, 0, created,
                    created - (random() * interval '30 days'), CASE WHEN kind = 'video' THEN (random() * 600000)::bigint END,
                    ARRAY(SELECT DISTINCT v.t[1 + floor(power(random(), 2) * {nt})::int] FROM generate_series(1, 2 + (i % 3)))
             FROM (
                SELECT i, gen_random_uuid() AS id,
                       CASE WHEN i % 20 = 0 THEN 'document' WHEN i % 7 = 0 THEN 'video' ELSE 'image' END AS kind,
                       initcap(v.w[1 + floor(random() * {nw})::int]) || '_' || v.w[1 + floor(random() * {nw})::int]
                         || CASE WHEN i % 2 = 0 THEN '-' || v.w[1 + floor(random() * {nw})::int] ELSE '' END || '_' || (i % 9973) AS name,
                       CASE WHEN i % 20 = 0 THEN '.pdf' WHEN i % 7 = 0 THEN '.mp4' ELSE '.jpg' END AS ext,
                       (ARRAY[640, 1280, 1920, 3840, 6000])[1 + (i % 5)] AS wd,
                       (ARRAY[480, 720, 1080, 2160, 4000, 1920])[1 + (i % 6)] AS ht,
                       now() - (random() * interval '1095 days') AS created
                FROM generate_series({start} + 1, {end}) i, v
             ) s, v"
        );
        exec(db, &in_workspace(slug, &sql)).await?;
        start = end;
        println!("seeded {end} rows");
    }
    // The owner sees every workspace: each statement names this one.
    let here = "workspace_id = dam_workspace()";
    let sql = format!("INSERT INTO tags (id, name) SELECT gen_random_uuid(), t FROM (SELECT DISTINCT unnest(tags) t FROM assets WHERE {here}) x");
    exec(db, &in_workspace(slug, &sql)).await?;
    let sql = format!("INSERT INTO asset_tags (asset_id, tag_id, source) SELECT a.id, t.id, 'user' FROM assets a, unnest(a.tags) n JOIN tags t ON t.name = n AND t.{here} WHERE a.{here}");
    exec(db, &in_workspace(slug, &sql)).await
}

async fn finish_seeding(db: &DatabaseConnection) -> anyhow::Result<()> {
    exec(db, "ALTER TABLE asset_tags ENABLE TRIGGER asset_tags_changed").await?;
    for table in ["assets", "asset_tags", "tags"] {
        exec(db, &format!("VACUUM ANALYZE {table}")).await?;
    }
    Ok(())
}

fn percentile(mut samples: Vec<f64>, p: f64) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[((samples.len() as f64 - 1.0) * p).round() as usize]
}

/// The realistic mix: a text query (whole word, prefix, or misspelt) and one or two filters.
fn queries(round: usize) -> Vec<(&'static str, AssetQuery)> {
    let w = |k: usize| WORDS[(round * 7 + k * 13) % WORDS.len()];
    let prefix = |k: usize| &w(k)[..w(k).len().min(4)];
    vec![
        ("word + kind", AssetQuery { q: w(0).into(), kind: Some(AssetKind::Image), ..Default::default() }),
        (
            "two words + tag",
            AssetQuery { q: format!("{} {}", w(1), w(2)), tags: TAGS[round % 6].into(), ..Default::default() },
        ),
        (
            "prefix + orientation",
            AssetQuery { q: prefix(3).into(), orientation: Some(Orientation::Landscape), ..Default::default() },
        ),
        (
            "typo + kind + resolution",
            AssetQuery {
                q: format!("{}x", &w(4)[..w(4).len() - 1]),
                kind: Some(AssetKind::Image),
                resolution: Some(Resolution::FullHd),
                ..Default::default()
            },
        ),
        (
            "word + video + sort by name",
            AssetQuery { q: w(5).into(), kind: Some(AssetKind::Video), sort: Sort::Name, ..Default::default() },
        ),
        (
            "word + upload date range",
            AssetQuery {
                q: w(6).into(),
                uploaded_from: Some(chrono::Utc::now().date_naive() - chrono::Days::new(180)),
                ..Default::default()
            },
        ),
    ]
}

async fn explain(db: &impl ConnectionTrait, sql: &str) -> anyhow::Result<String> {
    let rows = db
        .query_all(Statement::from_string(
            db.get_database_backend(),
            format!("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {sql}"),
        ))
        .await?;
    Ok(rows.iter().filter_map(|r| r.try_get::<String>("", "QUERY PLAN").ok()).collect::<Vec<_>>().join("\n"))
}

/// `sql` run in the workspace at /w/`slug` (its rows get its `workspace_id`): one simple query is
/// one transaction, which the transaction-local setting lasts for.
fn in_workspace(slug: &str, sql: &str) -> String {
    format!("SELECT set_config('dam.workspace', (SELECT id::text FROM workspaces WHERE slug = '{slug}'), true); {sql}")
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let in_workspaces = args.iter().any(|a| a == "--workspaces");
    let rows: i64 = args.iter().find(|a| !a.starts_with("--")).map(|a| a.parse()).transpose()?.unwrap_or(1_000_000);
    let server = std::env::var("BENCH_DATABASE_SERVER").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into());
    if in_workspaces {
        return workspaces::run(&server, rows).await;
    }
    // One role (a superuser): this measures search itself; workspaces are another run.
    let url = format!("{server}/dam_bench_search");
    let db = domain::db::connect_and_migrate(&url, &url, 10).await?;
    if count(&db).await? != rows {
        let started = Instant::now();
        seed(&db, rows).await?;
        println!("seeded {rows} assets in {:.0} s", started.elapsed().as_secs_f64());
    }

    // Warm the caches once, as a running server would be.
    for (_, query) in queries(0) {
        search::search(&db, &edge::links::API, &query).await?;
    }
    let rounds = 30;
    let mut ours: Vec<f64> = Vec::new();
    let mut by_kind: Vec<(&str, Vec<f64>)> = queries(0).iter().map(|(name, _)| (*name, Vec::new())).collect();
    let mut naive: Vec<f64> = Vec::new();
    let mut estimated = 0;
    for round in 0..rounds {
        for (i, (_, query)) in queries(round).into_iter().enumerate() {
            let started = Instant::now();
            let results = search::search(&db, &edge::links::API, &query).await?;
            let ms = started.elapsed().as_secs_f64() * 1000.0;
            ours.push(ms);
            by_kind[i].1.push(ms);
            estimated += usize::from(results.estimated);
        }
        let word = WORDS[(round * 7) % WORDS.len()];
        let started = Instant::now();
        let sql = format!("SELECT * FROM assets WHERE deleted_at IS NULL AND kind = 'image' AND original_filename ILIKE '%{word}%' ORDER BY created_at DESC, id DESC LIMIT 49");
        db.query_all(Statement::from_string(db.get_database_backend(), sql)).await?;
        naive.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    let shared_buffers = db
        .query_one(Statement::from_string(db.get_database_backend(), "SHOW shared_buffers"))
        .await?
        .context("shared_buffers")?;
    println!(
        "{rows} assets, {} searches ({estimated} with estimated counts), Postgres shared_buffers {}",
        ours.len(),
        shared_buffers.try_get::<String>("", "shared_buffers")?
    );
    for (name, samples) in &by_kind {
        println!(
            "  {name:<30} p50 {:>6.1} ms  p95 {:>6.1} ms",
            percentile(samples.clone(), 0.5),
            percentile(samples.clone(), 0.95)
        );
    }
    let (p50, p95) = (percentile(ours.clone(), 0.5), percentile(ours, 0.95));
    let (n50, n95) = (percentile(naive.clone(), 0.5), percentile(naive, 0.95));
    println!("ours (page + total + facets): p50 {p50:.1} ms, p95 {p95:.1} ms");
    println!("reference ILIKE page only:    p50 {n50:.1} ms, p95 {n95:.1} ms");
    println!("ratio p95 ours / reference: {:.2}", p95 / n95);

    let word_kind = "deleted_at IS NULL AND search @@ to_tsquery('simple', '''harbour''') AND kind = 'video'";
    println!("\n-- plan: word + video, first page");
    println!(
        "{}",
        explain(&db, &format!("SELECT * FROM assets WHERE {word_kind} ORDER BY created_at DESC, id DESC LIMIT 49"))
            .await?
    );
    println!("\n-- plan: two words + tag, first page");
    println!("{}", explain(&db, "SELECT * FROM assets WHERE deleted_at IS NULL AND search @@ to_tsquery('simple', 'sunset & beach') AND tags @> ARRAY['press kit'] ORDER BY created_at DESC, id DESC LIMIT 49").await?);
    println!("\n-- plan: word + video + 1080p and up, total and facets in one pass (exact: under 10 000)");
    let narrow = format!(
        "{word_kind} AND array_remove(ARRAY[CASE WHEN least(width, height) >= 720 THEN 720 END, \
         CASE WHEN least(width, height) >= 1080 THEN 1080 END, CASE WHEN least(width, height) >= 2160 THEN 2160 END], NULL) @> ARRAY[1080]"
    );
    let tally = format!(
        "WITH m AS MATERIALIZED (SELECT kind, tags FROM assets WHERE {narrow} LIMIT 10001) SELECT 'rows' AS facet, '' AS value, count(*) AS n FROM m \
         UNION ALL (SELECT 'kind', kind, count(*) FROM m GROUP BY kind) \
         UNION ALL (SELECT 'tag', tag, count(*) FROM (SELECT unnest(tags) AS tag FROM m) t GROUP BY tag ORDER BY 3 DESC, 2 LIMIT 12)"
    );
    println!("{}", explain(&db, &tally).await?);
    Ok(())
}
