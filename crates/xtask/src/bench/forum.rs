//! Forum search (issue #8): `oko seed-forum` loads N generated questions, each
//! with an answer (2N texts), into the full demo; then word-form searches are
//! asked with wrk as a regional coordinator — against the same forum's first
//! page without a search, in the same run.

use std::path::Path;

use super::{OKO, login_token, row, wrk_latency};
use crate::{
    e2e::Server,
    process::{Fail, output},
};

/// Questions loaded (each with one answer: 50,000 questions and answers).
pub const QUESTIONS: u64 = 25_000;

/// Searches people type, URL-encoded: «загрузка шаблона», «пароль», «ошибка
/// протокола отправить».
const SEARCHES: [(&str, &str); 3] = [
    (
        "«загрузка шаблона»",
        "%D0%B7%D0%B0%D0%B3%D1%80%D1%83%D0%B7%D0%BA%D0%B0%20%D1%88%D0%B0%D0%B1%D0%BB%D0%BE%D0%BD%D0%B0",
    ),
    ("«пароль»", "%D0%BF%D0%B0%D1%80%D0%BE%D0%BB%D1%8C"),
    (
        "«ошибка протокола отправить»",
        "%D0%BE%D1%88%D0%B8%D0%B1%D0%BA%D0%B0%20%D0%BF%D1%80%D0%BE%D1%82%D0%BE%D0%BA%D0%BE%D0%BB%D0%B0%20%D0%BE%D1%82%D0%BF%D1%80%D0%B0%D0%B2%D0%B8%D1%82%D1%8C",
    ),
];

pub fn rows(
    database: &str,
    server: &Server,
    questions: u64,
    rows: &mut Vec<[String; 4]>,
) -> Result<(), Fail> {
    output({
        let mut c = server.command(Path::new(OKO));
        c.args(["seed-forum", "--questions", &questions.to_string()]);
        c
    })?;
    let token = login_token(&server.base_url, "spo_coord_24")?;
    let base = "/api/forums/vpr-spo/questions?per_page=20";
    let plain = wrk_latency(&server.base_url, base, Some(&token), 2, 8, 5)?;
    for (what, query) in SEARCHES {
        let path = format!("{base}&search={query}");
        let found = wrk_latency(&server.base_url, &path, Some(&token), 2, 8, 5)?;
        rows.push(row(
            &format!(
                "Forum search {what} over {} questions and answers ({database}), wrk 2 × 8",
                questions * 2
            ),
            format!(
                "p50 {:.2} ms, p99 {:.2} ms, {:.0} req/s",
                found.p50_ms, found.p99_ms, found.rate
            ),
            &format!(
                "the forum's first page without a search: p99 {:.2} ms",
                plain.p99_ms
            ),
            format!("p99 {:.1}× (goal < 50 ms)", found.p99_ms / plain.p99_ms),
        ));
    }
    Ok(())
}
