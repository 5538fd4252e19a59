use domain::dto::UploadReport;
use leptos::{prelude::*, wasm_bindgen::JsCast};
use web_sys::{FormData, HtmlFormElement};

use crate::api::assets::upload_files;

#[component]
pub fn UploadForm(on_uploaded: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    // FormData lives in the browser only, so the action is local (not Send).
    let upload = Action::new_local(|data: &FormData| upload_files(data.clone().into()));
    let report = upload.value();

    Effect::new(move |_| {
        if report.with(|r| r.as_ref().is_some_and(Result::is_ok)) {
            on_uploaded();
        }
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(form) = ev.target().and_then(|t| t.dyn_into::<HtmlFormElement>().ok()) else { return };
        if let Ok(data) = FormData::new_with_form(&form) {
            upload.dispatch_local(data);
            form.reset();
        }
    };

    view! {
        <form on:submit=submit class="flex flex-wrap items-center gap-3 rounded-lg border border-dashed border-slate-300 bg-white p-4"
              method="post" action="/api/fn/upload_files" enctype="multipart/form-data">
            <label class="text-sm">
                <span class="sr-only">"Files to upload"</span>
                <input type="file" name="files" multiple required data-testid="file-input"/>
            </label>
            <button type="submit" class="rounded bg-slate-900 px-4 py-2 text-sm font-medium text-white disabled:opacity-50"
                    disabled=move || upload.pending().get()>
                {move || if upload.pending().get() { "Uploading…" } else { "Upload" }}
            </button>
            {move || report.get().map(|result| match result {
                Ok(report) => view! { <UploadResult report/> }.into_any(),
                Err(e) => view! { <p class="text-sm text-red-700" role="alert">{format!("Upload failed: {}", crate::ui::error_text(&e))}</p> }.into_any(),
            })}
        </form>
    }
}

#[component]
fn UploadResult(report: UploadReport) -> impl IntoView {
    let accepted = report.accepted.len();
    view! {
        <div class="w-full text-sm" data-testid="upload-result">
            {(accepted > 0).then(|| view! { <p class="text-emerald-700">{format!("{accepted} file(s) uploaded; processing…")}</p> })}
            <ul class="text-red-700" role="alert">
                {report.rejected.into_iter().map(|r| view! { <li>{r.error}</li> }).collect_view()}
            </ul>
        </div>
    }
}
