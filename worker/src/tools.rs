//! Command-line decoders the worker runs for formats no Rust crate reads well (PDF via poppler,
//! HEIC/AVIF via libheif): each under a time limit, killed if it overruns, never through a shell.

use std::{ffi::OsStr, process::Stdio, time::Duration};

use tokio::process::Command;

#[derive(Debug, thiserror::Error)]
pub enum ToolError {
    /// Not installed on this worker: a deployment problem, not the file's fault.
    #[error("{0} is not installed on the worker")]
    Missing(&'static str),
    #[error("{tool} took longer than {seconds} s")]
    TimedOut { tool: &'static str, seconds: u64 },
    /// The tool ran and refused the input; `stderr` says why.
    #[error("{tool} failed: {stderr}")]
    Failed { tool: &'static str, stderr: String },
}

/// Runs `tool args…` and returns its standard output.
pub async fn run<I, S>(tool: &'static str, args: I, limit: Duration) -> Result<Vec<u8>, ToolError>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let child = Command::new(tool)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|_| ToolError::Missing(tool))?;
    let output = match tokio::time::timeout(limit, child.wait_with_output()).await {
        Err(_) => return Err(ToolError::TimedOut { tool, seconds: limit.as_secs() }),
        Ok(Err(_)) => return Err(ToolError::Missing(tool)),
        Ok(Ok(output)) => output,
    };
    if output.status.success() {
        Ok(output.stdout)
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let stderr = stderr.lines().rfind(|l| !l.trim().is_empty()).unwrap_or("no message").trim().to_owned();
        Err(ToolError::Failed { tool, stderr })
    }
}
