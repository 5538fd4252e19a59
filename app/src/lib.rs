//! The web UI: Leptos components rendered on the server (feature `ssr`) and hydrated in the
//! browser (feature `hydrate`), plus the server functions they call.

#![recursion_limit = "256"]

pub mod account;
pub mod admin;
pub mod api;
pub mod gallery;
mod layout;
pub mod routes;
pub mod sharing;
pub mod ui;
pub mod uploads;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::Router;

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // The bundle's files share one name, content-hashed by `make front` (server/src/bundle.rs).
    let stylesheet = format!("/{}/{}.css", options.site_pkg_dir, options.output_name);
    view! {
        <!DOCTYPE html>
        <html lang="en" data-theme=ui::theme::current().attribute()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="stylesheet" href=stylesheet/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body class="min-h-screen">
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    ui::provide_current_user();
    ui::toast::provide_toasts();
    gallery::LibraryChanges::provide();
    // Lets end-to-end tests (and people debugging) see when the page has become interactive.
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <Title text="DAM"/>
        <Router>
            <a href="#main" class="skip-link">"Skip to content"</a>
            <layout::Header/>
            <main id="main" tabindex="-1" class="px-4 py-4 outline-none md:px-6">
                <routes::AppRoutes/>
            </main>
            <ui::toast::ToastRegion/>
        </Router>
    }
}

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
