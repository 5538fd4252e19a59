//! A 2 GiB resumable (tus) upload over loopback to a real `dam-server` process, against copying the
//! same file to the same disk with `dd bs=8M conv=fsync` (the disk's limit), and the server's
//! memory growth meanwhile.
//!
//!     cargo build --release -p server && cargo run --release -p bench --bin upload_throughput [-- GIB ROUNDS]
//!
//! The client is `curl -T` (streams the file, one PATCH); the server hashes (SHA-256), writes to
//! the staging area, fsyncs, then turns the file into an asset. Memory: the server's peak resident
//! size (VmHWM) minus its size before the first upload.

use std::{
    io::{Seek, SeekFrom, Write},
    path::{Path, PathBuf},
    process::{Command, Stdio},
    time::Duration,
};

use anyhow::{ensure, Context, Result};
use bench::{median, timed};
use domain::{
    accounts::{tokens, users},
    audit::Actor,
    dto::{NewToken, NewUser},
    policy::Role,
    Config, Services,
};

const BLOCK: usize = 8 << 20;

#[tokio::main]
async fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let gib: u64 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(2);
    let rounds: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(3);
    let id = uuid::Uuid::new_v4().simple().to_string();
    let work = std::env::temp_dir().join(format!("dam-bench-upload-{id}"));
    let storage = work.join("storage");
    std::fs::create_dir_all(&storage)?;
    let database_url = format!("postgres://postgres@127.0.0.1:5432/dam_bench_{id}");
    let defaults = [
        ("DATABASE_URL", database_url.clone()),
        ("QUEUE_NAMESPACE", format!("dam-bench:{id}")),
        ("STORAGE_DIR", storage.to_string_lossy().into_owned()),
    ];
    let config = Config::from_lookup(|name| {
        std::env::var(name).ok().or_else(|| defaults.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone()))
    })?;
    let services = Services::start(config).await?;
    let user = users::create(
        &services.db,
        &Actor::system("bench"),
        NewUser { email: "bench@example.test".into(), display_name: String::new(), role: Role::Editor, password: None },
    )
    .await?;
    let workspace = domain::workspaces::default_workspace(&services.db).await?.id;
    let token = tokens::create(
        &services.db,
        &Actor::system("bench").in_workspace(workspace),
        user.user.id,
        NewToken { name: "bench".into(), expires_in_days: None },
    )
    .await?
    .secret;

    let size = gib << 30;
    let source = work.join("big.pdf");
    make_file(&source, size)?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let target_dir = PathBuf::from(std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into()));
    let mut server = Command::new(target_dir.join("release/dam-server"))
        .env("DATABASE_URL", &database_url)
        .env("QUEUE_NAMESPACE", format!("dam-bench:{id}"))
        .env("STORAGE_DIR", &storage)
        .env("LISTEN_ADDR", format!("127.0.0.1:{port}"))
        .env("MAX_UPLOAD_BYTES", (size * 2).to_string())
        .env("ADMIN_PASSWORD", "bench admin password")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .context("build it first: cargo build --release -p server")?;
    wait_until_up(port).await?;
    let rss_before = status_kib(server.id(), "VmRSS")?;

    let (mut ours, mut dd) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        // A different file each round, so no upload is answered by deduplication.
        let mut file = std::fs::OpenOptions::new().write(true).open(&source)?;
        file.seek(SeekFrom::Start(64))?;
        file.write_all(format!("round {round} {id}").as_bytes())?;
        drop(file);
        dd.push(timed(|| {
            let status = Command::new("dd")
                .arg(format!("if={}", source.display()))
                .arg(format!("of={}", storage.join("dd-copy").display()))
                .args(["bs=8M", "conv=fsync", "status=none"])
                .status()?;
            ensure!(status.success(), "dd failed");
            Ok(())
        })?);
        std::fs::remove_file(storage.join("dd-copy"))?;
        let endpoint = format!("http://127.0.0.1:{port}/api/uploads");
        ours.push(timed(|| upload(&endpoint, &token, &source, size))?);
    }
    let rss_peak = status_kib(server.id(), "VmHWM")?;
    server.kill()?;
    server.wait()?;
    domain::db::drop_database(&services.config.database_url).await?;
    let _ = std::fs::remove_dir_all(&work);

    let mut ratios: Vec<f64> = dd.iter().zip(&ours).map(|(dd, ours)| dd / ours).collect();
    ratios.sort_by(f64::total_cmp);
    let (ours, dd) = (median(ours), median(dd));
    let mib = (size >> 20) as f64;
    println!("| {gib} GiB, median of {rounds} | s | MiB/s | ratio of throughput |");
    println!("|---|---:|---:|---:|");
    println!("| `dd bs=8M conv=fsync` to the same disk (reference) | {dd:.2} | {:.0} | 1.00 |", mib / dd);
    println!(
        "| **ours: one tus PATCH over loopback (curl -T)** | {ours:.2} | {:.0} | **{:.2}** |",
        mib / ours,
        dd / ours
    );
    println!();
    println!(
        "per-round ratio (dd time / ours, same round): {} — spread {:.2}–{:.2}",
        ratios.iter().map(|r| format!("{r:.2}")).collect::<Vec<_>>().join(", "),
        ratios[0],
        ratios[ratios.len() - 1]
    );
    println!(
        "server resident memory: {:.0} MiB before, peak {:.0} MiB: **growth {:.0} MiB**",
        rss_before as f64 / 1024.0,
        rss_peak as f64 / 1024.0,
        (rss_peak - rss_before) as f64 / 1024.0
    );
    Ok(())
}

