//! The database as one workspace sees it: every statement and transaction runs with
//! `dam.workspace` set (transaction-local), which the row-level security policies and the
//! `workspace_id` column defaults read. Without it the application's role sees no workspace's rows
//! and cannot insert any.

use std::{future::Future, pin::Pin};

use sea_orm::{
    AccessMode, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, ExecResult, IsolationLevel,
    QueryResult, Statement, TransactionError, TransactionTrait,
};
use uuid::Uuid;

#[derive(Clone, Debug)]
pub struct WorkspaceDb {
    db: DatabaseConnection,
    workspace: Uuid,
}

impl WorkspaceDb {
    pub fn new(db: DatabaseConnection, workspace: Uuid) -> Self {
        WorkspaceDb { db, workspace }
    }

    pub fn workspace(&self) -> Uuid {
        self.workspace
    }

    /// A transaction in this workspace.
    pub async fn begin(&self) -> Result<DatabaseTransaction, DbErr> {
        enter(self.db.begin().await?, self.workspace).await
    }
}

/// Sets the workspace for the rest of `txn`.
pub async fn enter(txn: DatabaseTransaction, workspace: Uuid) -> Result<DatabaseTransaction, DbErr> {
    txn.execute(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT set_config('dam.workspace', $1, true)",
        [workspace.to_string().into()],
    ))
    .await?;
    Ok(txn)
}

/// One statement: its own short transaction with the workspace set.
#[sea_orm::prelude::async_trait::async_trait]
impl ConnectionTrait for WorkspaceDb {
    fn get_database_backend(&self) -> DbBackend {
        DbBackend::Postgres
    }

    async fn execute(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        let txn = self.begin().await?;
        let result = txn.execute(stmt).await?;
        txn.commit().await?;
        Ok(result)
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        let txn = self.begin().await?;
        let result = txn.execute_unprepared(sql).await?;
        txn.commit().await?;
        Ok(result)
    }

    async fn query_one(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        let txn = self.begin().await?;
        let result = txn.query_one(stmt).await?;
        txn.commit().await?;
        Ok(result)
    }

    async fn query_all(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        let txn = self.begin().await?;
        let result = txn.query_all(stmt).await?;
        txn.commit().await?;
        Ok(result)
    }
}

#[sea_orm::prelude::async_trait::async_trait]
impl TransactionTrait for WorkspaceDb {
    async fn begin(&self) -> Result<DatabaseTransaction, DbErr> {
        WorkspaceDb::begin(self).await
    }

    async fn begin_with_config(
        &self,
        isolation_level: Option<IsolationLevel>,
        access_mode: Option<AccessMode>,
    ) -> Result<DatabaseTransaction, DbErr> {
        enter(self.db.begin_with_config(isolation_level, access_mode).await?, self.workspace).await
    }

    async fn transaction<F, T, E>(&self, callback: F) -> Result<T, TransactionError<E>>
    where
        F: for<'c> FnOnce(&'c DatabaseTransaction) -> Pin<Box<dyn Future<Output = Result<T, E>> + Send + 'c>> + Send,
        T: Send,
        E: std::fmt::Display + std::fmt::Debug + Send,
    {
        self.transaction_with_config(callback, None, None).await
    }

    async fn transaction_with_config<F, T, E>(
        &self,
        callback: F,
        isolation_level: Option<IsolationLevel>,
        access_mode: Option<AccessMode>,
    ) -> Result<T, TransactionError<E>>
    where
        F: for<'c> FnOnce(&'c DatabaseTransaction) -> Pin<Box<dyn Future<Output = Result<T, E>> + Send + 'c>> + Send,
        T: Send,
        E: std::fmt::Display + std::fmt::Debug + Send,
    {
        let txn = self.begin_with_config(isolation_level, access_mode).await.map_err(TransactionError::Connection)?;
        let result = callback(&txn).await.map_err(TransactionError::Transaction)?;
        txn.commit().await.map_err(TransactionError::Connection)?;
        Ok(result)
    }
}
