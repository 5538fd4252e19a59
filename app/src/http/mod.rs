//! The HTTP edge shared by the JSON API (server crate) and the server functions: the one access
//! check, session cookies, and the one mapping of domain errors to status codes.

pub mod access;
pub mod cookies;
pub mod error;

pub use access::{Access, ClientIp, Principal, Via};
pub use error::{status_of, ApiError};
