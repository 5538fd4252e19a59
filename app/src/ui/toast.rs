//! Short notices at the bottom of the screen ("Moved to the trash · Undo"), announced to screen
//! readers and gone after a while (kept while the pointer or focus is on one). They live in the
//! app's frame, so a notice outlives the page that raised it: the viewer moves on after a trash,
//! its undo stays.

use std::{sync::Arc, time::Duration};

use leptos::prelude::*;

use super::icons::{Icon, CLOSE};

const SHOWN_FOR: Duration = Duration::from_secs(8);
/// Looked at again after this while someone is on the notice.
const HELD_FOR: Duration = Duration::from_secs(2);

type Undo = Arc<dyn Fn() + Send + Sync>;

#[derive(Clone)]
struct Toast {
    id: u64,
    text: String,
    undo: Option<Undo>,
}

#[derive(Clone, Copy)]
pub struct Toasts {
    shown: RwSignal<Vec<Toast>>,
    next_id: StoredValue<u64>,
}

pub fn provide_toasts() {
    provide_context(Toasts { shown: RwSignal::new(Vec::new()), next_id: StoredValue::new(0) });
}

pub fn use_toasts() -> Toasts {
    expect_context::<Toasts>()
}

impl Toasts {
    pub fn say(&self, text: impl Into<String>) {
        self.push(text.into(), None);
    }

    /// A notice with an Undo button that runs `undo`.
    pub fn say_with_undo(&self, text: impl Into<String>, undo: impl Fn() + Send + Sync + 'static) {
        self.push(text.into(), Some(Arc::new(undo)));
    }

    fn push(&self, text: String, undo: Option<Undo>) {
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        self.shown.update(|shown| shown.push(Toast { id, text, undo }));
        self.expire(id, SHOWN_FOR);
    }

    fn expire(self, id: u64, after: Duration) {
        set_timeout(
            move || {
                let held = document()
                    .query_selector(&format!("[data-toast-id=\"{id}\"]:is(:hover, :focus-within)"))
                    .ok()
                    .flatten()
                    .is_some();
                if held {
                    self.expire(id, HELD_FOR);
                } else {
                    self.dismiss(id);
                }
            },
            after,
        );
    }

    fn dismiss(&self, id: u64) {
        self.shown.update(|shown| shown.retain(|t| t.id != id));
    }
}

/// Where notices appear; once, in the app's frame.
#[component]
pub fn ToastRegion() -> impl IntoView {
    let toasts = use_toasts();
    view! {
        <div class="toast-region" role="status" aria-live="polite" data-testid="toasts">
            <For each=move || toasts.shown.get() key=|t| t.id let:toast>
                {
                    let id = toast.id;
                    view! {
                        <div class="toast" data-testid="toast" data-toast-id=id.to_string()>
                            <span class="flex-1">{toast.text.clone()}</span>
                            {toast.undo.clone().map(|undo| view! {
                                <button type="button" class="btn btn-sm" data-testid="toast-undo" on:click=move |_| {
                                    toasts.dismiss(id);
                                    undo();
                                }>"Undo"</button>
                            })}
                            <button type="button" class="btn btn-icon btn-sm" aria-label="Dismiss" on:click=move |_| toasts.dismiss(id)>
                                <Icon icon=CLOSE class="h-4 w-4"/>
                            </button>
                        </div>
                    }
                }
            </For>
        </div>
    }
}
