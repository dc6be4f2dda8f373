//! An S3-compatible server for the tests of the S3 file store: moto's server (a
//! separate implementation of the S3 protocol, from PyPI), in a virtualenv under
//! `target/`, started on a free port for one test run.

use std::{
    path::Path,
    process::{Child, Command},
    time::Duration,
};

use crate::{
    e2e::{free_port, wait_for_port},
    process::{Fail, pip_venv},
};

const VENV: &str = "target/moto-venv";

/// A running moto server, stopped when dropped.
pub struct S3Server {
    child: Child,
    /// `http://127.0.0.1:<port>`.
    pub endpoint: String,
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Installs moto once, then starts it.
pub fn start() -> Result<S3Server, Fail> {
    pip_venv(VENV, "moto[server]==5.*")?;
    let server = Path::new(VENV).join("bin/moto_server");
    let port = free_port()?;
    let child = Command::new(&server)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(Fail::io("start moto_server"))?;
    let started = S3Server {
        child,
        endpoint: format!("http://127.0.0.1:{port}"),
    };
    wait_for_port(port, "moto_server", Duration::from_secs(60))?;
    Ok(started)
}