/// Creates the upload, then sends the whole file in one PATCH.
fn upload(endpoint: &str, token: &str, file: &Path, size: u64) -> Result<()> {
    let auth = format!("Authorization: Bearer {token}");
    let created = Command::new("curl")
        .args(["-sS", "-X", "POST", "-D", "-", "-o", "/dev/null", "-H", &auth, "-H", "Tus-Resumable: 1.0.0"])
        .args(["-H", &format!("Upload-Length: {size}"), "-H", "Upload-Metadata: filename YmlnLnBkZg==", endpoint])
        .output()?;
    let headers = String::from_utf8_lossy(&created.stdout);
    let location = headers
        .lines()
        .find_map(|l| l.strip_prefix("location: ").or_else(|| l.strip_prefix("Location: ")))
        .context("no Location in the creation response")?
        .trim();
    let url = format!("{}{}", endpoint.trim_end_matches("/api/uploads"), location);
    let patched = Command::new("curl")
        .args(["-sS", "-X", "PATCH", "-T"])
        .arg(file)
        .args([
            "-H",
            &auth,
            "-H",
            "Tus-Resumable: 1.0.0",
            "-H",
            "Upload-Offset: 0",
            "-H",
            "Content-Type: application/offset+octet-stream",
            "-H",
            "Expect:",
        ])
        .args(["-D", "-", "-o", "/dev/null", "-w", "%{http_code}", &url])
        .output()?;
    let answer = String::from_utf8_lossy(&patched.stdout);
    ensure!(answer.ends_with("204"), "PATCH answered {answer}: {}", String::from_utf8_lossy(&patched.stderr));
    // The premise: new bytes were stored, not answered by an asset that already had them.
    ensure!(
        !answer.to_ascii_lowercase().contains("asset-duplicate:"),
        "the upload was answered as a duplicate: the measurement needs new content"
    );
    Ok(())
}

/// `size` bytes: a PDF signature, then pseudo-random blocks (no compression anywhere to exploit).
fn make_file(path: &Path, size: u64) -> Result<()> {
    if std::fs::metadata(path).is_ok_and(|m| m.len() == size) {
        return Ok(());
    }
    let mut block = vec![0u8; BLOCK];
    let mut state = 0x2545_F491u32;
    for chunk in block.chunks_mut(4) {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        chunk.copy_from_slice(&state.to_le_bytes());
    }
    block[..9].copy_from_slice(b"%PDF-1.7\n");
    let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
    let mut written = 0u64;
    while written < size {
        let n = (size - written).min(BLOCK as u64) as usize;
        file.write_all(&block[..n])?;
        block[9] = block[9].wrapping_add(1);
        written += n as u64;
    }
    file.flush()?;
    Ok(())
}

fn status_kib(pid: u32, field: &str) -> Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let line = status.lines().find(|l| l.starts_with(field)).context("no such field in /proc/PID/status")?;
    Ok(line.split_whitespace().nth(1).context("malformed status line")?.parse()?)
}

async fn wait_until_up(port: u16) -> Result<()> {
    for _ in 0..400 {
        if Command::new("curl")
            .args(["-sf", "-o", "/dev/null", &format!("http://127.0.0.1:{port}/healthz")])
            .status()?
            .success()
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    anyhow::bail!("dam-server did not start")
}
