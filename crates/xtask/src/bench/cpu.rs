//! CPU time spent during a benchmark, read from `/proc`: the whole machine's, the
//! server's and PostgreSQL's. On the shared virtual machines the benchmarks run on,
//! requests per second move ±15% from run to run with what the neighbours do; the
//! CPU a request costs moves far less, so it is reported beside the rate.

use std::time::Duration;

/// `/proc` counts in USER_HZ ticks, 100 per second on every Linux ABI.
const TICKS_PER_SECOND: f64 = 100.0;

/// CPU ticks used so far.
#[derive(Clone, Copy, Default)]
pub struct CpuTicks {
    /// Every core's busy time (user, nice, system, irq, softirq; not idle, iowait
    /// or steal).
    pub machine: u64,
    /// The server process.
    pub server: u64,
    /// Every `postgres` process (none when the server runs on SQLite).
    pub postgres: u64,
}

/// CPU used between two readings.
#[derive(Clone, Copy, Default)]
pub struct CpuUsed {
    pub machine: Duration,
    pub server: Duration,
    pub postgres: Duration,
}

impl CpuTicks {
    /// The counters now, for server process `pid`.
    pub fn now(pid: u32) -> CpuTicks {
        CpuTicks {
            machine: machine_busy(),
            server: std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .ok()
                .and_then(|stat| process_ticks(&stat).map(|(_, ticks)| ticks))
                .unwrap_or(0),
            postgres: postgres_ticks(),
        }
    }

    /// What was used since `earlier`.
    pub fn since(self, earlier: CpuTicks) -> CpuUsed {
        let span = |now: u64, then: u64| {
            Duration::from_secs_f64(now.saturating_sub(then) as f64 / TICKS_PER_SECOND)
        };
        CpuUsed {
            machine: span(self.machine, earlier.machine),
            server: span(self.server, earlier.server),
            postgres: span(self.postgres, earlier.postgres),
        }
    }
}

/// Busy ticks of all cores from the first line of `/proc/stat`.
fn machine_busy() -> u64 {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    stat.lines().next().map(busy_of_cpu_line).unwrap_or(0)
}

/// `cpu  user nice system idle iowait irq softirq steal …`: user + nice + system +
/// irq + softirq.
fn busy_of_cpu_line(line: &str) -> u64 {
    let fields: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .map(|f| f.parse().unwrap_or(0))
        .collect();
    [0, 1, 2, 5, 6].iter().filter_map(|&i| fields.get(i)).sum()
}

/// The command name and utime + stime of a `/proc/<pid>/stat` line. The name is in
/// parentheses and may itself hold spaces or parentheses, so fields are counted
/// from the last `)`.
fn process_ticks(stat: &str) -> Option<(&str, u64)> {
    let open = stat.find('(')?;
    let close = stat.rfind(')')?;
    let name = &stat[open + 1..close];
    // After ")": state is field 3; utime and stime are fields 14 and 15.
    let rest: Vec<&str> = stat[close + 1..].split_whitespace().collect();
    let utime: u64 = rest.get(11)?.parse().ok()?;
    let stime: u64 = rest.get(12)?.parse().ok()?;
    Some((name, utime + stime))
}

/// utime + stime of every live process named `postgres` (the postmaster and its
/// backends; a backend that exited during the run takes its ticks with it, which
/// the bench avoids by keeping its pool's connections open).
fn postgres_ticks() -> u64 {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0;
    };
    entries
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .bytes()
                .all(|b| b.is_ascii_digit())
        })
        .filter_map(|e| std::fs::read_to_string(e.path().join("stat")).ok())
        .filter_map(|stat| {
            process_ticks(&stat)
                .filter(|(name, _)| *name == "postgres")
                .map(|(_, ticks)| ticks)
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busy_counts_user_nice_system_irq_softirq_only() {
        // user nice system idle iowait irq softirq steal
        let line = "cpu  100 2 30 5000 40 5 6 700 0 0";
        assert_eq!(busy_of_cpu_line(line), 100 + 2 + 30 + 5 + 6);
    }

    #[test]
    fn process_name_with_spaces_and_parentheses_is_skipped_whole() {
        let stat = "4242 (postgres: x (y)) S 1 4242 4242 0 -1 4194560 10 0 0 0 17 23 0 0 20 0 1 0";
        assert_eq!(process_ticks(stat), Some(("postgres: x (y)", 17 + 23)));
    }

    #[test]
    fn cpu_this_process_burns_is_read_back() {
        let before = CpuTicks::now(std::process::id());
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        let mut x = 0u64;
        let used = loop {
            for _ in 0..1_000_000 {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
            }
            let used = CpuTicks::now(std::process::id()).since(before);
            if used.server >= Duration::from_millis(200) {
                break used;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "20 s of spinning counted {:?}",
                used.server
            );
        };
        std::hint::black_box(x);
        // The machine's counters are sampled per tick while a process's time is
        // measured exactly, so the machine may show a little less than the process
        // it holds (190 ms against 200 ms was seen); a quarter off is a wrong reading.
        assert!(
            used.machine >= used.server * 3 / 4,
            "the machine counted {:?}, this process alone {:?}",
            used.machine,
            used.server
        );
    }
}
