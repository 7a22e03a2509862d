//! The `rathaus` command: `serve`, `check`, `migrate`, `schema`, `postkorb`, `ausweise`.

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
    /// Write to a citizen's Postkorb or set an application's status (operators, until the
    /// back office exists).
    Postkorb {
        #[command(subcommand)]
        action: PostkorbCmd,
    },
    /// The status of ID cards and passports: import the Fachverfahren's export, delete
    /// what has been kept long enough.
    Ausweise {
        #[command(subcommand)]
        action: AusweiseCmd,
    },
}

#[derive(Subcommand)]
enum AusweiseCmd {
    /// File a CSV export (columns art, antragsnummer, seriennummer, geburtsdatum, status,
    /// seit; `;` or `,`) for one office; all rows or none.
    Import {
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        office: String,
        file: PathBuf,
    },
    /// Delete entries kept longer than their office's keep_days after hand-out.
    Purge,
}

#[derive(Subcommand)]
enum PostkorbCmd {
    /// Post a message (request, notice …) with attachments into an application's Postkorb.
    Send {
        /// The responsible tenant (whose reference number it is).
        #[arg(long)]
        tenant: String,
        /// Reference number, e.g. SO-2026-000001.
        #[arg(long)]
        reference: String,
        /// message, request (asks for documents: status "waiting for you") or notice
        /// (Bescheid: status "decided").
        #[arg(long, default_value = "message")]
        kind: String,
        #[arg(long)]
        subject: String,
        /// The text; `@file` reads it from a file.
        #[arg(long)]
        body: String,
        /// A PDF, JPEG or PNG file to attach (repeatable).
        #[arg(long)]
        attach: Vec<PathBuf>,
        /// A status to set instead of the kind's default.
        #[arg(long)]
        status: Option<String>,
    },
    /// Set the status of an application.
    Status {
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        reference: String,
        /// received, in_review, waiting_for_citizen, decided, closed, withdrawn.
        #[arg(long)]
        status: String,
        #[arg(long)]
        note: Option<String>,
    },
}

fn parse_status(s: &str) -> anyhow::Result<rathaus_domain::ApplicationStatus> {
    rathaus_domain::ApplicationStatus::parse(s).with_context(|| {
        format!("unknown status {s:?} (received, in_review, waiting_for_citizen, decided, closed, withdrawn)")
    })
}

fn postkorb(config: &Config, cmd: PostkorbCmd) -> anyhow::Result<()> {
    let source = definitions_source(config.definitions.clone());
    match cmd {
        PostkorbCmd::Send {
            tenant,
            reference,
            kind,
            subject,
            body,
            attach,
            status,
        } => {
            let kind = rathaus_domain::MessageKind::parse(&kind)
                .filter(|k| *k != rathaus_domain::MessageKind::Reply)
                .with_context(|| format!("unknown kind {kind:?} (message, request, notice)"))?;
            let body = match body.strip_prefix('@') {
                Some(file) => {
                    std::fs::read_to_string(file).with_context(|| format!("reading {file}"))?
                }
                None => body,
            };
            let status = status.as_deref().map(parse_status).transpose()?;
            serve::run_postkorb(
                config,
                source,
                &tenant,
                serve::PostkorbAction::Send {
                    reference,
                    kind,
                    subject,
                    body,
                    attach,
                    status,
                },
            )
        }
        PostkorbCmd::Status {
            tenant,
            reference,
            status,
            note,
        } => {
            let status = parse_status(&status)?;
            serve::run_postkorb(
                config,
                source,
                &tenant,
                serve::PostkorbAction::Status {
                    reference,
                    status,
                    note,
                },
            )
        }
    }
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
        Command::Postkorb { action } => postkorb(&config, action),
        Command::Ausweise { action } => {
            let source = definitions_source(config.definitions.clone());
            let action = match action {
                AusweiseCmd::Import {
                    tenant,
                    office,
                    file,
                } => serve::IdStatusAction::Import {
                    tenant,
                    office,
                    file,
                },
                AusweiseCmd::Purge => serve::IdStatusAction::Purge,
            };
            serve::run_id_status(&config, source, action)
        }
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
    let checked = rathaus_defs::load(&source).and_then(|loaded| {
        let files = loaded.file_count;
        let (site, _) = rathaus_app::Site::from_loaded(loaded)?;
        rathaus_web::theme::check(&site)?;
        Ok((files, site))
    });
    match checked {
        Ok((files, site)) => {
            println!(
                "{}: {} files, {} tenants, {} services: OK ({} ms)",
                source.describe(),
                files,
                site.catalog.tenants().count(),
                site.catalog.service_count(),
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
