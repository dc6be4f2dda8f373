//! `oko`: see `oko --help`.

use clap::Parser;
use oko_api::{
    cli::Cli,
    config::{Config, LogFormat},
};

/// mimalloc rather than glibc's allocator: in the deadline surge glibc's malloc and
/// free were a sixth of the server's CPU (every request parses and writes JSON
/// drafts of hundreds of small strings); see docs/benchmarks.md.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let _log = match LogFormat::from_lookup(|name| std::env::var(name).ok()) {
        Ok(format) => format.init(),
        Err(err) => {
            eprintln!("Ошибка конфигурации: {err}");
            return std::process::ExitCode::from(2);
        }
    };
    let cli = Cli::parse();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("Ошибка конфигурации: {err}");
            return std::process::ExitCode::from(2);
        }
    };
    match cli.run(config).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("Ошибка: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}
