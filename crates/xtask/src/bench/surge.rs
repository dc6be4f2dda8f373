//! The deadline surge of issue #4: every organisation saves the schedule demo form
//! (3 sheets, 200 cells) in 20 autosave patches of 10 cells, then submits it. The
//! load generator is a plain HTTP/1.1 keep-alive client, one thread per
//! connection, organisations dealt round-robin to the connections and walked step
//! by step (every organisation's first patch, then every second, …), so an
//! organisation's next patch always goes on the version its previous one made. The
//! baseline is the same client asking `GET /api/me` in the same run.

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::TcpStream,
    path::Path,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use super::{
    OKO,
    cpu::{CpuTicks, CpuUsed},
    login_token, row,
};
use crate::{
    e2e::Server,
    process::{Fail, output},
};

/// Patches per organisation before it submits.
const PATCHES: usize = 20;
/// Cells per patch.
const CELLS_PER_PATCH: usize = 10;
/// Every demo organisation (the full demo has 45,000 and a few more).
pub const ALL_ORGANISATIONS: usize = 1_000_000;
/// Concurrent connections of the load generator.
pub const CONNECTIONS: usize = 32;
/// Requests of the `GET /api/me` baseline.
const BASELINE_REQUESTS: usize = 60_000;

/// The subjects of the schedule demo form's list, in its order.
const SUBJECTS: [&str; 8] = [
    "Русский язык",
    "Математика",
    "История",
    "Обществознание",
    "Физика",
    "Химия",
    "Биология",
    "Иностранный язык",
];

/// What one run measured.
pub struct Surge {
    pub organisations: usize,
    pub elapsed: Duration,
    pub saves: Latencies,
    pub submits: Latencies,
    /// `GET /api/me` by the same client, same connections.
    pub baseline_rate: f64,
    /// The operator's statistics and first page of «Список участников», asked
    /// over and over on one more connection while the surge runs.
    pub monitoring: Latencies,
    /// The collection the surge filled.
    pub collection: String,
    /// CPU used while the surge ran (load generator included in the machine's).
    pub cpu: CpuUsed,
}

/// Sorted latencies in microseconds.
#[derive(Default)]
pub struct Latencies(pub(super) Vec<u32>);

impl Latencies {
    pub(super) fn percentile_ms(&self, p: f64) -> f64 {
        if self.0.is_empty() {
            return 0.0;
        }
        let at = ((self.0.len() - 1) as f64 * p).round() as usize;
        f64::from(self.0[at]) / 1000.0
    }
}

/// A surge made ready in a server's database: its collection and the access
/// tokens of the organisations that will fill it in.
pub struct Prepared {
    pub collection: String,
    pub tokens: Vec<String>,
}

/// `oko seed-surge` on `server`'s data: up to `organisations` accounts after the
/// first `skip` (so several runs on one database each get fresh organisations).
pub fn prepare(
    server: &Server,
    organisations: usize,
    skip: usize,
    dir: &Path,
) -> Result<Prepared, Fail> {
    std::fs::create_dir_all(dir).map_err(Fail::io("create the bench directory"))?;
    let tokens_file = dir.join("surge-tokens.txt");
    let out = output({
        let mut c = server.command(Path::new(OKO));
        c.args([
            "seed-surge",
            "--organisations",
            &organisations.to_string(),
            "--skip",
            &skip.to_string(),
            "--out",
        ]);
        c.arg(&tokens_file);
        c
    })?;
    let text = String::from_utf8_lossy(&out);
    let collection = text
        .lines()
        .find_map(|l| l.strip_prefix("collection "))
        .ok_or_else(|| Fail(format!("seed-surge printed no collection: {text}")))?
        .trim()
        .to_owned();
    let tokens: Vec<String> = std::fs::read_to_string(&tokens_file)
        .map_err(Fail::io("read the surge tokens"))?
        .lines()
        .map(str::to_owned)
        .collect();
    let _ = std::fs::remove_file(&tokens_file);
    Ok(Prepared { collection, tokens })
}

/// `host:port` of a server, as the load generator connects.
pub fn address_of(server: &Server) -> String {
    server
        .base_url
        .strip_prefix("http://")
        .unwrap_or(&server.base_url)
        .to_owned()
}

