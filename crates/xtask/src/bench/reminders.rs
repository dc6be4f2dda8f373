//! Issue #25's figure: «Напомнить» to every organisation of the country that has
//! not started, sent by the operator while the deadline surge runs (PostgreSQL,
//! full demo), against the same surge without it. The reminder is one row: its
//! time to deliver is the request's, and a not-started school's bell shows it on
//! its next read.

use std::{
    path::Path,
    time::{Duration, Instant},
};

use super::{
    curl, faults, first_string_field, login_token, number_after, post_json, row, surge::Driven,
};
use crate::{e2e::Server, process::Fail};

/// What the reminder's sending measured.
struct Sent {
    took: Duration,
    reminded: f64,
    /// From the answer to a not-started school's bell holding it.
    seen_after: Duration,
}

/// The operator reminds every not-started organisation of `collection`.
fn remind(base: &str, collection: &str) -> Result<Sent, Fail> {
    let admin = login_token(base, "admin")?;
    let auth = format!("Authorization: Bearer {admin}");
    let body =
        r#"{"statuses":["not_started"],"text":"Напоминаем: прием формы заканчивается сегодня"}"#;
    let started = Instant::now();
    let answer = post_json(
        &format!("{base}/api/collections/{collection}/reminders"),
        Some(&admin),
        body,
    )?;
    let took = started.elapsed();
    let reminded = number_after(&answer, "\"reminded\":")?;
    let waiting = curl(
        &format!(
            "{base}/api/collections/{collection}/participants?status=not_started&per_page=1&sort=login"
        ),
        &["-H", &auth],
    )?;
    let school = login_token(base, &first_string_field(&waiting, "login")?)?;
    let bell = format!("Authorization: Bearer {school}");
    let answered = Instant::now();
    loop {
        let list = curl(&format!("{base}/api/notifications"), &["-H", &bell])?;
        if list.contains("\"kind\":\"reminder\"") {
            break;
        }
        if answered.elapsed() > Duration::from_secs(30) {
            return Err(Fail("the school's bell never showed the reminder".into()));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(Sent {
        took,
        reminded,
        seen_after: answered.elapsed(),
    })
}

/// The reminder during the surge against the surge alone: `organisations` a
/// run, on organisations after those `skip` used before.
pub fn reminder_row(
    server: &Server,
    organisations: usize,
    skip: usize,
    dir: &Path,
    rows: &mut Vec<[String; 4]>,
) -> Result<(), Fail> {
    let base = server.base_url.clone();
    let (alone, during, sent) =
        faults::surge_alone_and_beside(server, organisations, skip, dir, move |collection| {
            remind(&base, &collection)
        })?;
    let p99 = |driven: &Driven| driven.saves.percentile_ms(0.99);
    rows.push(row(
        &format!(
            "«Напомнить» to every not-started organisation of the country (PostgreSQL, full demo), sent while the surge of {organisations} organisations runs"
        ),
        format!(
            "{:.0} organisations reminded in {:.1} ms; a not-started school's bell showed it {:.0} ms later; the surge meanwhile: {:.0} saves/s, saves p99 {:.1} ms",
            sent.reminded,
            sent.took.as_secs_f64() * 1e3,
            sent.seen_after.as_secs_f64() * 1e3,
            during.save_rate(),
            p99(&during)
        ),
        &format!(
            "the same surge without it: {:.0} saves/s, p99 {:.1} ms",
            alone.save_rate(),
            p99(&alone)
        ),
        format!(
            "p99 {:.2}× of the surge alone (goal ≤ 1.10×)",
            p99(&during) / p99(&alone)
        ),
    ));
    Ok(())
}
