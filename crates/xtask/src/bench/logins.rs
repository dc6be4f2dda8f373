//! Login protection (issue #8): a scripted brute force of 1,000 passwords against
//! one account over loopback, as fast as the client can send, for two minutes —
//! how many attempts the server actually checked each minute (goal: fewer than
//! 20) — while other accounts keep logging in, against the same logins measured
//! just before without the attack.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use super::{row, surge::Client};
use crate::{e2e::Server, process::Fail};

/// How long the attack runs.
const ATTACK: Duration = Duration::from_secs(120);
/// How long the other accounts' logins are measured alone first.
const ALONE: Duration = Duration::from_secs(20);
const PASSWORDS: usize = 1_000;
/// Schools of region 24 in the small demo other than the attacked `sch240001`
/// (its 7th and 8th organisations are a college and a kindergarten).
const SCHOOLS: [u32; 20] = [
    2, 3, 4, 5, 6, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23,
];

/// What a run of legitimate logins saw.
struct Logins {
    ok: usize,
    failed: usize,
    latencies_ms: Vec<f64>,
    elapsed: Duration,
}

impl Logins {
    fn rate(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64()
    }

    fn p99(&mut self) -> f64 {
        self.latencies_ms.sort_by(f64::total_cmp);
        let at = ((self.latencies_ms.len().max(1) - 1) as f64 * 0.99).round() as usize;
        self.latencies_ms.get(at).copied().unwrap_or(0.0)
    }
}

fn address(server: &Server) -> String {
    server.base_url.trim_start_matches("http://").to_owned()
}

fn login_body(login: &str, password: &str) -> String {
    format!("{{\"login\":\"{login}\",\"password\":\"{password}\"}}")
}

/// A login attempt's status; a connection the server closed is opened again.
fn attempt(client: &mut Client, address: &str, body: &str) -> Result<u16, Fail> {
    match client.send("POST", "/api/auth/login", "", body) {
        Ok(status) => Ok(status),
        Err(_) => {
            *client = Client::connect(address)?;
            client.send("POST", "/api/auth/login", "", body)
        }
    }
}

/// Other schools log in one after another until `stop`.
fn legitimate(address: &str, stop: &AtomicBool, limit: Duration) -> Result<Logins, Fail> {
    let mut client = Client::connect(address)?;
    let started = Instant::now();
    let mut seen = Logins {
        ok: 0,
        failed: 0,
        latencies_ms: Vec::new(),
        elapsed: Duration::ZERO,
    };
    let mut n = 0;
    while !stop.load(Ordering::Relaxed) && started.elapsed() < limit {
        let login = format!("sch24{:04}", SCHOOLS[n % SCHOOLS.len()]);
        n += 1;
        let sent = Instant::now();
        let status = client.send(
            "POST",
            "/api/auth/login",
            "",
            &login_body(&login, "oko-demo-2026"),
        )?;
        seen.latencies_ms
            .push(sent.elapsed().as_secs_f64() * 1000.0);
        if status == 200 {
            seen.ok += 1;
        } else {
            seen.failed += 1;
        }
    }
    seen.elapsed = started.elapsed();
    Ok(seen)
}

/// The measurements as rows of the benchmark table.
pub fn rows(server: &Server, rows: &mut Vec<[String; 4]>) -> Result<(), Fail> {
    let address = address(server);
    let never = AtomicBool::new(false);
    let mut alone = legitimate(&address, &never, ALONE)?;

    let stop = Arc::new(AtomicBool::new(false));
    let others = {
        let (address, stop) = (address.clone(), stop.clone());
        std::thread::spawn(move || legitimate(&address, &stop, ATTACK * 2))
    };
    let mut client = Client::connect(&address)?;
    let started = Instant::now();
    let mut checked_per_minute = [0usize; 2];
    let mut throttled = 0usize;
    let mut tried = 0usize;
    while started.elapsed() < ATTACK && tried < PASSWORDS {
        let status = attempt(
            &mut client,
            &address,
            &login_body("sch240001", &format!("guess-{tried:04}")),
        )?;
        match status {
            429 => throttled += 1,
            _ => {
                let minute = (started.elapsed().as_secs() / 60).min(1) as usize;
                checked_per_minute[minute] += 1;
                tried += 1;
            }
        }
    }
    stop.store(true, Ordering::Relaxed);
    let mut during = others
        .join()
        .map_err(|_| Fail("the legitimate logins' thread panicked".into()))??;
    rows.push(row(
        "Brute force of `sch240001` from one address (1,000 passwords, sent back to back for 120 s, small demo)",
        format!(
            "passwords checked: {} in minute 1, {} in minute 2; {throttled} tries refused with 429 unchecked",
            checked_per_minute[0], checked_per_minute[1]
        ),
        "goal: fewer than 20 checked per minute",
        format!(
            "{} per minute at most",
            checked_per_minute.iter().max().copied().unwrap_or(0)
        ),
    ));
    rows.push(row(
        "Other schools logging in during that attack (one client, one login after another)",
        format!(
            "{:.1} logins/s, p99 {:.0} ms, {} refused",
            during.rate(),
            during.p99(),
            during.failed
        ),
        &format!(
            "the same logins just before, no attack: {:.1} logins/s, p99 {:.0} ms, {} refused",
            alone.rate(),
            alone.p99(),
            alone.failed
        ),
        format!(
            "{:.0}% of the rate without the attack",
            100.0 * during.rate() / alone.rate()
        ),
    ));
    Ok(())
}
