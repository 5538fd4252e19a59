//! Wake-ups instead of waiting for the next poll, so a new upload on an idle system starts at
//! once: Postgres announces every stored upload (the `asset_status` NOTIFY the live updates use
//! too), which wakes the feeders; a feeder that leaves jobs waiting wakes this process's apalis
//! consumer of that queue, which would otherwise look only at its next heartbeat.

use std::{
    pin::Pin,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
    task::{Context, Poll},
    time::Duration,
};

use domain::{pipeline::QueueName, Services};
use futures::{task::AtomicWaker, Stream};
use sea_orm::sqlx::postgres::PgListener;
use tokio::sync::{watch, Notify};

use crate::Consumers;

/// The channel the status trigger (migration `…_pipeline`) announces every status change on.
const CHANNEL: &str = "asset_status";

/// A wake-up for one consumer: `ring` marks it and wakes whoever last polled the stream; a ring
/// while nobody polls is kept until the next poll.
#[derive(Clone, Default)]
pub struct Bell(Arc<BellInner>);

#[derive(Default)]
struct BellInner {
    waker: AtomicWaker,
    rung: AtomicBool,
}

impl Bell {
    pub fn ring(&self) {
        self.0.rung.store(true, Ordering::Release);
        self.0.waker.wake();
    }
}

impl Stream for Bell {
    type Item = ();

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<()>> {
        // Registered on every poll, the ready one included, so the next ring always finds a waker.
        self.0.waker.register(cx.waker());
        if self.0.rung.swap(false, Ordering::AcqRel) {
            Poll::Ready(Some(()))
        } else {
            Poll::Pending
        }
    }
}

/// Per queue: the feeder's wake-up (new work in Postgres) and the consumer's (jobs in Redis).
#[derive(Default)]
pub struct Wakeups {
    feeders: [Notify; 3],
    consumers: [Bell; 3],
}

impl Wakeups {
    pub fn new_work(&self) {
        for feeder in &self.feeders {
            feeder.notify_one();
        }
    }

    /// Completes at the next `new_work` (or at once, if one came since the last wait).
    pub async fn work_arrived(&self, queue: QueueName) {
        self.feeders[Consumers::slot(queue)].notified().await
    }

    pub fn jobs_waiting(&self, queue: QueueName) {
        self.consumers[Consumers::slot(queue)].ring()
    }

    /// What the queue's apalis consumer polls besides its heartbeat.
    pub fn consumer_bell(&self, queue: QueueName) -> Bell {
        self.consumers[Consumers::slot(queue)].clone()
    }
}

/// Listens for uploads stored (status `uploaded`, which retries and reprocessing set too) and
/// wakes the feeders, until `stop`; reconnects when the connection drops.
pub async fn listen(services: Services, wakeups: Arc<Wakeups>, mut stop: watch::Receiver<bool>) {
    let pool = services.db.get_postgres_connection_pool().clone();
    while !*stop.borrow() {
        tokio::select! {
            Err(e) = forward(&pool, &wakeups) => {
                tracing::warn!(error = %e, "the upload listener lost its connection; reconnecting");
                let _ = tokio::time::timeout(Duration::from_secs(1), stop.changed()).await;
            }
            _ = stop.changed() => {}
        }
    }
}

async fn forward(pool: &sea_orm::sqlx::PgPool, wakeups: &Wakeups) -> Result<(), sea_orm::sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    // Anything stored while nobody listened is found now (and by the feeders' own polls).
    wakeups.new_work();
    loop {
        let notification = listener.recv().await?;
        let status = serde_json::from_str::<serde_json::Value>(notification.payload())
            .ok()
            .and_then(|change| change["status"].as_str().map(str::to_owned));
        if status.as_deref() == Some("uploaded") {
            wakeups.new_work();
        }
    }
}
