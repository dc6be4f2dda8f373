//! The login back-off of `oko_domain::login_throttle`, kept in this instance's
//! memory: counters per account and address, per address, per account. Several
//! instances each keep their own (an attacker spread over N instances gets N times
//! the budget; still exponential).

use std::{collections::HashMap, net::IpAddr, sync::Mutex};

use oko_domain::login_throttle::{
    Failures, PER_ACCOUNT, PER_ACCOUNT_AND_ADDRESS, PER_ADDRESS, Policy, is_forgotten,
    record_failure,
};

/// Counters kept at most; past it, forgotten ones are dropped first.
const MAX_COUNTERS: usize = 200_000;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Key {
    AccountAddress(String, IpAddr),
    Address(IpAddr),
    Account(String),
}

impl Key {
    fn policy(&self) -> Policy {
        match self {
            Key::AccountAddress(..) => PER_ACCOUNT_AND_ADDRESS,
            Key::Address(_) => PER_ADDRESS,
            Key::Account(_) => PER_ACCOUNT,
        }
    }
}

fn keys(login: &str, address: IpAddr) -> [Key; 3] {
    [
        Key::AccountAddress(login.to_owned(), address),
        Key::Address(address),
        Key::Account(login.to_owned()),
    ]
}

/// The shared counters.
#[derive(Default)]
pub struct LoginThrottle {
    counters: Mutex<HashMap<Key, Failures>>,
}

impl LoginThrottle {
    fn counters(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Failures>> {
        self.counters.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Seconds to wait before `login` may be tried from `address` (0: now).
    pub fn wait_seconds(&self, login: &str, address: IpAddr, now_ms: i64) -> u64 {
        let counters = self.counters();
        keys(login, address)
            .iter()
            .filter_map(|key| {
                counters
                    .get(key)
                    .map(|f| key.policy().remaining_ms(f, now_ms))
            })
            .max()
            .map_or(0, |ms| (ms as u64).div_ceil(1000))
    }

    /// A wrong password (or unknown login, or blocked account).
    pub fn failed(&self, login: &str, address: IpAddr, now_ms: i64) {
        let mut counters = self.counters();
        if counters.len() >= MAX_COUNTERS {
            counters.retain(|_, f| !is_forgotten(f, now_ms));
        }
        for key in keys(login, address) {
            record_failure(counters.entry(key).or_default(), now_ms);
        }
    }

    /// A successful login clears its account-and-address counter.
    pub fn succeeded(&self, login: &str, address: IpAddr) {
        self.counters()
            .remove(&Key::AccountAddress(login.to_owned(), address));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_hammering_one_account_waits_while_others_do_not() {
        let throttle = LoginThrottle::default();
        let attacker: IpAddr = "10.0.0.1".parse().unwrap();
        let school: IpAddr = "10.0.0.2".parse().unwrap();
        for n in 0..6 {
            throttle.failed("sch240001", attacker, n);
        }
        assert!(throttle.wait_seconds("sch240001", attacker, 10) >= 4);
        assert_eq!(throttle.wait_seconds("sch240002", school, 10), 0);
        assert_eq!(
            throttle.wait_seconds("sch240001", school, 10),
            0,
            "the account itself is not held yet"
        );
        throttle.succeeded("sch240001", attacker);
        assert_eq!(throttle.wait_seconds("sch240001", attacker, 10), 0);
    }
}
