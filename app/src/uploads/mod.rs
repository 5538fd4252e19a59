//! The upload queue: drop files (or pick them), watch one row per file with its progress and
//! speed, pause, resume or cancel it. Files go up over tus in 8 MiB requests, three files at a
//! time; an upload left unfinished (page closed, connection lost) continues from where the server
//! stands when the same file is added again.
//!
//! Without JavaScript the plain form still posts the files to the `upload_files` server function.

mod tray;
mod tus_client;

use crate::ui::icons::{Icon, UPLOAD};
use leptos::{prelude::*, task::spawn_local, wasm_bindgen::JsCast};
use web_sys::{File, FileList, HtmlInputElement, XmlHttpRequest};

/// Bytes per request: big enough to run at disk speed, small enough that a pause or a broken
/// connection loses little.
const CHUNK: f64 = 8.0 * 1024.0 * 1024.0;
const AT_ONCE: usize = 3;

#[derive(Clone, Debug, PartialEq)]
enum State {
    Waiting,
    Uploading,
    Paused,
    Done,
    /// Nothing was stored: the library has this content already, as the asset (name, id).
    AlreadyThere(String, String),
    Failed(String),
    Cancelled,
}

impl State {
    fn label(&self) -> &'static str {
        match self {
            State::Waiting => "waiting",
            State::Uploading => "uploading",
            State::Paused => "paused",
            State::Done => "done",
            State::AlreadyThere(..) => "already in the library",
            State::Failed(_) => "failed",
            State::Cancelled => "cancelled",
        }
    }
}

/// One file in the queue. Handles only: the browser objects stay in this thread's arena.
#[derive(Clone, Copy)]
struct Row {
    key: usize,
    name: StoredValue<String>,
    size: f64,
    sent: RwSignal<f64>,
    speed: RwSignal<f64>,
    state: RwSignal<State>,
    file: StoredValue<File, LocalStorage>,
    request: StoredValue<Option<XmlHttpRequest>, LocalStorage>,
    url: StoredValue<Option<String>>,
}

#[derive(Clone, Copy)]
struct Queue {
    rows: RwSignal<Vec<Row>>,
    on_done: Callback<()>,
}

impl Queue {
    fn add(self, files: FileList) {
        let start = self.rows.with_untracked(Vec::len);
        let added: Vec<Row> = (0..files.length())
            .filter_map(|i| files.get(i))
            .enumerate()
            .map(|(n, file)| Row {
                key: start + n,
                name: StoredValue::new(file.name()),
                size: file.size(),
                sent: RwSignal::new(0.0),
                speed: RwSignal::new(0.0),
                state: RwSignal::new(State::Waiting),
                file: StoredValue::new_local(file),
                request: StoredValue::new_local(None),
                url: StoredValue::new(None),
            })
            .collect();
        self.rows.update(|rows| rows.extend(added));
        self.pump();
    }

    /// Starts waiting rows while fewer than `AT_ONCE` are uploading.
    fn pump(self) {
        let rows = self.rows.get_untracked();
        let running = rows.iter().filter(|r| r.state.get_untracked() == State::Uploading).count();
        for row in
            rows.into_iter().filter(|r| r.state.get_untracked() == State::Waiting).take(AT_ONCE.saturating_sub(running))
        {
            row.state.set(State::Uploading);
            spawn_local(async move {
                let outcome = match upload(row).await {
                    Ok(Some(existing)) => Ok(already_there(existing).await),
                    Ok(None) => Ok(State::Done),
                    Err(reason) => Err(reason),
                };
                // A pause or cancel set the state already; anything else ends the row here.
                if row.state.get_untracked() == State::Uploading {
                    row.state.set(outcome.unwrap_or_else(State::Failed));
                    if row.state.get_untracked() == State::Done {
                        self.on_done.run(());
                    }
                }
                row.speed.set(0.0);
                self.pump();
            });
        }
    }

    fn pause(self, row: Row) {
        row.state.set(State::Paused);
        abort(row);
    }

    fn resume(self, row: Row) {
        row.state.set(State::Waiting);
        self.pump();
    }

    fn cancel(self, row: Row) {
        row.state.set(State::Cancelled);
        abort(row);
        if let Some(url) = row.url.get_value() {
            forget(row);
            spawn_local(async move { tus_client::cancel(&url).await });
        }
        self.pump();
    }
}

fn abort(row: Row) {
    if let Some(request) = row.request.get_value() {
        let _ = request.abort();
    }
}

