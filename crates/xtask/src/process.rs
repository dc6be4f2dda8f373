//! Running commands and reporting failures.

use std::process::{Command, Stdio};

/// A failed task, with the message to print.
#[derive(Debug)]
pub struct Fail(pub String);

impl Fail {
    /// Maps an I/O error of `what` into a failure.
    pub fn io(what: &'static str) -> impl Fn(std::io::Error) -> Fail {
        move |err| Fail(format!("{what}: {err}"))
    }
}

/// `cargo <args>` with the same toolchain that runs xtask.
pub fn cargo(args: &[&str]) -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command.args(args);
    command
}

fn describe(command: &Command) -> String {
    let mut text = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        text.push(' ');
        text.push_str(&arg.to_string_lossy());
    }
    text
}

/// Runs a command to completion with its output on the terminal.
pub fn run(command: &mut Command) -> Result<(), Fail> {
    let line = describe(command);
    println!("\n$ {line}");
    let status = command
        .status()
        .map_err(|e| Fail(format!("cannot start `{line}`: {e}")))?;
    if status.success() {
        Ok(())
    } else {
        Err(Fail(format!("`{line}` failed ({status})")))
    }
}

/// Runs a command and returns its standard output.
pub fn output(mut command: Command) -> Result<Vec<u8>, Fail> {
    let line = describe(&command);
    let out = command
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| Fail(format!("cannot start `{line}`: {e}")))?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(Fail(format!("`{line}` failed ({})", out.status)))
    }
}

/// Whether a command runs and succeeds, quietly.
pub fn succeeds(command: &mut Command) -> bool {
    command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// A command's standard output, or `None` if it cannot run or fails.
pub fn stdout_of(command: &mut Command) -> Option<String> {
    let out = command.stderr(Stdio::null()).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Installs Debian `packages` (without recommended extras, which would double
/// LibreOffice's download).
pub fn apt_install(packages: &[&str]) -> Result<(), Fail> {
    run(Command::new("apt-get").args(["update", "-qq"]))?;
    run(Command::new("apt-get")
        .args(["install", "-y", "-qq", "--no-install-recommends"])
        .args(packages)
        .env("DEBIAN_FRONTEND", "noninteractive"))
}

/// A Python virtualenv at `venv` with `package` in it, made once: the PyPI
/// programs the tests use (moto, schemathesis, openpyxl) live under `target/`.
/// A marker written after a finished install tells the next run it is there.
pub fn pip_venv(venv: &str, package: &str) -> Result<(), Fail> {
    let venv = std::path::Path::new(venv);
    let marker = venv.join(".oko-installed");
    if std::fs::read_to_string(&marker).is_ok_and(|installed| installed == package) {
        return Ok(());
    }
    run(Command::new("python3").arg("-m").arg("venv").arg(venv))?;
    run(Command::new(venv.join("bin/pip")).args(["install", "--quiet", package]))?;
    std::fs::write(&marker, package).map_err(Fail::io("mark the virtualenv installed"))
}
