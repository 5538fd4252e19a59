//! A small S3 server for stacks without MinIO (the local Swarm test, deploy/local): `s3s-fs`, the
//! S3-over-a-directory server the tests use, with signature checking on.
//!
//!     dam-s3-standin --root /data --address 0.0.0.0:9000
//!
//! Keys come from S3_ACCESS_KEY / S3_SECRET_KEY, or from the files S3_ACCESS_KEY_FILE /
//! S3_SECRET_KEY_FILE name (Docker secrets). Not for production: no TLS, one key pair.

use clap::Parser;
use hyper_util::{
    rt::{TokioExecutor, TokioIo},
    server::conn::auto::Builder as ConnBuilder,
};
use s3s::{auth::SimpleAuth, service::S3ServiceBuilder};

#[derive(Parser)]
struct Args {
    /// The directory holding the buckets (one folder each).
    #[arg(long)]
    root: std::path::PathBuf,
    #[arg(long, default_value = "127.0.0.1:9000")]
    address: std::net::SocketAddr,
}

fn setting(name: &str) -> anyhow::Result<String> {
    if let Ok(value) = std::env::var(name) {
        return Ok(value);
    }
    let file = std::env::var(format!("{name}_FILE")).map_err(|_| anyhow::anyhow!("set {name} or {name}_FILE"))?;
    Ok(std::fs::read_to_string(&file)?.trim_end().to_owned())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    std::fs::create_dir_all(&args.root)?;
    let filesystem =
        s3s_fs::FileSystem::new(&args.root).map_err(|e| anyhow::anyhow!("{}: {e:?}", args.root.display()))?;
    let mut builder = S3ServiceBuilder::new(filesystem);
    builder.set_auth(SimpleAuth::from_single(setting("S3_ACCESS_KEY")?, setting("S3_SECRET_KEY")?));
    let service = builder.build();
    let listener = tokio::net::TcpListener::bind(args.address).await?;
    eprintln!("S3 on http://{} over {}", args.address, args.root.display());
    let http = ConnBuilder::new(TokioExecutor::new());
    loop {
        let (socket, _) = listener.accept().await?;
        let connection = http.serve_connection(TokioIo::new(socket), service.clone()).into_owned();
        tokio::spawn(async move {
            let _ = connection.await;
        });
    }
}
