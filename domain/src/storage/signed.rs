//! Time-limited signed URLs for stored objects (the local backend's equivalent of presigned S3
//! URLs): `/files/<key>?expires=<unix>&name=<download name>&sig=<HMAC-SHA256>`. The app checks
//! access once, then redirects to such a URL; whoever holds it may fetch that one object until it
//! expires, and changing any part of it breaks the signature.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use hmac::{Hmac, KeyInit, Mac};
use sea_orm::{ConnectionTrait, DbErr, Statement};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

#[derive(Clone)]
pub struct UrlSigner {
    key: [u8; 32],
    /// How long a URL lasts, in seconds.
    ttl: i64,
}

impl std::fmt::Debug for UrlSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UrlSigner").field("ttl", &self.ttl).finish_non_exhaustive()
    }
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("this link has expired; open the file again from the library")]
    Expired,
    #[error("this link is not valid (it was changed or is incomplete)")]
    Invalid,
}

impl UrlSigner {
    pub fn new(secret: &[u8], ttl_seconds: i64) -> Self {
        UrlSigner { key: Sha256::digest(secret).into(), ttl: ttl_seconds.max(10) }
    }

    /// The configured SIGNING_KEY, or else a key made on the first start and kept in the database,
    /// so every replica signs and checks alike.
    pub async fn load(db: &impl ConnectionTrait, configured: Option<&str>, ttl_seconds: i64) -> Result<Self, DbErr> {
        if let Some(secret) = configured {
            return Ok(UrlSigner::new(secret.as_bytes(), ttl_seconds));
        }
        let mut fresh = [0u8; 32];
        getrandom::fill(&mut fresh).expect("the operating system's random source failed");
        let backend = db.get_database_backend();
        db.execute(Statement::from_sql_and_values(
            backend,
            "INSERT INTO app_secrets (name, value) VALUES ('url_signing_key', $1) ON CONFLICT (name) DO NOTHING",
            [fresh.to_vec().into()],
        ))
        .await?;
        let row = db
            .query_one(Statement::from_string(backend, "SELECT value FROM app_secrets WHERE name = 'url_signing_key'"))
            .await?
            .ok_or_else(|| DbErr::RecordNotFound("url_signing_key".into()))?;
        let stored: Vec<u8> = row.try_get("", "value")?;
        Ok(UrlSigner::new(&stored, ttl_seconds))
    }

    /// How long a link lasts (at least), for presigned S3 links too.
    pub fn ttl_seconds(&self) -> u32 {
        self.ttl.clamp(10, 604_800) as u32
    }

    /// A URL for `key`, valid for at least one TTL. Expiry is rounded up to a whole TTL so the
    /// same object gets the same URL for a while, and browsers can cache what it points to.
    pub fn url(&self, key: &str, download_as: Option<&str>, now: i64) -> String {
        let expires = (now / self.ttl + 2) * self.ttl;
        self.url_expiring(key, download_as, expires)
    }

    pub fn url_expiring(&self, key: &str, download_as: Option<&str>, expires: i64) -> String {
        let sig = self.signature(key, download_as, expires);
        let mut url = format!("/files/{key}?expires={expires}");
        if let Some(name) = download_as {
            url.push_str("&name=");
            url.push_str(&URL_SAFE_NO_PAD.encode(name.as_bytes()));
        }
        url.push_str("&sig=");
        url.push_str(&sig);
        url
    }

    /// Checks a URL's parts; `name` is as it came in the query (encoded). Returns the download name.
    pub fn verify(
        &self,
        key: &str,
        expires: i64,
        name: Option<&str>,
        sig: &str,
        now: i64,
    ) -> Result<Option<String>, SignatureError> {
        let download_as = match name {
            Some(encoded) => Some(
                URL_SAFE_NO_PAD
                    .decode(encoded)
                    .ok()
                    .and_then(|b| String::from_utf8(b).ok())
                    .ok_or(SignatureError::Invalid)?,
            ),
            None => None,
        };
        let given = URL_SAFE_NO_PAD.decode(sig).map_err(|_| SignatureError::Invalid)?;
        self.mac(key, download_as.as_deref(), expires).verify_slice(&given).map_err(|_| SignatureError::Invalid)?;
        if expires < now {
            return Err(SignatureError::Expired);
        }
        Ok(download_as)
    }

