//! Pages for one's own account: signing in, and settings (password, API tokens, sessions).

pub mod login;
pub mod settings;
