//! Random secrets (session cookies, API tokens, made-up ids) and the hash
//! under which one is kept, so that a leaked database opens nothing.

use rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};

/// A fresh random token (256 bits, hex).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The SHA-256 of `token`, hex: what is stored in its place.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_kept_only_as_their_hash() {
        assert_eq!(new_token().len(), 64);
        assert_ne!(new_token(), new_token());
        assert_eq!(token_hash("t"), token_hash("t"));
        assert_ne!(token_hash("t"), "t");
    }
}