/// Sets the surge up in `server`'s database and drives it; `organisations` caps
/// how many take part (all demo organisations by default).
pub fn run(server: &Server, organisations: usize, dir: &Path) -> Result<Surge, Fail> {
    let Prepared { collection, tokens } = prepare(server, organisations, 0, dir)?;
    let address = address_of(server);
    let baseline_rate = baseline(&address, &tokens[0])?;
    let running = Arc::new(AtomicBool::new(true));
    let monitor = {
        let (address, collection, running) =
            (address.clone(), collection.clone(), Arc::clone(&running));
        let admin = login_token(&server.base_url, "admin")?;
        std::thread::spawn(move || watch(&address, &collection, &admin, &running))
    };
    let cpu_before = CpuTicks::now(server.pid());
    let driven = drive_all(&[address], &collection, tokens, OnFailure::Stop)?;
    let cpu = CpuTicks::now(server.pid()).since(cpu_before);
    running.store(false, Ordering::Relaxed);
    let mut monitoring = monitor
        .join()
        .map_err(|_| Fail("the monitoring connection panicked".into()))??;
    monitoring.sort_unstable();
    Ok(Surge {
        organisations: driven.organisations,
        elapsed: driven.elapsed,
        saves: driven.saves,
        submits: driven.submits,
        baseline_rate,
        monitoring: Latencies(monitoring),
        collection,
        cpu,
    })
}

/// What the load generator does with an answer that is not 2xx.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum OnFailure {
    /// Fail the run: nothing should fail.
    Stop,
    /// As the SPA's autosave does: a 5xx or a lost connection is sent again after
    /// the answer's `Retry-After` (1 s without one); a 4xx is counted and the
    /// organisation goes on.
    Retry,
}

/// Every request of one surge, by every connection.
#[derive(Default)]
pub struct Driven {
    pub organisations: usize,
    pub elapsed: Duration,
    pub saves: Latencies,
    pub submits: Latencies,
    /// When each acknowledged request was answered, µs from the start, sorted.
    pub acknowledged_at: Vec<u32>,
    /// Answers that were not 2xx, and connections lost, all retried.
    pub failed_answers: usize,
    /// 4xx answers (with [`OnFailure::Retry`]): a save or submit refused for good.
    pub refused: usize,
    /// The longest single answer, any status, µs.
    pub longest_answer: u32,
    /// The longest a save or submit took to be acknowledged, retries included, µs.
    pub longest_acknowledgement: u32,
}

impl Driven {
    /// Adds one connection's requests to the run's (unsorted until the end).
    fn absorb(&mut self, one: Driven) {
        self.saves.0.extend(one.saves.0);
        self.submits.0.extend(one.submits.0);
        self.acknowledged_at.extend(one.acknowledged_at);
        self.failed_answers += one.failed_answers;
        self.refused += one.refused;
        self.longest_answer = self.longest_answer.max(one.longest_answer);
        self.longest_acknowledgement = self
            .longest_acknowledgement
            .max(one.longest_acknowledgement);
    }
}

/// Drives every organisation of `tokens` through the surge, connections dealt
/// round-robin over `addresses` (one or more instances).
pub fn drive_all(
    addresses: &[String],
    collection: &str,
    tokens: Vec<String>,
    on_failure: OnFailure,
) -> Result<Driven, Fail> {
    let bodies = Arc::new(patch_bodies());
    let organisations = tokens.len();
    let tokens = Arc::new(tokens);
    let started = Instant::now();
    let workers: Vec<_> = (0..CONNECTIONS)
        .map(|connection| {
            let address = addresses[connection % addresses.len()].clone();
            let collection = collection.to_owned();
            let (tokens, bodies) = (Arc::clone(&tokens), Arc::clone(&bodies));
            std::thread::spawn(move || {
                drive(
                    &address,
                    &collection,
                    &tokens,
                    &bodies,
                    connection,
                    on_failure,
                    started,
                )
            })
        })
        .collect();
    let mut all = Driven::default();
    for worker in workers {
        all.absorb(
            worker
                .join()
                .map_err(|_| Fail("a surge connection panicked".into()))??,
        );
    }
    all.organisations = organisations;
    all.elapsed = started.elapsed();
    all.saves.0.sort_unstable();
    all.submits.0.sort_unstable();
    all.acknowledged_at.sort_unstable();
    Ok(all)
}

