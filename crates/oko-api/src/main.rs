//! `oko`: see `oko --help`.

use clap::Parser;
use oko_api::{cli::Cli, config::Config};

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
