//! Random secrets (session cookies, API tokens, generated passwords) and how they are stored:
//! only a SHA-256 of a secret reaches the database, so a leaked table grants nothing. Secrets are
//! 256 random bits, so a fast hash is enough (unlike passwords).

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use sha2::{Digest, Sha256};

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the operating system's random source failed");
    bytes
}

/// A URL-safe secret with a recognisable prefix, e.g. `dam_pat_…` for API tokens.
pub fn new_secret(prefix: &str) -> String {
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(random_bytes::<32>()))
}

pub fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// A password for a person to type once and change: 20 characters without look-alikes.
pub fn new_password() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";
    random_bytes::<20>().iter().map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_unique_prefixed_and_hashed() {
        let (a, b) = (new_secret("dam_pat_"), new_secret("dam_pat_"));
        assert_ne!(a, b);
        assert!(a.starts_with("dam_pat_") && a.len() > 40);
        assert_eq!(hash(&a), hash(&a));
        assert_ne!(hash(&a), hash(&b));
        assert_eq!(new_password().len(), 20);
    }
}
