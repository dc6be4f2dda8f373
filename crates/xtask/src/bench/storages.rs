//! File storage figures: lists with a million download marks, «Скачать всё.zip»
//! against `cat` of the same files, and the coordinator's download report.

use std::{
    path::{Path, PathBuf},
    process::Command,
    time::{Duration, Instant},
};

use super::{
    OKO, WrkResult, curl, first_string_field, login_token, ms, peak_rss_kib, row, secs, wrk_latency,
};
use crate::{
    e2e::{Server, start_server},
    process::{Fail, output},
};

/// Files in the demo storage: 21 × 47,452 demo users ≈ 1,000,000 marks.
const DEMO_FILES: &str = "21";
const MARKS: &str = "1000000";

/// Loads the demo storage and the marks into the server's database; returns the
/// storage id and how long it took.
pub fn seed_marks(server: &Server) -> Result<(String, Duration), Fail> {
    let started = Instant::now();
    let out = output({
        let mut c = server.command(Path::new(OKO));
        c.args(["seed-downloads", "--files", DEMO_FILES, "--marks", MARKS]);
        c
    })?;
    let text = String::from_utf8_lossy(&out);
    let id = text
        .split("Хранилище ")
        .nth(1)
        .and_then(|rest| rest.split(':').next())
        .map(str::to_owned)
        .ok_or_else(|| Fail(format!("seed-downloads printed no storage: {text}")))?;
    Ok((id, started.elapsed()))
}

/// The first page of the demo storage's files (the user's marks joined in).
pub fn file_list_row(
    database: &str,
    base: &str,
    storage: &str,
    me: &WrkResult,
    rows: &mut Vec<[String; 4]>,
) -> Result<(), Fail> {
    let token = login_token(base, "sch240001")?;
    let path = format!("/api/storages/{storage}/files?per_page=20");
    let result = wrk_latency(base, &path, Some(&token), 2, 8, 5)?;
    rows.push(row(
        &format!(
            "A storage's first page of files with the user's marks, as `sch240001` (1,000,000 marks, {database}), wrk 2 × 8"
        ),
        format!(
            "p50 {:.2} ms, p99 {:.2} ms, {:.0} req/s",
            result.p50_ms, result.p99_ms, result.rate
        ),
        &format!("`GET /api/me` p99 {:.2} ms", me.p99_ms),
        format!("p99 {:.0}× (goal < 20 ms)", result.p99_ms / me.p99_ms),
    ));
    Ok(())
}

/// «Отчет» of the demo storage for the largest region's coordinator.
pub fn report_row(server: &Server, storage: &str, rows: &mut Vec<[String; 4]>) -> Result<(), Fail> {
    let base = &server.base_url;
    let token = login_token(base, "spo_coord_77")?;
    let auth = format!("Authorization: Bearer {token}");
    let organisations = first_number_field(
        &curl(&format!("{base}/api/orgs?per_page=1"), &["-H", &auth])?,
        "total",
    )?;
    // Baseline: reading the same organisations page by page through the API.
    let started = Instant::now();
    for page in 1..=organisations.div_ceil(200) {
        curl(
            &format!("{base}/api/orgs?per_page=200&page={page}"),
            &["-H", &auth],
        )?;
    }
    let listing = started.elapsed();
    let before = peak_rss_kib(server)?;
    let started = Instant::now();
    let job = first_string_field(
        &curl(
            &format!("{base}/api/storages/{storage}/reports"),
            &["-X", "POST", "-H", &auth],
        )?,
        "id",
    )?;
    loop {
        let status = first_string_field(
            &curl(&format!("{base}/api/reports/{job}"), &["-H", &auth])?,
            "status",
        )?;
        match status.as_str() {
            "ready" => break,
            "failed" => return Err(Fail("the report job failed".into())),
            _ => std::thread::sleep(Duration::from_millis(20)),
        }
    }
    let built = started.elapsed();
    let after = peak_rss_kib(server)?;
    let files: u64 = DEMO_FILES.parse().unwrap_or(0);
    rows.push(row(
        &format!(
            "«Отчет» of a storage for the coordinator of region 77: {organisations} organisations × {files} files, 1,000,000 marks in the database (SQLite), create → ready"
        ),
        format!(
            "{}, server peak memory {} → {} MiB",
            ms(built),
            before / 1024,
            after / 1024
        ),
        &format!("listing those organisations via `/api/orgs`: {}", ms(listing)),
        format!("{:.1}×", built.as_secs_f64() / listing.as_secs_f64()),
    ));
    Ok(())
}

