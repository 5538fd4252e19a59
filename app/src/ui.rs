//! Small pieces shared by the pages: who is signed in, route guards, error text.

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

/// Whether the signed-in person may do `permission` (false while loading or signed out). The
/// server checks again on every call; this only decides what to offer.
pub fn may(permission: Permission) -> impl Fn() -> bool + Copy + Send + Sync + 'static {
    let me = use_current_user();
    move || me.get().and_then(Result::ok).flatten().is_some_and(|u| policy::allows(u.role, permission))
}

/// The message of a server function error, without the framework's prefix.
pub fn error_text(error: &ServerFnError) -> String {
    match error {
        ServerFnError::ServerError(message) => message.clone(),
        other => other.to_string(),
    }
}

/// `1536` → `1.5 KB`.
pub fn human_size(bytes: i64) -> String {
    let units = ["B", "KB", "MB", "GB", "TB"];
    let mut size = bytes as f64;
    let mut unit = 0;
    while size >= 1024.0 && unit < units.len() - 1 {
        size /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{size:.1} {}", units[unit])
    }
}

/// Renders its children only for someone allowed `permission`: others are sent to the sign-in
/// page, or told they lack the right. (The server checks again on every call.)
#[component]
pub fn RequirePermission(permission: Permission, children: ChildrenFn) -> impl IntoView {
    let me = use_current_user();
    view! {
        <Suspense fallback=|| view! { <p class="text-slate-500">"Loading…"</p> }>
            {move || {
                let children = children.clone();
                Suspend::new(async move {
                    match me.await {
                        Ok(Some(user)) if policy::allows(user.role, permission) => children().into_any(),
                        Ok(Some(_)) => {
                            #[cfg(feature = "ssr")]
                            if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
                                response.set_status(axum::http::StatusCode::FORBIDDEN);
                            }
                            view! { <p class="text-red-700" role="alert">"You do not have access to this page."</p> }.into_any()
                        }
                        Ok(None) => view! { <Redirect path="/login"/> }.into_any(),
                        Err(e) => view! { <p class="text-red-700" role="alert">{error_text(&e)}</p> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}
