//! Browser tests: a real `oko serve` on a fresh SQLite database with the small demo,
//! driven in Debian's Chromium by playwright-core (node's built-in test runner).

use std::{
    net::{TcpListener, TcpStream},
    path::{Path, PathBuf},
    process::{Child, Command},
    time::{Duration, Instant},
};

use crate::{
    process::{Fail, apt_install, cargo, run},
    toolchain::has_chromium,
};

/// A server that is killed when dropped, also when a test fails.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:<port>`.
    pub base_url: String,
    /// The server's `OKO_*` settings.
    env: Vec<(&'static str, String)>,
}

impl Server {
    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The server's data directory (`OKO_DATA_DIR`).
    pub fn data_dir(&self) -> PathBuf {
        data_dir_of(&self.env)
    }

    /// `binary` with the server's settings, to run another `oko` command on its data.
    pub fn command(&self, binary: &Path) -> Command {
        let mut command = Command::new(binary);
        command.envs(self.env.iter().map(|(k, v)| (*k, v.as_str())));
        command
    }

    /// A second `oko serve` of `binary` on the same database and data directory
    /// (so the same signing key and file store), on a port of its own: the
    /// several-instances deployment on one machine.
    pub fn another_instance(&self, binary: &Path) -> Result<Server, Fail> {
        self.another_instance_with(binary, &[])
    }

