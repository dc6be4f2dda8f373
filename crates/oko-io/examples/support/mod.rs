//! What the benches share: the process's memory high-water mark, and running the
//! bench itself as a child to measure one reader's peak alone.

/// The process's peak resident memory so far, in KiB.
pub fn high_water_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Runs this bench as a child with `--peak reader path`; the peak growth it
/// printed, in KiB.
pub fn peak_of(reader: &str, path: &std::path::Path) -> u64 {
    let output = std::process::Command::new(std::env::current_exe().expect("own path"))
        .args(["--peak", reader])
        .arg(path)
        .output()
        .expect("the child bench runs");
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .expect("the child prints its peak")
}
