//! Argon2id password hashes with the OWASP parameters (19 MiB, 2 passes, 1 lane —
//! the `argon2` crate's defaults), computed on a few dedicated threads.

use oko_db::sync::Locked;
use std::{
    cell::RefCell,
    sync::{Arc, Mutex, OnceLock, mpsc},
};

use rand_core::OsRng;

use argon2::{
    Algorithm, Argon2, Block, Params, PasswordHash, PasswordHasher, Version,
    password_hash::{Output, SaltString},
};

/// Hashes a password into a PHC string.
pub fn hash(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 with default parameters accepts any password")
        .to_string()
}

/// Checks a password against a PHC string; a malformed hash never matches. The
/// 19 MiB of argon2 working memory is allocated once per hashing thread and reused,
/// so logins do not churn the allocator.
pub fn verify(password: &str, phc: &str) -> bool {
    thread_local! {
        static MEMORY: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
    }
    MEMORY.with(|memory| verify_in(password, phc, &mut memory.borrow_mut()).unwrap_or(false))
}

fn verify_in(password: &str, phc: &str, memory: &mut Vec<Block>) -> Option<bool> {
    let parsed = PasswordHash::new(phc).ok()?;
    let algorithm = Algorithm::try_from(parsed.algorithm).ok()?;
    let version = match parsed.version {
        Some(v) => Version::try_from(v).ok()?,
        None => Version::default(),
    };
    let params = Params::try_from(&parsed).ok()?;
    let expected = parsed.hash?;
    let mut salt = [0u8; 64];
    let salt = parsed.salt?.decode_b64(&mut salt).ok()?;
    memory.resize(params.block_count(), Block::default());
    let mut out = vec![0u8; expected.len()];
    Argon2::new(algorithm, version, params)
        .hash_password_into_with_memory(password.as_bytes(), salt, &mut out, &mut memory[..])
        .ok()?;
    // Output's equality is constant-time.
    Some(Output::new(&out).ok()? == expected)
}

/// A hash of a random password with the same parameters as real ones: verifying an
/// unknown login against it takes as long as verifying a real one, so the time to
/// answer does not tell whether a login exists.
pub fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash(&uuid::Uuid::new_v4().to_string()))
}

/// A password hashing job, run on one of the hashing threads.
type Job = Box<dyn FnOnce() + Send>;

/// The hashing threads: one per core, started once, fed in arrival order. Each hash
/// takes 19 MiB and a core for ~50 ms; running more at once only thrashes, and a
/// storm of 1,000 logins would otherwise ask for 19 GiB. Fixed threads also bound
/// what the allocator keeps: with the general blocking pool, every thread that ever
/// hashed kept its own 19 MiB arenas, and a login storm left `oko` at 840 MiB.
fn hashing_queue() -> &'static Mutex<mpsc::Sender<Job>> {
    static QUEUE: OnceLock<Mutex<mpsc::Sender<Job>>> = OnceLock::new();
    QUEUE.get_or_init(|| {
        let (sender, receiver) = mpsc::channel::<Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        for n in 0..std::thread::available_parallelism().map_or(1, |n| n.get()) {
            let receiver = receiver.clone();
            std::thread::Builder::new()
                .name(format!("oko-hash-{n}"))
                .spawn(move || {
                    loop {
                        let job = receiver.locked().recv();
                        match job {
                            Ok(job) => job(),
                            Err(_) => break,
                        }
                    }
                })
                .expect("start a password hashing thread");
        }
        Mutex::new(sender)
    })
}

/// Runs `work` on a hashing thread and waits for it without blocking async threads.
async fn on_hashing_thread<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    let (done, result) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        let _ = done.send(work());
    });
    hashing_queue()
        .locked()
        .send(job)
        .expect("the hashing threads never stop");
    result.await.expect("password hashing does not panic")
}

/// Verifies on a hashing thread; `None` (unknown login) verifies against the dummy
/// and fails.
pub async fn verify_off_thread(password: String, phc: Option<String>) -> bool {
    on_hashing_thread(move || match phc {
        Some(phc) => verify(&password, &phc),
        None => {
            verify(&password, dummy_hash());
            false
        }
    })
    .await
}

/// Hashes on a hashing thread.
pub async fn hash_off_thread(password: String) -> String {
    on_hashing_thread(move || hash(&password)).await
}

/// A new random password for an account (shown once, `oko_domain::accounts`).
pub fn issue() -> String {
    use rand_core::RngCore;
    let mut random = [0u8; oko_domain::accounts::ISSUED_CHARS];
    OsRng.fill_bytes(&mut random);
    oko_domain::accounts::password_from(&random)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_only_their_password_and_use_owasp_parameters() {
        let phc = hash("Пароль-2026");
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify("Пароль-2026", &phc));
        assert!(!verify("пароль-2026", &phc));
        assert!(!verify("Пароль-2026", "not a hash"));
        // Hashes made with other costs still verify (the memory is resized).
        let light = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8, 1, 1, None).unwrap(),
        )
        .hash_password(b"secret", &SaltString::generate(&mut OsRng))
        .unwrap()
        .to_string();
        assert!(verify("secret", &light));
        assert!(!verify("Secret", &light));
        assert!(
            verify("Пароль-2026", &phc),
            "and the big one again after the small one"
        );
    }
}
