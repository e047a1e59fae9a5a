//! `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Checks the header against the body in constant time.
pub fn is_valid(app_secret: &str, body: &[u8], header: &str) -> bool {
    let Some(hex_digest) = header.trim().strip_prefix("sha256=") else {
        return false;
    };
    let Ok(expected) = hex::decode(hex_digest) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(app_secret.as_bytes()) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&expected).is_ok()
}

/// The header value for `body`: what WhatsApp sends, and what tests sign with.
pub fn sign(app_secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(app_secret.as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_matches_only_its_own_body_and_secret() {
        let header = sign("s3cret", b"{\"a\":1}");
        assert!(is_valid("s3cret", b"{\"a\":1}", &header));
        assert!(!is_valid("s3cret", b"{\"a\":2}", &header));
        assert!(!is_valid("other", b"{\"a\":1}", &header));
        assert!(!is_valid(
            "s3cret",
            b"{\"a\":1}",
            header.trim_start_matches("sha256=")
        ));
        assert!(!is_valid("s3cret", b"{\"a\":1}", "sha256=zz"));
        assert!(!is_valid("s3cret", b"{\"a\":1}", ""));
    }
}