/// The table rows of a run on `database`.
pub fn rows(database: &str, surge: &Surge, rows: &mut Vec<[String; 4]>) {
    let saves = surge.saves.0.len() as f64;
    let seconds = surge.elapsed.as_secs_f64();
    let save_rate = saves / seconds;
    let request_rate = (saves + surge.submits.0.len() as f64) / seconds;
    rows.push(row(
        &format!(
            "Deadline surge, {database}: {} organisations × (20 saves of 10 cells + submit of a 3-sheet, 200-cell form), {CONNECTIONS} connections",
            surge.organisations
        ),
        format!(
            "{save_rate:.0} saves/s; saves p50 {:.1} ms, p99 {:.1} ms; submits p99 {:.1} ms; all in {:.0} s",
            surge.saves.percentile_ms(0.5),
            surge.saves.percentile_ms(0.99),
            surge.submits.percentile_ms(0.99),
            seconds
        ),
        &format!(
            "`GET /api/me`, same client: {:.0} req/s",
            surge.baseline_rate
        ),
        format!(
            "{:.2} of `/api/me` (goal ≥ 3,000 saves/s, p99 < 50 ms on PostgreSQL, all within 300 s)",
            request_rate / surge.baseline_rate
        ),
    ));
    let per_save = |used: Duration| format!("{:.0} µs", used.as_secs_f64() * 1e6 / saves);
    let cpu = &surge.cpu;
    rows.push(row(
        &format!(
            "CPU per save in that surge ({database}; the submits' and the watching operator's share included)"
        ),
        format!(
            "{} of the machine: `oko` {}, PostgreSQL {}",
            per_save(cpu.machine),
            per_save(cpu.server),
            per_save(cpu.postgres)
        ),
        &format!(
            "the rest (load generator, kernel, neighbours): {}",
            per_save(cpu.machine.saturating_sub(cpu.server + cpu.postgres))
        ),
        format!(
            "{:.0}% of {:.0} core-seconds busy",
            100.0 * cpu.machine.as_secs_f64() / (seconds * cores()),
            seconds * cores()
        ),
    ));
    rows.push(row(
        &format!(
            "Operator's statistics and first page of «Список участников» during that surge ({database}, {} organisations)",
            surge.organisations
        ),
        format!(
            "p50 {:.1} ms, p99 {:.1} ms ({} requests)",
            surge.monitoring.percentile_ms(0.5),
            surge.monitoring.percentile_ms(0.99),
            surge.monitoring.0.len()
        ),
        &format!("saves, same run: p99 {:.1} ms", surge.saves.percentile_ms(0.99)),
        format!(
            "p99 {:.2} of goal (50 ms)",
            surge.monitoring.percentile_ms(0.99) / 50.0
        ),
    ));
}

/// Cores of this machine.
fn cores() -> f64 {
    std::thread::available_parallelism().map_or(1.0, |n| n.get() as f64)
}

/// The 20 patch bodies: the form's 200 cells in order, 10 per patch, each patch on
/// the version the previous one made (0 for the first).
fn patch_bodies() -> Vec<String> {
    let mut cells = Vec::new();
    for sheet in ["paper", "computer"] {
        for row in 1..=14u32 {
            let day = format!("2021-09-{:02}", 13 + row);
            let subject = SUBJECTS[(row as usize - 1) % SUBJECTS.len()];
            for (column, value) in [
                ("subject", subject.to_owned()),
                ("date1", day.clone()),
                ("rooms1", "2".to_owned()),
                ("participants1", "25".to_owned()),
                ("date2", day.clone()),
                ("rooms2", "1".to_owned()),
                ("participants2", "10".to_owned()),
            ] {
                cells.push(cell(sheet, row, column, &value));
            }
        }
    }
    for row in 1..=2 {
        cells.push(cell("meta", row, "participants1", "10"));
        cells.push(cell("meta", row, "participants2", "5"));
    }
    assert_eq!(cells.len(), PATCHES * CELLS_PER_PATCH, "200 cells");
    cells
        .chunks(CELLS_PER_PATCH)
        .enumerate()
        .map(|(version, chunk)| {
            format!(
                r#"{{"version":{version},"change_id":"surge-{version}","changes":[{}]}}"#,
                chunk.join(",")
            )
        })
        .collect()
}

