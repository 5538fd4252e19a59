//! Usage analytics: views and downloads counted per asset per day, and the admin dashboard's
//! overview built from them.

pub mod counters;
pub mod overview;

pub use counters::{UsageCounters, UsageEvent};
