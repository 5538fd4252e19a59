//! Resumable uploads (the tus 1.0 protocol's model): an upload is created with its length, bytes
//! are appended at the offset the server reports, and when the last byte arrives the file becomes
//! an asset — or, when the same content is already in the library, the existing asset.
//!
//! State lives in Postgres (`uploads`), bytes in storage's staging area (see
//! `storage::staging`), so any replica can take the next request. One request appends to an upload
//! at a time: it holds a transaction-scoped advisory lock, which Postgres releases by itself if the
//! server dies mid-request.
//!
//! SHA-256 is computed while streaming, and the hasher's state is saved in the row with every
//! request, so the next request — on any replica, after any restart — restores it instead of
//! reading the stored prefix again. The type is judged from the first bytes as soon as they
//! arrive, before anything else of the request is stored.

use bytes::Bytes;
use chrono::{Duration, Utc};
use futures::{Stream, StreamExt};
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, QueryFilter, Set,
    Statement,
};
use sha2::{
    digest::common::hazmat::{SerializableState, SerializedState},
    Digest, Sha256,
};
use uuid::Uuid;

pub mod direct;

use crate::{
    audit::{self, Actor, Target},
    entities::{asset, upload},
    error::{Error, Result},
    file_names::display_name,
    ingest,
    pipeline::Priority,
    services::Services,
    sniff::{self, SNIFF_LEN},
    storage,
};

/// What a client asks for when it creates an upload.
pub struct NewUpload {
    pub filename: String,
    pub length: u64,
    /// The raw `Upload-Metadata` header, handed back on HEAD.
    pub metadata: String,
    pub bulk: bool,
}

/// A checksum the client sent for one request's bytes (tus checksum extension).
pub struct ChunkChecksum {
    pub sha256: Vec<u8>,
}

pub struct Appended {
    pub upload: upload::Model,
    /// Set once the upload is complete.
    pub asset: Option<asset::Model>,
    /// The library already had this content: `asset` is the one that has it.
    pub duplicate: bool,
}

pub async fn create(services: &Services, actor: &Actor, new: NewUpload) -> Result<upload::Model> {
    insert(services, actor, new, false).await
}

async fn insert(services: &Services, actor: &Actor, new: NewUpload, direct: bool) -> Result<upload::Model> {
    let filename = display_name(&new.filename);
    if new.length == 0 {
        return Err(Error::EmptyFile { filename });
    }
    let limit =
        if direct { services.max_upload_bytes().min(direct::MAX_PUT_BYTES) } else { services.max_upload_bytes() };
    if new.length > limit {
        return Err(Error::TooLarge { filename, limit_bytes: limit });
    }
    crate::workspaces::quota::check(&services.workspace_db(actor)?, &filename, new.length, 1).await?;
    let now = Utc::now();
    let row = upload::ActiveModel {
        id: Set(Uuid::now_v7()),
        created_by: Set(actor.user_id),
        filename: Set(filename),
        length: Set(new.length as i64),
        received: Set(0),
        metadata: Set(new.metadata),
        priority: Set(if new.bulk { Priority::Bulk } else { Priority::Interactive } as i16),
        mime: Set(None),
        kind: Set(None),
        extension: Set(None),
        asset_id: Set(None),
        hash_state: Set(None),
        original_id: Set(None),
        multipart_id: Set(None),
        parts: Set(Vec::new()),
        tail: Set(None),
        direct: Set(direct),
        expires_at: Set(now + expiry(services)),
        created_at: Set(now),
        updated_at: Set(now),
    };
    Ok(row.insert(&services.workspace_db(actor)?).await?)
}

fn expiry(services: &Services) -> Duration {
    Duration::hours(i64::from(services.config.upload_expiry_hours))
}

/// The upload, if `actor` may see it: uploads are private to whoever started them.
pub async fn find(services: &Services, actor: &Actor, id: Uuid) -> Result<upload::Model> {
    let found = owned(services, actor, id).await?;
    if found.asset_id.is_none() && found.expires_at < Utc::now() {
        return Err(Error::Gone("this upload expired; start it again".into()));
    }
    Ok(found)
}

/// The upload if it exists and `actor` started it, expired or not.
pub(crate) async fn owned(services: &Services, actor: &Actor, id: Uuid) -> Result<upload::Model> {
    upload::Entity::find_by_id(id)
        .one(&services.workspace_db(actor)?)
        .await?
        .filter(|u| u.created_by == actor.user_id)
        .ok_or(Error::NotFound("upload"))
}

