//! # deskvisa: the binary
//!
//! One binary with subcommands: `serve` (the web application), `worker`
//! (email delivery and answer deadlines), `migrate`, `seed`, and the
//! operator's commands (`report`, `mail`, `token`, ...). Only this crate reads configuration, sets up tracing
//! and owns `main`.
//!
//! Exit status: 0 when the command did what it says; 1 when it could not,
//! with one line on stderr naming what was missing or wrong (the address,
//! the cluster, the file, the database); 2 when the command line itself is
//! not understood (clap's usage message).

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
            // For the person at the terminal: one plain line, not a log record.
            use std::io::Write as _;
            let _ = writeln!(std::io::stderr().lock(), "deskvisa: {err:#}");
            ExitCode::FAILURE
        }
    }
}
