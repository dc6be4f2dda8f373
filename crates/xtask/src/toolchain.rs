//! The WASM toolchain (target, trunk, wasm-bindgen-cli at the locked version),
//! installed when missing, and the release build of the SPA.

use std::process::Command;

use crate::process::{Fail, cargo, run, stdout_of, succeeds};

/// trunk 0.22 needs a newer rustc than this machine has.
const TRUNK_VERSION: &str = "~0.21";

/// Installs whatever of the WASM toolchain is missing.
pub fn ensure_wasm_tools() -> Result<(), Fail> {
    let installed = stdout_of(Command::new("rustup").args(["target", "list", "--installed"]))
        .unwrap_or_default();
    if !installed
        .lines()
        .any(|t| t.trim() == "wasm32-unknown-unknown")
    {
        run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }
    let trunk = stdout_of(Command::new("trunk").arg("--version")).unwrap_or_default();
    if !trunk.starts_with("trunk 0.21") {
        run(&mut cargo(&[
            "install",
            "trunk",
            "--version",
            TRUNK_VERSION,
            "--locked",
        ]))?;
    }
    let wanted = locked_version("wasm-bindgen")?;
    let have = stdout_of(Command::new("wasm-bindgen").arg("--version")).unwrap_or_default();
    if have.trim() != format!("wasm-bindgen {wanted}") {
        // Not --locked: one of its locked dependencies is missing from the registry.
        run(&mut cargo(&[
            "install",
            "wasm-bindgen-cli",
            "--version",
            &wanted,
            "--force",
        ]))?;
    }
    Ok(())
}

/// The version of `package` in Cargo.lock.
fn locked_version(package: &str) -> Result<String, Fail> {
    let lock = std::fs::read_to_string("Cargo.lock").map_err(Fail::io("read Cargo.lock"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == format!("name = \"{package}\"")
            && let Some(version) = lines.next().and_then(|l| l.strip_prefix("version = \""))
        {
            return Ok(version.trim_end_matches('"').to_owned());
        }
    }
    Err(Fail(format!("{package} is not in Cargo.lock")))
}

/// `trunk build --release` into `frontend/dist`, offline.
pub fn build_spa() -> Result<(), Fail> {
    ensure_wasm_tools()?;
    run(Command::new("trunk")
        .args(["build", "--release", "--offline"])
        .current_dir("frontend")
        .env("TRUNK_SKIP_VERSION_CHECK", "true"))
}

/// Whether Debian's Chromium is installed.
pub fn has_chromium() -> bool {
    succeeds(Command::new("/usr/bin/chromium").arg("--version"))
}

/// The SPA and the release `oko` binary, plus any `extra` cargo targets
/// (e.g. `--example argon2_rate`).
pub fn build_release(extra: &[&str]) -> Result<(), Fail> {
    build_spa()?;
    let mut args = vec!["build", "--release", "--package", "oko-api", "--bin", "oko"];
    args.extend_from_slice(extra);
    run(&mut cargo(&args))
}