/// Appends the request body at `offset`. Bytes received before a broken connection are kept (and
/// counted), so the client can resume from there.
pub async fn append<S, E>(
    services: &Services,
    actor: &Actor,
    id: Uuid,
    offset: u64,
    body: S,
    checksum: Option<ChunkChecksum>,
) -> Result<Appended>
where
    S: Stream<Item = std::result::Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    find(services, actor, id).await?;
    let txn = services.workspace_db(actor)?.begin().await?;
    let locked = txn
        .query_one(Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            "SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS locked",
            [id.to_string().into()],
        ))
        .await?
        .and_then(|row| row.try_get::<bool>("", "locked").ok())
        .unwrap_or(false);
    if !locked {
        return Err(Error::Locked("another request is appending to this upload; try again shortly".into()));
    }
    // Read under the lock: a request that just finished may have moved the offset.
    let current = upload::Entity::find_by_id(id).one(&txn).await?.ok_or(Error::NotFound("upload"))?;
    if current.direct {
        return Err(Error::Conflict(
            "this upload goes straight to storage with its upload link; confirm it instead".into(),
        ));
    }
    if current.asset_id.is_some() || current.received as u64 != offset {
        return Err(Error::Conflict(format!("the upload is at byte {}, not {offset}", current.received)));
    }

    let length = current.length as u64;
    let mut hasher = restore_hasher(&current)?;
    let mut chunk_hasher = checksum.as_ref().map(|_| Sha256::new());
    let mut writer = services.storage.staged_writer(&current).await?;
    let mut judged = None;
    let mut head = match current.mime {
        None if offset > 0 => services.storage.staged_head(&current, SNIFF_LEN).await?,
        _ => Vec::new(),
    };
    let mut received = offset;
    let mut body = body;
    let mut interrupted = None;
    while let Some(next) = body.next().await {
        let chunk = match next {
            Ok(chunk) => chunk,
            Err(e) => {
                interrupted = Some(e.to_string());
                break;
            }
        };
        if received + chunk.len() as u64 > length {
            writer.abandon(&current).await;
            return Err(Error::BadRequest(format!(
                "the upload is {length} bytes long; this request goes past its end"
            )));
        }
        if current.mime.is_none() && judged.is_none() {
            head.extend(chunk.iter().take(SNIFF_LEN - head.len()));
            if head.len() as u64 >= length.min(SNIFF_LEN as u64) {
                match sniff::detect(&head, &current.filename) {
                    Ok(detected) => {
                        let original_id = Uuid::now_v7();
                        writer.set_key(storage::original_key(original_id, detected.extension));
                        judged = Some((detected, original_id));
                    }
                    Err(why) => {
                        drop(txn);
                        writer.abandon(&current).await;
                        discard(services, actor, &current).await?;
                        return Err(Error::UnsupportedType { filename: current.filename, why });
                    }
                }
            }
        }
        writer.write(&chunk).await?;
        hasher.update(&chunk);
        if let Some(h) = chunk_hasher.as_mut() {
            h.update(&chunk);
        }
        received += chunk.len() as u64;
    }
    if let (Some(expected), Some(h)) = (checksum, chunk_hasher) {
        if h.finalize().as_slice() != expected.sha256.as_slice() {
            // Not counted: the next request starts again from the row's offset.
            writer.abandon(&current).await;
            return Err(Error::ChecksumMismatch);
        }
    }
    let staged = writer.finish().await?;

    let now = Utc::now();
    let mut update = upload::ActiveModel {
        id: Set(id),
        received: Set(received as i64),
        hash_state: Set(Some(hasher.serialize().to_vec())),
        multipart_id: Set(staged.multipart_id),
        parts: Set(staged.parts),
        tail: Set(staged.tail),
        updated_at: Set(now),
        expires_at: Set(now + expiry(services)),
        ..Default::default()
    };
    if let Some((detected, original_id)) = judged {
        update.mime = Set(Some(detected.mime.to_owned()));
        update.kind = Set(Some(detected.kind));
        update.extension = Set(Some(detected.extension.to_owned()));
        update.original_id = Set(Some(original_id));
    }
    let mut upload = update.update(&txn).await?;
    txn.commit().await?;
    if let Some(reason) = interrupted {
        tracing::info!(upload_id = %id, received, reason = %reason, "upload request interrupted; kept what arrived");
    }

    if received < length {
        return Ok(Appended { upload, asset: None, duplicate: false });
    }
    let (done, duplicate) = complete(services, actor, &upload, hex::encode(hasher.finalize())).await?;
    upload.asset_id = Some(done.id);
    Ok(Appended { upload, asset: Some(done), duplicate })
}

