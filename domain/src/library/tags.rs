//! Tags: one lower-case name each, on assets through `asset_tags`, which records whether a person
//! or processing added it. Removing an auto-tag hides it (processing again will not bring it
//! back); removing a person's tag deletes it. Triggers keep `assets.tags` and the search text in
//! step (see the library migration).

use chrono::Utc;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, QueryFilter, Statement, TransactionTrait, Value,
};
use uuid::Uuid;

use crate::{
    audit::{self, Actor, Target},
    entities::asset,
    error::{Error, Result},
    policy::Permission,
};

pub const MAX_TAG_CHARS: usize = 64;
/// How many assets one bulk request may tag.
pub const MAX_BULK: usize = 1000;

/// The stored form of a tag: trimmed, single spaces, lower case, no control characters.
pub fn normalize(raw: &str) -> Option<String> {
    let words: Vec<String> = raw
        .split_whitespace()
        .map(|w| w.chars().filter(|c| !c.is_control()).collect::<String>().to_lowercase())
        .filter(|w| !w.is_empty())
        .collect();
    let tag = words.join(" ");
    (!tag.is_empty()).then(|| tag.chars().take(MAX_TAG_CHARS).collect::<String>().trim_end().to_owned())
}

fn statement(sql: &str, values: Vec<Value>) -> Statement {
    Statement::from_sql_and_values(DatabaseBackend::Postgres, sql, values)
}

/// The ids of `names` in `tags`, creating the missing ones.
async fn ensure(db: &impl ConnectionTrait, names: &[String]) -> Result<Vec<Uuid>> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let fresh: Vec<Uuid> = names.iter().map(|_| Uuid::now_v7()).collect();
    db.execute(statement(
        "INSERT INTO tags (id, name) SELECT * FROM unnest($1::uuid[], $2::text[]) ON CONFLICT (workspace_id, lower(name)) DO NOTHING",
        vec![fresh.into(), names.to_vec().into()],
    ))
    .await?;
    let rows =
        db.query_all(statement("SELECT id FROM tags WHERE lower(name) = ANY($1)", vec![names.to_vec().into()])).await?;
    rows.iter().map(|r| r.try_get::<Uuid>("", "id").map_err(Error::from)).collect()
}

/// Replaces what processing said about an asset; leaves people's tags and hidden auto-tags alone.
/// Runs in the caller's transaction (the one that marks the asset processed).
pub async fn set_auto(db: &impl ConnectionTrait, asset: Uuid, names: &[String]) -> Result<()> {
    let ids = ensure(db, names).await?;
    db.execute(statement(
        "DELETE FROM asset_tags WHERE asset_id = $1 AND source = 'auto' AND NOT removed AND NOT (tag_id = ANY($2))",
        vec![asset.into(), ids.clone().into()],
    ))
    .await?;
    db.execute(statement(
        "INSERT INTO asset_tags (asset_id, tag_id, source) SELECT $1, unnest($2::uuid[]), 'auto' ON CONFLICT (asset_id, tag_id) DO NOTHING",
        vec![asset.into(), ids.into()],
    ))
    .await?;
    Ok(())
}

fn normalized(raw: &[String]) -> Result<Vec<String>> {
    let mut names: Vec<String> = raw.iter().filter_map(|r| normalize(r)).collect();
    names.sort();
    names.dedup();
    if names.is_empty() {
        return Err(Error::BadRequest("give at least one tag (letters or digits)".into()));
    }
    Ok(names)
}

