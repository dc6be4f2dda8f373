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

/// `trunk build --release` into `frontend/dist`, offline, then `wasm-opt -Oz`.
pub fn build_spa() -> Result<(), Fail> {
    ensure_wasm_tools()?;
    run(Command::new("trunk")
        .args(["build", "--release", "--offline"])
        .current_dir("frontend")
        .env("TRUNK_SKIP_VERSION_CHECK", "true"))?;
    optimise_wasm()
}

/// Shrinks the SPA's WASM in place with binaryen's `wasm-opt -Oz` (about 40%
/// smaller, 25% less gzip). Trunk cannot download binaryen offline and Debian's is
/// too old for this rustc's output, so it is npm's build (`binaryen` in
/// `e2e/package.json`), run by node. `frontend/index.html` asks trunk for no
/// integrity hash, which this rewrite would break.
fn optimise_wasm() -> Result<(), Fail> {
    crate::e2e::ensure_node_modules()?;
    let dist = std::fs::read_dir("frontend/dist").map_err(Fail::io("list frontend/dist"))?;
    for entry in dist {
        let path = entry.map_err(Fail::io("list frontend/dist"))?.path();
        if path.extension().and_then(|e| e.to_str()) != Some("wasm") {
            continue;
        }
        run(Command::new("node")
            .arg("e2e/node_modules/binaryen/bin/wasm-opt")
            .arg("-Oz")
            // What rustc's wasm32 target emits.
            .args([
                "--enable-bulk-memory",
                "--enable-nontrapping-float-to-int",
                "--enable-sign-ext",
                "--enable-mutable-globals",
                "--enable-reference-types",
                "--enable-multivalue",
            ])
            .arg(&path)
            .arg("-o")
            .arg(&path))?;
    }
    Ok(())
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
