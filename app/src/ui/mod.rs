//! The design system's pieces (icons, theme, buttons and the rest are CSS classes in
//! `style/tailwind.css`) and what pages share: who is signed in, route guards, error text.

pub mod dialog;
pub mod icons;
pub mod theme;
pub mod toast;

use domain::{
    dto::UserView,
    policy::{self, Permission},
};
use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::api::account::current_user;

/// The signed-in person, loaded once per page load and shared through context.
pub type CurrentUser = Resource<Result<Option<UserView>, ServerFnError>>;

pub fn provide_current_user() -> CurrentUser {
    let me = Resource::new(|| (), |_| current_user());
    provide_context(me);
    me
}

pub fn use_current_user() -> CurrentUser {
    expect_context::<CurrentUser>()
}

/// The person [`RequirePermission`] let in, for the page inside it: what a page offers is decided
/// from the person the guard already has, a plain value, not by reading the user resource again
/// from inside the guard's Suspense.
#[derive(Clone, Copy)]
struct SignedIn {
    id: uuid::Uuid,
    role: policy::Role,
}

/// Whether the signed-in person may do `permission` (false while loading or signed out). The
/// server checks again on every call; this only decides what to offer.
pub fn may(permission: Permission) -> impl Fn() -> bool + Copy + Send + Sync + 'static {
    let signed_in = signed_in();
    move || signed_in().is_some_and(|u| policy::allows(u.role, permission))
}

/// Who is signed in: the person the page's guard let in, else the user resource.
fn signed_in() -> impl Fn() -> Option<SignedIn> + Copy + Send + Sync + 'static {
    let let_in = use_context::<SignedIn>();
    let me = use_current_user();
    move || let_in.or_else(|| me.get().and_then(Result::ok).flatten().map(|u| SignedIn { id: u.id, role: u.role }))
}

/// A multi-line text input holding `value`. Leptos writes the children of `<textarea>` (like
/// those of `<script>`, `<style>` and `<noscript>`) into the page without escaping them, so text
/// someone typed must never be one: here the server's page gets it escaped, as the field's first
/// content, and the live value is the element's `value` property.
#[component]
pub fn TextArea(
    value: RwSignal<String>,
    #[prop(into)] label: String,
    #[prop(default = 3)] rows: u32,
    #[prop(default = 5000)] maxlength: u32,
    #[prop(into, optional)] testid: String,
) -> impl IntoView {
    let initial = html_escape::encode_text(&value.get_untracked()).into_owned();
    view! {
        <textarea rows=rows maxlength=maxlength aria-label=label data-testid=testid
            class="input w-full"
            prop:value=value on:input=move |ev| value.set(event_target_value(&ev))>{initial}</textarea>
    }
}

/// Whether the signed-in person may do `permission` to a thing the person with id `owner` made
/// (false while loading or signed out). The server checks again on every call.
pub fn may_on(permission: Permission) -> impl Fn(Option<uuid::Uuid>) -> bool + Copy + Send + Sync + 'static {
    let signed_in = signed_in();
    move |owner| signed_in().is_some_and(|u| policy::allows_on(u.role, u.id, permission, owner))
}

/// The message of a server function error, without the framework's prefix.
pub fn error_text(error: &ServerFnError) -> String {
    match error {
        ServerFnError::ServerError(message) => message.clone(),
        other => other.to_string(),
    }
}

/// `1536` → `1.5 KB` (see `domain::sizes`).
pub fn human_size(bytes: i64) -> String {
    domain::sizes::human_size(bytes.max(0) as u64)
}

