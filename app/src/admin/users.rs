use domain::{
    dto::{Page, PageRequest, UserView},
    operations::admin::UserChange,
    policy::{Permission, Role},
};
use leptos::prelude::*;

use crate::{
    api::admin::{list_users, CreateUser, UpdateUser},
    ui::{error_text, read_pages, RequirePermission, ShowMore, PAGE},
};

#[component]
pub fn UsersPage() -> impl IntoView {
    // Made here, once, not inside the guard's Suspense (see `ui::RequirePermission`).
    let create = ServerAction::<CreateUser>::new();
    let update = ServerAction::<UpdateUser>::new();
    let wanted = RwSignal::new(PAGE);
    let users = Resource::new(
        move || (create.version().get(), update.version().get(), wanted.get()),
        |(_, _, wanted)| read_pages(wanted, |after| list_users(PageRequest { after, limit: None })),
    );
    view! {
        <RequirePermission permission=Permission::ManageUsers>
            <UsersAdmin create update users wanted/>
        </RequirePermission>
    }
}

#[component]
fn UsersAdmin(
    create: ServerAction<CreateUser>,
    update: ServerAction<UpdateUser>,
    users: Resource<Result<Page<UserView>, ServerFnError>>,
    wanted: RwSignal<usize>,
) -> impl IntoView {
    view! {
            <h1 class="mb-6 text-2xl font-semibold">"Users"</h1>
            <section class="mb-6 rounded-lg border border-slate-200 bg-white p-4">
                <h2 class="mb-2 font-semibold">"Add a user"</h2>
                <ActionForm action=create attr:class="flex flex-wrap items-end gap-3 text-sm">
                    <label>"E-mail" <input type="email" name="input[email]" required class="ml-2 rounded border border-slate-300 px-2 py-1"/></label>
                    <label>"Name" <input name="input[display_name]" class="ml-2 rounded border border-slate-300 px-2 py-1"/></label>
                    <label>"Role" <RoleSelect name="input[role]" selected=Role::Viewer/></label>
                    <label>"Password (empty: generate)" <input type="password" name="input[password]" autocomplete="new-password" class="ml-2 rounded border border-slate-300 px-2 py-1"/></label>
                    <button type="submit" class="rounded bg-slate-900 px-3 py-1.5 text-white">"Add user"</button>
                </ActionForm>
                {move || create.value().get().map(|r| match r {
                    Ok(created) => view! {
                        <p class="mt-2 text-sm text-emerald-700" role="status">
                            {format!("Added {}.", created.user.email)}
                            {created.generated_password.map(|p| view! {
                                " One-time password (shown once): " <code class="font-mono" data-testid="generated-password">{p}</code>
                            })}
                        </p>
                    }.into_any(),
                    Err(e) => view! { <p class="mt-2 text-sm text-red-700" role="alert">{error_text(&e)}</p> }.into_any(),
                })}
            </section>
            {move || update.value().get().and_then(|r| r.err()).map(|e| view! {
                <p class="mb-3 text-sm text-red-700" role="alert">{error_text(&e)}</p>
            })}
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match users.await {
                        Ok(list) => view! {
                            <div class="overflow-x-auto"><table class="w-full text-left text-sm" data-testid="user-list">
                                <thead><tr><th>"E-mail"</th><th>"Name"</th><th>"Role"</th><th>"Status"</th><th>"Last sign-in"</th></tr></thead>
                                <tbody>{list.items.into_iter().map(|u| view! { <UserRow user=u update/> }).collect_view()}</tbody>
                            </table></div>
                            <ShowMore more=list.next.is_some() wanted/>
                        }.into_any(),
                        Err(e) => view! { <p class="text-red-700">{error_text(&e)}</p> }.into_any(),
                    }
                })}
            </Transition>
    }
}

#[component]
fn RoleSelect(name: &'static str, selected: Role) -> impl IntoView {
    view! {
        <select name=name class="ml-2 rounded border border-slate-300 px-2 py-1">
            {Role::ALL.into_iter().map(|r| view! { <option value=r.as_str() selected=r == selected>{r.as_str()}</option> }).collect_view()}
        </select>
    }
}

#[component]
fn UserRow(user: UserView, update: ServerAction<UpdateUser>) -> impl IntoView {
    let id = user.id;
    let disabled = user.disabled;
    let email = user.email.clone();
    let role = RwSignal::new(user.role);
    // Making someone an admin asks first, and for the acting admin's own password.
    let confirming = RwSignal::new(false);
    let password = RwSignal::new(String::new());
    let set_role = move |ev: leptos::ev::Event| {
        let Some(chosen) = Role::parse(&event_target_value(&ev)) else { return };
        role.set(chosen);
        if chosen == Role::Admin {
            confirming.set(true);
        } else {
            update.dispatch(UpdateUser { input: UserChange { id, role: Some(chosen), ..Default::default() } });
        }
    };
    let cancel = move |_| {
        confirming.set(false);
        password.set(String::new());
        role.set(user.role);
    };
    let confirm = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let change = UserChange {
            id,
            role: Some(Role::Admin),
            confirm_password: Some(password.get_untracked()),
            ..Default::default()
        };
        update.dispatch(UpdateUser { input: change });
        password.set(String::new());
        confirming.set(false);
    };
    let toggle = move |_| {
        update.dispatch(UpdateUser { input: UserChange { id, disabled: Some(!disabled), ..Default::default() } });
    };
    let who = email.clone();
    view! {
        <tr class="border-t border-slate-200" data-testid="user-row" data-email=email>
            <td>{user.email}{user.sso.then_some(" (SSO)")}</td>
            <td>{user.display_name}</td>
            <td>
                <select aria-label="Role" on:change=set_role class="rounded border border-slate-300 px-1 py-0.5"
                    prop:value=move || role.get().as_str()>
                    {Role::ALL.into_iter().map(|r| view! { <option value=r.as_str() selected=r == user.role>{r.as_str()}</option> }).collect_view()}
                </select>
            </td>
            <td>
                {if disabled { "disabled" } else { "enabled" }} " "
                <button class="underline" on:click=toggle>{if disabled { "Enable" } else { "Disable" }}</button>
            </td>
            <td>{user.last_login_at.map(|t| t.format("%Y-%m-%d %H:%M").to_string()).unwrap_or_else(|| "never".into())}</td>
        </tr>
        <Show when=move || confirming.get()>
            <tr data-testid="confirm-admin">
                <td colspan="5" class="bg-amber-50 p-3">
                    <form class="flex flex-wrap items-end gap-3" on:submit=confirm>
                        <p class="basis-full">
                            {format!("Make {who} an admin? Admins manage people and settings, see the audit log, and can delete anything. Type your own password to confirm.")}
                        </p>
                        <label>"Your password"
                            <input type="password" required autocomplete="current-password" data-testid="confirm-password"
                                class="ml-2 rounded border border-slate-300 px-2 py-1"
                                prop:value=password on:input=move |ev| password.set(event_target_value(&ev))/>
                        </label>
                        <button type="submit" class="rounded bg-slate-900 px-3 py-1.5 text-white" data-testid="confirm-admin-button">"Make admin"</button>
                        <button type="button" class="underline" on:click=cancel>"Cancel"</button>
                    </form>
                </td>
            </tr>
        </Show>
    }
    // A type of its own: the table's nesting is too deep for the compiler otherwise.
    .into_any()
}
