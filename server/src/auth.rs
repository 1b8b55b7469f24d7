//! Staff secrets: Argon2id password hashes and session tokens, and the kiosk PIN's hash.
//!
//! A password is kept only as an Argon2id PHC string (salt and parameters inside it). A
//! session token is 32 random bytes given to the browser once, in a cookie; the database
//! keeps only its BLAKE2b hash, so a stolen copy of the file opens no session. A sign-in
//! with an unknown login still verifies a password — against [`dummy_hash`] — so the time
//! an answer takes does not tell which logins exist.

use std::sync::{Arc, OnceLock};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use blake2::{Blake2b512, Digest};

/// Where Argon2 runs: at most one hash per core at once. Each hash holds 19 MiB for its
/// duration; on the blocking pool (512 threads) a flood of sign-ins would run hundreds at
/// once and take gigabytes. A hash that finds every permit taken is not queued: the caller
/// answers at once that the server is busy, so waiting attempts hold no memory either.
#[derive(Clone)]
pub struct Hashing {
    permits: Arc<tokio::sync::Semaphore>,
}

/// Why a hash did not run to its answer.
#[derive(Debug)]
pub enum HashingError {
    /// Every permit is taken: try again in a moment.
    Busy,
    /// The hash panicked on its thread.
    Failed(String),
}

impl Hashing {
    /// `size` hashes at once (at least one).
    pub fn new(size: usize) -> Hashing {
        Hashing { permits: Arc::new(tokio::sync::Semaphore::new(size.max(1))) }
    }

    /// As many as the machine has cores.
    pub fn per_core() -> Hashing {
        Hashing::new(std::thread::available_parallelism().map_or(1, |n| n.get()))
    }

    /// Runs `hash` off the async workers if a permit is free now.
    pub async fn run<T: Send + 'static>(
        &self,
        hash: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, HashingError> {
        let permit =
            Arc::clone(&self.permits).try_acquire_owned().map_err(|_| HashingError::Busy)?;
        tokio::task::spawn_blocking(move || {
            let answer = hash();
            drop(permit);
            answer
        })
        .await
        .map_err(|error| HashingError::Failed(error.to_string()))
    }
}

/// Shorter passwords are refused when an account is created.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Longer ones are refused everywhere: hashing a megabyte per sign-in attempt is a lever.
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// Why a password cannot be set.
pub fn password_problem(password: &str) -> Option<String> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        Some(format!("the password must have at least {MIN_PASSWORD_CHARS} characters"))
    } else if password.len() > MAX_PASSWORD_BYTES {
        Some(format!("the password must have at most {MAX_PASSWORD_BYTES} bytes"))
    } else {
        None
    }
}

/// 1–64 of `a-z 0-9 . _ -`: a login appears on every timeline entry and in logs.
pub fn valid_login(login: &str) -> bool {
    (1..=64).contains(&login.len())
        && login
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
}

/// Argon2id with the crate's defaults (19 MiB, 2 passes, 1 lane: OWASP's minimum).
pub fn hash_password(password: &str) -> String {
    let mut salt = [0u8; 16];
    getrandom::getrandom(&mut salt).expect("the OS random source works");
    let salt = SaltString::encode_b64(&salt).expect("16 bytes make a salt");
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("Argon2id with default parameters hashes any password")
        .to_string()
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .is_ok_and(|hash| Argon2::default().verify_password(password.as_bytes(), &hash).is_ok())
}

/// A hash no password is known for, verified when the login is unknown.
pub fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let mut secret = [0u8; 32];
        getrandom::getrandom(&mut secret).expect("the OS random source works");
        hash_password(&hex(&secret))
    })
}

/// A new session token (64 hex digits) for the cookie.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes).expect("the OS random source works");
    hex(&bytes)
}

/// What the database keeps of a token.
pub fn token_hash(token: &str) -> String {
    hex(&Blake2b512::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The kiosk PIN: nothing a passer-by can download holds it or anything to guess it from
/// offline. The line to put in the server's settings for `pin`: a PHC string (`$argon2id$…`) with a
/// fresh random salt.
pub fn hash_pin(pin: &str) -> Result<String, String> {
    Ok(hash_password(pin))
}

/// Whether `pin` matches the stored hash. A hash that cannot be read matches nothing.
pub fn pin_matches(hash: &str, pin: &str) -> bool {
    verify_password(pin, hash)
}

/// Whether a stored hash is one `pin_matches` can check: refused at start, not at the kiosk.
pub fn is_pin_hash(hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|hash| hash.algorithm.as_str() == "argon2id")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_full_pool_answers_busy_at_once_and_frees_its_permits() {
        let hashing = Hashing::new(1);
        let (started, wait) = tokio::sync::oneshot::channel();
        let (release, released) = std::sync::mpsc::channel::<()>();
        let busy = hashing.clone();
        let first = tokio::spawn(async move {
            busy.run(move || {
                started.send(()).unwrap();
                released.recv().unwrap();
                1
            })
            .await
        });
        wait.await.unwrap();
        assert!(matches!(hashing.run(|| 2).await, Err(HashingError::Busy)));
        release.send(()).unwrap();
        assert_eq!(first.await.unwrap().unwrap(), 1);
        assert_eq!(hashing.run(|| 3).await.unwrap(), 3, "the permit came back");
    }

    #[test]
    fn a_password_verifies_against_its_own_hash_only() {
        let hash = hash_password("长城永不倒-2026");
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify_password("长城永不倒-2026", &hash));
        assert!(!verify_password("长城永不倒-2027", &hash));
        assert!(!verify_password("anything", dummy_hash()));
        assert!(!verify_password("anything", "not a hash"));
        assert_ne!(hash, hash_password("长城永不倒-2026"), "salted");
    }

    #[test]
    fn passwords_and_logins_are_checked() {
        assert!(password_problem("").is_some());
        assert!(password_problem("short-pw1").is_some());
        assert!(password_problem("十个汉字的密码真的很长").is_none(), "characters, not bytes");
        assert!(password_problem(&"x".repeat(1025)).is_some());
        assert!(valid_login("zhang.wei") && valid_login("li_na-2"));
        assert!(!valid_login("") && !valid_login("Zhang") && !valid_login("a b"));
    }

    #[test]
    fn tokens_are_random_and_kept_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(token_hash(&a), token_hash(&a));
        assert_ne!(token_hash(&a), a);
    }

    #[test]
    fn a_pin_hash_is_salted_and_checks_only_that_pin() {
        let (first, second) = (hash_pin("482916").unwrap(), hash_pin("482916").unwrap());
        assert_ne!(first, second, "a fresh salt each time");
        assert!(first.starts_with("$argon2id$") && is_pin_hash(&first));
        assert!(pin_matches(&first, "482916") && pin_matches(&second, "482916"));
        assert!(!pin_matches(&first, "482917") && !pin_matches(&first, ""));
        assert!(!pin_matches("not a hash", "482916") && !is_pin_hash("482916"));
    }
}
