//! Live asset status for open pages. Postgres announces every status change (a trigger calls
//! `pg_notify('asset_status', …)`, whoever made the change: worker, API, CLI); one listener per
//! server fans it out to the browsers over server-sent events at `/api/events`.

use std::{convert::Infallible, time::Duration};

use app::http::{Access, ApiError};
use axum::{
    extract::State,
    response::sse::{Event, KeepAlive, Sse},
};
use domain::{policy::Permission, Services};
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

/// `GET /api/events`: `asset` events with `{"id": …, "status": …}` for people who may browse.
pub async fn stream(
    access: Access,
    State(events): State<AssetEvents>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    access.require(Permission::Browse)?;
    let receiver = events.sender.subscribe();
    let stream = futures::stream::unfold(receiver, |mut receiver| async move {
        let event = match receiver.recv().await {
            Ok(payload) => Event::default().event("asset").data(payload),
            // A slow client missed some; tell it to reload rather than show stale state.
            Err(broadcast::error::RecvError::Lagged(_)) => Event::default().event("resync").data("{}"),
            Err(broadcast::error::RecvError::Closed) => return None,
        };
        Some((Ok(event), receiver))
    });
    // The stream ends when the process is asked to stop: the server then waits for requests in
    // flight, and an open stream would hold it until it is killed (browsers reconnect, to another
    // replica, and resync).
    let stream = stream.take_until(Box::pin(domain::services::shutdown_signal()));
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
