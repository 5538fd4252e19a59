//! The audit log with filters; the filters live in the URL so a view can be bookmarked.

use std::ops::Not;

use domain::{
    dto::{percent_encode, AuditFilter},
    policy::Permission,
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::{
    api::admin::list_audit,
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
            format!("/admin/audit?{}", pairs.join("&"))
        })
    };
    view! {
            <h1 class="mb-4 text-2xl font-semibold">"Audit log"</h1>
            <form method="get" action="/admin/audit" class="mb-4 flex flex-wrap items-end gap-3 text-sm">
                <label>"Who" <input name="actor" value=move || value("actor") class="input ml-1"/></label>
                <label>"Action" <input name="action" value=move || value("action") placeholder="e.g. user." class="input ml-1"/></label>
                <label>"Target" <select name="target_type" class="select ml-1">
                    {["", "asset", "user", "api_token", "session"].into_iter().map(|t| view! {
                        <option value=t selected=move || value("target_type") == t>{if t.is_empty() { "any" } else { t }}</option>
                    }).collect_view()}
                </select></label>
                <label>"From" <input type="date" name="from" value=move || value("from") class="input ml-1"/></label>
                <label>"To" <input type="date" name="to" value=move || value("to") class="input ml-1"/></label>
                <button type="submit" class="btn btn-primary">"Filter"</button>
            </form>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match entries.await {
                        Ok(page) => view! {
                            <div class="overflow-x-auto"><table class="w-full text-left text-sm" data-testid="audit-list">
                                <thead><tr><th>"When"</th><th>"Who"</th><th>"Action"</th><th>"Target"</th><th>"From"</th><th>"Details"</th></tr></thead>
                                <tbody>
                                    {page.items.into_iter().map(|e| view! {
                                        <tr class="border-t border-line align-top" data-testid="audit-row">
                                            <td class="whitespace-nowrap">{e.at.format("%Y-%m-%d %H:%M:%S").to_string()}</td>
                                            <td>{e.actor}</td>
                                            <td class="font-mono">{e.action}</td>
                                            <td class="font-mono text-xs">{e.target_type.map(|t| format!("{t} {}", e.target_id.unwrap_or_default()))}</td>
                                            <td>{e.ip}</td>
                                            <td class="font-mono text-xs">{e.details.to_string()}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table></div>
                            <nav class="mt-4 flex gap-4 text-sm" aria-label="Pages of the log">
                                {value("after").is_empty().not().then(|| view! { <a class="underline" href=from(None)>"Newest entries"</a> })}
                                {page.next.map(|next| view! { <a class="underline" href=from(Some(next)) data-testid="audit-older">"Older entries"</a> })}
                            </nav>
                        }.into_any(),
                        Err(e) => view! { <p class="text-danger-text">{error_text(&e)}</p> }.into_any(),
                    }
                })}
            </Transition>
    }
}
