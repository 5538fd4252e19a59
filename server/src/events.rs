//! Live asset status for open pages. Postgres announces every status change (a trigger calls
//! `pg_notify('asset_status', …)`, whoever made the change: worker, API, CLI); one listener per
//! server fans it out to the browsers over server-sent events at `/api/events`.

use std::{convert::Infallible, time::Duration};

use axum::{
    extract::State,
    response::sse::{Event, KeepAlive, Sse},
};
use domain::{policy::Permission, Services};
use edge::{Access, ApiError};
use futures::{Stream, StreamExt};
use sea_orm::sqlx::postgres::PgListener;
use tokio::sync::broadcast;

pub const CHANNEL: &str = "asset_status";

#[derive(Clone)]
pub struct AssetEvents {
    sender: broadcast::Sender<String>,
}

impl AssetEvents {
    /// Starts listening in the background; reconnects by itself if the connection drops.
    pub fn start(services: &Services) -> Self {
        let (sender, _) = broadcast::channel(1024);
        let pool = services.db.get_postgres_connection_pool().clone();
        let events = AssetEvents { sender: sender.clone() };
        tokio::spawn(async move {
            loop {
                if let Err(e) = forward(&pool, &sender).await {
                    tracing::warn!(error = %e, "asset event listener lost its connection; reconnecting");
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        });
        events
    }
}

async fn forward(pool: &sea_orm::sqlx::PgPool, sender: &broadcast::Sender<String>) -> Result<(), sea_orm::sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    loop {
        let notification = listener.recv().await?;
        // Nobody listening is fine.
        let _ = sender.send(notification.payload().to_owned());
    }
}

/// Whether an event's payload (`{"id", "status", "workspace"}`) is about `workspace`'s asset.
fn in_workspace(payload: &str, workspace: Option<uuid::Uuid>) -> bool {
    #[derive(serde::Deserialize)]
    struct Scope {
        workspace: Option<uuid::Uuid>,
    }
    serde_json::from_str::<Scope>(payload).is_ok_and(|s| s.workspace.is_some() && s.workspace == workspace)
}

/// How often an open stream asks whether its session or token still signs the person in: a
/// stream outlives sign-out, a revoked token or a disabled account by at most this long.
const RECHECK_ACCESS_EVERY: Duration = Duration::from_secs(10);

/// What one open stream holds between events.
struct Open {
    receiver: broadcast::Receiver<String>,
    recheck: tokio::time::Interval,
    access: Access,
    db: sea_orm::DatabaseConnection,
}

/// `GET /api/events`: `asset` events with `{"id": …, "status": …, "workspace": …}` of the
/// caller's workspace, for people who may browse it, for as long as their session or token is valid.
pub async fn stream(
    access: Access,
    State(events): State<AssetEvents>,
    State(services): State<Services>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    access.require(Permission::Browse)?;
    let start = tokio::time::Instant::now() + RECHECK_ACCESS_EVERY;
    let open = Open {
        receiver: events.sender.subscribe(),
        recheck: tokio::time::interval_at(start, RECHECK_ACCESS_EVERY),
        access,
        db: services.db.clone(),
    };
    let stream = futures::stream::unfold(open, |mut open| async move {
        loop {
            tokio::select! {
                received = open.receiver.recv() => {
                    let event = match received {
                        // Another workspace's asset: not this stream's business.
                        Ok(payload) if !in_workspace(&payload, open.access.workspace()) => continue,
                        Ok(payload) => Event::default().event("asset").data(payload),
                        // A slow client missed some; tell it to reload rather than show stale state.
                        Err(broadcast::error::RecvError::Lagged(_)) => Event::default().event("resync").data("{}"),
                        Err(broadcast::error::RecvError::Closed) => return None,
                    };
                    return Some((Ok(event), open));
                }
                _ = open.recheck.tick() => {
                    // Signed out, revoked or disabled (or the database cannot say): the stream
                    // ends; the browser's reconnection is then asked to sign in.
                    if !open.access.still_valid(&open.db).await.unwrap_or(false) {
                        return None;
                    }
                }
            }
        }
    });
    // The stream ends when the process is asked to stop: the server then waits for requests in
    // flight, and an open stream would hold it until it is killed (browsers reconnect, to another
    // replica, and resync).
    let stream = stream.take_until(Box::pin(domain::services::shutdown_signal()));
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
