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
    view! {
        <header class="border-b border-slate-200 bg-white">
            <nav class="mx-auto flex max-w-6xl items-center gap-5 px-4 py-3 text-sm">
                <a href="/" class="text-lg font-semibold">"DAM"</a>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        match me.await {
                            Ok(Some(user)) => {
                                let admin = policy::allows(user.role, Permission::ManageUsers);
                                let trash = policy::allows(user.role, Permission::Trash);
                                view! {
                                    <a href="/">"Library"</a>
                                    <a href="/collections">"Collections"</a>
                                    {trash.then(|| view! { <a href="/trash">"Trash"</a> })}
                                    {admin.then(|| view! {
                                        <a href="/admin">"Dashboard"</a>
                                        <a href="/admin/users">"Users"</a>
                                        <a href="/admin/audit">"Audit log"</a>
                                    })}
                                    <span class="ml-auto text-slate-500" data-testid="signed-in-as">
                                        {format!("{} · {}", user.email, user.role.as_str())}
                                    </span>
                                    <a href="/settings">"Settings"</a>
                                    <ActionForm action=logout>
                                        <button type="submit" class="underline">"Sign out"</button>
                                    </ActionForm>
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