    /// Like [`Self::another_instance`], with more `OKO_*` settings.
    pub fn another_instance_with(
        &self,
        binary: &Path,
        extra: &[(&'static str, String)],
    ) -> Result<Server, Fail> {
        let port = free_port()?;
        let mut env = self.env.clone();
        env.extend_from_slice(extra);
        for (name, value) in &mut env {
            if *name == "OKO_LISTEN" {
                *value = format!("127.0.0.1:{port}");
            }
        }
        serve(binary, env, port, "the second oko serve")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port nothing listens on right now.
pub fn free_port() -> Result<u16, Fail> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(Fail::io("find a free port"))?;
    Ok(listener
        .local_addr()
        .map_err(Fail::io("find a free port"))?
        .port())
}

/// Starts `oko` (already built at `binary`) on a new SQLite database in `data_dir`,
/// with the demo of `scale` loaded, and waits until it answers.
pub fn start_server(binary: &Path, data_dir: &Path, scale: &str) -> Result<Server, Fail> {
    let sqlite = format!("sqlite://{}/oko.db?mode=rwc", data_dir.display());
    start_server_on(binary, data_dir, scale, &sqlite)
}

/// Like [`start_server`], on the database at `database_url` (which must be empty).
pub fn start_server_on(
    binary: &Path,
    data_dir: &Path,
    scale: &str,
    database_url: &str,
) -> Result<Server, Fail> {
    start_server_with(binary, data_dir, scale, database_url, &[])
}

/// Like [`start_server_on`], with more `OKO_*` settings.
pub fn start_server_with(
    binary: &Path,
    data_dir: &Path,
    scale: &str,
    database_url: &str,
    extra: &[(&'static str, String)],
) -> Result<Server, Fail> {
    let _ = std::fs::remove_dir_all(data_dir);
    std::fs::create_dir_all(data_dir).map_err(Fail::io("create the server's data directory"))?;
    let port = free_port()?;
    let mut env = vec![
        ("OKO_DATABASE_URL", database_url.to_owned()),
        ("OKO_DATA_DIR", data_dir.display().to_string()),
        ("OKO_LISTEN", format!("127.0.0.1:{port}")),
        ("OKO_SPA_DIR", "frontend/dist".to_owned()),
    ];
    env.extend_from_slice(extra);
    run(Command::new(binary)
        .args(["seed-demo", "--scale", scale])
        .envs(env.iter().map(|(k, v)| (*k, v.as_str()))))?;
    serve(binary, env, port, "oko serve")
}

/// `binary serve` with `env` (listening on `port`), once it answers; `what`
/// names it if it does not start.
fn serve(
    binary: &Path,
    env: Vec<(&'static str, String)>,
    port: u16,
    what: &str,
) -> Result<Server, Fail> {
    // Its log (a line per request) goes to a file in its data directory: on the
    // console it would drown the run's own output and slow a benchmark's server.
    let log_path = data_dir_of(&env).join(format!("oko-{port}.log"));
    let log = std::fs::File::create(&log_path).map_err(Fail::io("create the server's log"))?;
    println!(
        "xtask: {what} on port {port}, its log in {}",
        log_path.display()
    );
    let child = Command::new(binary)
        .arg("serve")
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .stderr(log)
        .spawn()
        .map_err(|e| Fail(format!("start {what}: {e}")))?;
    let server = Server {
        child,
        base_url: format!("http://127.0.0.1:{port}"),
        env,
    };
    wait_for_port(port, what, Duration::from_secs(30))?;
    Ok(server)
}

/// `OKO_DATA_DIR` of a server's settings.
fn data_dir_of(env: &[(&'static str, String)]) -> PathBuf {
    env.iter()
        .find(|(name, _)| *name == "OKO_DATA_DIR")
        .map(|(_, dir)| PathBuf::from(dir))
        .unwrap_or_default()
}

/// Waits until something accepts connections on `port`; fails after `limit`
/// naming `what` did not start.
pub fn wait_for_port(port: u16, what: &str, limit: Duration) -> Result<(), Fail> {
    let deadline = Instant::now() + limit;
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() > deadline {
            return Err(Fail(format!(
                "{what} did not start listening within {} s",
                limit.as_secs()
            )));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(())
}

pub fn ensure_chromium() -> Result<(), Fail> {
    if has_chromium() {
        return Ok(());
    }
    apt_install(&["chromium", "chromium-driver"])
}

pub fn ensure_node_modules() -> Result<(), Fail> {
    let installed = ["playwright-core", "binaryen", "axe-core"]
        .iter()
        .all(|package| Path::new("e2e/node_modules").join(package).is_dir());
    if installed {
        return Ok(());
    }
    run(Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir("e2e"))
}

/// `tests/*.test.mjs`, relative to `e2e`, in name order.
fn test_files() -> Result<Vec<String>, Fail> {
    let mut files: Vec<String> = std::fs::read_dir("e2e/tests")
        .map_err(Fail::io("list e2e/tests"))?
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".test.mjs"))
        .map(|name| format!("tests/{name}"))
        .collect();
    files.sort();
    Ok(files)
}

/// Builds `target/debug/oko`, the binary the browser tests and the schema attack
/// serve with.
pub fn build_debug_oko() -> Result<(), Fail> {
    run(&mut cargo(&[
        "build",
        "--package",
        "oko-api",
        "--bin",
        "oko",
    ]))
}

/// Runs `e2e/tests/*.test.mjs` against a fresh server. Expects `frontend/dist` built.
pub fn run_browser_tests() -> Result<(), Fail> {
    ensure_chromium()?;
    ensure_node_modules()?;
    build_debug_oko()?;
    let data_dir = PathBuf::from("target/e2e-data");
    let server = start_server(Path::new("target/debug/oko"), &data_dir, "small")?;
    std::fs::create_dir_all("e2e/output").map_err(Fail::io("create e2e/output"))?;
    let root = std::env::current_dir().map_err(Fail::io("find the workspace"))?;
    // Tests that stop and start a server of their own on the same data get the
    // binary and the settings (with absolute paths: they run from e2e/).
    let result = run(Command::new("node")
        // A test that hangs fails after five minutes instead of holding CI.
        .args(["--test", "--test-concurrency=1", "--test-timeout=300000"])
        .args(test_files()?)
        .current_dir("e2e")
        .env("OKO_BASE_URL", &server.base_url)
        .env("OKO_E2E_BIN", root.join("target/debug/oko"))
        .env("OKO_E2E_DATA_DIR", root.join(&data_dir))
        .env("OKO_E2E_SPA_DIR", root.join("frontend/dist")));
    drop(server);
    result
}
