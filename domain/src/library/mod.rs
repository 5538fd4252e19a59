//! The library people work in: search and filters, tags (their own and those processing adds),
//! titles and descriptions, collections, and the trash.

pub mod archive;
pub mod auto_tags;
pub mod collections;
pub mod editing;
pub mod search;
pub mod tags;
pub mod trash;
pub mod versions;
