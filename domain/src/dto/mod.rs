//! Types that cross the wire: returned by the JSON API and server functions, read by the WASM client.

mod accounts;
mod assets;
mod collections;
mod dashboard;
mod paging;
mod pipeline;
mod search;
mod sharing;

pub use accounts::*;
pub use assets::*;
pub use collections::*;
pub use dashboard::*;
pub use paging::*;
pub use pipeline::*;
pub use search::*;
pub use sharing::*;
