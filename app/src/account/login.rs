use leptos::prelude::*;
use leptos_router::{components::Redirect, hooks::use_query_map};

use crate::{
    api::account::{sso_options, Login},
    ui::{error_text, use_current_user},
};

#[component]
pub fn LoginPage() -> impl IntoView {
    let me = use_current_user();
    let login = ServerAction::<Login>::new();
    let sso = Resource::new(|| (), |_| sso_options());
    let sso_error = move || use_query_map().with(|q| q.get("sso_error"));
    // A full page load after signing in, so every part of the page is rendered for the new user.
    Effect::new(move |_| {
        if login.value().with(|v| matches!(v, Some(Ok(_)))) {
            let _ = window().location().set_href("/");
        }
    });
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                matches!(me.await, Ok(Some(_))).then(|| view! { <Redirect path="/"/> })
            })}
        </Suspense>
        <section class="mx-auto mt-10 max-w-sm rounded-lg border border-line bg-surface p-6 shadow-sm">
            <h1 class="mb-4 text-xl font-semibold">"Sign in"</h1>
            {move || sso_error().map(|message| view! {
                <p class="mb-3 text-sm text-danger-text" role="alert" data-testid="sso-error">{format!("Single sign-on failed: {message}")}</p>
            })}
            <ActionForm action=login attr:class="space-y-3">
                <label class="block text-sm">"E-mail"
                    <input type="email" name="email" required autocomplete="username" class="input mt-1 w-full"/>
                </label>
                <label class="block text-sm">"Password"
                    <input type="password" name="password" required autocomplete="current-password" class="input mt-1 w-full"/>
                </label>
                <button type="submit" class="btn btn-primary w-full">"Sign in"</button>
            </ActionForm>
            {move || login.value().get().and_then(|r| r.err()).map(|e| view! {
                <p class="mt-3 text-sm text-danger-text" role="alert">{error_text(&e)}</p>
            })}
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    sso.await.ok().flatten().map(|label| view! {
                        <div class="mt-4 border-t border-line pt-4">
                            <a href="/auth/oidc/login" rel="external" class="btn btn-secondary w-full">{label}</a>
                        </div>
                    })
                })}
            </Suspense>
        </section>
    }
}
