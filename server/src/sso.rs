//! Single sign-on with OpenID Connect: authorization code flow with PKCE (`openidconnect`).
//! `/auth/oidc/login` sends the browser to the provider; `/auth/oidc/callback` checks state,
//! nonce and the ID token's signature, maps the role claim, opens a session and returns home.
//! Any failure lands on the sign-in page with a sentence saying what went wrong.

use axum::{
    extract::{Query, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
    routing::get,
    Router,
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use domain::{
    accounts::{
        sessions,
        users::{self, SsoIdentity},
    },
    audit::{self, Actor, Target},
    config::OidcConfig,
    policy::Role,
    Services,
};
use edge::{cookies, Access};
use openidconnect::{
    core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata},
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, OAuth2TokenResponse, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::{
    collections::HashMap,
    sync::{LazyLock, OnceLock},
    time::{Duration, Instant},
};

use crate::AppState;

const FLOW_COOKIE: &str = "dam_oidc";

pub fn routes() -> Router<AppState> {
    Router::new().route("/auth/oidc/login", get(start)).route("/auth/oidc/callback", get(callback))
}

/// What the callback needs to finish the flow, kept in a short-lived HTTP-only cookie.
#[derive(Serialize, Deserialize)]
struct Flow {
    state: String,
    nonce: String,
    verifier: String,
}

/// One HTTP client for every exchange with the provider: no redirects (following them from a
/// provider response is an SSRF door), and time limits, so a slow provider cannot hold sign-ins.
fn http_client() -> Result<&'static openidconnect::reqwest::Client, String> {
    static CLIENT: OnceLock<openidconnect::reqwest::Client> = OnceLock::new();
    if let Some(client) = CLIENT.get() {
        return Ok(client);
    }
    let client = openidconnect::reqwest::ClientBuilder::new()
        .redirect(openidconnect::reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| format!("cannot create an HTTP client: {e}"))?;
    Ok(CLIENT.get_or_init(|| client))
}

/// How long the provider's description is trusted before it is fetched again.
const METADATA_TTL: Duration = Duration::from_secs(3600);

/// The provider's description (endpoints, keys), fetched once an hour per issuer rather than on
/// every sign-in, which let anyone make this server call out as often as they liked.
async fn provider_metadata(
    oidc: &OidcConfig,
    http: &openidconnect::reqwest::Client,
) -> Result<CoreProviderMetadata, String> {
    static CACHE: LazyLock<tokio::sync::Mutex<HashMap<String, (Instant, CoreProviderMetadata)>>> =
        LazyLock::new(Default::default);
    // Held while discovering: concurrent sign-ins wait for one fetch instead of starting their own.
    let mut cache = CACHE.lock().await;
    if let Some((fetched, metadata)) = cache.get(&oidc.issuer_url) {
        if fetched.elapsed() < METADATA_TTL {
            return Ok(metadata.clone());
        }
    }
    let issuer = IssuerUrl::new(oidc.issuer_url.clone()).map_err(|e| format!("OIDC_ISSUER_URL is not a URL: {e}"))?;
    let metadata = CoreProviderMetadata::discover_async(issuer, http).await.map_err(|e| {
        format!("the identity provider at {} could not be reached or described itself wrongly: {e}", oidc.issuer_url)
    })?;
    cache.insert(oidc.issuer_url.clone(), (Instant::now(), metadata.clone()));
    Ok(metadata)
}

/// The provider's metadata (for its userinfo endpoint) and a client configured for this site.
async fn discover(
    oidc: &OidcConfig,
    public_url: &str,
    http: &openidconnect::reqwest::Client,
) -> Result<(CoreProviderMetadata, OidcClient), String> {
    let metadata = provider_metadata(oidc, http).await?;
    let redirect = RedirectUrl::new(format!("{public_url}/auth/oidc/callback")).map_err(|e| e.to_string())?;
    let client = CoreClient::from_provider_metadata(
        metadata.clone(),
        ClientId::new(oidc.client_id.clone()),
        Some(ClientSecret::new(oidc.client_secret.clone())),
    )
    .set_redirect_uri(redirect);
    Ok((metadata, client))
}

type OidcClient = CoreClient<
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

fn to_login_page(message: &str) -> Response {
    let query: String = url_escape(message);
    Redirect::to(&format!("/login?sso_error={query}")).into_response()
}

fn url_escape(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

async fn start(State(services): State<Services>) -> Response {
    let Some(oidc) = services.config.oidc.as_ref() else {
        return (StatusCode::NOT_FOUND, "single sign-on is not configured").into_response();
    };
    let result = async {
        let http = http_client()?;
        let (_, client) = discover(oidc, &services.config.public_url, http).await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
            .add_scope(Scope::new("email".into()))
            .add_scope(Scope::new("profile".into()))
            .set_pkce_challenge(challenge)
            .url();
        let flow =
            Flow { state: state.secret().clone(), nonce: nonce.secret().clone(), verifier: verifier.secret().clone() };
        let value = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&flow).map_err(|e| e.to_string())?);
        Ok::<_, String>((url, value))
    }
    .await;
    match result {
        Ok((url, flow)) => {
            let mut response = Redirect::to(url.as_str()).into_response();
            response
                .headers_mut()
                .append(header::SET_COOKIE, cookies::short_lived(FLOW_COOKIE, flow, &services.config));
            response
        }
        Err(message) => {
            tracing::warn!(error = %message, "single sign-on could not start");
            to_login_page(&message)
        }
    }
}

