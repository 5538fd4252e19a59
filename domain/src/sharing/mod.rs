//! Share links: editors hand a link to people without an account (a client, a printer, the
//! press). `links` is the makers' side (create, list, revoke); `visitors` is what the link opens.

pub mod links;
pub mod visitors;

/// The longest a link may stay open.
pub const MAX_DAYS: i64 = 365;
