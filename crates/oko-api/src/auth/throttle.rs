//! The login back-off of `oko_domain::login_throttle` over counters every instance
//! shares (`oko_db::login_failures`): per account and address, per address, per
//! account. One limit across instances: two of them must not double an attacker's
//! rate. A browser that has logged in to an account before carries a device cookie
//! for it (`device`), and its attempts at that account skip the per-address
//! counter: a school behind a NAT whose address is throttled by someone else's
//! spraying still logs in with its own correct password.

use std::net::IpAddr;

use oko_db::{DatabaseConnection, DbErr, login_failures};

use crate::now_and_then::NowAndThen;
use oko_domain::login_throttle::{
    Failures, PER_ACCOUNT, PER_ACCOUNT_AND_ADDRESS, PER_ADDRESS, Policy,
};

/// How often an instance drops forgotten counters.
const PURGE_EVERY_MS: i64 = 60_000;

/// The three counters of one attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Key {
    AccountAddress,
    Address,
    Account,
}

impl Key {
    const ALL: [Key; 3] = [Key::AccountAddress, Key::Address, Key::Account];

    fn policy(self) -> Policy {
        match self {
            Key::AccountAddress => PER_ACCOUNT_AND_ADDRESS,
            Key::Address => PER_ADDRESS,
            Key::Account => PER_ACCOUNT,
        }
    }

    fn text(self, login: &str, address: IpAddr) -> String {
        match self {
            Key::AccountAddress => format!("pair:{login} {address}"),
            Key::Address => format!("address:{address}"),
            Key::Account => format!("login:{login}"),
        }
    }
}

/// What the counters say of one attempt.
pub struct Attempt {
    keys: [String; 3],
    found: Vec<(String, Failures)>,
    known_device: bool,
}

impl Attempt {
    /// Seconds to wait before the password may be checked (0: now). The address's
    /// counter is skipped for a device that logged in to this account before.
    pub fn wait_seconds(&self, now_ms: i64) -> u64 {
        Key::ALL
            .iter()
            .zip(&self.keys)
            .filter(|(key, _)| !(self.known_device && **key == Key::Address))
            .filter_map(|(key, text)| {
                self.found
                    .iter()
                    .find(|(found, _)| found == text)
                    .map(|(_, failures)| key.policy().remaining_ms(failures, now_ms))
            })
            .max()
            .map_or(0, |ms| (ms.max(0) as u64).div_ceil(1000))
    }

    fn has_pair_counter(&self) -> bool {
        self.found.iter().any(|(key, _)| *key == self.keys[0])
    }
}

/// The shared back-off, with this instance's purge clock.
pub struct LoginThrottle {
    purge: NowAndThen,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        LoginThrottle {
            purge: NowAndThen::every(PURGE_EVERY_MS),
        }
    }
}

impl LoginThrottle {
    /// Reads the attempt's counters (one query).
    pub async fn attempt(
        &self,
        db: &DatabaseConnection,
        login: &str,
        address: IpAddr,
        known_device: bool,
    ) -> Result<Attempt, DbErr> {
        let keys = Key::ALL.map(|key| key.text(login, address));
        let found = login_failures::read(db, &keys).await?;
        Ok(Attempt {
            keys,
            found,
            known_device,
        })
    }

    /// A wrong password (or unknown login, or blocked account): every counter
    /// grows, the address's too (a device cookie only skips it when reading).
    pub async fn failed(
        &self,
        db: &DatabaseConnection,
        attempt: &Attempt,
        now_ms: i64,
    ) -> Result<(), DbErr> {
        if self.purge.due(now_ms) {
            login_failures::purge(db, now_ms).await?;
        }
        login_failures::record(db, &attempt.keys, now_ms).await
    }

    /// A successful login clears its account-and-address counter (a write only
    /// when there is one: a morning of logins writes nothing).
    pub async fn succeeded(&self, db: &DatabaseConnection, attempt: &Attempt) -> Result<(), DbErr> {
        if attempt.has_pair_counter() {
            login_failures::clear(db, &attempt.keys[0]).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attempt(found: &[(Key, u32)], known_device: bool) -> Attempt {
        let address: IpAddr = "10.0.0.1".parse().unwrap();
        let keys = Key::ALL.map(|key| key.text("sch240001", address));
        let found = found
            .iter()
            .map(|(key, count)| {
                (
                    key.text("sch240001", address),
                    Failures {
                        count: *count,
                        last_ms: 0,
                    },
                )
            })
            .collect();
        Attempt {
            keys,
            found,
            known_device,
        }
    }

    #[test]
    fn the_longest_wait_counts_and_a_known_device_skips_the_address() {
        assert_eq!(attempt(&[], false).wait_seconds(10), 0);
        assert!(attempt(&[(Key::AccountAddress, 6)], false).wait_seconds(10) >= 4);
        let sprayed = attempt(&[(Key::Address, 110)], false);
        assert!(sprayed.wait_seconds(10) >= 30, "the address waits");
        let own_browser = attempt(&[(Key::Address, 110)], true);
        assert_eq!(
            own_browser.wait_seconds(10),
            0,
            "its own account's device does not"
        );
        let both = attempt(&[(Key::Address, 110), (Key::Account, 12)], true);
        assert!(
            both.wait_seconds(10) >= 2,
            "the account's own counter still holds"
        );
    }
}
