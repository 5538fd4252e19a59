//! Types that cross the wire: returned by the JSON API and server functions, read by the WASM client.

mod accounts;
mod assets;
mod collections;
mod dashboard;
mod search;
mod sharing;
mod pipeline;

pub use accounts::*;
pub use assets::*;
pub use collections::*;
pub use dashboard::*;
pub use search::*;
pub use sharing::*;
pub use pipeline::*;