/// The last byte arrived: the staged file becomes an original and an asset, unless the library
/// already has this content (then that asset is the answer and nothing is processed again).
async fn complete(
    services: &Services,
    actor: &Actor,
    upload: &upload::Model,
    checksum: String,
) -> Result<(asset::Model, bool)> {
    let existing = ingest::same_content(services, actor, &checksum).await?;
    let duplicate = existing.is_some();
    let asset = match existing {
        Some(existing) => {
            services.storage.delete_staged(upload).await?;
            tracing::info!(upload_id = %upload.id, asset_id = %existing.id, "upload has the content of an existing asset");
            existing
        }
        None => {
            let (Some(mime), Some(kind), Some(id)) = (&upload.mime, upload.kind, upload.original_id) else {
                return Err(Error::BadRequest("the upload's type was never determined".into()));
            };
            let key = services.storage.promote_staged(upload).await?;
            let priority =
                if upload.priority == Priority::Bulk as i16 { Priority::Bulk } else { Priority::Interactive };
            let stored = ingest::StoredOriginal {
                id,
                key,
                filename: upload.filename.clone(),
                kind,
                mime: mime.clone(),
                size: upload.length as u64,
                checksum,
            };
            ingest::record(services, actor, priority, stored).await?
        }
    };
    settle(services, actor, upload, &asset).await?;
    Ok((asset, duplicate))
}

/// Records which asset an upload became (clients may still ask for a while) and audits it.
async fn settle(services: &Services, actor: &Actor, upload: &upload::Model, asset: &asset::Model) -> Result<()> {
    let txn = services.workspace_db(actor)?.begin().await?;
    upload::Entity::update_many()
        .col_expr(upload::Column::AssetId, Expr::value(asset.id))
        .filter(upload::Column::Id.eq(upload.id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        actor,
        "upload.complete",
        Some(Target::asset(asset.id)),
        serde_json::json!({ "upload": upload.id, "size": upload.length }),
    )
    .await?;
    Ok(txn.commit().await?)
}

/// Cancels an upload (tus termination): its staged bytes and its row go.
pub async fn terminate(services: &Services, actor: &Actor, id: Uuid) -> Result<()> {
    discard(services, actor, &owned(services, actor, id).await?).await
}

pub(crate) async fn discard(services: &Services, actor: &Actor, upload: &upload::Model) -> Result<()> {
    services.storage.delete_staged(upload).await?;
    upload::Entity::delete_by_id(upload.id).exec(&services.workspace_db(actor)?).await?;
    Ok(())
}

/// Removes unfinished uploads past their expiry, bytes and all, in every workspace; returns how many.
pub async fn remove_expired(services: &Services) -> Result<usize> {
    let mut removed = 0;
    for workspace in crate::workspaces::all(&services.db).await? {
        let actor = Actor::system("expiry").in_workspace(workspace.id);
        let db = services.workspace_db(&actor)?;
        let expired = upload::Entity::find()
            .filter(upload::Column::AssetId.is_null())
            .filter(upload::Column::ExpiresAt.lt(Utc::now()))
            .all(&db)
            .await?;
        for upload in &expired {
            discard(services, &actor, upload).await?;
        }
        removed += expired.len();
        // Finished uploads are only kept for a while so a client can still ask what became of them.
        upload::Entity::delete_many()
            .filter(upload::Column::AssetId.is_not_null())
            .filter(upload::Column::UpdatedAt.lt(Utc::now() - Duration::days(7)))
            .exec(&db)
            .await?;
    }
    Ok(removed)
}

/// The hash of the first `received` bytes, from the state saved with the row.
fn restore_hasher(upload: &upload::Model) -> Result<Sha256> {
    match &upload.hash_state {
        None if upload.received == 0 => Ok(Sha256::new()),
        None => Err(Error::Gone("this upload was started by an older version of the server; start it again".into())),
        Some(saved) => SerializedState::<Sha256>::try_from(saved.as_slice())
            .ok()
            .and_then(|state| Sha256::deserialize(&state).ok())
            .ok_or_else(|| Error::Gone("this upload's saved state is damaged; start it again".into())),
    }
}
