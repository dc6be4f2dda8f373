//! Issue #25's second figure: the operator accepts a thousand submissions in
//! one «Принять все» (PostgreSQL, full demo) while «Список участников» of the
//! whole country is asked for, against the same acceptance one request per
//! organisation and the same list asked for alone.

use std::{
    path::Path,
    process::Command,
    time::{Duration, Instant},
};

use super::{
    curl, first_string_field, login_token, number_after, post_json, row,
    surge::{OnFailure, address_of, drive_all, prepare},
    wrk_latency,
};
use crate::{
    e2e::Server,
    process::{Fail, output},
};

/// Submissions accepted one request each: the per-organisation baseline.
const ONE_BY_ONE: usize = 100;

/// Every `"field":"…"` string of a JSON text, in order.
fn strings_of(text: &str, field: &str) -> Vec<String> {
    text.split(&format!("\"{field}\":\""))
        .skip(1)
        .filter_map(|rest| rest.split('"').next().map(str::to_owned))
        .collect()
}

/// Sets the collection's acceptance to `levels`, keeping its form and window.
fn set_levels(base: &str, admin: &str, collection: &str, levels: &str) -> Result<(), Fail> {
    let auth = format!("Authorization: Bearer {admin}");
    let block = curl(
        &format!("{base}/api/collections/{collection}"),
        &["-H", &auth],
    )?;
    let field = |name: &str| first_string_field(&block, name);
    let body = format!(
        r#"{{"form_version_id":"{}","opens_at":"{}","closes_at":"{}","acceptance_levels":"{levels}"}}"#,
        field("form_version_id")?,
        field("opens_at")?,
        field("closes_at")?,
    );
    let mut command = Command::new("curl");
    command.args([
        "-sf",
        "-X",
        "PUT",
        "-H",
        "Content-Type: application/json",
        "-H",
        &auth,
        "--data",
        &body,
        &format!(
            "{base}/api/publications/{}/collection",
            field("publication_id")?
        ),
    ]);
    output(command).map(drop)
}

/// `organisations` and [`ONE_BY_ONE`] more submit (the surge's way, in the
/// collection the surge benches reuse: run it on a fresh database), then
/// [`ONE_BY_ONE`] of them are accepted one request each and the rest in one
/// bulk request while wrk asks for the country's participants. Answers how
/// many organisations it used.
pub fn acceptance_row(
    server: &Server,
    organisations: usize,
    skip: usize,
    dir: &Path,
    rows: &mut Vec<[String; 4]>,
) -> Result<usize, Fail> {
    let base = server.base_url.clone();
    let prepared = prepare(server, organisations + ONE_BY_ONE, skip, dir)?;
    let collection = prepared.collection.clone();
    drive_all(
        &[address_of(server)],
        &collection,
        prepared.tokens,
        OnFailure::Stop,
    )?;
    let admin = login_token(&base, "admin")?;
    set_levels(&base, &admin, &collection, "region")?;
    let auth = format!("Authorization: Bearer {admin}");
    let some = curl(
        &format!(
            "{base}/api/collections/{collection}/participants?status=submitted&sort=login&per_page={ONE_BY_ONE}"
        ),
        &["-H", &auth],
    )?;
    let decisions = format!("{base}/api/collections/{collection}/acceptances");
    let started = Instant::now();
    for login in strings_of(&some, "login") {
        post_json(
            &decisions,
            Some(&admin),
            &format!(r#"{{"organisation":"{login}","decision":"accept"}}"#),
        )?;
    }
    let each = started.elapsed() / ONE_BY_ONE as u32;

    let list = format!("/api/collections/{collection}/participants?per_page=50");
    let alone = wrk_latency(&base, &list, Some(&admin), 1, 2, 4)?;
    let bulk = format!("{decisions}/bulk");
    let token = admin.clone();
    let accepting = std::thread::spawn(move || -> Result<(Duration, f64), Fail> {
        std::thread::sleep(Duration::from_secs(1));
        let started = Instant::now();
        let answer = post_json(&bulk, Some(&token), "{}")?;
        Ok((started.elapsed(), number_after(&answer, "\"accepted\":")?))
    });
    let during = wrk_latency(&base, &list, Some(&admin), 1, 2, 4)?;
    let (took, accepted) = accepting
        .join()
        .map_err(|_| Fail("the accepting thread panicked".into()))??;
    if accepted as usize != organisations {
        return Err(Fail(format!(
            "«Принять все» accepted {accepted} of {organisations} submissions"
        )));
    }
    rows.push(row(
        &format!(
            "«Принять все»: the operator accepts {accepted:.0} submissions in one request (PostgreSQL, full demo), while wrk 1 × 2 asks for «Список участников» of the country"
        ),
        format!(
            "{:.0} ms; the list meanwhile p99 {:.1} ms",
            took.as_secs_f64() * 1e3,
            during.p99_ms
        ),
        &format!(
            "one acceptance a request: {:.1} ms each ({:.0} ms for as many); the list alone p99 {:.1} ms",
            each.as_secs_f64() * 1e3,
            each.as_secs_f64() * 1e3 * accepted,
            alone.p99_ms
        ),
        format!(
            "{:.3}× of one a request; list p99 {:.1} ms during it (goal < 50 ms), {:.2}× alone",
            took.as_secs_f64() / (each.as_secs_f64() * accepted),
            during.p99_ms,
            during.p99_ms / alone.p99_ms
        ),
    ));
    Ok(organisations + ONE_BY_ONE)
}
