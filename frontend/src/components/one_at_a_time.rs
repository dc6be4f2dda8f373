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

    /// Sends the request `send` makes with a new `Idempotency-Key` (the server
    /// then makes one thing even if the request is repeated) unless one is on
    /// its way; hands its answer to `then` if the page is still there.
    pub fn run<T: 'static, F: Future<Output = T> + 'static>(
        self,
        send: impl FnOnce(String) -> F,
        then: impl FnOnce(T) + 'static,
    ) {
        if self.0.get_untracked() {
            return;
        }
        self.0.set(true);
        let request = send(new_key());
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

/// A key no other request has: 104 random bits.
fn new_key() -> String {
    let half = || (js_sys::Math::random() * 2f64.powi(52)) as u64;
    format!("{:013x}{:013x}", half(), half())
}