/// 200 files totalling 1 GiB, zipped through the API vs `cat` of the stored files.
pub fn zip_rows(dir: &Path, rows: &mut Vec<[String; 4]>) -> Result<(), Fail> {
    const FILES: u64 = 200;
    const TOTAL: u64 = 1 << 30;
    let server = start_server(Path::new(OKO), &dir.join("zip"), "small")?;
    let base = server.base_url.clone();
    let token = login_token(&base, "admin")?;
    let auth = format!("Authorization: Bearer {token}");
    let json = [
        "-H",
        "content-type: application/json",
        "-H",
        &auth,
        "-X",
        "POST",
    ];
    let section = first_string_field(
        &curl(
            &format!("{base}/api/sections"),
            &[&json[..], &["-d", r#"{"title":"Бенчмарк"}"#]].concat(),
        )?,
        "id",
    )?;
    let publication = format!(
        r#"{{"section_id":"{section}","title":"Архив","published_on":"2021-08-30T17:41:00Z","audience":{{"everyone":true}}}}"#
    );
    let publication = first_string_field(
        &curl(
            &format!("{base}/api/publications"),
            &[&json[..], &["-d", &publication]].concat(),
        )?,
        "id",
    )?;
    let storage = first_string_field(
        &curl(
            &format!("{base}/api/publications/{publication}/storages"),
            &[
                &json[..],
                &[
                    "-d",
                    r#"{"title":"Все материалы","available_from":"2021-08-30T17:41:00Z"}"#,
                ],
            ]
            .concat(),
        )?,
        "id",
    )?;
    let sources = dir.join("zip-sources");
    let _ = std::fs::remove_dir_all(&sources);
    std::fs::create_dir_all(&sources).map_err(Fail::io("create zip sources"))?;
    let noise = noise(TOTAL / FILES);
    for n in 0..FILES {
        let path = sources.join(format!("{n}.bin"));
        let mut content = noise.clone();
        content[..8].copy_from_slice(&n.to_le_bytes());
        std::fs::write(&path, content).map_err(Fail::io("write a noise file"))?;
        curl(
            &format!("{base}/api/storages/{storage}/files?name=%D0%A4%D0%B0%D0%B9%D0%BB-{n}.bin"),
            &[
                "-X",
                "POST",
                "-H",
                &auth,
                "-H",
                "content-type: application/octet-stream",
                "--data-binary",
                &format!("@{}", path.display()),
            ],
        )?;
    }
    let _ = std::fs::remove_dir_all(&sources);
    let stored = stored_files(&server.data_dir().join("files").join("files"))?;
    let before = peak_rss_kib(&server)?;
    // Warm the page cache for both, then time the second run of each.
    let mut cat = Command::new("cat");
    cat.args(&stored).stdout(std::process::Stdio::null());
    let zip_url = format!("{base}/api/storages/{storage}/zip");
    let mut zip = Command::new("curl");
    zip.args(["-sf", "-o", "/dev/null", "-H", &auth, &zip_url]);
    let mut best_cat = Duration::MAX;
    let mut best_zip = Duration::MAX;
    let mut best_socket = Duration::MAX;
    for _ in 0..2 {
        best_cat = best_cat.min(timed(&mut cat)?);
        best_zip = best_zip.min(timed(&mut zip)?);
        best_socket = best_socket.min(loopback_copy(&stored)?);
    }
    let after = peak_rss_kib(&server)?;
    let gib_per_s = |d: Duration| TOTAL as f64 / d.as_secs_f64() / (1u64 << 20) as f64;
    rows.push(row(
        "«Скачать всё.zip» of 200 files, 1 GiB in all, through the API to `curl -o /dev/null`",
        format!("{:.0} MiB/s ({})", gib_per_s(best_zip), secs(best_zip)),
        &format!(
            "`cat` of the same stored files to /dev/null: {:.0} MiB/s",
            gib_per_s(best_cat)
        ),
        format!(
            "{:.0}% (goal ≥ 70%)",
            100.0 * best_cat.as_secs_f64() / best_zip.as_secs_f64()
        ),
    ));
    rows.push(row(
        "The same zip download, against the machine's loopback ceiling",
        format!("{:.0} MiB/s", gib_per_s(best_zip)),
        &format!(
            "the stored files sent raw over one loopback TCP socket (sendfile, no HTTP): {:.0} MiB/s",
            gib_per_s(best_socket)
        ),
        format!(
            "{:.0}%",
            100.0 * best_socket.as_secs_f64() / best_zip.as_secs_f64()
        ),
    ));
    rows.push(row(
        "`oko serve` peak memory (VmHWM) around two 1 GiB zip downloads",
        format!("{} MiB after", after / 1024),
        &format!("before: {} MiB", before / 1024),
        format!(
            "+{} MiB (goal < 64 MiB)",
            after.saturating_sub(before) / 1024
        ),
    ));
    Ok(())
}

fn timed(command: &mut Command) -> Result<Duration, Fail> {
    let started = Instant::now();
    let status = command.status().map_err(Fail::io("run a timed command"))?;
    if !status.success() {
        return Err(Fail(format!("{command:?} failed")));
    }
    Ok(started.elapsed())
}

/// Sends `files` over one loopback TCP connection as fast as the kernel can
/// (`std::io::copy` from a file to a socket uses sendfile on Linux) and reads them
/// back into a 1 MiB buffer: the ceiling of any HTTP server on this machine.
fn loopback_copy(files: &[PathBuf]) -> Result<Duration, Fail> {
    use std::io::Read;
    use std::net::{TcpListener, TcpStream};
    let listener = TcpListener::bind("127.0.0.1:0").map_err(Fail::io("bind a loopback socket"))?;
    let address = listener
        .local_addr()
        .map_err(Fail::io("read the socket address"))?;
    let started = Instant::now();
    let files = files.to_vec();
    let sender = std::thread::spawn(move || -> std::io::Result<()> {
        let (mut socket, _) = listener.accept()?;
        for path in files {
            std::io::copy(&mut std::fs::File::open(path)?, &mut socket)?;
        }
        Ok(())
    });
    let mut receiver = TcpStream::connect(address).map_err(Fail::io("connect over loopback"))?;
    let mut buffer = vec![0u8; 1 << 20];
    while receiver
        .read(&mut buffer)
        .map_err(Fail::io("read over loopback"))?
        > 0
    {}
    sender
        .join()
        .map_err(|_| Fail("the loopback sender panicked".into()))?
        .map_err(Fail::io("send over loopback"))?;
    Ok(started.elapsed())
}

/// `len` bytes of xorshift noise (incompressible, like the PDFs and archives
/// people upload).
fn noise(len: u64) -> Vec<u8> {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut out = Vec::with_capacity(len as usize + 8);
    while (out.len() as u64) < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        out.extend_from_slice(&state.to_le_bytes());
    }
    out.truncate(len as usize);
    out
}

/// Every file under `dir`.
fn stored_files(dir: &Path) -> Result<Vec<PathBuf>, Fail> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(Fail::io("list stored files"))? {
        let path = entry.map_err(Fail::io("list stored files"))?.path();
        if path.is_dir() {
            found.extend(stored_files(&path)?);
        } else {
            found.push(path);
        }
    }
    Ok(found)
}

/// The first `"field":<number>` of a JSON text.
fn first_number_field(text: &str, field: &str) -> Result<u64, Fail> {
    text.split(&format!("\"{field}\":"))
        .nth(1)
        .map(|rest| {
            rest.chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
        })
        .and_then(|digits| digits.parse().ok())
        .ok_or_else(|| Fail(format!("no number {field} in: {text}")))
}
