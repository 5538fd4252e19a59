//! Which account a single sign-on identity becomes (end2end/tests/sso.spec.ts drives the same
//! rules through the real oidc-provider): only a verified e-mail links, a linked account is never
//! re-linked to another subject, and the role claim never removes the last enabled admin.

mod common;

use common::spawn_app_without_worker;
use domain::{
    accounts::users::{self, SsoIdentity},
    policy::Role,
    Error,
};

fn identity<'a>(subject: &'a str, email: &'a str, verified: bool, role: Role) -> SsoIdentity<'a> {
    SsoIdentity { subject, email, email_verified: verified, name: None, role }
}

#[tokio::test]
async fn only_a_verified_email_links_and_a_linked_account_stays_with_its_identity() {
    let app = spawn_app_without_worker(&[]).await;
    let db = &app.db();
    let local = app.create_user(Role::Editor).await;

    let unverified = users::upsert_sso_user(db, identity("mallory", &local.email, false, Role::Admin)).await;
    assert!(matches!(unverified, Err(Error::Forbidden(ref why)) if why.contains("has not verified")), "{unverified:?}");
    let untouched = users::get(db, local.id).await.unwrap();
    assert_eq!((untouched.oidc_subject, untouched.role), (None, Role::Editor));

    let linked = users::upsert_sso_user(db, identity("ann-at-idp", &local.email, true, Role::Editor)).await.unwrap();
    assert_eq!((linked.id, linked.oidc_subject.as_deref()), (local.id, Some("ann-at-idp")));

    let other =
        users::upsert_sso_user(db, identity("eve-at-idp", &local.email.to_uppercase(), true, Role::Admin)).await;
    assert!(matches!(other, Err(Error::Forbidden(ref why)) if why.contains("linked to another")), "{other:?}");
    let still = users::get(db, local.id).await.unwrap();
    assert_eq!((still.oidc_subject.as_deref(), still.role), (Some("ann-at-idp"), Role::Editor));
    let again = users::upsert_sso_user(db, identity("ann-at-idp", &local.email, true, Role::Editor)).await.unwrap();
    assert_eq!(again.id, local.id);
    app.cleanup().await;
}

#[tokio::test]
async fn the_role_claim_never_removes_the_last_enabled_admin() {
    let app = spawn_app_without_worker(&[]).await;
    let db = &app.db();
    let boss = users::upsert_sso_user(db, identity("boss", "boss@example.test", true, Role::Admin)).await.unwrap();
    assert_eq!(boss.role, Role::Admin);

    // The provider stops sending the admin claim: the only admin stays one.
    let kept = users::upsert_sso_user(db, identity("boss", "boss@example.test", true, Role::Viewer)).await.unwrap();
    assert_eq!(kept.role, Role::Admin);

    // With another enabled admin, the claim applies.
    app.create_user(Role::Admin).await;
    let demoted = users::upsert_sso_user(db, identity("boss", "boss@example.test", true, Role::Viewer)).await.unwrap();
    assert_eq!(demoted.role, Role::Viewer);
    app.cleanup().await;
}
