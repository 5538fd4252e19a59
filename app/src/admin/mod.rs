//! Administration pages (admins only): users and the audit log.

pub mod audit;
pub mod users;
