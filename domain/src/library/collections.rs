//! Collections: named sets of assets (a campaign, a press kit) that editors put together and
//! everyone can browse; the library's search and filters work inside one (`AssetQuery::collection`).

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, Order, QueryFilter, QueryResult, Statement, Value,
};
use uuid::Uuid;

use crate::{
    audit::{self, Actor, Target},
    dto::{CollectionView, DerivativeKind, NewCollection, Page, PageRequest},
    entities::asset,
    error::{Error, Result},
    library::tags::MAX_BULK,
    links::Links,
    paging,
    policy::Permission,
};

const MAX_NAME_CHARS: usize = 200;

fn statement(sql: &str, values: Vec<Value>) -> Statement {
    Statement::from_sql_and_values(DatabaseBackend::Postgres, sql, values)
}

/// How many of its newest pictures make a collection's cover (a mosaic).
const COVERS: usize = 4;

/// Each collection with its size and its cover: the JPEG thumbnails of the newest added assets
/// that have one.
const VIEW_SQL: &str = "
    SELECT c.id, c.name, c.description, c.created_by, c.created_at, c.updated_at,
           (SELECT count(*) FROM collection_assets ca JOIN assets a ON a.id = ca.asset_id WHERE ca.collection_id = c.id AND a.deleted_at IS NULL) AS asset_count,
           ARRAY(SELECT ca.asset_id FROM collection_assets ca
              JOIN derivatives v ON v.asset_id = ca.asset_id AND v.kind = 'thumbnail' AND v.label = 'jpg'
              JOIN assets a ON a.id = ca.asset_id AND a.deleted_at IS NULL
             WHERE ca.collection_id = c.id ORDER BY ca.added_at DESC, ca.asset_id LIMIT 4) AS covers
    FROM collections c";

fn view(row: &QueryResult, links: &dyn Links) -> Result<CollectionView> {
    let covers: Vec<Uuid> = row.try_get("", "covers")?;
    let cover_urls: Vec<String> =
        covers.iter().take(COVERS).map(|id| links.derivative(*id, DerivativeKind::Thumbnail, "jpg")).collect();
    Ok(CollectionView {
        id: row.try_get("", "id")?,
        name: row.try_get("", "name")?,
        description: row.try_get("", "description")?,
        asset_count: row.try_get("", "asset_count")?,
        cover_url: cover_urls.first().cloned(),
        cover_urls,
        created_by: row.try_get("", "created_by")?,
        created_at: row.try_get("", "created_at")?,
        updated_at: row.try_get("", "updated_at")?,
    })
}

fn clean(new: NewCollection) -> Result<NewCollection> {
    let name = new.name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(Error::BadRequest(format!("a collection needs a name of 1 to {MAX_NAME_CHARS} characters")));
    }
    Ok(NewCollection { name, description: new.description.trim().to_owned() })
}

fn name_taken(e: sea_orm::DbErr, name: &str) -> Error {
    if e.to_string().contains("collections_name_key") {
        Error::Conflict(format!("there is already a collection called “{name}”"))
    } else {
        e.into()
    }
}

/// The collections, most recently changed first.
pub async fn list(db: &impl ConnectionTrait, links: &dyn Links, request: PageRequest) -> Result<Page<CollectionView>> {
    let limit = paging::limit(&request);
    let (filter, values) = match paging::after::<DateTime<Utc>, Uuid>(&request)? {
        Some((at, id)) => {
            (format!("WHERE {}", paging::after_sql("c.updated_at, c.id", Order::Desc, 1)), vec![at.into(), id.into()])
        }
        None => (String::new(), vec![]),
    };
    let sql = format!("{VIEW_SQL} {filter} ORDER BY c.updated_at DESC, c.id DESC LIMIT {}", limit + 1);
    let rows =
        db.query_all(statement(&sql, values)).await?.iter().map(|row| view(row, links)).collect::<Result<Vec<_>>>()?;
    Ok(paging::page(rows, limit, |c| paging::cursor(&c.updated_at, &c.id)))
}

pub async fn get(db: &impl ConnectionTrait, links: &dyn Links, id: Uuid) -> Result<CollectionView> {
    let row = db
        .query_one(statement(&format!("{VIEW_SQL} WHERE c.id = $1"), vec![id.into()]))
        .await?
        .ok_or(Error::NotFound("collection"))?;
    view(&row, links)
}

/// A collection's name (not found: there is no such collection).
pub async fn name_of(db: &impl ConnectionTrait, id: Uuid) -> Result<String> {
    let row = db
        .query_one(statement("SELECT name FROM collections WHERE id = $1", vec![id.into()]))
        .await?
        .ok_or(Error::NotFound("collection"))?;
    Ok(row.try_get("", "name")?)
}

