//! The audit log as sentences ("ann@example.com moved “Poster.png” to the trash"), with the
//! details that matter labelled, filters, and paging through every entry. The filters live in
//! the URL so a view can be bookmarked.

use std::ops::Not;

use domain::{
    audit_words::{action_words, detail_words, ACTIONS},
    dto::{percent_encode, AuditEntry, AuditFilter},
    policy::Permission,
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::{
    api::admin::list_audit,
    routes,
    ui::{error_text, RequirePermission},
};

#[component]
pub fn AuditPage() -> impl IntoView {
    let query = use_query_map();
    // Made here, once, not inside the guard's Suspense (see `ui::RequirePermission`).
    let entries = Resource::new(move || filter(query), list_audit);
    view! {
        <RequirePermission permission=Permission::ViewAuditLog>
            <AuditLog entries/>
        </RequirePermission>
    }
}

/// The filter the address asks for.
fn filter(query: Memo<leptos_router::params::ParamsMap>) -> AuditFilter {
    query.with(|q| {
        let text = |k: &str| q.get(k).filter(|v| !v.is_empty());
        let day = |k: &str| {
            text(k)
                .and_then(|d| chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
                .map(|d| d.and_hms_opt(0, 0, 0).expect("midnight").and_utc())
        };
        AuditFilter {
            actor: text("actor"),
            action: text("action"),
            target_type: text("target_type"),
            target_id: text("target_id"),
            from: day("from"),
            // Inclusive end day.
            to: day("to").and_then(|d| d.checked_add_signed(chrono::Duration::days(1))),
            after: text("after"),
            limit: Some(100),
        }
    })
}

type AuditEntries = Resource<Result<domain::dto::Page<domain::dto::AuditEntry>, ServerFnError>>;

/// Kinds of target a filter offers, with their names on screen.
const TARGETS: [(&str, &str); 6] = [
    ("", "Anything"),
    ("asset", "Assets"),
    ("collection", "Collections"),
    ("user", "People"),
    ("api_token", "API tokens"),
    ("session", "Sessions"),
];

#[component]
fn AuditLog(entries: AuditEntries) -> impl IntoView {
    let query = use_query_map();
    let value = move |k: &'static str| query.with(|q| q.get(k).unwrap_or_default());
    // The same filters from another place in the log (`None`: the newest entries).
    let from = move |after: Option<String>| {
        query.with_untracked(|q| {
            let kept = q.into_iter().filter(|(k, v)| *k != "after" && !v.is_empty());
            let pairs: Vec<String> = kept
                .map(|(k, v)| format!("{k}={}", percent_encode(v)))
                .chain(after.map(|a| format!("after={}", percent_encode(&a))))
                .collect();
            format!("{}?{}", routes::AUDIT, pairs.join("&"))
        })
    };
    let filtered = move || query.with(|q| q.into_iter().any(|(k, v)| k != "after" && !v.is_empty()));
    view! {
        <h1 class="mb-1 text-2xl font-semibold">"Audit log"</h1>
        <p class="mb-4 text-sm text-fg-muted">"Who did what, to what, and when; newest first."</p>
        <form method="get" action=routes::AUDIT class="card mb-4 grid gap-3 p-4 text-sm sm:grid-cols-2 lg:grid-cols-6 lg:items-end">
            <label class="flex flex-col gap-1 lg:col-span-2"><span class="field-label">"Who"</span>
                <input name="actor" value=move || value("actor") placeholder="Part of an e-mail" class="input" data-testid="audit-actor"/></label>
            <label class="flex flex-col gap-1 lg:col-span-2"><span class="field-label">"What"</span>
                <select name="action" class="select" data-testid="audit-action">
                    <option value="">"Any action"</option>
                    {ACTIONS.iter().map(|(name, words)| view! {
                        <option value=*name selected=move || value("action") == *name>{capitalised(words)}</option>
                    }).collect_view()}
                    // A prefix from a bookmarked address (`user.`) stays chosen.
                    {move || {
                        let chosen = value("action");
                        (!chosen.is_empty() && !ACTIONS.iter().any(|(n, _)| *n == chosen))
                            .then(|| view! { <option value=chosen.clone() selected=true>{format!("Starting with “{chosen}”")}</option> })
                    }}
                </select></label>
            <label class="flex flex-col gap-1 lg:col-span-2"><span class="field-label">"To what"</span>
                <select name="target_type" class="select">
                    {TARGETS.into_iter().map(|(t, label)| view! {
                        <option value=t selected=move || value("target_type") == t>{label}</option>
                    }).collect_view()}
                </select></label>
            <label class="flex flex-col gap-1 lg:col-span-2"><span class="field-label">"From"</span>
                <input type="date" name="from" value=move || value("from") class="input"/></label>
            <label class="flex flex-col gap-1 lg:col-span-2"><span class="field-label">"Until"</span>
                <input type="date" name="to" value=move || value("to") class="input"/></label>
            <div class="flex gap-2 lg:col-span-2">
                <button type="submit" class="btn btn-primary">"Filter"</button>
                {move || filtered().then(|| view! { <a href=routes::AUDIT class="btn btn-ghost">"Clear"</a> })}
            </div>
        </form>
        <Transition fallback=|| view! { <p class="text-fg-muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match entries.await {
                    Ok(page) if page.items.is_empty() => view! {
                        <p class="empty" data-testid="audit-empty">"No entries match these filters."</p>
                    }.into_any(),
                    Ok(page) => view! {
                        <div class="card overflow-x-auto"><table class="data-table" data-testid="audit-list">
                            <thead><tr><th scope="col">"When"</th><th scope="col">"What happened"</th><th scope="col">"Details"</th><th scope="col">"From"</th></tr></thead>
                            <tbody>
                                {page.items.into_iter().map(|entry| view! { <EntryRow entry/> }).collect_view()}
                            </tbody>
                        </table></div>
                        <nav class="mt-4 flex gap-2 text-sm" aria-label="Pages of the log">
                            {value("after").is_empty().not().then(|| view! { <a class="btn btn-secondary" href=from(None)>"Newest entries"</a> })}
                            {page.next.map(|next| view! { <a class="btn btn-secondary" href=from(Some(next)) data-testid="audit-older">"Older entries"</a> })}
                        </nav>
                    }.into_any(),
                    Err(e) => view! { <p class="alert alert-danger" role="alert">{error_text(&e)}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn capitalised(words: &str) -> String {
    let mut chars = words.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// One entry as a sentence: who, what, and the target by its name (a link where it has a page).
#[component]
fn EntryRow(entry: AuditEntry) -> impl IntoView {
    let id = entry.target_id.as_deref().and_then(|id| id.parse::<uuid::Uuid>().ok());
    let href = match (entry.target_type.as_deref(), id) {
        (Some("asset"), Some(id)) => Some(routes::asset(id)),
        (Some("collection"), Some(id)) => Some(routes::collection(id)),
        _ => None,
    };
    let target = match (&entry.target_type, &entry.target_name) {
        (_, Some(name)) => Some(format!("“{name}”")),
        (Some(kind), None) if kind != "session" => Some(format!("a deleted {}", kind.replace('_', " "))),
        _ => None,
    };
    let details = detail_words(&entry.details);
    view! {
        <tr data-testid="audit-row" data-action=entry.action.clone()>
            <td class="whitespace-nowrap text-fg-muted" title=entry.at.to_rfc3339()>
                {entry.at.format("%-d %b %Y").to_string()}<br/>{entry.at.format("%H:%M:%S UTC").to_string()}
            </td>
            <td class="min-w-64">
                <span class="font-medium">{entry.actor}</span>" "{action_words(&entry.action)}
                {target.map(|name| match href {
                    Some(href) => view! { " "<a href=href class="break-words underline">{name}</a> }.into_any(),
                    None => view! { " "<span class="break-words">{name}</span> }.into_any(),
                })}
            </td>
            <td>
                {(!details.is_empty()).then(|| view! {
                    <dl class="flex flex-wrap gap-1 text-xs">
                        {details.into_iter().map(|(label, shown)| view! {
                            <div class="badge"><dt class="text-fg-muted">{label}":"</dt><dd class="break-all">{shown}</dd></div>
                        }).collect_view()}
                    </dl>
                })}
            </td>
            <td class="whitespace-nowrap font-mono text-xs text-fg-muted">{entry.ip}</td>
        </tr>
    }
}
