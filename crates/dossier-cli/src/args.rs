//! Command-line arguments and dispatch to the subcommands.

use std::{path::PathBuf, process::ExitCode};

use clap::{Parser, Subcommand, ValueEnum};

/// Dossier: names and terms across the languages of a document corpus.
#[derive(Debug, Parser)]
#[command(name = "dossier", version, about)]
pub(crate) struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Decode every file, detect its languages and report them.
    Ingest {
        /// Files or folders (walked recursively, honouring .gitignore). Default: ./seeds
        paths: Vec<PathBuf>,
        #[command(flatten)]
        options: CorpusOptions,
    },
    /// List the terms of a corpus: names, companies, products, concepts.
    Terms {
        /// Files or folders: *.txt are documents, *.md are notes. Default: ./seeds
        paths: Vec<PathBuf>,
        #[command(flatten)]
        options: CorpusOptions,
        #[command(flatten)]
        cache: CacheOptions,
    },
    /// Resolve a name through any alias, script or romanization and print its card.
    Lookup {
        /// The name to look up: 张勇, 張勇, "Zhang Yong", Taobao, ...
        text: String,
        /// Files or folders: *.txt are documents, *.md are notes. Default: ./seeds
        paths: Vec<PathBuf>,
        #[command(flatten)]
        options: CorpusOptions,
        #[command(flatten)]
        cache: CacheOptions,
    },
    /// Run the language server over stdin and stdout.
    Lsp {
        /// Accepted and ignored: stdio is the only transport. LSP clients
        /// (VS Code's among them) pass it by convention.
        #[arg(long)]
        stdio: bool,
    },
}

/// Options shared by the commands that read a corpus.
#[derive(Debug, clap::Args)]
pub(crate) struct CorpusOptions {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub(crate) format: Format,
    /// Refuse files larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = dossier_ingest::IngestConfig::default().max_file_size)]
    pub(crate) max_file_size: u64,
    /// Only detect these languages (BCP 47 tags, comma separated): en,zh,ja
    #[arg(long, value_delimiter = ',', value_name = "TAGS")]
    pub(crate) languages: Option<Vec<String>>,
    /// Never show a progress bar.
    #[arg(long)]
    pub(crate) no_progress: bool,
}

impl CorpusOptions {
    pub(crate) fn ingest_config(&self) -> dossier_ingest::IngestConfig {
        dossier_ingest::IngestConfig { max_file_size: self.max_file_size, languages: self.languages.clone() }
    }
}

/// Options of the commands that build an index, which can take what the
/// persisted cache holds (see `cache.rs`).
#[derive(Debug, clap::Args)]
pub(crate) struct CacheOptions {
    /// Neither read nor write the persisted cache (the language server's
    /// .dossier/cache.redb, used when the folder or a parent has one).
    #[arg(long)]
    pub(crate) no_cache: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// A table for people.
    Table,
    /// One JSON object for programs.
    Json,
}

/// The default corpus: the sample shipped in `seeds/`.
fn default_paths(paths: Vec<PathBuf>) -> Vec<PathBuf> {
    if paths.is_empty() { vec![PathBuf::from("seeds")] } else { paths }
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        Command::Ingest { paths, options } => crate::ingest::run(&default_paths(paths), &options),
        Command::Terms { paths, options, cache } => {
            init_command_logging();
            crate::terms::run(&default_paths(paths), &options, !cache.no_cache)
        }
        Command::Lookup { text, paths, options, cache } => {
            init_command_logging();
            crate::lookup::run(&text, &default_paths(paths), &options, !cache.no_cache)
        }
        Command::Lsp { stdio: _ } => {
            init_logging();
            // As the specification asks: 0 after `shutdown`, 1 when the
            // client sent `exit` without it or went away.
            let shut_down = dossier_lsp::run_stdio()?;
            Ok(if shut_down { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
    }
}

/// A command's log: only warnings (a cache that cannot be used), to stderr,
/// without the time; `DOSSIER_LOG` sets the filter.
fn init_command_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("DOSSIER_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_target(false)
        .without_time()
        .init();
}

/// Logs go to stderr: stdout carries the protocol. `DOSSIER_LOG` sets the filter.
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("DOSSIER_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(false).init();
}
