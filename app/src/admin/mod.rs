//! Administration pages (admins only): the dashboard, users and the audit log.

pub mod audit;
pub mod dashboard;
mod queues;
pub mod users;
