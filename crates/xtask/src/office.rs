//! The spreadsheet programs of the round-trip tests (`crates/oko-api/tests/api/
//! programs`): LibreOffice Calc with Python UNO and Gnumeric's `ssconvert` from
//! Debian (about 45 s to install), openpyxl from PyPI in a virtualenv under
//! `target/` like moto. Installed once, when missing.

use std::{path::Path, process::Command};

use crate::process::{Fail, apt_install, pip_venv, succeeds};

const VENV: &str = "target/openpyxl-venv";

/// Installs what is missing; the Python to run openpyxl with.
pub fn ensure() -> Result<String, Fail> {
    let has_programs = succeeds(Command::new("ssconvert").arg("--version"))
        && succeeds(Command::new("/usr/bin/python3").args(["-c", "import uno"]))
        && Path::new("/usr/bin/soffice").exists();
    if !has_programs {
        apt_install(&["libreoffice-calc-nogui", "python3-uno", "gnumeric"])?;
    }
    pip_venv(VENV, "openpyxl==3.1.*")?;
    let python = Path::new(VENV).join("bin/python");
    // Absolute, but not through its symlink: a virtualenv is found from the path
    // its python is started by.
    let here = std::env::current_dir().map_err(Fail::io("find the workspace"))?;
    Ok(here.join(python).to_string_lossy().into_owned())
}
