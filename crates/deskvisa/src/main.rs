//! # deskvisa: the binary
//!
//! One binary with subcommands: `serve` (the web application), `worker`
//! (email delivery and answer deadlines), `migrate`, `seed`, and the
//! operator's commands (`report`, `mail`, `token`, ...). Only this crate reads configuration, sets up tracing
//! and owns `main`.

mod cli;
mod config;
mod report;
mod telemetry;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    telemetry::init();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => {
            tracing::error!(error = %err, "cannot start the async runtime");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(cli::run(cli)) {
        Ok(code) => code,
        Err(err) => {
            tracing::error!(error = format!("{err:#}"), "deskvisa stopped");
            ExitCode::FAILURE
        }
    }
}
