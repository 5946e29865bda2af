//! The `dossier` binary: thin glue over the library crates. Exit status 0 when
//! everything worked, 1 when some file or lookup failed, 2 for a usage error.

mod args;
mod cache;
mod ingest;
mod load;
mod lookup;
mod output;
mod terms;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args = <args::Args as clap::Parser>::parse();
    match args::run(args) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("dossier: {error:#}");
            ExitCode::from(1)
        }
    }
}
