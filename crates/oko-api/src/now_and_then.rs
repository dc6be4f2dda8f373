//! Upkeep done now and then by whichever request comes (dropping old rows): at
//! most once per period in this process, by one caller only, with no timer task.

use std::sync::atomic::{AtomicI64, Ordering};

pub struct NowAndThen {
    /// Unix milliseconds of the last time it was due.
    last_ms: AtomicI64,
    every_ms: i64,
}

impl NowAndThen {
    pub const fn every(every_ms: i64) -> NowAndThen {
        NowAndThen {
            last_ms: AtomicI64::new(0),
            every_ms,
        }
    }

    /// Whether the upkeep is due at `now_ms`: true for one caller per period.
    pub fn due(&self, now_ms: i64) -> bool {
        let last = self.last_ms.load(Ordering::Relaxed);
        now_ms - last > self.every_ms
            && self
                .last_ms
                .compare_exchange(last, now_ms, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
    }
}