    /// A cookie value proving `subject` was granted something until `expires` (a share link's
    /// password was given): `<expires>.<signature>`.
    pub fn grant(&self, subject: &str, expires: i64) -> String {
        format!("{expires}.{}", self.signature(&format!("grant:{subject}"), None, expires))
    }

    /// Whether `value` is an unexpired grant for `subject`.
    pub fn check_grant(&self, subject: &str, value: &str, now: i64) -> bool {
        let Some((expires, sig)) = value.split_once('.') else { return false };
        let (Ok(expires), Ok(given)) = (expires.parse::<i64>(), URL_SAFE_NO_PAD.decode(sig)) else { return false };
        expires >= now && self.mac(&format!("grant:{subject}"), None, expires).verify_slice(&given).is_ok()
    }

    fn signature(&self, key: &str, download_as: Option<&str>, expires: i64) -> String {
        URL_SAFE_NO_PAD.encode(self.mac(key, download_as, expires).finalize().into_bytes())
    }

    fn mac(&self, key: &str, download_as: Option<&str>, expires: i64) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("HMAC takes any key length");
        // Length-prefixed parts: no two different URLs sign the same bytes.
        for part in [key.as_bytes(), download_as.unwrap_or("").as_bytes(), &expires.to_be_bytes()] {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part);
        }
        mac.update(&[u8::from(download_as.is_some())]);
        mac
    }
}

/// `attachment` with an ASCII fallback name and the exact name in RFC 5987 form.
pub fn content_disposition(name: &str) -> String {
    let ascii: String =
        name.chars().map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' }).collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn download_names_cannot_break_the_header() {
        assert_eq!(
            content_disposition("a \"b\".jpg"),
            "attachment; filename=\"a _b_.jpg\"; filename*=UTF-8''a%20%22b%22.jpg"
        );
        assert!(content_disposition("été\r\n.png").starts_with("attachment; filename=\"_t___.png\""));
    }

    fn parts(url: &str) -> (String, i64, Option<String>, String) {
        let (path, query) = url.split_once('?').unwrap();
        let get = |k: &str| query.split('&').find_map(|p| p.strip_prefix(&format!("{k}="))).map(str::to_owned);
        (
            path.trim_start_matches("/files/").to_owned(),
            get("expires").unwrap().parse().unwrap(),
            get("name"),
            get("sig").unwrap(),
        )
    }

    #[test]
    fn a_signed_url_opens_its_object_until_it_expires() {
        let signer = UrlSigner::new(b"secret", 300);
        let (key, expires, name, sig) = parts(&signer.url("originals/a.jpg", Some("Holiday ☀.jpg"), 1_000_000));
        assert!(expires >= 1_000_300);
        assert_eq!(signer.verify(&key, expires, name.as_deref(), &sig, 1_000_000), Ok(Some("Holiday ☀.jpg".into())));
        assert_eq!(signer.verify(&key, expires, name.as_deref(), &sig, expires + 1), Err(SignatureError::Expired));
    }

    #[test]
    fn changing_any_part_breaks_the_signature() {
        let signer = UrlSigner::new(b"secret", 300);
        let (key, expires, name, sig) = parts(&signer.url("originals/a.jpg", Some("a.jpg"), 1_000_000));
        assert_eq!(signer.verify("originals/b.jpg", expires, name.as_deref(), &sig, 0), Err(SignatureError::Invalid));
        assert_eq!(signer.verify(&key, expires + 3600, name.as_deref(), &sig, 0), Err(SignatureError::Invalid));
        assert_eq!(signer.verify(&key, expires, None, &sig, 0), Err(SignatureError::Invalid));
        assert_eq!(
            UrlSigner::new(b"other", 300).verify(&key, expires, name.as_deref(), &sig, 0),
            Err(SignatureError::Invalid)
        );
    }

    #[test]
    fn a_grant_holds_for_its_subject_until_it_expires() {
        let signer = UrlSigner::new(b"secret", 300);
        let grant = signer.grant("share:1", 2_000);
        assert!(signer.check_grant("share:1", &grant, 1_999));
        assert!(!signer.check_grant("share:1", &grant, 2_001), "expired");
        assert!(!signer.check_grant("share:2", &grant, 0), "another subject");
        assert!(!signer.check_grant("share:1", &grant.replace("2000.", "9999."), 0), "extended by hand");
        assert!(!UrlSigner::new(b"other", 300).check_grant("share:1", &grant, 0), "another key");
        assert!(!signer.check_grant("share:1", "garbage", 0));
    }
}
