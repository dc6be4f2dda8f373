//! `cargo xtask bench`: measures the figures written into `docs/benchmarks.md`.

use crate::process::Fail;

/// Runs every benchmark.
pub fn run_all() -> Result<(), Fail> {
    Err(Fail("benchmarks are not written yet".into()))
}
