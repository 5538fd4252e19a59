//! Local autoscaling (WORKER_AUTOSCALE): the scaling policy (`domain::pipeline::scaling`) sizes how
//! many jobs this process runs at once on each of its queues, from the queue's backlog, between 1
//! and the configured concurrency. Jobs beyond the current size wait for a slot before they claim
//! their asset; a smaller size waits for running jobs to finish — none is interrupted.

use std::{
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    time::Instant,
};

use domain::{
    pipeline::{
        backlog,
        scaling::{ScalePolicy, ScaleState},
        QueueName,
    },
    Services,
};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};

use crate::Consumers;

/// How many jobs may run at once, changeable while they run.
pub struct Slots {
    semaphore: Arc<Semaphore>,
    size: AtomicUsize,
}

impl Slots {
    pub fn new(size: usize) -> Self {
        Slots { semaphore: Arc::new(Semaphore::new(size)), size: AtomicUsize::new(size) }
    }

    pub fn size(&self) -> usize {
        self.size.load(Ordering::SeqCst)
    }

    /// Waits for a free slot; the job holds it until the permit is dropped.
    pub async fn take(&self) -> OwnedSemaphorePermit {
        self.semaphore.clone().acquire_owned().await.expect("the semaphore is never closed")
    }

    pub fn resize(&self, size: usize) {
        let before = self.size.swap(size, Ordering::SeqCst);
        if size > before {
            self.semaphore.add_permits(size - before);
        } else if size < before {
            // Retire slots as running jobs hand them back.
            let semaphore = self.semaphore.clone();
            tokio::spawn(async move {
                if let Ok(retired) = semaphore.acquire_many_owned((before - size) as u32).await {
                    retired.forget();
                }
            });
        }
    }
}

/// Reads the backlog every SCALE_EVERY_SECONDS and resizes each queue's slots until `stop`.
pub async fn run(
    services: Services,
    consumers: Arc<Consumers>,
    queues: Vec<(QueueName, usize)>,
    mut stop: watch::Receiver<bool>,
) {
    let scaling = services.config.scaling.clone();
    let started = Instant::now();
    let mut states: Vec<(QueueName, ScalePolicy, ScaleState)> = queues
        .iter()
        .map(|&(queue, most)| {
            (queue, scaling.policy(1, most.max(1) as u32), ScaleState::new(consumers.slots(queue).size() as u32))
        })
        .collect();
    while !*stop.borrow() {
        match backlog::report(&services).await {
            Ok(reports) => {
                for (queue, policy, state) in &mut states {
                    let Some(report) = reports.iter().find(|r| r.queue == queue.as_str()) else { continue };
                    if let Some(size) = policy.decide(state, report.backlog, started.elapsed()) {
                        tracing::info!(
                            queue = queue.as_str(),
                            backlog = report.backlog,
                            slots = size,
                            "concurrency follows the backlog"
                        );
                        consumers.slots(*queue).resize(size as usize);
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "cannot read the backlog to scale"),
        }
        let _ = tokio::time::timeout(scaling.every, stop.changed()).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn slots_grow_at_once_and_shrink_as_jobs_finish() {
        let slots = Arc::new(Slots::new(1));
        let first = slots.take().await;
        slots.resize(3);
        let (second, third) = (slots.take().await, slots.take().await);
        slots.resize(1);
        drop((first, second));
        tokio::task::yield_now().await;
        // Two slots retired as their jobs ended; the third job still runs and no new one may start.
        let waiting = tokio::time::timeout(std::time::Duration::from_millis(100), slots.take()).await;
        assert!(waiting.is_err(), "no slot is free while the one left is taken");
        drop(third);
        let next = tokio::time::timeout(std::time::Duration::from_millis(100), slots.take()).await;
        assert!(next.is_ok(), "the one slot frees when its job ends");
        assert_eq!(slots.size(), 1);
    }
}
