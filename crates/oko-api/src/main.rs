//! `oko`: see `oko --help`.

use clap::Parser;
use oko_api::{cli::Cli, config::Config};

/// mimalloc rather than glibc's allocator: in the deadline surge glibc's malloc and
/// free were a sixth of the server's CPU (every request parses and writes JSON
/// drafts of hundreds of small strings); see docs/benchmarks.md.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(tracing::Level::INFO)
        .init();
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