/// Adds tags to assets (one or a selection) as the person's own; a hidden auto-tag comes back.
pub async fn add(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    assets: &[Uuid],
    raw: &[String],
) -> Result<Vec<String>> {
    if assets.is_empty() || assets.len() > MAX_BULK {
        return Err(Error::BadRequest(format!("select between 1 and {MAX_BULK} assets")));
    }
    let names = normalized(raw)?;
    let mut unique = assets.to_vec();
    unique.sort();
    unique.dedup();
    let txn = db.begin().await?;
    let found = asset::Entity::find().filter(asset::Column::Id.is_in(unique.clone())).all(&txn).await?;
    // Every asset must be there for this person (a trashed one may be out of their sight).
    let visible = found.iter().filter(|a| a.deleted_at.is_none() || actor.may(Permission::Trash, a.uploaded_by));
    if visible.count() != unique.len() {
        return Err(Error::NotFound("asset"));
    }
    let ids = ensure(&txn, &names).await?;
    txn.execute(statement(
        "INSERT INTO asset_tags (asset_id, tag_id, source)
         SELECT a, t, 'user' FROM unnest($1::uuid[]) a CROSS JOIN unnest($2::uuid[]) t
         ON CONFLICT (asset_id, tag_id) DO UPDATE SET removed = false, source = 'user'",
        vec![unique.clone().into(), ids.into()],
    ))
    .await?;
    txn.execute(statement(
        "UPDATE assets SET updated_at = $2 WHERE id = ANY($1)",
        vec![unique.into(), Utc::now().into()],
    ))
    .await?;
    txn.commit().await?;
    let target = (assets.len() == 1).then(|| Target::asset(assets[0]));
    audit::record(db, actor, "asset.tag", target, serde_json::json!({ "assets": assets.len(), "tags": names })).await?;
    Ok(names)
}

/// Removes a tag from an asset: hidden if processing made it, deleted if a person added it.
pub async fn remove(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    asset: Uuid,
    raw: &str,
) -> Result<()> {
    crate::catalog::find(db, actor, asset).await?;
    let name = normalize(raw).ok_or(Error::NotFound("tag"))?;
    let txn = db.begin().await?;
    let tag = [Value::from(asset), Value::from(name.clone())];
    let hidden = txn
        .execute(statement(
            "UPDATE asset_tags SET removed = true WHERE asset_id = $1 AND source = 'auto' AND NOT removed AND tag_id = (SELECT id FROM tags WHERE lower(name) = $2)",
            tag.to_vec(),
        ))
        .await?
        .rows_affected();
    let deleted = txn
        .execute(statement("DELETE FROM asset_tags WHERE asset_id = $1 AND source = 'user' AND tag_id = (SELECT id FROM tags WHERE lower(name) = $2)", tag.to_vec()))
        .await?
        .rows_affected();
    if hidden + deleted == 0 {
        return Err(Error::NotFound("tag"));
    }
    txn.execute(statement("UPDATE assets SET updated_at = $2 WHERE id = $1", vec![asset.into(), Utc::now().into()]))
        .await?;
    txn.commit().await?;
    audit::record(db, actor, "asset.untag", Some(Target::asset(asset)), serde_json::json!({ "tag": name })).await?;
    Ok(())
}

/// Tag names for autocomplete: those starting with what was typed first, then close spellings,
/// the most used first.
pub async fn suggest(db: &impl ConnectionTrait, typed: &str, limit: u64) -> Result<Vec<(String, i64)>> {
    let Some(prefix) = normalize(typed) else { return Ok(Vec::new()) };
    let rows = db
        .query_all(statement(
            "SELECT t.name, (SELECT count(*) FROM asset_tags at WHERE at.tag_id = t.id AND NOT at.removed) AS uses
             FROM tags t
             WHERE t.name LIKE $1 || '%' OR t.name % $2
             ORDER BY (t.name LIKE $1 || '%') DESC, uses DESC, t.name
             LIMIT $3",
            vec![like_escape(&prefix).into(), prefix.into(), (limit.clamp(1, 50) as i64).into()],
        ))
        .await?;
    rows.iter().map(|r| Ok((r.try_get("", "name")?, r.try_get("", "uses")?))).collect()
}

/// `LIKE` treats `%` and `_` as wildcards; a typed one means itself.
pub fn like_escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn tags_are_stored_in_one_form() {
        assert_eq!(normalize("  Summer   Campaign\t"), Some("summer campaign".into()));
        assert_eq!(normalize("Ünïcode ÉTÉ"), Some("ünïcode été".into()));
        assert_eq!(normalize(" \n "), None);
        assert_eq!(normalize(&"x".repeat(100)).unwrap().len(), 64);
    }
}
