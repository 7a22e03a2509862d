//! The `rathaus` command: `serve`, `check`, `migrate`, `schema`.

mod config;

use anyhow::Context;
use clap::{Parser, Subcommand};
use config::Config;
use rathaus_defs::schema::{schema_text, Kind};
use rathaus_defs::Source;
use std::path::PathBuf;
use std::process::ExitCode;

/// The demo definitions, compiled in so that the binary runs anywhere without setup.
static DEMO: include_dir::Dir<'static> =
    include_dir::include_dir!("$CARGO_MANIFEST_DIR/../../demo/definitions");

#[derive(Parser)]
#[command(
    name = "rathaus",
    version,
    about = "Rathaus — municipal service portal"
)]
struct Cli {
    /// Configuration file (TOML); default `rathaus.toml` if present. Env: RATHAUS_CONFIG.
    #[arg(long, global = true, env = "RATHAUS_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the portal (default definitions: the built-in demo).
    Serve,
    /// Validate a definitions folder; prints every problem and exits non-zero on any.
    Check {
        /// The folder to check; default: the configured definitions or the built-in demo.
        dir: Option<PathBuf>,
    },
    /// Create or update the database schema, then exit.
    Migrate,
    /// Print the JSON Schemas of the definition files, or write them to a folder.
    Schema {
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

fn definitions_source(cfg_dir: Option<PathBuf>) -> Source {
    match cfg_dir {
        Some(dir) => Source::Dir(dir),
        None => Source::Embedded(&DEMO, "demo/definitions"),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::load(cli.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("rathaus: configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    let result = match cli.command {
        Command::Check { dir } => {
            return check(definitions_source(dir.or(config.definitions.clone())))
        }
        Command::Schema { out } => schema(out),
        Command::Migrate => serve::run_migrate(&config),
        Command::Serve => serve::run(config, definitions_source),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rathaus: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn check(source: Source) -> ExitCode {
    let started = std::time::Instant::now();
    match rathaus_defs::load(&source)
        .and_then(|loaded| rathaus_web::theme::check(&loaded).map(|()| loaded))
    {
        Ok(loaded) => {
            println!(
                "{}: {} files, {} tenants, {} services: OK ({} ms)",
                source.describe(),
                loaded.file_count,
                loaded.catalog.tenants().count(),
                loaded.catalog.service_count(),
                started.elapsed().as_millis()
            );
            ExitCode::SUCCESS
        }
        Err(diags) => {
            for d in &diags {
                eprintln!("{d}");
            }
            eprintln!("{}: {} problem(s) found", source.describe(), diags.len());
            ExitCode::FAILURE
        }
    }
}

fn schema(out: Option<PathBuf>) -> anyhow::Result<()> {
    match out {
        Some(dir) => {
            std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
            for k in Kind::ALL {
                let path = dir.join(k.file_name());
                std::fs::write(&path, schema_text(k))
                    .with_context(|| format!("writing {}", path.display()))?;
                println!("wrote {}", path.display());
            }
        }
        None => {
            for k in Kind::ALL {
                print!("{}", schema_text(k));
            }
        }
    }
    Ok(())
}

mod serve;
