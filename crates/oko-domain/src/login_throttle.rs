//! Login protection: exponential back-off after failed attempts, never a permanent
//! lock. Three counters are kept — per account and address, per address (one
//! machine trying many accounts), per account (many machines trying one) — and a
//! login is refused without checking the password while any of them says «wait».
//! The per-account back-off is capped low (30 s), so an attacker can at most slow
//! a school's own login to one try every 30 seconds, never lock it out on
//! deadline day; the per-address one starts only after 100 failures (schools
//! behind one NAT share an address) and waits a minute at most; the account and
//! address pair — what a brute force from one machine hits — waits up to 5 minutes. Counters are forgotten 15 minutes after the last
//! failure and reset by a successful login (per account and address).

use serde::{Deserialize, Serialize};

/// How one counter backs off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    /// Failures allowed before any waiting.
    pub free: u32,
    /// Longest wait, in seconds.
    pub cap_seconds: u64,
}

/// The same account from the same address.
pub const PER_ACCOUNT_AND_ADDRESS: Policy = Policy {
    free: 3,
    cap_seconds: 300,
};
/// Any account from one address.
pub const PER_ADDRESS: Policy = Policy {
    free: 100,
    cap_seconds: 60,
};
/// One account from any address.
pub const PER_ACCOUNT: Policy = Policy {
    free: 10,
    cap_seconds: 30,
};
/// A counter with no failure for this long is forgotten.
pub const FORGET_AFTER_SECONDS: u64 = 15 * 60;

/// Failures of one counter.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Failures {
    pub count: u32,
    /// Unix milliseconds of the last failure.
    pub last_ms: i64,
}

impl Policy {
    /// Seconds to wait after `failures` failures: none for the first `free`, then
    /// 1, 2, 4, … up to the cap.
    pub fn wait_seconds(&self, failures: u32) -> u64 {
        if failures < self.free {
            return 0;
        }
        let doublings = (failures - self.free).min(30);
        (1u64 << doublings).min(self.cap_seconds)
    }

    /// Milliseconds until another attempt may be checked (0: now).
    pub fn remaining_ms(&self, failures: &Failures, now_ms: i64) -> i64 {
        if is_forgotten(failures, now_ms) {
            return 0;
        }
        let until = failures.last_ms + 1000 * self.wait_seconds(failures.count) as i64;
        (until - now_ms).max(0)
    }
}

/// Whether a counter is old enough to be dropped.
pub fn is_forgotten(failures: &Failures, now_ms: i64) -> bool {
    failures.last_ms < forgotten_before(now_ms)
}

/// A counter whose last failure is before this (Unix ms) is forgotten at `now_ms`.
pub fn forgotten_before(now_ms: i64) -> i64 {
    now_ms - 1000 * FORGET_AFTER_SECONDS as i64
}

/// One more failure at `now_ms` (a forgotten counter starts again).
pub fn record_failure(failures: &mut Failures, now_ms: i64) {
    if is_forgotten(failures, now_ms) {
        failures.count = 0;
    }
    failures.count += 1;
    failures.last_ms = now_ms;
}

/// «Слишком много попыток входа. Повторите через N с».
pub fn wait_message_ru(seconds: u64) -> String {
    format!("Слишком много неудачных попыток входа. Повторите через {seconds} с")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_after_the_free_attempts_up_to_the_cap() {
        let waits: Vec<u64> = (0..10)
            .map(|n| PER_ACCOUNT_AND_ADDRESS.wait_seconds(n))
            .collect();
        assert_eq!(waits, [0, 0, 0, 1, 2, 4, 8, 16, 32, 64]);
        assert_eq!(PER_ACCOUNT_AND_ADDRESS.wait_seconds(40), 300);
        assert_eq!(
            PER_ACCOUNT.wait_seconds(25),
            30,
            "an account is never held longer"
        );
    }

    #[test]
    fn a_brute_force_gets_fewer_than_twenty_tries_a_minute() {
        // An attacker tries as soon as it may, for ten minutes.
        let mut failures = Failures::default();
        let mut now = 0;
        let mut tries_per_minute = vec![0; 10];
        while now < 600_000 {
            let wait = PER_ACCOUNT_AND_ADDRESS.remaining_ms(&failures, now);
            now += wait;
            if now >= 600_000 {
                break;
            }
            tries_per_minute[(now / 60_000) as usize] += 1;
            record_failure(&mut failures, now);
            now += 1;
        }
        assert!(
            tries_per_minute.iter().all(|&n| n < 20),
            "{tries_per_minute:?}"
        );
        assert!(tries_per_minute[9] <= 1);
    }

    #[test]
    fn counters_are_forgotten_after_a_quiet_quarter_hour() {
        let mut failures = Failures::default();
        for n in 0..10 {
            record_failure(&mut failures, n);
        }
        assert!(PER_ACCOUNT_AND_ADDRESS.remaining_ms(&failures, 20) > 0);
        let later = 1000 * FORGET_AFTER_SECONDS as i64 + 100;
        assert_eq!(PER_ACCOUNT_AND_ADDRESS.remaining_ms(&failures, later), 0);
        record_failure(&mut failures, later);
        assert_eq!(failures.count, 1);
    }
}
