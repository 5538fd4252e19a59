//! One's own API tokens and sign-in sessions.

use super::{ById, EXAMPLE_ID};
#[cfg(feature = "server")]
use crate::accounts::{sessions, tokens};
use crate::{
    dto::{CreatedToken, NewToken, Page, PageRequest, SessionView, TokenView},
    policy::Permission,
};

/// The signed-in person's id (the permission check before `run` made sure there is one).
#[cfg(feature = "server")]
fn me(cx: &super::Cx<'_>) -> crate::error::Result<uuid::Uuid> {
    cx.actor.user_id.ok_or(crate::error::Error::Unauthenticated)
}

operation! {
    ListTokens(PageRequest) -> Page<TokenView> {
        id: "list_tokens",
        summary: "One's own API tokens that still work",
        permission: Some(Permission::ManageOwnCredentials),
        owned: false,
        success: Ok,
        failures: [],
        example: PageRequest::default(),
        run: |cx, input| tokens::list_active(cx.db().await?, me(cx)?, input).await,
    }
}

operation! {
    CreateToken(NewToken) -> CreatedToken {
        id: "create_token",
        summary: "Make an API token for scripts; its secret is in this answer only",
        permission: Some(Permission::ManageOwnCredentials),
        owned: false,
        success: Created,
        failures: [Invalid],
        example: NewToken { name: "Nightly import".into(), expires_in_days: Some(90) },
        run: |cx, input| tokens::create(cx.db().await?, &cx.actor, me(cx)?, input).await,
    }
}

operation! {
    RevokeToken(ById) -> () {
        id: "revoke_token",
        summary: "Revoke one of one's API tokens (admins: anyone's)",
        permission: Some(Permission::ManageOwnCredentials),
        owned: false,
        success: NoContent,
        failures: [NotFound],
        example: ById { id: EXAMPLE_ID },
        run: |cx, input| tokens::revoke(cx.db().await?, &cx.actor, input.id, cx.caller.can(Permission::ManageUsers)).await,
    }
}

operation! {
    ListSessions(PageRequest) -> Page<SessionView> {
        id: "list_sessions",
        summary: "Where one is signed in (device, address, last use), the current session marked",
        permission: Some(Permission::ManageOwnCredentials),
        owned: false,
        success: Ok,
        failures: [],
        example: PageRequest::default(),
        run: |cx, input| sessions::list_active(cx.db().await?, me(cx)?, cx.caller.session_id(), input).await,
    }
}

operation! {
    RevokeSession(ById) -> () {
        id: "revoke_session",
        summary: "Sign one of one's sessions out (admins: anyone's)",
        permission: Some(Permission::ManageOwnCredentials),
        owned: false,
        success: NoContent,
        failures: [NotFound],
        example: ById { id: EXAMPLE_ID },
        run: |cx, input| sessions::revoke(cx.db().await?, &cx.actor, input.id, cx.caller.can(Permission::ManageUsers)).await,
    }
}
