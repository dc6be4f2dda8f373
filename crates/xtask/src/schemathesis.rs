//! A schema-driven attack on the API as it ships: schemathesis (from PyPI, in a
//! virtualenv under `target/` like moto) generates requests from the served
//! `/api/openapi.json` — documented examples, boundary values, then random ones —
//! as the federal operator and as an organisation, each against a fresh server,
//! for a bounded time. A server error, a dropped connection, a status the document
//! does not list, a body that breaks its schema or a wrong content type fails the
//! run.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use crate::{
    e2e::{build_debug_oko, start_server},
    process::{Fail, output, pip_venv, run},
};

const VENV: &str = "target/schemathesis-venv";
const PACKAGE: &str = "schemathesis==4.32.5";
/// Seconds of generated requests per role.
const SECONDS_PER_ROLE: &str = "75";
/// The checks that must all pass.
const CHECKS: &str = "not_a_server_error,status_code_conformance,response_schema_conformance,content_type_conformance";
/// The generator's seed: a run is reproducible (`OKO_ATTACK_SEED` explores others).
const SEED: &str = "20261204";
/// Left out: a password change ends the run's own session (as documented), and the
/// notification stream never ends by design.
const EXCLUDED: [&str; 2] = ["change_password", "notification_stream"];

/// Installs schemathesis once, then attacks a fresh server per role.
pub fn run_attack() -> Result<(), Fail> {
    pip_venv(VENV, PACKAGE)?;
    let st = Path::new(VENV).join("bin/st");
    build_debug_oko()?;
    let seed = std::env::var("OKO_ATTACK_SEED").unwrap_or_else(|_| SEED.to_owned());
    for login in ["admin", "sch240001"] {
        let data_dir = PathBuf::from(format!("target/schemathesis-data/{login}"));
        let server = start_server(Path::new("target/debug/oko"), &data_dir, "small")?;
        let token = access_token(&server.base_url, login)?;
        let mut attack = Command::new(&st);
        attack
            .arg("run")
            .arg(format!("{}/api/openapi.json", server.base_url))
            .args(["-H", &format!("Authorization: Bearer {token}")])
            .args(["--checks", CHECKS])
            .args(["--phases", "examples,coverage,fuzzing"])
            .args(["--max-time", SECONDS_PER_ROLE])
            .args(["--seed", &seed])
            // One worker: with two, Python 3.11's `ast.parse` (hypothesis describing a
            // lambda) once failed inside schemathesis itself, threads racing.
            .args(["--workers", "1", "--request-timeout", "10"])
            .args(["--warnings", "off", "--no-color"]);
        for operation in EXCLUDED {
            attack.args(["--exclude-operation-id", operation]);
        }
        println!(
            "\nxtask: schemathesis as {login} against {}",
            server.base_url
        );
        run(&mut attack)
            .map_err(|Fail(why)| Fail(format!("schemathesis as {login} found problems: {why}")))?;
        drop(server);
    }
    Ok(())
}

/// An access token of a demo account, asked for with the venv's own Python.
fn access_token(base_url: &str, login: &str) -> Result<String, Fail> {
    let script = format!(
        "import json, urllib.request\n\
         body = json.dumps({{'login': '{login}', 'password': 'oko-demo-2026'}}).encode()\n\
         request = urllib.request.Request('{base_url}/api/auth/login', body, {{'Content-Type': 'application/json'}})\n\
         print(json.load(urllib.request.urlopen(request))['access_token'])"
    );
    let mut python = Command::new(Path::new(VENV).join("bin/python"));
    python.args(["-c", &script]);
    let printed = output(python)?;
    Ok(String::from_utf8_lossy(&printed).trim().to_owned())
}
