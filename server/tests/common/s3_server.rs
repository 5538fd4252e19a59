//! A real S3-protocol server for tests: `s3s-fs` (S3 over a directory) served in-process on a
//! random port, with signature checking on, so the S3 backend speaks real HTTP, SigV4 and multipart.

use std::path::PathBuf;

use hyper_util::{
    rt::{TokioExecutor, TokioIo},
    server::conn::auto::Builder as ConnBuilder,
};
use s3s::{auth::SimpleAuth, service::S3ServiceBuilder};

pub const ACCESS_KEY: &str = "dam-test-access";
pub const SECRET_KEY: &str = "dam-test-secret-key";

pub struct S3Server {
    pub endpoint: String,
    /// Where s3s-fs keeps the buckets (a bucket is a folder, an object a file).
    pub root: PathBuf,
}

impl S3Server {
    pub async fn start() -> S3Server {
        let root = std::env::temp_dir().join(format!("dam-s3-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&root).unwrap();
        let fs = s3s_fs::FileSystem::new(&root).expect("s3s-fs root");
        let mut builder = S3ServiceBuilder::new(fs);
        builder.set_auth(SimpleAuth::from_single(ACCESS_KEY, SECRET_KEY));
        let service = builder.build();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            let http = ConnBuilder::new(TokioExecutor::new());
            while let Ok((socket, _)) = listener.accept().await {
                let connection = http.serve_connection(TokioIo::new(socket), service.clone()).into_owned();
                tokio::spawn(async move {
                    let _ = connection.await;
                });
            }
        });
        S3Server { endpoint, root }
    }

    /// The configuration that points the app at this server.
    pub fn config(&self, bucket: &str) -> Vec<(&'static str, String)> {
        vec![
            ("STORAGE_BACKEND", "s3".into()),
            ("S3_ENDPOINT", self.endpoint.clone()),
            ("S3_BUCKET", bucket.into()),
            ("S3_ACCESS_KEY", ACCESS_KEY.into()),
            ("S3_SECRET_KEY", SECRET_KEY.into()),
        ]
    }

    /// Traces of multipart uploads started but neither completed nor aborted (s3s-fs keeps their
    /// parts and state in its root as `.upload_id-…` / `.upload-…` files).
    pub fn leftover_entries(&self) -> Vec<String> {
        std::fs::read_dir(&self.root)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".upload"))
            .collect()
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}