#[derive(Deserialize)]
struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

async fn callback(
    access: Access,
    State(services): State<Services>,
    headers: HeaderMap,
    Query(query): Query<CallbackQuery>,
) -> Response {
    let Some(oidc) = services.config.oidc.clone() else {
        return (StatusCode::NOT_FOUND, "single sign-on is not configured").into_response();
    };
    let outcome = finish(&services, &oidc, &access, &headers, query).await;
    let clear_flow = (header::SET_COOKIE, cookies::clear(FLOW_COOKIE, &services.config));
    match outcome {
        Ok(session_cookie) => {
            let mut response = Redirect::to("/").into_response();
            response.headers_mut().append(header::SET_COOKIE, clear_flow.1);
            response.headers_mut().append(header::SET_COOKIE, session_cookie);
            response
        }
        Err(message) => {
            tracing::warn!(error = %message, "single sign-on failed");
            let _ = audit::record(
                &services.db,
                &access.actor(),
                "session.login_failed",
                None,
                json!({ "method": "sso", "reason": message }),
            )
            .await;
            let mut response = to_login_page(&message);
            response.headers_mut().append(header::SET_COOKIE, clear_flow.1);
            response
        }
    }
}

async fn finish(
    services: &Services,
    oidc: &OidcConfig,
    access: &Access,
    headers: &HeaderMap,
    query: CallbackQuery,
) -> Result<axum::http::HeaderValue, String> {
    if let Some(error) = query.error {
        return Err(format!("the identity provider refused the sign-in: {}", query.error_description.unwrap_or(error)));
    }
    let flow: Flow = cookies::read(headers, FLOW_COOKIE)
        .and_then(|v| URL_SAFE_NO_PAD.decode(v).ok())
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or("the sign-in took too long or was started in another browser; please try again")?;
    if query.state.as_deref() != Some(flow.state.as_str()) {
        return Err("the sign-in response does not belong to this browser (state mismatch); please try again".into());
    }
    let code = query.code.ok_or("the identity provider sent no authorization code")?;

    let http = http_client()?;
    let (metadata, client) = discover(oidc, &services.config.public_url, http).await?;
    let tokens = client
        .exchange_code(AuthorizationCode::new(code))
        .map_err(|e| format!("the provider has no token endpoint: {e}"))?
        .set_pkce_verifier(PkceCodeVerifier::new(flow.verifier))
        .request_async(http)
        .await
        .map_err(|e| format!("the authorization code could not be exchanged: {e}"))?;
    let id_token = tokens.id_token().ok_or("the identity provider returned no ID token")?;
    let claims = id_token
        .claims(&client.id_token_verifier(), &Nonce::new(flow.nonce))
        .map_err(|e| format!("the ID token is not valid: {e}"))?;
    let subject = claims.subject().to_string();

    // Claims beyond the standard ones (the role) come from the verified ID token's payload, then
    // from the userinfo endpoint, which many providers use for everything but `sub`.
    let mut extra = verified_payload(&id_token.to_string());
    if let Some(endpoint) = metadata.userinfo_endpoint() {
        let info: Option<Value> = async {
            http.get(endpoint.url().as_str())
                .bearer_auth(tokens.access_token().secret())
                .send()
                .await
                .ok()?
                .json()
                .await
                .ok()
        }
        .await;
        if let (Some(Value::Object(info)), Value::Object(extra)) = (info, &mut extra) {
            if info.get("sub").and_then(Value::as_str) == Some(subject.as_str()) {
                for (k, v) in info {
                    extra.entry(k).or_insert(v);
                }
            }
        }
    }
    let email = claims
        .email()
        .map(|e| e.to_string())
        .or_else(|| extra.get("email").and_then(Value::as_str).map(str::to_owned))
        .ok_or("the identity provider did not share an e-mail address (scope “email”)")?;
    let name = extra.get("name").and_then(Value::as_str).map(str::to_owned);
    let role = role_from_claim(extra.get(&oidc.role_claim)).unwrap_or(oidc.default_role);
    // Only a provider's word that the person owns the address may link it to an account.
    let email_verified = claims.email_verified().unwrap_or(false)
        || extra.get("email_verified").is_some_and(|v| v == &Value::Bool(true) || v == "true");

    let identity = SsoIdentity { subject: &subject, email: &email, email_verified, name: name.as_deref(), role };
    let user = users::upsert_sso_user(&services.db, identity).await.map_err(|e| e.to_string())?;
    let (session, secret) =
        sessions::open(services, &user, &access.session_origin()).await.map_err(|e| e.to_string())?;
    let actor = Actor::user(&user, access.ip.map(|ip| ip.to_string()));
    audit::record(
        &services.db,
        &actor,
        "session.login",
        Some(Target::session(session.id)),
        json!({ "method": "sso", "role": role }),
    )
    .await
    .map_err(|e| e.to_string())?;
    Ok(cookies::session(secret, &services.config))
}

/// The JSON payload of a JWT whose signature has already been verified.
fn verified_payload(jwt: &str) -> Value {
    jwt.split('.')
        .nth(1)
        .and_then(|p| URL_SAFE_NO_PAD.decode(p.trim_end_matches('=')).ok())
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or(Value::Object(Default::default()))
}

/// A role claim may be one string or a list (groups); the highest role named wins.
pub fn role_from_claim(claim: Option<&Value>) -> Option<Role> {
    match claim? {
        Value::String(s) => Role::parse(s),
        Value::Array(items) => items.iter().filter_map(Value::as_str).filter_map(Role::parse).max(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::role_from_claim;
    use domain::policy::Role;
    use serde_json::json;

    #[test]
    fn role_claims_map_to_the_highest_role_named() {
        assert_eq!(role_from_claim(Some(&json!("Editor"))), Some(Role::Editor));
        assert_eq!(role_from_claim(Some(&json!(["staff", "viewer", "admin"]))), Some(Role::Admin));
        assert_eq!(role_from_claim(Some(&json!("root"))), None);
        assert_eq!(role_from_claim(Some(&json!(7))), None);
        assert_eq!(role_from_claim(None), None);
    }
}
