//! Every page's path, declared once: the router below and every link use these, so moving the
//! pages under a prefix (a workspace's `/w/:slug`) is a change here.

use leptos::prelude::*;
use leptos_router::{
    components::{Route, Routes},
    path, SsrMode,
};
use uuid::Uuid;

use crate::{account, admin, gallery, sharing};

pub const LIBRARY: &str = "/";
pub const COLLECTIONS: &str = "/collections";
pub const TRASH: &str = "/trash";
pub const LOGIN: &str = "/login";
pub const SETTINGS: &str = "/settings";
pub const DASHBOARD: &str = "/admin";
pub const USERS: &str = "/admin/users";
pub const AUDIT: &str = "/admin/audit";

/// One asset's page (the viewer).
pub fn asset(id: Uuid) -> String {
    format!("/assets/{id}")
}

/// The asset a viewer address (`asset`'s) shows.
pub fn asset_in(path: &str) -> Option<Uuid> {
    path.strip_prefix("/assets/")?.parse().ok()
}

/// The library searched inside one collection.
pub fn collection(id: Uuid) -> String {
    format!("/?collection={id}")
}

/// The pages. Async rendering: access checks resolve before the first byte, so a page that needs a
/// sign-in answers with a real redirect.
#[component]
pub fn AppRoutes() -> impl IntoView {
    view! {
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
    }
}