pub async fn create(
    db: &impl ConnectionTrait,
    links: &dyn Links,
    actor: &Actor,
    new: NewCollection,
) -> Result<CollectionView> {
    let new = clean(new)?;
    let id = Uuid::now_v7();
    db.execute(statement(
        "INSERT INTO collections (id, name, description, created_by) VALUES ($1, $2, $3, $4)",
        vec![id.into(), new.name.clone().into(), new.description.into(), actor.user_id.into()],
    ))
    .await
    .map_err(|e| name_taken(e, &new.name))?;
    audit::record(
        db,
        actor,
        "collection.create",
        Some(Target::collection(id)),
        serde_json::json!({ "name": new.name }),
    )
    .await?;
    get(db, links, id).await
}

pub async fn update(
    db: &impl ConnectionTrait,
    links: &dyn Links,
    actor: &Actor,
    id: Uuid,
    new: NewCollection,
) -> Result<CollectionView> {
    let new = clean(new)?;
    let changed = db
        .execute(statement(
            "UPDATE collections SET name = $2, description = $3, updated_at = $4 WHERE id = $1",
            vec![id.into(), new.name.clone().into(), new.description.into(), Utc::now().into()],
        ))
        .await
        .map_err(|e| name_taken(e, &new.name))?;
    if changed.rows_affected() == 0 {
        return Err(Error::NotFound("collection"));
    }
    audit::record(
        db,
        actor,
        "collection.update",
        Some(Target::collection(id)),
        serde_json::json!({ "name": new.name }),
    )
    .await?;
    get(db, links, id).await
}

/// Deletes the collection; its assets stay in the library. Editors delete the collections they
/// made; admins any.
pub async fn delete(db: &impl ConnectionTrait, actor: &Actor, id: Uuid) -> Result<()> {
    let row = db
        .query_one(statement("SELECT created_by FROM collections WHERE id = $1", vec![id.into()]))
        .await?
        .ok_or(Error::NotFound("collection"))?;
    let maker: Option<Uuid> = row.try_get("", "created_by")?;
    actor.require(
        Permission::DeleteCollection,
        maker,
        "delete a collection someone else made (ask them or an administrator)",
    )?;
    let gone = db.execute(statement("DELETE FROM collections WHERE id = $1", vec![id.into()])).await?.rows_affected();
    if gone == 0 {
        return Err(Error::NotFound("collection"));
    }
    audit::record(db, actor, "collection.delete", Some(Target::collection(id)), serde_json::json!({})).await?;
    Ok(())
}

/// Adds assets (already there: no change); returns how many were new.
pub async fn add(db: &impl ConnectionTrait, actor: &Actor, id: Uuid, assets: &[Uuid]) -> Result<u64> {
    if assets.is_empty() || assets.len() > MAX_BULK {
        return Err(Error::BadRequest(format!("select between 1 and {MAX_BULK} assets")));
    }
    name_of(db, id).await?;
    let added = db
        .execute(statement(
            "INSERT INTO collection_assets (collection_id, asset_id, added_by)
             SELECT $1, a.id, $3 FROM assets a WHERE a.id = ANY($2) AND a.deleted_at IS NULL
             ON CONFLICT DO NOTHING",
            vec![id.into(), assets.to_vec().into(), actor.user_id.into()],
        ))
        .await?
        .rows_affected();
    db.execute(statement("UPDATE collections SET updated_at = $2 WHERE id = $1", vec![id.into(), Utc::now().into()]))
        .await?;
    audit::record(
        db,
        actor,
        "collection.add",
        Some(Target::collection(id)),
        serde_json::json!({ "assets": assets.len(), "added": added }),
    )
    .await?;
    Ok(added)
}

/// Takes assets out of the collection (not out of the library).
pub async fn remove(db: &impl ConnectionTrait, actor: &Actor, id: Uuid, assets: &[Uuid]) -> Result<u64> {
    let gone = db
        .execute(statement(
            "DELETE FROM collection_assets WHERE collection_id = $1 AND asset_id = ANY($2)",
            vec![id.into(), assets.to_vec().into()],
        ))
        .await?
        .rows_affected();
    if gone == 0 {
        return Err(Error::NotFound("asset in this collection"));
    }
    db.execute(statement("UPDATE collections SET updated_at = $2 WHERE id = $1", vec![id.into(), Utc::now().into()]))
        .await?;
    audit::record(
        db,
        actor,
        "collection.remove",
        Some(Target::collection(id)),
        serde_json::json!({ "assets": assets, "removed": gone }),
    )
    .await?;
    Ok(gone)
}

/// The collection's assets outside the trash, in the order they were added (at most [`MAX_BULK`]).
pub async fn assets_of(db: &impl ConnectionTrait, id: Uuid) -> Result<Vec<asset::Model>> {
    let sql = format!(
        "SELECT a.id FROM collection_assets ca JOIN assets a ON a.id = ca.asset_id
         WHERE ca.collection_id = $1 AND a.deleted_at IS NULL ORDER BY ca.added_at, a.id LIMIT {MAX_BULK}"
    );
    let rows = db.query_all(statement(&sql, vec![id.into()])).await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.try_get("", "id")).collect::<Result<_, _>>()?;
    let mut assets = asset::Entity::find().filter(asset::Column::Id.is_in(ids.clone())).all(db).await?;
    assets.sort_by_key(|a| ids.iter().position(|id| *id == a.id));
    Ok(assets)
}
