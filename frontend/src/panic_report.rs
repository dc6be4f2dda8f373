//! A failure of the app's own code (a Rust panic in WASM) is never silent: the
//! user sees what happened and what to do, and the server's log gets the report
//! (`POST /api/client-errors`, sent as a beacon so it leaves even as the page
//! goes). The message is put in the page with plain DOM calls: after a panic the
//! reactive system may be in any state.

use wasm_bindgen::JsCast;

/// What the user is told.
const TOLD: &str = "На странице произошла ошибка, и она может работать неверно. Обновите страницу: \
введённое в форму хранится в браузере и будет отправлено после обновления. Ошибка записана для \
администраторов.";
const RELOAD: &str = "Обновить страницу";

/// Replaces the default panic hook: the console as before, then the banner and
/// the report.
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        let message = info.to_string();
        show_banner();
        report(&message);
    }));
}

fn show_banner() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if document.get_element_by_id("panic-banner").is_some() {
        return;
    }
    let (Ok(banner), Ok(text), Ok(link), Some(body)) = (
        document.create_element("div"),
        document.create_element("p"),
        document.create_element("a"),
        document.body(),
    ) else {
        return;
    };
    banner.set_id("panic-banner");
    let _ = banner.set_attribute("role", "alert");
    let _ = banner.set_attribute("class", "panic-banner");
    text.set_text_content(Some(TOLD));
    // A link to the page itself reloads it, with no script of its own (the CSP
    // allows none inline).
    let here = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    let _ = link.set_attribute("href", &here);
    link.set_text_content(Some(RELOAD));
    let _ = banner.append_child(&text);
    let _ = banner.append_child(&link);
    let _ = body.insert_before(&banner, body.first_child().as_ref());
    if let Some(link) = link.dyn_ref::<web_sys::HtmlElement>() {
        let _ = link.focus();
    }
}

fn report(message: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let page = window.location().pathname().unwrap_or_default();
    let body = serde_json::json!({"message": message, "page": page}).to_string();
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(&body));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    if let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) {
        let _ = window
            .navigator()
            .send_beacon_with_opt_blob(crate::api::CLIENT_ERRORS, Some(&blob));
    }
}