fn cell(sheet: &str, row: u32, column: &str, value: &str) -> String {
    format!(r#"{{"op":"set","sheet":"{sheet}","row":{row},"column":"{column}","value":"{value}"}}"#)
}

/// Microseconds since `since`, saturated to what the figures keep.
fn micros_since(since: Instant) -> u32 {
    since.elapsed().as_micros().min(u128::from(u32::MAX)) as u32
}

/// One connection's share: its organisations, step by step.
fn drive(
    address: &str,
    collection: &str,
    tokens: &[String],
    bodies: &[String],
    connection: usize,
    on_failure: OnFailure,
    started: Instant,
) -> Result<Driven, Fail> {
    let mine: Vec<&String> = tokens
        .iter()
        .skip(connection)
        .step_by(CONNECTIONS)
        .collect();
    let mut client = Client::connect(address)?;
    let mut driven = Driven {
        organisations: mine.len(),
        saves: Latencies(Vec::with_capacity(mine.len() * PATCHES)),
        submits: Latencies(Vec::with_capacity(mine.len())),
        acknowledged_at: Vec::with_capacity(mine.len() * (PATCHES + 1)),
        ..Driven::default()
    };
    let draft = format!("/api/collections/{collection}/draft");
    let submit = format!("/api/collections/{collection}/submit");
    let submit_body = format!(r#"{{"version":{PATCHES}}}"#);
    let steps = bodies
        .iter()
        .map(|body| ("PATCH", draft.as_str(), body.as_str()))
        .chain(std::iter::once((
            "POST",
            submit.as_str(),
            submit_body.as_str(),
        )));
    for (step, (method, path, body)) in steps.enumerate() {
        for token in &mine {
            let asked = Instant::now();
            let status = loop {
                let sent = Instant::now();
                let answer = client.send(method, path, token, body);
                driven.longest_answer = driven.longest_answer.max(micros_since(sent));
                let wait = match answer {
                    Ok(status) if status < 500 => break status,
                    _ if on_failure == OnFailure::Stop => {
                        let what = match answer {
                            Ok(status) => format!("answered {status}: {}", client.last_body),
                            Err(Fail(err)) => err,
                        };
                        return Err(Fail(format!("surge: step {step} {what}")));
                    }
                    Ok(_) => Duration::from_secs(client.retry_after.unwrap_or(1)),
                    Err(_) => {
                        client = Client::reconnect(address, asked)?;
                        Duration::ZERO
                    }
                };
                driven.failed_answers += 1;
                std::thread::sleep(wait);
            };
            if status != 200 && status != 201 {
                if on_failure == OnFailure::Stop {
                    return Err(Fail(format!(
                        "surge: step {step} answered {status}: {}",
                        client.last_body
                    )));
                }
                driven.refused += 1;
                continue;
            }
            let micros = micros_since(asked);
            driven.longest_acknowledgement = driven.longest_acknowledgement.max(micros);
            driven.acknowledged_at.push(micros_since(started));
            if step < PATCHES {
                driven.saves.0.push(micros);
            } else {
                driven.submits.0.push(micros);
            }
        }
    }
    Ok(driven)
}

/// How often the watching operator asks (statistics and the list's first page):
/// as many coordinators refreshing their pages, not a flood of its own.
const WATCH_EVERY: Duration = Duration::from_millis(100);

/// The operator watching the surge: statistics, then the first page of
/// «Список участников», every [`WATCH_EVERY`] until the surge ends; their latencies.
fn watch(
    address: &str,
    collection: &str,
    admin: &str,
    running: &AtomicBool,
) -> Result<Vec<u32>, Fail> {
    let mut client = Client::connect(address)?;
    let paths = [
        format!("/api/collections/{collection}/statistics"),
        format!("/api/collections/{collection}/participants?per_page=50"),
    ];
    let mut latencies = Vec::new();
    while running.load(Ordering::Relaxed) {
        for path in &paths {
            let started = Instant::now();
            let status = client.send("GET", path, admin, "")?;
            if status != 200 {
                return Err(Fail(format!(
                    "monitoring answered {status}: {}",
                    client.last_body
                )));
            }
            latencies.push(started.elapsed().as_micros().min(u128::from(u32::MAX)) as u32);
        }
        std::thread::sleep(WATCH_EVERY);
    }
    Ok(latencies)
}

/// `GET /api/me` over all connections: requests per second.
fn baseline(address: &str, token: &str) -> Result<f64, Fail> {
    let started = Instant::now();
    let workers: Vec<_> = (0..CONNECTIONS)
        .map(|_| {
            let (address, token) = (address.to_owned(), token.to_owned());
            std::thread::spawn(move || -> Result<(), Fail> {
                let mut client = Client::connect(&address)?;
                for _ in 0..BASELINE_REQUESTS / CONNECTIONS {
                    let status = client.send("GET", "/api/me", &token, "")?;
                    if status != 200 {
                        return Err(Fail(format!("baseline answered {status}")));
                    }
                }
                Ok(())
            })
        })
        .collect();
    for worker in workers {
        worker
            .join()
            .map_err(|_| Fail("a baseline connection panicked".into()))??;
    }
    Ok(BASELINE_REQUESTS as f64 / started.elapsed().as_secs_f64())
}

/// A keep-alive HTTP/1.1 connection that sends one request at a time.
pub(super) struct Client {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
    last_body: String,
    /// The last answer's `Retry-After`, seconds.
    retry_after: Option<u64>,
}

impl Client {
    pub(super) fn connect(address: &str) -> Result<Client, Fail> {
        let stream = TcpStream::connect(address).map_err(Fail::io("connect to oko"))?;
        stream
            .set_nodelay(true)
            .map_err(Fail::io("set TCP_NODELAY"))?;
        let writer = stream.try_clone().map_err(Fail::io("clone a socket"))?;
        Ok(Client {
            reader: BufReader::new(stream),
            writer,
            last_body: String::new(),
            retry_after: None,
        })
    }

    /// A new connection after one was lost, tried every 100 ms for a minute
    /// from `since` (the instance may be restarting).
    fn reconnect(address: &str, since: Instant) -> Result<Client, Fail> {
        loop {
            match Client::connect(address) {
                Ok(client) => return Ok(client),
                Err(fail) if since.elapsed() > Duration::from_secs(60) => return Err(fail),
                Err(_) => std::thread::sleep(Duration::from_millis(100)),
            }
        }
    }

    /// Sends a request and reads the whole answer; its status.
    pub(super) fn send(
        &mut self,
        method: &str,
        path: &str,
        token: &str,
        body: &str,
    ) -> Result<u16, Fail> {
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: oko\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        self.writer
            .write_all(request.as_bytes())
            .map_err(Fail::io("send a request"))?;
        let mut line = String::new();
        self.reader
            .read_line(&mut line)
            .map_err(Fail::io("read a status line"))?;
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| Fail(format!("not an HTTP answer: {line:?}")))?;
        let mut length = 0usize;
        self.retry_after = None;
        loop {
            line.clear();
            self.reader
                .read_line(&mut line)
                .map_err(Fail::io("read a header"))?;
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap_or(0);
            } else if let Some((name, value)) = header.split_once(':')
                && name.eq_ignore_ascii_case("retry-after")
            {
                self.retry_after = value.trim().parse().ok();
            }
        }
        let mut body = vec![0u8; length];
        self.reader
            .read_exact(&mut body)
            .map_err(Fail::io("read a body"))?;
        if status >= 300 {
            self.last_body = String::from_utf8_lossy(&body).into_owned();
        }
        Ok(status)
    }
}

impl Driven {
    /// Acknowledged saves a second over the whole drive.
    pub fn save_rate(&self) -> f64 {
        self.saves.0.len() as f64 / self.elapsed.as_secs_f64()
    }
}
