//! Moving through the gallery from the viewer: previous / next in the order the gallery showed
//! (remembered in the tab's session storage when the gallery lists assets), with the arrow keys,
//! a swipe, or the buttons; Esc goes back to that gallery, `i` shows or hides the info panel.
//! Opened directly, without a gallery before it, the viewer has no neighbours and goes back to
//! the library.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{routes, ui::typing_in_a_field};

const KEY: &str = "dam.viewer.order";
/// A swipe shorter than this (CSS pixels) is a tap or a scroll, not a move to the next asset.
const SWIPE: f64 = 60.0;

#[derive(Serialize, Deserialize)]
struct Order {
    from: String,
    ids: Vec<Uuid>,
}

fn storage() -> Option<web_sys::Storage> {
    window().session_storage().ok().flatten()
}

/// Called by the gallery whenever what it lists changes (browser only: effects do not run on the
/// server).
pub fn remember_order(from: String, ids: Vec<Uuid>) {
    if let (Some(storage), Ok(text)) = (storage(), serde_json::to_string(&Order { from, ids })) {
        let _ = storage.set_item(KEY, &text);
    }
}

#[derive(Clone, Copy)]
pub struct Neighbours {
    current: Uuid,
    order: RwSignal<Vec<Uuid>>,
    /// The gallery to go back to.
    pub back: RwSignal<String>,
    touch_x: StoredValue<Option<f64>>,
}

impl Neighbours {
    pub fn of(current: Uuid) -> Self {
        let neighbours = Neighbours {
            current,
            order: RwSignal::new(Vec::new()),
            back: RwSignal::new(routes::LIBRARY.to_owned()),
            touch_x: StoredValue::new(None),
        };
        // After hydration, so the server's page and the browser's first render agree.
        Effect::new(move |_| {
            let saved = storage()
                .and_then(|s| s.get_item(KEY).ok().flatten())
                .and_then(|t| serde_json::from_str::<Order>(&t).ok());
            if let Some(order) = saved.filter(|o| o.ids.contains(&current)) {
                neighbours.order.set(order.ids);
                neighbours.back.set(order.from);
            }
        });
        neighbours
    }

    fn step(&self, by: isize) -> Option<String> {
        self.step_from(self.current, by)
    }

    fn step_from(&self, current: Uuid, by: isize) -> Option<String> {
        self.order.with(|ids| {
            let at = ids.iter().position(|id| *id == current)? as isize + by;
            usize::try_from(at).ok().and_then(|at| ids.get(at)).map(|id| routes::asset(*id))
        })
    }

    pub fn previous(&self) -> Option<String> {
        self.step(-1)
    }

    pub fn next(&self) -> Option<String> {
        self.step(1)
    }

    /// Where to go once the current asset has left the gallery (trashed): the next one, else the
    /// previous, else the gallery; the remembered order forgets it.
    pub fn after_leaving(&self) -> String {
        let target = self.next().or_else(|| self.previous()).unwrap_or_else(|| self.back.get_untracked());
        let rest = self.order.get_untracked().into_iter().filter(|id| *id != self.current).collect();
        remember_order(self.back.get_untracked(), rest);
        target
    }

    pub fn touch_start(&self, ev: &web_sys::TouchEvent) {
        self.touch_x.set_value(ev.changed_touches().get(0).map(|t| f64::from(t.client_x())));
    }

    pub fn touch_end(&self, ev: &web_sys::TouchEvent) {
        let (Some(start), Some(end)) = (self.touch_x.get_value(), ev.changed_touches().get(0)) else { return };
        let moved = f64::from(end.client_x()) - start;
        let target = if moved > SWIPE {
            self.previous()
        } else if moved < -SWIPE {
            self.next()
        } else {
            None
        };
        if let Some(href) = target {
            use_navigate()(&href, Default::default());
        }
    }
}

/// ← → Esc and `i` anywhere on the page except while typing.
pub fn keyboard(neighbours: Neighbours, info: RwSignal<bool>) {
    let navigate = use_navigate();
    Effect::new(move |_| {
        let navigate = navigate.clone();
        let handle = window_event_listener(leptos::ev::keydown, move |ev| {
            if ev.ctrl_key() || ev.meta_key() || ev.alt_key() || ev.default_prevented() {
                return;
            }
            // An open dialog has the keys (Esc closes it, not the viewer).
            if typing_in_a_field() || document().query_selector("dialog[open]").ok().flatten().is_some() {
                return;
            }
            // From the asset in the address: right after a move, the page still shows the one
            // before until the next has loaded, and a quick second key counts from the new one.
            let path = window().location().pathname().unwrap_or_default();
            let here = routes::asset_in(&path).unwrap_or(neighbours.current);
            let target = match ev.key().as_str() {
                "ArrowLeft" => neighbours.step_from(here, -1),
                "ArrowRight" => neighbours.step_from(here, 1),
                "Escape" => Some(neighbours.back.get_untracked()),
                "i" => {
                    info.update(|i| *i = !*i);
                    None
                }
                _ => return,
            };
            ev.prevent_default();
            if let Some(href) = target {
                navigate(&href, Default::default());
            }
        });
        on_cleanup(move || handle.remove());
    });
}
