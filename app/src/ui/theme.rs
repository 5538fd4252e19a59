//! Light and dark: the page follows the system's preference unless the person picks a theme,
//! which is kept in the `theme` cookie so the server renders the page in it (no flash of the
//! other theme). The colours themselves are in `style/tailwind.css`.

use leptos::prelude::*;

use super::icons::{Icon, DARK, LIGHT, SYSTEM};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    System,
    Light,
    Dark,
}

impl Theme {
    fn parse(value: &str) -> Self {
        match value {
            "light" => Theme::Light,
            "dark" => Theme::Dark,
            _ => Theme::System,
        }
    }

    /// The value of `data-theme` on `<html>` (none: follow the system).
    pub fn attribute(self) -> Option<&'static str> {
        match self {
            Theme::System => None,
            Theme::Light => Some("light"),
            Theme::Dark => Some("dark"),
        }
    }

    fn next(self) -> Self {
        match self {
            Theme::System => Theme::Light,
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::System,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Theme::System => "Theme: as the system",
            Theme::Light => "Theme: light",
            Theme::Dark => "Theme: dark",
        }
    }
}

/// The theme this page was rendered in: the request's cookie on the server, the page's
/// `data-theme` in the browser (the same value, so hydration agrees).
pub fn current() -> Theme {
    #[cfg(feature = "ssr")]
    {
        let cookies = use_context::<axum::http::request::Parts>()
            .and_then(|parts| parts.headers.get(axum::http::header::COOKIE)?.to_str().ok().map(str::to_owned))
            .unwrap_or_default();
        cookies
            .split(';')
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == "theme")
            .map_or(Theme::System, |(_, value)| Theme::parse(value))
    }
    #[cfg(not(feature = "ssr"))]
    {
        document()
            .document_element()
            .and_then(|root| root.get_attribute("data-theme"))
            .map_or(Theme::System, |v| Theme::parse(&v))
    }
}

/// A button cycling system → light → dark, applied at once and remembered for a year.
#[component]
pub fn ThemeToggle() -> impl IntoView {
    let theme = RwSignal::new(current());
    let pick = move |_| {
        let next = theme.get_untracked().next();
        theme.set(next);
        #[cfg(feature = "hydrate")]
        {
            use leptos::wasm_bindgen::JsCast;
            if let Some(root) = document().document_element() {
                let _ = match next.attribute() {
                    Some(value) => root.set_attribute("data-theme", value),
                    None => root.remove_attribute("data-theme"),
                };
            }
            if let Ok(html) = document().dyn_into::<web_sys::HtmlDocument>() {
                let value = next.attribute().unwrap_or("system");
                let _ = html.set_cookie(&format!("theme={value}; path=/; max-age=31536000; samesite=lax"));
            }
        }
    };
    view! {
        <button type="button" class="btn btn-ghost btn-icon" data-testid="theme-toggle"
            aria-label=move || theme.get().label() title=move || theme.get().label() on:click=pick>
            {move || {
                let icon = match theme.get() {
                    Theme::System => SYSTEM,
                    Theme::Light => LIGHT,
                    Theme::Dark => DARK,
                };
                view! { <Icon icon/> }
            }}
        </button>
    }
}