/// Where the server keeps this file's unfinished upload, remembered across page loads.
fn remembered_key(row: Row) -> String {
    let file = row.file.get_value();
    format!("dam-upload:{}:{}:{}", file.name(), file.size(), file.last_modified())
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

fn forget(row: Row) {
    if let Some(storage) = local_storage() {
        let _ = storage.remove_item(&remembered_key(row));
    }
}

/// The row's end when the library had the file already: the existing asset by name.
async fn already_there(id: String) -> State {
    let name = match id.parse() {
        Ok(uuid) => crate::api::assets::get_asset(domain::operations::assets::AssetLookup { id: uuid, viewing: false })
            .await
            .map(|a| a.filename)
            .ok(),
        Err(_) => None,
    };
    State::AlreadyThere(name.unwrap_or_else(|| "another file".into()), id)
}

/// Runs one file's upload until it is done, refused, paused or cancelled; `Some(id)` when the
/// library already had its content, as asset `id`.
async fn upload(row: Row) -> Result<Option<String>, String> {
    let keep = move |request: XmlHttpRequest| row.request.set_value(Some(request));
    let lost = |_| "The connection was lost; press Resume to continue".to_owned();
    let mut offset = None;
    let saved = local_storage().and_then(|s| s.get_item(&remembered_key(row)).ok().flatten());
    if let Some(url) = saved.or_else(|| row.url.get_value()) {
        let reply = tus_client::status(&url, keep).await.map_err(lost)?;
        if reply.status == 200 && reply.asset_id.is_some() {
            forget(row);
            row.sent.set(row.size);
            return Ok(None);
        }
        if reply.status == 200 {
            row.url.set_value(Some(url));
            offset = reply.offset;
            row.sent.set(offset.unwrap_or(0) as f64);
        }
    }
    let url = match (offset, row.url.get_value()) {
        (Some(_), Some(url)) => url,
        _ => {
            let reply = tus_client::create(&row.name.get_value(), row.size, keep).await.map_err(lost)?;
            let url =
                reply.location.filter(|_| reply.status == 201).ok_or_else(|| refusal(reply.error, reply.status))?;
            if let Some(storage) = local_storage() {
                let _ = storage.set_item(&remembered_key(row), &url);
            }
            row.url.set_value(Some(url.clone()));
            offset = Some(0);
            url
        }
    };
    let mut offset = offset.unwrap_or(0);
    let file = row.file.get_value();
    while (offset as f64) < row.size {
        if row.state.get_untracked() != State::Uploading {
            return Ok(None);
        }
        let end = (offset as f64 + CHUNK).min(row.size);
        let chunk =
            file.slice_with_f64_and_f64(offset as f64, end).map_err(|_| "The file could not be read".to_owned())?;
        let started = (js_sys::Date::now(), offset as f64);
        let progress = move |loaded: f64| {
            row.sent.set(started.1 + loaded);
            let seconds = (js_sys::Date::now() - started.0) / 1000.0;
            if seconds > 0.2 {
                row.speed.set(loaded / seconds);
            }
        };
        let reply = tus_client::append(&url, offset, &chunk, progress, keep).await.map_err(lost)?;
        match reply.status {
            204 => {
                offset = reply.offset.unwrap_or(end as u64);
                row.sent.set(offset as f64);
                if let Some(id) = reply.asset_id {
                    forget(row);
                    return Ok(reply.duplicate.then_some(id));
                }
            }
            // The server is ahead or behind (another tab, a retried request): ask and go on.
            409 => offset = tus_client::status(&url, keep).await.map_err(lost)?.offset.unwrap_or(offset),
            status => {
                forget(row);
                return Err(refusal(reply.error, status));
            }
        }
    }
    forget(row);
    Ok(None)
}

fn refusal(error: Option<String>, status: u16) -> String {
    error.unwrap_or_else(|| format!("The server refused the upload (HTTP {status})"))
}

/// The "Upload" button (a plain form posting the files without JavaScript), files dropped
/// anywhere on the page, and the floating tray showing each file's progress.
#[component]
pub fn UploadQueue(on_uploaded: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let queue = Queue { rows: RwSignal::new(Vec::new()), on_done: Callback::new(move |_| on_uploaded()) };
    let dragging = RwSignal::new(false);
    drop_anywhere(queue, dragging);
    // Files chosen before the page became interactive stay in the input without a change
    // handler having seen them: take them as soon as it is.
    let picker = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(input) = picker.get() {
            if let Some(files) = input.files().filter(|files| files.length() > 0) {
                queue.add(files);
                input.set_value("");
            }
        }
    });
    let on_pick = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) else { return };
        if let Some(files) = input.files() {
            queue.add(files);
        }
        input.set_value("");
    };
    view! {
        <form class="flex items-center gap-2" method="post" action="/api/fn/upload_files" enctype="multipart/form-data"
              data-testid="drop-zone" on:submit=|ev: leptos::ev::SubmitEvent| ev.prevent_default()>
            // The label is the button: focusable, and Enter or Space opens the file picker.
            <label class="btn btn-primary" tabindex="0" data-testid="upload-button"
                on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                    if ev.key() == "Enter" || ev.key() == " " {
                        ev.prevent_default();
                        if let Some(input) = picker.get() { input.click(); }
                    }
                }>
                <Icon icon=UPLOAD/>"Upload"
                <input type="file" name="files" multiple class="sr-only" tabindex="-1" data-testid="file-input" node_ref=picker on:change=on_pick/>
            </label>
            <noscript><button type="submit" class="btn btn-secondary">"Send"</button></noscript>
        </form>
        <div class="drop-overlay" class:hidden=move || !dragging.get() aria-hidden="true"
            on:dragleave=move |_| dragging.set(false)>
            <p class="flex items-center gap-2 text-lg font-semibold"><Icon icon=UPLOAD class="h-6 w-6"/>"Drop files to upload them"</p>
        </div>
        <tray::UploadTray queue/>
    }
    .into_any()
}

/// Files dragged over any part of the page show the drop overlay (which covers the page, so
/// leaving it is leaving the window); dropped, they join the queue.
fn drop_anywhere(queue: Queue, dragging: RwSignal<bool>) {
    fn carries_files(ev: &web_sys::DragEvent) -> bool {
        ev.data_transfer().is_some_and(|d| d.types().iter().any(|t| t.as_string().as_deref() == Some("Files")))
    }
    Effect::new(move |_| {
        let over = window_event_listener(leptos::ev::dragover, move |ev| {
            if carries_files(&ev) {
                ev.prevent_default();
                dragging.set(true);
            }
        });
        let drop = window_event_listener(leptos::ev::drop, move |ev| {
            dragging.set(false);
            if carries_files(&ev) {
                ev.prevent_default();
                if let Some(files) = ev.data_transfer().and_then(|d| d.files()) {
                    queue.add(files);
                }
            }
        });
        on_cleanup(move || {
            over.remove();
            drop.remove();
        });
    });
}
