//! A new upload's time to start processing and to thumbnail while 20 000 imported assets wait,
//! against the same upload on an idle queue (the reference), with the real worker in-process; and
//! the Redis commands per second the idle worker sends.
//!
//!     cargo run --release -p bench --bin backlog_latency [-- BACKLOG SAMPLES]
//!
//! Uses a scratch database `dam_bench_<random>` and Redis namespace on the local servers (see the
//! README's configuration), dropped at the end.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use domain::{
    audit::Actor,
    dto::AssetStatus,
    entities::{asset, derivative},
    ingest,
    pipeline::Priority,
    Config, Services,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Statement};

#[tokio::main]
async fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let backlog: i64 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(20_000);
    let samples: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(10);
    let id = uuid::Uuid::new_v4().simple().to_string();
    let storage = std::env::temp_dir().join(format!("dam-bench-{id}"));
    let defaults = [
        ("DATABASE_URL", format!("postgres://postgres@127.0.0.1:5432/dam_bench_{id}")),
        ("QUEUE_NAMESPACE", format!("dam-bench:{id}")),
        ("STORAGE_DIR", storage.to_string_lossy().into_owned()),
    ];
    let config = Config::from_lookup(|name| {
        std::env::var(name).ok().or_else(|| defaults.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone()))
    })?;
    let services = Services::start(config).await?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let worker = tokio::spawn(worker::run(services.clone(), async {
        let _ = stopped.await;
    }));
    tokio::time::sleep(Duration::from_secs(1)).await;

    let idle_redis = redis_commands_per_second(&services, Duration::from_secs(10)).await?;
    let idle = time_to_thumbnail(&services, samples, 0).await?;

    let original = png(48, 32, 255);
    std::fs::create_dir_all(storage.join("originals"))?;
    std::fs::write(storage.join("originals/shared.png"), &original)?;
    let in_default = services.in_workspace(domain::workspaces::default_workspace(&services.db).await?.id);
    in_default
        .execute(Statement::from_sql_and_values(
            sea_orm::DbBackend::Postgres,
            r#"INSERT INTO assets (id, original_path, original_filename, status, kind, mime, size, checksum, priority, created_at)
               SELECT gen_random_uuid(), 'originals/shared.png', 'import-' || n || '.png', 'uploaded', 'image', 'image/png', $1, 'x', $2, now()
               FROM generate_series(1, $3) AS n"#,
            [(original.len() as i64).into(), (Priority::Bulk as i16).into(), backlog.into()],
        ))
        .await?;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let busy = time_to_thumbnail(&services, samples, 128).await?;
    let waiting = pending(&services).await?;

    let _ = stop.send(());
    let _ = tokio::time::timeout(Duration::from_secs(30), worker).await;
    domain::db::drop_database(&services.config.database_url).await?;
    let _ = std::fs::remove_dir_all(&storage);

    println!("| new upload (median of {samples}) | stored → processing starts, ms | stored → thumbnail, ms | thumbnail ratio |");
    println!("|---|---:|---:|---:|");
    println!("| idle queue (reference) | {:.0} | {:.0} | 1.00 |", idle.start, idle.thumbnail);
    println!(
        "| during a {backlog}-asset bulk backlog ({waiting} still waiting at the end) | {:.0} | {:.0} | {:.2} |",
        busy.start,
        busy.thumbnail,
        busy.thumbnail / idle.thumbnail
    );
    println!();
    println!("Redis commands per second, idle worker (all queues, over 10 s, whole server): {idle_redis:.1}");
    Ok(())
}

/// Median milliseconds from an upload being stored to its processing starting and to its thumbnail.
struct Latency {
    start: f64,
    thumbnail: f64,
}

/// Ingests `samples` interactive uploads one after another and times each.
async fn time_to_thumbnail(services: &Services, samples: usize, first_seed: u8) -> Result<Latency> {
    let mut times = Vec::new();
    let mut starts = Vec::new();
    for i in 0..samples {
        // New content every time: the library answers known content with the existing asset.
        let bytes = png(1200, 800, first_seed.wrapping_add(i as u8));
        let body = futures::stream::once(async move { Ok::<_, std::io::Error>(bytes::Bytes::from(bytes)) });
        let start = Instant::now();
        let stored = ingest::ingest_file(
            services,
            &Actor::system("bench"),
            Priority::Interactive,
            &format!("new-{i}.png"),
            Box::pin(body),
        )
        .await?;
        let ingest::Ingested::New(stored) = stored else {
            anyhow::bail!("upload {i} was answered by an existing asset: the measurement needs new content");
        };
        loop {
            let row = asset::Entity::find_by_id(stored.id).one(&services.db).await?.context("asset vanished")?;
            if row.status == AssetStatus::Processed {
                let thumbnails = derivative::Entity::find()
                    .filter(derivative::Column::AssetId.eq(row.id))
                    .filter(derivative::Column::Kind.eq(domain::dto::DerivativeKind::Thumbnail))
                    .count(&services.db)
                    .await?;
                anyhow::ensure!(thumbnails > 0, "upload {i} was marked processed without a thumbnail");
                let started = row.processing_started_at.context("processed without a start time")?;
                starts.push((started - row.created_at).num_microseconds().context("a start time")? as f64 / 1000.0);
                break;
            }
            anyhow::ensure!(
                row.status != AssetStatus::Failed && start.elapsed() < Duration::from_secs(120),
                "upload {i} did not finish: {:?}",
                row.status
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    let median = |mut values: Vec<f64>| {
        values.sort_by(f64::total_cmp);
        values[values.len() / 2]
    };
    Ok(Latency { start: median(starts), thumbnail: median(times) })
}

/// Commands the Redis server processed per second over `period` (nothing else should use it).
async fn redis_commands_per_second(services: &Services, period: Duration) -> Result<f64> {
    let (mut conn, _) = services.jobs.redis();
    let mut processed = async || -> Result<u64> {
        let info: String = redis::cmd("INFO").arg("stats").query_async(&mut conn).await?;
        let line = info.lines().find_map(|l| l.strip_prefix("total_commands_processed:")).context("INFO stats")?;
        Ok(line.trim().parse()?)
    };
    let before = processed().await?;
    tokio::time::sleep(period).await;
    let after = processed().await?;
    // The two INFO calls count themselves.
    Ok((after - before).saturating_sub(1) as f64 / period.as_secs_f64())
}

async fn pending(services: &Services) -> Result<i64> {
    let row = services
        .db
        .query_one(Statement::from_string(
            services.db.get_database_backend(),
            "SELECT count(*) AS n FROM assets WHERE status = 'uploaded'",
        ))
        .await?
        .context("count")?;
    Ok(row.try_get("", "n")?)
}

/// A gradient whose blue channel is `seed`: each seed is new content.
fn png(width: u32, height: u32, seed: u8) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, seed]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).expect("encode");
    out.into_inner()
}
