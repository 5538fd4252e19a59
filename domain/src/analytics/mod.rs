//! Usage analytics: views and downloads counted per asset per day.

pub mod counters;

pub use counters::{UsageCounters, UsageEvent};
