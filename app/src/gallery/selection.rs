//! Choosing assets in the gallery, as in Immich and Google Photos: a tile's checkbox (or a click
//! on any tile once something is chosen), Shift for everything between the last one clicked and
//! this one, Ctrl/⌘-A for everything listed, Esc to let go.

use leptos::prelude::*;
use uuid::Uuid;

use crate::ui::typing_in_a_field;

#[derive(Clone, Copy)]
pub struct Selection {
    pub chosen: RwSignal<Vec<Uuid>>,
    /// What the gallery lists, in its order (ranges and "all" are taken from it).
    pub listed: RwSignal<Vec<Uuid>>,
    anchor: StoredValue<Option<Uuid>>,
}

impl Selection {
    pub fn new() -> Self {
        Selection {
            chosen: RwSignal::new(Vec::new()),
            listed: RwSignal::new(Vec::new()),
            anchor: StoredValue::new(None),
        }
    }

    pub fn is_chosen(&self, id: Uuid) -> bool {
        self.chosen.with(|c| c.contains(&id))
    }

    pub fn is_empty(&self) -> bool {
        self.chosen.with(Vec::is_empty)
    }

    /// Chooses `id` (`on`) or lets it go; with `range`, also everything listed between the last
    /// one clicked and `id`.
    pub fn set(&self, id: Uuid, on: bool, range: bool) {
        let span = range
            .then(|| self.anchor.get_value())
            .flatten()
            .and_then(|anchor| {
                self.listed.with_untracked(|listed| {
                    let a = listed.iter().position(|x| *x == anchor)?;
                    let b = listed.iter().position(|x| *x == id)?;
                    Some(listed[a.min(b)..=a.max(b)].to_vec())
                })
            })
            .unwrap_or_else(|| vec![id]);
        self.chosen.update(|chosen| {
            chosen.retain(|x| !span.contains(x));
            if on {
                chosen.extend(span);
            }
        });
        self.anchor.set_value(Some(id));
    }

    pub fn all(&self) {
        self.chosen.set(self.listed.get_untracked());
    }

    pub fn clear(&self) {
        self.chosen.set(Vec::new());
        self.anchor.set_value(None);
    }
}

/// Ctrl/⌘-A and Esc on the gallery, except while typing or with a dialog open.
pub fn keyboard(selection: Selection) {
    Effect::new(move |_| {
        let handle = window_event_listener(leptos::ev::keydown, move |ev| {
            let dialog_open = document().query_selector("dialog[open]").ok().flatten().is_some();
            if typing_in_a_field() || ev.default_prevented() || dialog_open {
                return;
            }
            match ev.key().as_str() {
                "a" | "A" if (ev.ctrl_key() || ev.meta_key()) && !ev.alt_key() => {
                    ev.prevent_default();
                    selection.all();
                }
                "Escape" if !selection.chosen.with_untracked(Vec::is_empty) => {
                    ev.prevent_default();
                    selection.clear();
                }
                _ => {}
            }
        });
        on_cleanup(move || handle.remove());
    });
}
