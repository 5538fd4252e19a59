//! A modal dialog on the browser's own `<dialog>`: `showModal()` makes the rest of the page inert,
//! so focus stays inside and a screen reader reads only the dialog; Esc and a click on the dimmed
//! backdrop close it, and focus returns to where it was.

use leptos::{html, prelude::*};

use super::icons::{Icon, CLOSE};

/// Open while `open` is true. The children stay rendered while closed (a closed `<dialog>` is not
/// shown), so what was typed survives closing and opening again.
#[component]
pub fn Dialog(
    open: RwSignal<bool>,
    #[prop(into)] title: String,
    #[prop(into, optional)] testid: String,
    #[prop(optional, into)] class: Option<String>,
    children: Children,
) -> impl IntoView {
    let node = NodeRef::<html::Dialog>::new();
    Effect::new(move |_| {
        let Some(dialog) = node.get() else { return };
        match (open.get(), dialog.open()) {
            (true, false) => {
                let _ = dialog.show_modal();
            }
            (false, true) => dialog.close(),
            _ => {}
        }
    });
    let label = title.clone();
    let class = format!("dialog w-[32rem] max-w-[calc(100vw-2rem)] {}", class.unwrap_or_default());
    view! {
        <dialog node_ref=node class=class aria-label=label data-testid=testid
            on:close=move |_| open.set(false)
            // A click on the backdrop lands on the dialog element itself.
            on:click=move |ev| {
                use leptos::wasm_bindgen::JsCast;
                let on_backdrop = ev.target().zip(node.get_untracked()).is_some_and(|(target, dialog)| {
                    target.dyn_ref::<web_sys::Element>().is_some_and(|t| t == dialog.unchecked_ref::<web_sys::Element>())
                });
                if on_backdrop {
                    open.set(false);
                }
            }>
            <div class="flex items-start gap-2">
                <h2 class="flex-1 text-lg font-semibold">{title}</h2>
                <button type="button" class="btn btn-ghost btn-icon -mr-2 -mt-1" aria-label="Close" on:click=move |_| open.set(false)>
                    <Icon icon=CLOSE/>
                </button>
            </div>
            <div class="mt-3">{children()}</div>
        </dialog>
    }
}

/// "Are you sure?" for what cannot be taken back lightly: the question, what happens, and two
/// buttons; Cancel first, so Enter on an opened dialog does nothing harmful.
#[component]
pub fn Confirm(
    open: RwSignal<bool>,
    #[prop(into)] title: String,
    #[prop(into)] message: Signal<String>,
    #[prop(into)] action: String,
    #[prop(into, optional)] testid: String,
    #[prop(into)] busy: Signal<bool>,
    #[prop(into)] error: Signal<Option<String>>,
    on_confirm: impl Fn() + Send + Sync + 'static,
) -> impl IntoView {
    let confirm_id = if testid.is_empty() { String::new() } else { format!("{testid}-button") };
    view! {
        <Dialog open title testid>
            // Set as the paragraph's text rather than rendered into it: a message worked out from
            // data the page loads is empty when the server renders the (closed) dialog and filled in
            // the browser, and text that differs between the two is lost in hydration.
            <p class="text-sm text-fg-muted" data-testid="confirm-message" prop:textContent=move || message.get()></p>
            {move || error.get().map(|e| view! { <p class="alert alert-danger mt-3 text-sm" role="alert">{e}</p> })}
            <div class="mt-5 flex justify-end gap-2">
                <button type="button" class="btn btn-secondary" on:click=move |_| open.set(false)>"Cancel"</button>
                <button type="button" class="btn btn-danger" data-testid=confirm_id disabled=move || busy.get()
                    on:click=move |_| on_confirm()>{action}</button>
            </div>
        </Dialog>
    }
}
