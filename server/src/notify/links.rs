//! The one-click unsubscribe link in every email to a customer: `<notice id>.<MAC>`, signed
//! with a key kept in the database (the same on every instance), so it needs no sign-in and
//! cannot be made up for another notice. BLAKE2b's keyed mode (already the server's hash).

use blake2::digest::{KeyInit, Mac};
use blake2::Blake2bMac512;

/// The link's token for notice `id`.
pub fn token(key: &str, id: i64) -> String {
    format!("{id}.{}", mac(key, id))
}

/// The notice a token names, if its signature holds.
pub fn verify(key: &str, token: &str) -> Option<i64> {
    let (id, signature) = token.split_once('.')?;
    let id: i64 = id.parse().ok()?;
    // Compared whole; the MAC's hex is fixed-length, so length says nothing.
    let expected = mac(key, id);
    (expected.len() == signature.len()
        && expected.bytes().zip(signature.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0)
        .then_some(id)
}

fn mac(key: &str, id: i64) -> String {
    let mut mac = <Blake2bMac512 as KeyInit>::new_from_slice(&key.as_bytes()[..key.len().min(64)])
        .expect("a key of up to 64 bytes");
    Mac::update(&mut mac, b"unsubscribe:");
    Mac::update(&mut mac, id.to_string().as_bytes());
    // 128 bits of it: a short link, still out of reach of guessing.
    mac.finalize().into_bytes()[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// A fresh random key (hex), offered to the database on start ([`crate::store::Db::link_key`]).
pub fn new_key() -> String {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes).expect("the OS random source works");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_names_its_notice_and_nothing_else() {
        let key = new_key();
        let link = token(&key, 42);
        assert_eq!(verify(&key, &link), Some(42));
        assert_eq!(verify(&key, &link.replacen("42.", "43.", 1)), None, "another notice");
        assert_eq!(verify(&new_key(), &link), None, "another key");
        assert_eq!(verify(&key, "42"), None);
        assert_eq!(verify(&key, "x.y"), None);
    }
}
