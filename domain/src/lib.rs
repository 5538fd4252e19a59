//! The DAM's domain, defined once.
//!
//! Without features this crate is only the data-transfer types shared by the server functions and
//! the WASM client (`dto`). With `server` it adds what server and worker share: configuration,
//! the database entities, object storage, the job queue and the ingest/catalog services.

pub mod audit_words;
pub mod dto;
pub mod media_words;
pub mod operations;
pub mod policy;
pub mod sizes;

#[cfg(feature = "server")]
pub mod accounts;
#[cfg(feature = "server")]
pub mod analytics;
#[cfg(feature = "server")]
pub mod audit;
#[cfg(feature = "server")]
pub mod catalog;
#[cfg(feature = "server")]
pub mod config;
#[cfg(feature = "server")]
pub mod db;
#[cfg(feature = "server")]
pub mod entities;
#[cfg(feature = "server")]
pub mod error;
#[cfg(feature = "server")]
pub mod file_names;
#[cfg(feature = "server")]
pub mod health;
#[cfg(feature = "server")]
pub mod ingest;
#[cfg(feature = "server")]
pub mod library;
#[cfg(feature = "server")]
pub mod links;
#[cfg(feature = "server")]
pub mod maintenance;
#[cfg(feature = "server")]
pub mod paging;
#[cfg(feature = "server")]
pub mod pipeline;
#[cfg(feature = "server")]
pub mod rate_limit;
#[cfg(feature = "server")]
pub mod services;
#[cfg(feature = "server")]
pub mod sharing;
#[cfg(feature = "server")]
pub mod sniff;
#[cfg(feature = "server")]
pub mod storage;
#[cfg(feature = "server")]
pub mod telemetry;
#[cfg(feature = "server")]
pub mod uploads;
#[cfg(feature = "server")]
pub mod workspaces;

#[cfg(feature = "server")]
pub use {config::Config, error::Error, services::Services};
