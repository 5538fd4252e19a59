//! A small tus 1.0 client for the browser, on `XMLHttpRequest` (the one browser API that reports
//! upload progress): create an upload, ask where it stands, send one chunk, cancel it. Runs only
//! in the hydrated app; the cookie session authenticates every request.

use base64::Engine;
use futures::channel::oneshot;
use leptos::wasm_bindgen::{closure::Closure, JsCast};
use web_sys::{Blob, ProgressEvent, XmlHttpRequest};

const ENDPOINT: &str = "/api/uploads";

/// What a tus request came back with.
pub struct Reply {
    pub status: u16,
    pub offset: Option<u64>,
    pub location: Option<String>,
    pub asset_id: Option<String>,
    /// The library already had this content: `asset_id` is the asset that has it.
    pub duplicate: bool,
    /// The server's own words, for refusals (the `detail` of its problem+json body).
    pub error: Option<String>,
}

#[derive(Debug)]
pub enum Failure {
    /// The request never completed (network down, server away, or aborted on purpose).
    Network,
}

/// Starts an upload of `length` bytes named `filename`; returns its URL.
pub async fn create(filename: &str, length: f64, abort: impl Fn(XmlHttpRequest)) -> Result<Reply, Failure> {
    let metadata = format!("filename {}", base64::engine::general_purpose::STANDARD.encode(filename.as_bytes()));
    let length = format!("{length}");
    send("POST", ENDPOINT, &[("Upload-Length", &length), ("Upload-Metadata", &metadata)], None, |_| {}, abort).await
}

pub async fn status(url: &str, abort: impl Fn(XmlHttpRequest)) -> Result<Reply, Failure> {
    send("HEAD", url, &[], None, |_| {}, abort).await
}

/// Sends `chunk` at `offset`; `progress` hears the bytes of this chunk sent so far.
pub async fn append(
    url: &str,
    offset: u64,
    chunk: &Blob,
    progress: impl FnMut(f64) + 'static,
    abort: impl Fn(XmlHttpRequest),
) -> Result<Reply, Failure> {
    let offset = offset.to_string();
    send(
        "PATCH",
        url,
        &[("Upload-Offset", &offset), ("Content-Type", "application/offset+octet-stream")],
        Some(chunk),
        progress,
        abort,
    )
    .await
}

pub async fn cancel(url: &str) {
    let _ = send("DELETE", url, &[], None, |_| {}, |_| {}).await;
}

/// One request as a future. `abort` receives the request so its owner can cancel it (pause).
async fn send(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<&Blob>,
    mut progress: impl FnMut(f64) + 'static,
    abort: impl Fn(XmlHttpRequest),
) -> Result<Reply, Failure> {
    let xhr = XmlHttpRequest::new().map_err(|_| Failure::Network)?;
    xhr.open(method, url).map_err(|_| Failure::Network)?;
    let _ = xhr.set_request_header("Tus-Resumable", "1.0.0");
    for (name, value) in headers {
        let _ = xhr.set_request_header(name, value);
    }
    let (done, finished) = oneshot::channel::<bool>();
    let done = std::rc::Rc::new(std::cell::RefCell::new(Some(done)));
    let finish = |ok: bool| {
        let done = done.clone();
        Closure::<dyn FnMut()>::new(move || {
            if let Some(tx) = done.borrow_mut().take() {
                let _ = tx.send(ok);
            }
        })
    };
    let (on_load, on_error, on_abort) = (finish(true), finish(false), finish(false));
    xhr.set_onload(Some(on_load.as_ref().unchecked_ref()));
    xhr.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    xhr.set_onabort(Some(on_abort.as_ref().unchecked_ref()));
    let on_progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |e: ProgressEvent| progress(e.loaded()));
    if let Ok(upload) = xhr.upload() {
        upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    }
    let sent = match body {
        Some(blob) => xhr.send_with_opt_blob(Some(blob)),
        None => xhr.send(),
    };
    sent.map_err(|_| Failure::Network)?;
    abort(xhr.clone());
    let completed = finished.await.unwrap_or(false);
    // The closures must live until the request is over; now they may go.
    drop((on_load, on_error, on_abort, on_progress));
    if !completed || xhr.status().unwrap_or(0) == 0 {
        return Err(Failure::Network);
    }
    let header = |name: &str| xhr.get_response_header(name).ok().flatten();
    let error = xhr
        .response_text()
        .ok()
        .flatten()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .and_then(|json| json["detail"].as_str().map(str::to_owned));
    Ok(Reply {
        status: xhr.status().unwrap_or(0),
        offset: header("Upload-Offset").and_then(|v| v.parse().ok()),
        location: header("Location"),
        asset_id: header("Asset-Id"),
        duplicate: header("Asset-Duplicate").is_some(),
        error,
    })
}
