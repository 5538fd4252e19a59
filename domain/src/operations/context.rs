//! Running an operation: the permission check, one database transaction, and what may only
//! happen once that transaction is committed.

use std::{future::Future, pin::Pin, sync::Mutex};

use sea_orm::{DatabaseTransaction, TransactionTrait};
use tokio::sync::OnceCell;

use uuid::Uuid;

use super::{Caller, Operation};
use crate::{
    audit::Actor,
    db::{workspace_db, WorkspaceDb},
    error::{Error, Result},
    links::Links,
    services::Services,
};

type Task = Pin<Box<dyn Future<Output = Result<()>> + Send>>;

/// What an operation runs with: who calls, the services, its transaction, and the links to files
/// its answer carries (the adapter's: they depend on where the request came in).
/// The transaction works in the caller's workspace (or, for someone anonymous opening a share
/// link, the link's: `enter`); events will write their outbox row in it.
pub struct Cx<'a> {
    pub caller: &'a Caller,
    pub links: &'a dyn Links,
    pub actor: Actor,
    pub services: &'a Services,
    workspace: Mutex<Option<Uuid>>,
    txn: OnceCell<DatabaseTransaction>,
    after_commit: Mutex<Vec<Task>>,
}

impl Cx<'_> {
    /// The operation's one transaction, begun on first use. Lazily, because a transaction holds a
    /// pooled connection until the end: an operation that reads on its own connections (search
    /// reads a page and its counts side by side) would otherwise hold one while waiting for
    /// others, and as many concurrent searches as the pool has connections would wait forever.
    pub async fn db(&self) -> Result<&DatabaseTransaction> {
        let workspace = *self.workspace.lock().expect("not poisoned");
        Ok(self
            .txn
            .get_or_try_init(|| async {
                let txn = self.services.db.begin().await?;
                match workspace {
                    Some(id) => workspace_db::enter(txn, id).await,
                    None => Ok(txn),
                }
            })
            .await?)
    }

    /// The workspace's rows on connections of their own, for reads that run side by side (search).
    pub fn workspace_db(&self) -> Result<WorkspaceDb> {
        let workspace = self.workspace.lock().expect("not poisoned").ok_or(Error::NotFound("workspace"))?;
        Ok(WorkspaceDb::new(self.services.db.clone(), workspace))
    }

    /// Works in `workspace` from now on: for callers who have none of their own (a visitor of a
    /// share link works in the link's). Before the first `db()` only.
    pub fn enter(&self, workspace: Uuid) -> Result<()> {
        if self.txn.initialized() {
            return Err(Error::Database(sea_orm::DbErr::Custom(
                "a workspace is entered before the transaction begins".into(),
            )));
        }
        *self.workspace.lock().expect("not poisoned") = Some(workspace);
        Ok(())
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
        workspace: Mutex::new(caller.workspace()),
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
