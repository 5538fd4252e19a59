//! How an audit entry reads on screen: the action as words ("moved to the trash"), its details as
//! labelled values (sizes in MB, yes/no, counts instead of id lists). Shared by the web UI (also
//! compiled to WASM); the JSON API keeps the stored action names and details as they are.

use serde_json::Value;

use crate::sizes::human_size;

/// Every action the log records, with how it reads after a person's name; in the order a filter
/// offers them.
pub const ACTIONS: &[(&str, &str)] = &[
    ("asset.upload", "uploaded"),
    ("upload.complete", "finished a resumable upload"),
    ("asset.describe", "edited the title or description of"),
    ("asset.tag", "tagged"),
    ("asset.untag", "removed a tag from"),
    ("asset.new_version", "uploaded a new version of"),
    ("asset.reprocess", "asked to process again"),
    ("asset.reprocess_many", "asked to process again many assets"),
    ("asset.trash", "moved to the trash"),
    ("asset.restore", "restored from the trash"),
    ("trash.empty", "emptied the trash"),
    ("collection.create", "created the collection"),
    ("collection.update", "changed the collection"),
    ("collection.add", "added assets to"),
    ("collection.remove", "took assets out of"),
    ("collection.delete", "deleted the collection"),
    ("share.create", "shared"),
    ("share.revoke", "turned off a share link to"),
    ("session.login", "signed in"),
    ("session.login_failed", "failed to sign in"),
    ("session.revoke", "signed out a session"),
    ("token.create", "created the API token"),
    ("token.revoke", "revoked the API token"),
    ("user.create", "added the user"),
    ("workspace.create", "created a workspace"),
    ("workspace.quota", "set the quotas of a workspace"),
    ("user.update", "changed the account of"),
    ("user.password", "changed the password of"),
];

/// `asset.trash` → `moved to the trash`. An action the table does not know reads as itself.
pub fn action_words(action: &str) -> String {
    ACTIONS
        .iter()
        .find(|(name, _)| *name == action)
        .map(|(_, words)| (*words).to_owned())
        .unwrap_or_else(|| action.replace(['.', '_'], " "))
}

/// The details worth reading, labelled: ids and hashes left out (the entry's target names the
/// thing), lists of assets as how many, sizes in MB, true/false as yes/no.
pub fn detail_words(details: &Value) -> Vec<(String, String)> {
    let Some(fields) = details.as_object() else { return Vec::new() };
    fields
        .iter()
        .filter(|(key, _)| !matches!(key.as_str(), "share_link" | "replaced_checksum" | "checksum" | "collection"))
        .filter_map(|(key, value)| {
            let shown = match (key.as_str(), value) {
                (_, Value::Null) => return None,
                ("size", Value::Number(n)) => human_size(n.as_u64().unwrap_or_default()),
                ("expires_at", Value::String(at)) => at.get(..10).unwrap_or(at).to_owned(),
                // The backlog's order (pipeline::Priority).
                ("priority", Value::Number(n)) => match n.as_i64() {
                    Some(0) => "first, someone is waiting".into(),
                    Some(3) => "retry".into(),
                    Some(5) => "bulk".into(),
                    _ => "background".into(),
                },
                (_, Value::Array(items)) if items.iter().all(Value::is_string) && key == "tags" => {
                    items.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(", ")
                }
                (_, Value::Array(items)) => items.len().to_string(),
                (_, Value::Bool(yes)) => if *yes { "yes" } else { "no" }.into(),
                (_, Value::String(text)) => text.clone(),
                (_, Value::Number(n)) => n.to_string(),
                (_, Value::Object(_)) => return None,
            };
            Some((key.replace('_', " "), shown))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn actions_read_as_words_and_unknown_ones_as_themselves() {
        assert_eq!(action_words("asset.trash"), "moved to the trash");
        assert_eq!(action_words("session.login"), "signed in");
        assert_eq!(action_words("webhook.delivery_failed"), "webhook delivery failed");
    }

    /// Every action some code records reads as words: a new one added without words fails here.
    #[test]
    fn every_recorded_action_has_words() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in [root.join("src"), root.join("../server/src")] {
            let mut stack = vec![dir];
            while let Some(dir) = stack.pop() {
                for entry in std::fs::read_dir(&dir).unwrap().flatten() {
                    let path = entry.path();
                    if path.is_dir() {
                        stack.push(path);
                    } else if path.extension().is_some_and(|e| e == "rs") {
                        files.push(path);
                    }
                }
            }
        }
        let mut recorded = Vec::new();
        for file in files.iter().filter(|f| !f.ends_with("audit_words.rs")) {
            let source = std::fs::read_to_string(file).unwrap();
            for (at, _) in source.match_indices("audit::record(") {
                let call: String = source[at..].chars().take(300).collect();
                let name = call.split('"').nth(1).filter(|n| n.contains('.') && !n.contains(' '));
                recorded.push(name.expect("the action is a string literal in the call").to_owned());
            }
        }
        assert!(recorded.len() > 20, "the calls are where they were: {recorded:?}");
        let unknown: Vec<_> = recorded.iter().filter(|a| !ACTIONS.iter().any(|(n, _)| n == a)).collect();
        assert!(unknown.is_empty(), "actions without words: {unknown:?}");
    }

    #[test]
    fn details_leave_out_ids_and_say_sizes_counts_and_yes_no() {
        let words = detail_words(&json!({
            "share_link": "0b6d…", "filename": "Poster.png", "size": 3_500_000, "assets": ["a", "b", "c"],
            "password": true, "download": false, "tags": ["spring", "print"], "collection": null,
            "expires_at": "2027-01-06T10:00:00Z",
        }));
        let find = |k: &str| words.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
        assert_eq!(find("share link"), None);
        assert_eq!(find("collection"), None);
        assert_eq!(find("filename"), Some("Poster.png"));
        assert_eq!(find("size"), Some(human_size(3_500_000).as_str()));
        assert_eq!(find("assets"), Some("3"));
        assert_eq!(find("password"), Some("yes"));
        assert_eq!(find("download"), Some("no"));
        assert_eq!(find("tags"), Some("spring, print"));
        assert_eq!(find("expires at"), Some("2027-01-06"));
        assert!(detail_words(&json!("not an object")).is_empty());
    }
}
