//! The web UI: Leptos components rendered on the server (feature `ssr`) and hydrated in the
//! browser (feature `hydrate`), plus the server functions they call.

pub mod account;
pub mod admin;
pub mod api;
pub mod gallery;
mod layout;
pub mod sharing;
pub mod ui;
pub mod uploads;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body class="min-h-screen bg-slate-50 text-slate-900">
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    ui::provide_current_user();
    // Lets end-to-end tests (and people debugging) see when the page has become interactive.
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <Stylesheet id="dam" href="/pkg/dam.css"/>
        <Title text="DAM"/>
        <Router>
            <layout::Header/>
            <main class="mx-auto max-w-6xl px-4 py-6">
                // Async rendering: access checks resolve before the first byte, so a page that
                // needs a sign-in answers with a real redirect.
                <Routes fallback=|| view! { <p>"Page not found."</p> }>
                    <Route path=path!("") view=gallery::GalleryPage ssr=SsrMode::Async/>
                    <Route path=path!("assets/:id") view=gallery::asset_page::AssetPage ssr=SsrMode::Async/>
                    <Route path=path!("trash") view=gallery::trash_page::TrashPage ssr=SsrMode::Async/>
                    <Route path=path!("collections") view=gallery::collections_page::CollectionsPage ssr=SsrMode::Async/>
                    <Route path=path!("s/:token") view=sharing::share_page::SharePage ssr=SsrMode::Async/>
                    <Route path=path!("login") view=account::login::LoginPage ssr=SsrMode::Async/>
                    <Route path=path!("settings") view=account::settings::SettingsPage ssr=SsrMode::Async/>
                    <Route path=path!("admin") view=admin::dashboard::DashboardPage ssr=SsrMode::Async/>
                    <Route path=path!("admin/users") view=admin::users::UsersPage ssr=SsrMode::Async/>
                    <Route path=path!("admin/audit") view=admin::audit::AuditPage ssr=SsrMode::Async/>
                </Routes>
            </main>
        </Router>
    }
}

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
