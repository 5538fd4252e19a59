//! One's own settings: password, API tokens (secret shown once), open sessions.

use domain::{
    dto::{Page, PageRequest, SessionView, TokenView},
    operations::ById,
};
use leptos::prelude::*;

use crate::{
    api::account::{list_sessions, list_tokens, ChangePassword, CreateToken, RevokeSession, RevokeToken},
    ui::{error_text, read_pages, RequirePermission, ShowMore, PAGE},
};
use domain::policy::Permission;

fn when(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

#[component]
pub fn SettingsPage() -> impl IntoView {
    // Made here, once, not inside the guard's Suspense (see `ui::RequirePermission`).
    let create_token = ServerAction::<CreateToken>::new();
    let revoke_token = ServerAction::<RevokeToken>::new();
    let tokens_wanted = RwSignal::new(PAGE);
    let tokens = Resource::new(
        move || (create_token.version().get(), revoke_token.version().get(), tokens_wanted.get()),
        |(_, _, wanted)| read_pages(wanted, |after| list_tokens(PageRequest { after, limit: None })),
    );
    let revoke_session = ServerAction::<RevokeSession>::new();
    let sessions_wanted = RwSignal::new(PAGE);
    let sessions = Resource::new(
        move || (revoke_session.version().get(), sessions_wanted.get()),
        |(_, wanted)| read_pages(wanted, |after| list_sessions(PageRequest { after, limit: None })),
    );
    view! {
        <RequirePermission permission=Permission::ManageOwnCredentials>
            <h1 class="mb-6 text-2xl font-semibold">"Settings"</h1>
            <PasswordSection/>
            <TokensSection create=create_token revoke=revoke_token tokens wanted=tokens_wanted/>
            <SessionsSection revoke=revoke_session sessions wanted=sessions_wanted/>
        </RequirePermission>
    }
}

fn password_changed_text(changed: domain::dto::PasswordChanged) -> String {
    let count = |n: u64, one: &str, many: &str| if n == 1 { format!("1 {one}") } else { format!("{n} {many}") };
    let mut text = "Password changed.".to_owned();
    if changed.sessions_ended > 0 {
        text += &format!(" {} signed out.", count(changed.sessions_ended, "other session was", "other sessions were"));
    }
    if changed.tokens_revoked > 0 {
        text += &format!(
            " {} revoked; make new ones for your scripts.",
            count(changed.tokens_revoked, "API token was", "API tokens were")
        );
    }
    text
}

#[component]
fn PasswordSection() -> impl IntoView {
    let change = ServerAction::<ChangePassword>::new();
    view! {
        <section class="mb-8">
            <h2 class="mb-2 text-lg font-semibold">"Password"</h2>
            <p class="mb-2 text-sm text-fg-muted">"Changing it signs out your other sessions and revokes your API tokens."</p>
            <ActionForm action=change attr:class="flex flex-wrap items-end gap-3 text-sm">
                <label>"Current password"
                    <input type="password" name="current_password" required autocomplete="current-password" class="input ml-2"/>
                </label>
                <label>"New password"
                    <input type="password" name="new_password" required minlength="10" autocomplete="new-password" class="input ml-2"/>
                </label>
                <button type="submit" class="btn btn-primary">"Change password"</button>
            </ActionForm>
            {move || change.value().get().map(|r| match r {
                Ok(changed) => view! { <p class="mt-2 text-sm text-success-text" role="status">{password_changed_text(changed)}</p> }.into_any(),
                Err(e) => view! { <p class="mt-2 text-sm text-danger-text" role="alert">{error_text(&e)}</p> }.into_any(),
            })}
        </section>
    }
}

#[component]
fn TokensSection(
    create: ServerAction<CreateToken>,
    revoke: ServerAction<RevokeToken>,
    tokens: Resource<Result<Page<TokenView>, ServerFnError>>,
    wanted: RwSignal<usize>,
) -> impl IntoView {
    view! {
        <section class="mb-8">
            <h2 class="mb-2 text-lg font-semibold">"API tokens"</h2>
            <p class="mb-2 text-sm text-fg-muted">"For scripts: send " <code>"Authorization: Bearer <token>"</code> ". A token acts with your role."</p>
            <ActionForm action=create attr:class="mb-3 flex flex-wrap items-end gap-3 text-sm">
                <label>"Name" <input name="input[name]" required maxlength="100" class="input ml-2"/></label>
                <label>"Expires in days (empty: never)" <input name="input[expires_in_days]" type="number" min="1" class="input ml-2 w-20"/></label>
                <button type="submit" class="btn btn-primary">"Create token"</button>
            </ActionForm>
            {move || create.value().get().map(|r| match r {
                Ok(created) => view! {
                    <div class="mb-3 rounded border border-line bg-warning-soft p-3 text-sm" role="status">
                        <p>"Copy this token now; it is not shown again:"</p>
                        <code class="break-all font-mono" data-testid="new-token-secret">{created.secret}</code>
                    </div>
                }.into_any(),
                Err(e) => view! { <p class="mb-3 text-sm text-danger-text" role="alert">{error_text(&e)}</p> }.into_any(),
            })}
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match tokens.await {
                        Ok(list) if list.items.is_empty() => view! { <p class="text-sm text-fg-muted">"No tokens."</p> }.into_any(),
                        Ok(list) => view! {
                            <div class="overflow-x-auto"><table class="w-full text-left text-sm" data-testid="token-list">
                                <thead><tr><th>"Name"</th><th>"Token"</th><th>"Created"</th><th>"Last used"</th><th>"Expires"</th><th></th></tr></thead>
                                <tbody>{list.items.into_iter().map(|t| view! { <TokenRow token=t revoke/> }).collect_view()}</tbody>
                            </table></div>
                            <ShowMore more=list.next.is_some() wanted/>
                        }.into_any(),
                        Err(e) => view! { <p class="text-sm text-danger-text">{error_text(&e)}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn TokenRow(token: TokenView, revoke: ServerAction<RevokeToken>) -> impl IntoView {
    let id = token.id;
    view! {
        <tr class="border-t border-line">
            <td>{token.name}</td>
            <td class="font-mono">{format!("{}…", token.prefix)}</td>
            <td>{when(token.created_at)}</td>
            <td>{token.last_used_at.map(when).unwrap_or_else(|| "never".into())}</td>
            <td>{token.expires_at.map(when).unwrap_or_else(|| "never".into())}</td>
            <td><button class="btn btn-ghost btn-danger-text btn-sm" on:click=move |_| { revoke.dispatch(RevokeToken { input: ById { id } }); }>"Revoke"</button></td>
        </tr>
    }
}

#[component]
fn SessionsSection(
    revoke: ServerAction<RevokeSession>,
    sessions: Resource<Result<Page<SessionView>, ServerFnError>>,
    wanted: RwSignal<usize>,
) -> impl IntoView {
    view! {
        <section>
            <h2 class="mb-2 text-lg font-semibold">"Signed-in sessions"</h2>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match sessions.await {
                        Ok(list) => view! {
                            <div class="overflow-x-auto"><table class="w-full text-left text-sm" data-testid="session-list">
                                <thead><tr><th>"Signed in"</th><th>"Last seen"</th><th>"From"</th><th>"Browser"</th><th></th></tr></thead>
                                <tbody>{list.items.into_iter().map(|s| view! { <SessionRow session=s revoke/> }).collect_view()}</tbody>
                            </table></div>
                            <ShowMore more=list.next.is_some() wanted/>
                        }.into_any(),
                        Err(e) => view! { <p class="text-sm text-danger-text">{error_text(&e)}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn SessionRow(session: SessionView, revoke: ServerAction<RevokeSession>) -> impl IntoView {
    let id = session.id;
    view! {
        <tr class="border-t border-line">
            <td>{when(session.created_at)}{session.current.then_some(" (this one)")}</td>
            <td>{when(session.last_seen_at)}</td>
            <td>{session.ip.unwrap_or_default()}</td>
            <td title=session.user_agent.clone().unwrap_or_default()>{session.device.unwrap_or_else(|| "Unknown browser".into())}</td>
            <td>{(!session.current).then(|| view! {
                <button class="btn btn-ghost btn-danger-text btn-sm" on:click=move |_| { revoke.dispatch(RevokeSession { input: ById { id } }); }>"Sign out"</button>
            })}</td>
        </tr>
    }
}
