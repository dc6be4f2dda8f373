//! The SPA's release build without a bundler: cargo builds the WebAssembly,
//! `spa-build` (a workspace crate using wasm-bindgen as a library, at the version
//! Cargo.lock pins) makes its glue and `dist/`, binaryen's `wasm-opt` from npm
//! shrinks it. Nothing to `cargo install`: a new machine compiles only the
//! workspace.

use std::process::Command;

use crate::process::{Fail, cargo, run, stdout_of, succeeds};

/// What the SPA is built from and into.
const WASM: &str = "target/wasm32-unknown-unknown/wasm-release/oko-frontend.wasm";
const STAGING: &str = "target/spa-staging";
const DIST: &str = "frontend/dist";

/// The WASM target, when missing, and a check that the glue's wasm-bindgen is the
/// app's.
pub fn ensure_wasm_tools() -> Result<(), Fail> {
    let installed = stdout_of(Command::new("rustup").args(["target", "list", "--installed"]))
        .unwrap_or_default();
    if !installed
        .lines()
        .any(|t| t.trim() == "wasm32-unknown-unknown")
    {
        run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }
    let app = locked_version("wasm-bindgen")?;
    let glue = locked_version("wasm-bindgen-cli-support")?;
    if app != glue {
        return Err(Fail(format!(
            "the app uses wasm-bindgen {app}, spa-build wasm-bindgen-cli-support {glue}: \
             set `wasm-bindgen-cli-support = \"={app}\"` in crates/spa-build/Cargo.toml"
        )));
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

/// The SPA in release into `frontend/dist`: the WASM, its glue, `wasm-opt -Oz`,
/// hashed names and `index.html`.
pub fn build_spa() -> Result<(), Fail> {
    ensure_wasm_tools()?;
    run(&mut cargo(&[
        "build",
        "--package",
        "oko-frontend",
        "--target",
        "wasm32-unknown-unknown",
        "--profile",
        "wasm-release",
    ]))?;
    spa_build(&["glue", WASM, STAGING])?;
    optimise_wasm(STAGING)?;
    spa_build(&["assemble", STAGING, "frontend", DIST])
}

/// `spa-build <args>`, built in release (it handles megabytes of WASM).
fn spa_build(args: &[&str]) -> Result<(), Fail> {
    let mut command = cargo(&[
        "run",
        "--quiet",
        "--release",
        "--package",
        "spa-build",
        "--",
    ]);
    command.args(args);
    run(&mut command)
}

/// Shrinks the staged WASM in place with binaryen's `wasm-opt -Oz` (about 40%
/// smaller, 25% less gzip). Debian's binaryen is too old for this rustc's output,
/// so it is npm's build (`binaryen` in `e2e/package.json`), run by node.
fn optimise_wasm(dir: &str) -> Result<(), Fail> {
    crate::e2e::ensure_node_modules()?;
    let staged = std::fs::read_dir(dir).map_err(Fail::io("list the staged SPA"))?;
    for entry in staged {
        let path = entry.map_err(Fail::io("list the staged SPA"))?.path();
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
