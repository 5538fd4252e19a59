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
            <section class="mb-6 rounded-lg border border-line bg-surface p-4">
                <h2 class="mb-2 font-semibold">"Add a user"</h2>
                <ActionForm action=create attr:class="flex flex-wrap items-end gap-3 text-sm">
                    <label>"E-mail" <input type="email" name="input[email]" required class="input ml-2"/></label>
                    <label>"Name" <input name="input[display_name]" class="input ml-2"/></label>
                    <label>"Role" <RoleSelect name="input[role]" selected=Role::Viewer/></label>
                    <label>"Password (empty: generate)" <input type="password" name="input[password]" autocomplete="new-password" class="input ml-2"/></label>
                    <button type="submit" class="btn btn-primary">"Add user"</button>
                </ActionForm>
                {move || create.value().get().map(|r| match r {
                    Ok(created) => view! {
                        <p class="mt-2 text-sm text-success-text" role="status">
                            {format!("Added {}.", created.user.email)}
                            {created.generated_password.map(|p| view! {
                                " One-time password (shown once): " <code class="font-mono" data-testid="generated-password">{p}</code>
                            })}
                        </p>
                    }.into_any(),
                    Err(e) => view! { <p class="mt-2 text-sm text-danger-text" role="alert">{error_text(&e)}</p> }.into_any(),
                })}
            </section>
            {move || update.value().get().map(|result| match result {
                Ok(user) => view! {
                    <p class="alert alert-success mb-3" role="status" data-testid="user-saved">
                        {format!("Saved: {} is {} and {}.", user.email, role_name(user.role), if user.disabled { "cannot sign in" } else { "can sign in" })}
                    </p>
                }.into_any(),
                Err(e) => view! { <p class="alert alert-danger mb-3" role="alert">{error_text(&e)}</p> }.into_any(),
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
                        Err(e) => view! { <p class="text-danger-text">{error_text(&e)}</p> }.into_any(),
                    }
                })}
            </Transition>
    }
}

/// "an admin", "an editor", "a viewer".
fn role_name(role: Role) -> &'static str {
    match role {
        Role::Admin => "an admin",
        Role::Editor => "an editor",
        Role::Viewer => "a viewer",
    }
}

/// What a role lets someone do, in a sentence for the confirmation.
fn what_role_allows(role: Role) -> &'static str {
    match role {
        Role::Admin => {
            "Admins manage people and settings, see the audit log, and can delete anything. Type your own password to confirm."
        }
        Role::Editor => "Editors upload, edit and share their own assets and collections, and can move them to the trash.",
        Role::Viewer => "Viewers browse, search and download; they cannot upload, change or share anything.",
    }
}

#[component]
fn RoleSelect(name: &'static str, selected: Role) -> impl IntoView {
    view! {
        <select name=name class="select ml-2">
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
    // A role change says what it means and asks first; making someone an admin also asks for the
    // acting admin's own password.
    let confirming = RwSignal::new(None::<Role>);
    let password = RwSignal::new(String::new());
    let set_role = move |ev: leptos::ev::Event| {
        let Some(chosen) = Role::parse(&event_target_value(&ev)) else { return };
        role.set(chosen);
        confirming.set((chosen != user.role).then_some(chosen));
    };
    let cancel = move |_| {
        confirming.set(None);
        password.set(String::new());
        role.set(user.role);
    };
    let confirm = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(chosen) = confirming.get_untracked() else { return };
        let change = UserChange {
            id,
            role: Some(chosen),
            confirm_password: (chosen == Role::Admin).then(|| password.get_untracked()),
            ..Default::default()
        };
        update.dispatch(UpdateUser { input: change });
        password.set(String::new());
        confirming.set(None);
    };
    let toggle = move |_| {
        update.dispatch(UpdateUser { input: UserChange { id, disabled: Some(!disabled), ..Default::default() } });
    };
    let who = email.clone();
    view! {
        <tr class="border-t border-line" data-testid="user-row" data-email=email>
            <td>{user.email}{user.sso.then_some(" (SSO)")}</td>
            <td>{user.display_name}</td>
            <td>
                <select aria-label="Role" on:change=set_role class="select"
                    prop:value=move || role.get().as_str()>
                    {Role::ALL.into_iter().map(|r| view! { <option value=r.as_str() selected=r == user.role>{r.as_str()}</option> }).collect_view()}
                </select>
            </td>
            <td>
                {if disabled { "disabled" } else { "enabled" }} " "
                <button class="btn btn-ghost btn-sm" on:click=toggle>{if disabled { "Enable" } else { "Disable" }}</button>
            </td>
            <td>{user.last_login_at.map(|t| t.format("%Y-%m-%d %H:%M").to_string()).unwrap_or_else(|| "never".into())}</td>
        </tr>
        {move || confirming.get().map(|chosen| {
            let who = who.clone();
            view! {
                <tr data-testid="confirm-role">
                    <td colspan="5" class="bg-warning-soft p-3">
                        <form class="flex flex-wrap items-end gap-3" on:submit=confirm>
                            <p class="basis-full">{format!("Make {who} {}? {}", role_name(chosen), what_role_allows(chosen))}</p>
                            {(chosen == Role::Admin).then(|| view! {
                                <label>"Your password"
                                    <input type="password" required autocomplete="current-password" data-testid="confirm-password"
                                        class="input ml-2"
                                        prop:value=password on:input=move |ev| password.set(event_target_value(&ev))/>
                                </label>
                            })}
                            <button type="submit" class="btn btn-primary" data-testid="confirm-role-button">
                                {format!("Make {}", role_name(chosen))}
                            </button>
                            <button type="button" class="btn btn-ghost btn-sm" on:click=cancel>"Cancel"</button>
                        </form>
                    </td>
                </tr>
            }
        })}
    }
    // A type of its own: the table's nesting is too deep for the compiler otherwise.
    .into_any()
}
