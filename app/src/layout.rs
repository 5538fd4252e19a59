//! The top bar: the brand, navigation for what the signed-in person may use, the theme, and
//! sign-out. Below the `md` width the links fold behind a Menu button.

use domain::policy::{self, Permission};
use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::{
    api::account::Logout,
    routes,
    ui::{
        error_text,
        icons::{Icon, MENU, SETTINGS, SIGN_OUT},
        theme::ThemeToggle,
        use_current_user,
    },
};

#[component]
pub fn Header() -> impl IntoView {
    let me = use_current_user();
    let logout = ServerAction::<Logout>::new();
    Effect::new(move |_| {
        if logout.value().with(|v| matches!(v, Some(Ok(())))) {
            let _ = window().location().set_href(routes::LOGIN);
        }
    });
    let open = RwSignal::new(false);
    view! {
        <header class="sticky top-0 z-40 border-b border-line bg-surface">
            <nav class="flex flex-wrap items-center gap-x-1 gap-y-2 px-4 py-2 text-sm md:px-6" aria-label="Main">
                <a href=routes::LIBRARY class="brand mr-4 flex items-center gap-2 text-base font-semibold text-fg no-underline" aria-label="Home">
                    <span class="brand-mark" aria-hidden="true"></span>
                    <span class="brand-name" aria-hidden="true"></span>
                </a>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        match me.await {
                            Ok(Some(user)) => {
                                let admin = policy::allows(user.role, Permission::ManageUsers);
                                let trash = policy::allows(user.role, Permission::Trash);
                                let menu_class = move || {
                                    let shown = if open.get() { "flex" } else { "hidden" };
                                    format!("{shown} w-full flex-col gap-1 pb-2 md:flex md:w-auto md:flex-1 md:flex-row md:items-center md:pb-0")
                                };
                                view! {
                                    <div class="ml-auto flex items-center gap-1 md:hidden">
                                        <ThemeToggle/>
                                        <button type="button" class="btn btn-secondary btn-sm"
                                            aria-controls="main-menu" aria-expanded=move || open.get().to_string()
                                            data-testid="menu-button" on:click=move |_| open.update(|o| *o = !*o)>
                                            <Icon icon=MENU/>"Menu"
                                        </button>
                                    </div>
                                    // Following a link closes the menu (the header stays while pages change).
                                    <div id="main-menu" class=menu_class on:click=move |_| open.set(false)>
                                        <NavLink href=routes::LIBRARY>"Library"</NavLink>
                                        <NavLink href=routes::COLLECTIONS>"Collections"</NavLink>
                                        {trash.then(|| view! { <NavLink href=routes::TRASH>"Trash"</NavLink> })}
                                        {admin.then(|| view! {
                                            <NavLink href=routes::DASHBOARD>"Dashboard"</NavLink>
                                            <NavLink href=routes::USERS>"Users"</NavLink>
                                            <NavLink href=routes::AUDIT>"Audit log"</NavLink>
                                        })}
                                        <span class="px-3 text-xs text-fg-muted md:ml-auto" data-testid="signed-in-as">
                                            {format!("{} · {}", user.email, user.role.as_str())}
                                        </span>
                                        <span class="hidden md:inline-flex"><ThemeToggle/></span>
                                        <a href=routes::SETTINGS class="btn btn-ghost justify-start">
                                            <Icon icon=SETTINGS/>"Settings"
                                        </a>
                                        <ActionForm action=logout>
                                            <button type="submit" class="btn btn-ghost w-full justify-start">
                                                <Icon icon=SIGN_OUT/>"Sign out"
                                            </button>
                                        </ActionForm>
                                    </div>
                                }
                                .into_any()
                            }
                            Ok(None) => view! {
                                <span class="ml-auto flex items-center gap-1">
                                    <ThemeToggle/>
                                    <a href=routes::LOGIN class="btn btn-primary">"Sign in"</a>
                                </span>
                            }
                            .into_any(),
                            Err(e) => view! { <span class="ml-auto text-danger-text">{error_text(&e)}</span> }.into_any(),
                        }
                    })}
                </Transition>
            </nav>
        </header>
    }
}

/// A link in the top bar, marked as the current page where it is.
#[component]
fn NavLink(href: &'static str, children: Children) -> impl IntoView {
    let location = use_location();
    let current = move || (location.pathname.get() == href).then_some("page");
    view! {
        <a href=href aria-current=current
            class="rounded-lg px-3 py-1.5 font-medium text-fg-muted no-underline hover:bg-muted hover:text-fg aria-[current=page]:bg-accent-soft aria-[current=page]:text-accent-text">
            {children()}
        </a>
    }
}
