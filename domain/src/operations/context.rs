//! Running an operation: the permission check, one database transaction, and what may only
//! happen once that transaction is committed.

use std::{future::Future, pin::Pin, sync::Mutex};

use sea_orm::{DatabaseTransaction, TransactionTrait};
use tokio::sync::OnceCell;

use super::{Caller, Operation};
use crate::{audit::Actor, error::Result, links::Links, services::Services};

type Task = Pin<Box<dyn Future<Output = Result<()>> + Send>>;

/// What an operation runs with: who calls, the services, its transaction, and the links to files
/// its answer carries (the adapter's: they depend on where the request came in).
/// Workspaces will set the tenant in the transaction; events will write their outbox row in it.
pub struct Cx<'a> {
    pub caller: &'a Caller,
    pub links: &'a dyn Links,
    pub actor: Actor,
    pub services: &'a Services,
    txn: OnceCell<DatabaseTransaction>,
    after_commit: Mutex<Vec<Task>>,
}

impl Cx<'_> {
    /// The operation's one transaction, begun on first use. Lazily, because a transaction holds a
    /// pooled connection until the end: an operation that reads on its own connections (search
    /// reads a page and its counts side by side) would otherwise hold one while waiting for
    /// others, and as many concurrent searches as the pool has connections would wait forever.
    pub async fn db(&self) -> Result<&DatabaseTransaction> {
        Ok(self.txn.get_or_try_init(|| self.services.db.begin()).await?)
    }

    /// Work that must not happen unless the change is kept (deleting files, enqueueing jobs that
    /// would read the new rows): run in order after the commit.
    pub fn after_commit(&self, task: impl Future<Output = Result<()>> + Send + 'static) {
        self.after_commit.lock().expect("not poisoned").push(Box::pin(task));
    }
}

/// Checks the permission `O` declares, runs it in one transaction, commits, then runs what it
/// left for after the commit. Every adapter (JSON route, server function) calls this.
pub async fn execute<O: Operation>(
    services: &Services,
    caller: &Caller,
    links: &dyn Links,
    input: O::Input,
) -> Result<O::Output> {
    if let Some(permission) = O::SPEC.permission {
        caller.require(permission)?;
    }
    let cx = Cx {
        caller,
        links,
        actor: caller.actor(),
        services,
        txn: OnceCell::new(),
        after_commit: Mutex::new(Vec::new()),
    };
    // On an error the transaction is dropped, which rolls it back.
    let output = O::run(&cx, input).await?;
    let Cx { txn, after_commit, .. } = cx;
    if let Some(txn) = txn.into_inner() {
        txn.commit().await?;
    }
    for task in after_commit.into_inner().expect("not poisoned") {
        if let Err(error) = task.await {
            // The change is kept; what failed is tidying (a file left behind is garbage the
            // reconciler collects), so the caller is told it worked.
            tracing::warn!(operation = O::SPEC.id, %error, "after-commit step failed");
        }
    }
    Ok(output)
}
