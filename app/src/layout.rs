//! The header: navigation for what the signed-in person may use, and sign-out.

use domain::policy::{self, Permission};
use leptos::prelude::*;

use crate::{
    api::account::Logout,
    ui::{error_text, use_current_user},
};

#[component]
pub fn Header() -> impl IntoView {
    let me = use_current_user();
    let logout = ServerAction::<Logout>::new();
    Effect::new(move |_| {
        if logout.value().with(|v| matches!(v, Some(Ok(())))) {
            let _ = window().location().set_href("/login");
        }
    });
    // The phone's menu (below the `md` width the links fold away behind a button).
    let open = RwSignal::new(false);
    view! {
        <header class="border-b border-slate-200 bg-white">
            <nav class="mx-auto flex max-w-6xl flex-wrap items-center gap-x-5 gap-y-2 px-4 py-3 text-sm" aria-label="Main">
                <a href="/" class="text-lg font-semibold">"DAM"</a>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        match me.await {
                            Ok(Some(user)) => {
                                let admin = policy::allows(user.role, Permission::ManageUsers);
                                let trash = policy::allows(user.role, Permission::Trash);
                                let menu_class = move || {
                                    let shown = if open.get() { "flex" } else { "hidden" };
                                    format!("{shown} w-full flex-col gap-3 md:flex md:w-auto md:flex-1 md:flex-row md:items-center md:gap-5")
                                };
                                view! {
                                    <button type="button" class="ml-auto rounded border border-slate-300 px-3 py-1.5 md:hidden"
                                        aria-controls="main-menu" aria-expanded=move || open.get().to_string()
                                        data-testid="menu-button" on:click=move |_| open.update(|o| *o = !*o)>"Menu"</button>
                                    // Following a link closes the menu (the header stays while pages change).
                                    <div id="main-menu" class=menu_class on:click=move |_| open.set(false)>
                                        <a href="/">"Library"</a>
                                        <a href="/collections">"Collections"</a>
                                        {trash.then(|| view! { <a href="/trash">"Trash"</a> })}
                                        {admin.then(|| view! {
                                            <a href="/admin">"Dashboard"</a>
                                            <a href="/admin/users">"Users"</a>
                                            <a href="/admin/audit">"Audit log"</a>
                                        })}
                                        <span class="break-all text-slate-500 md:ml-auto" data-testid="signed-in-as">
                                            {format!("{} · {}", user.email, user.role.as_str())}
                                        </span>
                                        <a href="/settings">"Settings"</a>
                                        <ActionForm action=logout>
                                            <button type="submit" class="underline">"Sign out"</button>
                                        </ActionForm>
                                    </div>
                                }
                                .into_any()
                            }
                            Ok(None) => view! { <a href="/login" class="ml-auto">"Sign in"</a> }.into_any(),
                            Err(e) => view! { <span class="ml-auto text-red-700">{error_text(&e)}</span> }.into_any(),
                        }
                    })}
                </Transition>
            </nav>
        </header>
    }
}
