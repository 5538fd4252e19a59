//! People and their credentials: users with argon2 passwords, cookie sessions and API tokens
//! (both stored as hashes), sign-in with rate limits, and the first admin.

pub mod login;
pub mod passwords;
pub mod secrets;
pub mod sessions;
pub mod tokens;
pub mod users;

use crate::{dto::UserView, entities::user};

pub fn user_view(user: &user::Model) -> UserView {
    UserView {
        id: user.id,
        email: user.email.clone(),
        display_name: user.display_name.clone(),
        role: user.role,
        disabled: user.disabled,
        has_password: user.password_hash.is_some(),
        sso: user.oidc_subject.is_some(),
        created_at: user.created_at,
        last_login_at: user.last_login_at,
    }
}
