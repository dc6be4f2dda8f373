//! A date and time field filled the Russian way, «30.08.2021 20:41», in Moscow
//! time, on every browser: a `datetime-local` field follows the browser's own
//! language and showed «08/30/2021, 08:41 PM» on an English one.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use oko_domain::{
    api::FieldError,
    moscow_time::{MOSCOW_INPUT_FORMAT, from_moscow_input},
};

/// The field; `value` holds what is typed, read with `from_moscow_input`.
#[component]
pub fn DateTimeField(value: RwSignal<String>, #[prop(into)] id: String) -> impl IntoView {
    view! {
        <input type="text" id=id class="date-time" inputmode="numeric" autocomplete="off"
            maxlength="16" placeholder=MOSCOW_INPUT_FORMAT title=MOSCOW_INPUT_FORMAT bind:value=value/>
    }
}

/// What a field holds, read as Moscow time, or the problem to show at `field`:
/// «Укажите, {what}: ДД.ММ.ГГГГ ЧЧ:ММ».
pub fn read_moment(text: &str, field: &str, what: &str) -> Result<DateTime<Utc>, FieldError> {
    from_moscow_input(text).ok_or_else(|| {
        FieldError::about_field(
            field,
            "required",
            &format!("Укажите, {what}: {MOSCOW_INPUT_FORMAT}"),
        )
    })
}