/// Renders its children only for someone allowed `permission`: others are sent to the sign-in
/// page, or told they lack the right. (The server checks again on every call.)
///
/// The children render inside a Suspense, whose views Leptos re-runs a varying number of times
/// while it waits on the server. So a page makes its resources *before* this guard and hands them
/// in: a resource made inside would be made once or several times depending on timing, the data
/// sent with the page would not match what the browser makes, and hydration would fail
/// (`server/tests/web.rs` checks that every page sends the same resources on every load).
#[component]
pub fn RequirePermission(permission: Permission, children: ChildrenFn) -> impl IntoView {
    let me = use_current_user();
    view! {
        <Suspense fallback=|| view! { <p class="text-fg-muted">"Loading…"</p> }>
            {move || {
                let children = children.clone();
                Suspend::new(async move {
                    match me.await {
                        Ok(Some(user)) if policy::allows(user.role, permission) => {
                            provide_context(SignedIn { id: user.id, role: user.role });
                            children().into_any()
                        }
                        Ok(Some(_)) => {
                            #[cfg(feature = "ssr")]
                            if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
                                response.set_status(axum::http::StatusCode::FORBIDDEN);
                            }
                            view! { <p class="text-danger-text" role="alert">"You do not have access to this page."</p> }.into_any()
                        }
                        Ok(None) => view! { <Redirect path="/login"/> }.into_any(),
                        Err(e) => view! { <p class="text-danger-text" role="alert">{error_text(&e)}</p> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// Whether keyboard focus is in a field that takes typing (text, a select): shortcuts stand aside
/// then. A checkbox or a button does not count: Esc and Ctrl+A still work from a tile's checkbox.
pub fn typing_in_a_field() -> bool {
    document().active_element().is_some_and(|e| match e.tag_name().as_str() {
        "TEXTAREA" | "SELECT" => true,
        "INPUT" => !matches!(
            e.get_attribute("type").unwrap_or_default().as_str(),
            "checkbox" | "radio" | "button" | "submit" | "reset" | "file" | "range" | "color"
        ),
        _ => e.has_attribute("contenteditable"),
    })
}

/// Keeps `open` in step with a `<details>` element's own state (a click on its summary), for its
/// `toggle` event; the element's `prop:open` follows `open` the other way.
pub fn follow_details(ev: leptos::ev::Event, open: RwSignal<bool>) {
    use leptos::wasm_bindgen::JsCast;
    if let Some(details) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlDetailsElement>().ok()) {
        open.set(details.open());
    }
}

/// For a `<details>` menu's `keydown`: Esc closes the open menu and goes no further (so the page's
/// own Esc — closing the viewer — waits for the next press).
pub fn close_on_escape(open: RwSignal<bool>) -> impl Fn(leptos::ev::KeyboardEvent) + Copy + Send + Sync + 'static {
    move |ev| {
        if ev.key() == "Escape" && open.get_untracked() {
            ev.prevent_default();
            open.set(false);
        }
    }
}

/// Puts `text` on the clipboard; false where the browser offers no clipboard (a page that is not
/// served over https or from this machine) or refuses.
pub async fn copy_to_clipboard(text: &str) -> bool {
    use leptos::wasm_bindgen::JsValue;
    let navigator = window().navigator();
    let offered = js_sys::Reflect::get(&navigator, &JsValue::from_str("clipboard")).is_ok_and(|c| !c.is_undefined());
    offered && wasm_bindgen_futures::JsFuture::from(navigator.clipboard().write_text(text)).await.is_ok()
}

/// How many more items one "Show more" asks for (the API's default page).
pub const PAGE: usize = 100;

/// A list read page by page until it holds `wanted` items or ends. A list view keeps `wanted` in
/// a signal that "Show more" raises; because the resource reads every page again, an action that
/// changes the list (a restore, a revoke) reloads exactly what was on screen.
pub async fn read_pages<T, F, Fut>(wanted: usize, fetch: F) -> Result<domain::dto::Page<T>, ServerFnError>
where
    F: Fn(Option<String>) -> Fut,
    Fut: std::future::Future<Output = Result<domain::dto::Page<T>, ServerFnError>>,
{
    let mut page = fetch(None).await?;
    while page.items.len() < wanted {
        let Some(after) = page.next.clone() else { break };
        page.extend(fetch(Some(after)).await?);
    }
    Ok(page)
}

/// "Show more" under a paged list, shown while the list has more: raises `wanted` by a page.
#[component]
pub fn ShowMore(more: bool, wanted: RwSignal<usize>) -> impl IntoView {
    more.then(|| {
        view! {
            <button class="btn btn-secondary mt-4" data-testid="show-more"
                on:click=move |_| wanted.update(|w| *w += PAGE)>"Show more"</button>
        }
    })
}
