//! Locks that outlive a panic. Every lock in the server guards a cache or a
//! counter that is whole after each statement under it; a request that panicked
//! while holding one must not make every later request panic too, so a
//! poisoned lock is simply taken.

use std::sync::{Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// [`Mutex::lock`], poisoned or not.
pub trait Locked<T: ?Sized> {
    fn locked(&self) -> MutexGuard<'_, T>;
}

impl<T: ?Sized> Locked<T> for Mutex<T> {
    fn locked(&self) -> MutexGuard<'_, T> {
        self.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// [`RwLock::read`] and [`RwLock::write`], poisoned or not.
pub trait Shared<T: ?Sized> {
    fn reading(&self) -> RwLockReadGuard<'_, T>;
    fn writing(&self) -> RwLockWriteGuard<'_, T>;
}

impl<T: ?Sized> Shared<T> for RwLock<T> {
    fn reading(&self) -> RwLockReadGuard<'_, T> {
        self.read().unwrap_or_else(|p| p.into_inner())
    }

    fn writing(&self) -> RwLockWriteGuard<'_, T> {
        self.write().unwrap_or_else(|p| p.into_inner())
    }
}

/// The one cache of a keyed value (a collection, a form version's definition,
/// an organisation's references): kept until it is older than its age limit
/// (if it has one), forgotten by the write that changes it, and started over
/// once it holds `max_entries` — a bounded memory whatever a day brings.
pub struct Recent<K, V> {
    max_age: Option<std::time::Duration>,
    max_entries: usize,
    entries: RwLock<std::collections::HashMap<K, (std::time::Instant, V)>>,
}

impl<K: std::hash::Hash + Eq, V: Clone> Recent<K, V> {
    /// Values trusted for `max_age` after they were read.
    pub fn for_a_while(max_age: std::time::Duration, max_entries: usize) -> Self {
        Recent {
            max_age: Some(max_age),
            max_entries,
            entries: RwLock::default(),
        }
    }

    /// Values that never change once written (a form version).
    pub fn unchanging(max_entries: usize) -> Self {
        Recent {
            max_age: None,
            max_entries,
            entries: RwLock::default(),
        }
    }

    /// The value held for `key`, if it is young enough.
    pub fn get(&self, key: &K) -> Option<V> {
        let (value, young) = self.get_aged(key)?;
        young.then_some(value)
    }

    /// The value held for `key` however old, and whether it is still young: a
    /// caller that can confirm an old value cheaply (a version number) or may
    /// serve it while one request reads it again.
    pub fn get_aged(&self, key: &K) -> Option<(V, bool)> {
        let entries = self.entries.reading();
        let (read_at, value) = entries.get(key)?;
        Some((value.clone(), self.is_young(read_at)))
    }

    fn is_young(&self, read_at: &std::time::Instant) -> bool {
        self.max_age.is_none_or(|age| read_at.elapsed() < age)
    }

    /// Holds `value` for `key` from now. When full, the aged values go first,
    /// and everything if that is not enough.
    pub fn put(&self, key: K, value: V) {
        let mut entries = self.entries.writing();
        if entries.len() >= self.max_entries && !entries.contains_key(&key) {
            entries.retain(|_, (read_at, _)| self.is_young(read_at));
            if entries.len() >= self.max_entries {
                entries.clear();
            }
        }
        entries.insert(key, (std::time::Instant::now(), value));
    }

    /// Drops `key`: this instance just changed it.
    pub fn forget(&self, key: &K) {
        self.entries.writing().remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_recent_value_is_held_until_it_ages_is_forgotten_or_crowded_out() {
        let recent = Recent::for_a_while(Duration::from_millis(40), 2);
        recent.put(1, "one");
        assert_eq!(recent.get(&1), Some("one"));
        recent.forget(&1);
        assert_eq!(recent.get(&1), None, "forgotten by its write");
        recent.put(1, "one");
        recent.put(2, "two");
        recent.put(2, "two again");
        assert_eq!(
            recent.get(&1),
            Some("one"),
            "a key written again takes no room"
        );
        recent.put(3, "three");
        assert_eq!(
            (recent.get(&1), recent.get(&3)),
            (None, Some("three")),
            "full: started over"
        );
        std::thread::sleep(Duration::from_millis(50));
        assert_eq!(recent.get(&3), None, "too old");
        assert_eq!(
            recent.get_aged(&3),
            Some(("three", false)),
            "but still held"
        );
        recent.put(4, "four");
        recent.put(5, "five");
        assert_eq!(
            (recent.get_aged(&3), recent.get(&4), recent.get(&5)),
            (None, Some("four"), Some("five")),
            "full: the aged value went first"
        );
        let forever = Recent::unchanging(10);
        forever.put("v1", 1);
        std::thread::sleep(Duration::from_millis(5));
        assert_eq!(forever.get(&"v1"), Some(1));
    }
}
