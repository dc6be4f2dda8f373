//! An action that creates something runs one request at a time: a double click,
//! or a click while the first request is on its way, makes one thing. Its button
//! is disabled meanwhile, and what comes back is shown only if the page is still
//! there (the user may have gone back).

use std::future::Future;

use leptos::{prelude::*, task::spawn_local};

/// Whether the action's request is on its way.
#[derive(Clone, Copy)]
pub struct OneAtATime(RwSignal<bool>);

impl OneAtATime {
    pub fn new() -> OneAtATime {
        OneAtATime(RwSignal::new(false))
    }

    /// For the button's `disabled`.
    pub fn busy(self) -> bool {
        self.0.get()
    }

    /// Sends `request` unless one is on its way; hands its answer to `then` if
    /// the page is still there.
    pub fn run<T: 'static>(
        self,
        request: impl Future<Output = T> + 'static,
        then: impl FnOnce(T) + 'static,
    ) {
        if self.0.get_untracked() {
            return;
        }
        self.0.set(true);
        spawn_local(async move {
            let answer = request.await;
            if self.0.try_set(false).is_none() {
                then(answer);
            }
        });
    }
}

impl Default for OneAtATime {
    fn default() -> Self {
        OneAtATime::new()
    }
}
