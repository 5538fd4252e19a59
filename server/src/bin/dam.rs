//! `dam`: administration from the command line, against the database in DATABASE_URL.
//!
//!     dam user add EMAIL [--role viewer|editor|admin] [--name NAME] [--password-stdin]
//!     dam user passwd EMAIL [--password-stdin]
//!     dam user role EMAIL ROLE
//!     dam user disable EMAIL | dam user enable EMAIL
//!     dam user list
//!     dam reprocess ASSET_ID | --all | --failed
//!     dam backup DIR | s3://BUCKET[/PREFIX]
//!     dam restore DIR | s3://BUCKET[/PREFIX] [--replace]
//!     dam migrate-storage --to s3|local
//!
//! Without --password-stdin a password is generated and printed once.

use std::io::BufRead;

use anyhow::Context;
use clap::{Parser, Subcommand};
use domain::{
    accounts::{secrets, users},
    audit::Actor,
    dto::{NewUser, UserUpdate},
    maintenance::{self, BackupLocation},
    pipeline::{state, Priority},
    policy::Role,
    storage::{LocalStorage, Storage},
    Config,
};
use sea_orm::DatabaseConnection;

#[derive(Parser)]
#[command(name = "dam", about = "Administer the DAM from the command line")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
    /// Regenerate derivatives: of one asset, of all, or of the failed ones.
    Reprocess {
        /// The asset's id.
        #[arg(conflicts_with_all = ["all", "failed"], required_unless_present_any = ["all", "failed"])]
        asset: Option<uuid::Uuid>,
        #[arg(long, conflicts_with = "failed")]
        all: bool,
        #[arg(long)]
        failed: bool,
    },
    /// Write the database and every object it refers to (with checksums) to a directory, or to a
    /// bucket of the S3 server the S3_* variables name.
    Backup {
        /// A directory, or s3://BUCKET[/PREFIX].
        target: String,
    },
    /// Bring a backup back into this installation (a fresh one, unless --replace).
    Restore {
        /// What `dam backup` wrote: a directory, or s3://BUCKET[/PREFIX].
        source: String,
        /// Replace an installation that already holds assets.
        #[arg(long)]
        replace: bool,
    },
    /// Copy every object to the other storage backend (STORAGE_DIR to the S3_* bucket, or back);
    /// then set STORAGE_BACKEND to it and restart.
    MigrateStorage {
        #[arg(long, value_parser = ["s3", "local"])]
        to: String,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user.
    Add {
        email: String,
        #[arg(long, default_value = "viewer", value_parser = parse_role)]
        role: Role,
        #[arg(long, default_value = "")]
        name: String,
        /// Read the password from the first line of standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set a user's password (ends their sessions).
    Passwd {
        email: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set a user's role.
    Role {
        email: String,
        #[arg(value_parser = parse_role)]
        role: Role,
    },
    /// Disable a user: their sessions and tokens stop working.
    Disable { email: String },
    /// Enable a disabled user.
    Enable { email: String },
    /// List users.
    List,
}

fn parse_role(text: &str) -> Result<Role, String> {
    Role::parse(text).ok_or_else(|| format!("unknown role “{text}”; expected viewer, editor or admin"))
}

fn read_password() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).context("reading the password from standard input")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let command = Cli::parse().command;
    let config = Config::from_env()?;
    // Restoring goes into a database that may not have this version's schema yet.
    if let Command::Restore { source, replace } = &command {
        return restore(&config, source, *replace).await;
    }
    let db = domain::db::connect_and_migrate(&config.database_url, config.database_pool_size)
        .await
        .context("connecting to the database")?;
    let actor = Actor::system("command line");
    match command {
        Command::User(command) => run(&db, &actor, command).await,
        Command::Reprocess { asset: Some(id), .. } => {
            state::request(&db, &actor, id, Priority::Retry).await?;
            println!("{id} will be processed again");
            Ok(())
        }
        Command::Reprocess { all, .. } => {
            let selection = if all { state::Selection::All } else { state::Selection::Failed };
            let count = state::request_many(&db, &actor, selection).await?;
            println!("{count} assets will be processed again (after new uploads)");
            Ok(())
        }
        Command::Backup { target } => {
            let storage = Storage::open(&config).await.context("opening the storage")?;
            let target = location(&target).await?;
            let done = maintenance::backup(&db, &config.database_url, &storage, &target).await?;
            println!(
                "backed up the database (schema {}) and {} objects ({} bytes) to {}",
                done.schema, done.objects, done.bytes, target.label
            );
            Ok(())
        }
        Command::MigrateStorage { to } => {
            let from = Storage::open(&config).await.context("opening the current storage")?;
            let destination =
                Config::from_vars(
                    |name| if name == "STORAGE_BACKEND" { Some(to.clone()) } else { std::env::var(name).ok() },
                )?;
            if destination.s3.is_some() == config.s3.is_some() {
                anyhow::bail!("the storage is {to} already (STORAGE_BACKEND)");
            }
            let into = Storage::open(&destination).await.context("opening the new storage")?;
            let done = maintenance::migrate_storage(&db, &from, &into).await?;
            println!("copied {} objects ({} bytes) to the {to} storage; set STORAGE_BACKEND={to} and restart the servers and workers", done.objects, done.bytes);
            Ok(())
        }
        Command::Restore { .. } => unreachable!("handled before connecting"),
    }
}

async fn restore(config: &Config, source: &str, replace: bool) -> anyhow::Result<()> {
    let storage = Storage::open(config).await.context("opening the storage")?;
    let source = location(source).await?;
    let (_, done) = maintenance::restore(&config.database_url, &storage, &source, replace).await?;
    println!(
        "restored {} assets and {} objects ({} bytes) from {} (schema {})",
        done.assets, done.objects, done.bytes, source.label, done.schema
    );
    Ok(())
}

/// A directory, or `s3://BUCKET[/PREFIX]` on the S3 server the S3_* variables name.
async fn location(spec: &str) -> anyhow::Result<BackupLocation> {
    let label = spec.to_owned();
    if let Some(rest) = spec.strip_prefix("s3://") {
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        let config = Config::from_vars(|name| match name {
            "STORAGE_BACKEND" => Some("s3".into()),
            "S3_BUCKET" => Some(bucket.to_owned()),
            _ => std::env::var(name).ok(),
        })?;
        let storage = Storage::open(&config).await.with_context(|| format!("opening {spec}"))?;
        return Ok(BackupLocation { storage, prefix: prefix.trim_matches('/').to_owned(), label });
    }
    let storage =
        Storage::Local(LocalStorage::open_root(spec).await.with_context(|| format!("opening the directory {spec}"))?);
    Ok(BackupLocation { storage, prefix: String::new(), label })
}

async fn find(db: &DatabaseConnection, email: &str) -> anyhow::Result<domain::entities::user::Model> {
    users::find_by_email(db, email).await?.with_context(|| format!("no user with the e-mail {email}"))
}

async fn update(db: &DatabaseConnection, actor: &Actor, email: &str, change: UserUpdate) -> anyhow::Result<String> {
    let user = find(db, email).await?;
    users::update(db, actor, user.id, change).await?;
    Ok(user.email)
}

async fn run(db: &DatabaseConnection, actor: &Actor, command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Add { email, role, name, password_stdin } => {
            let password = if password_stdin { Some(read_password()?) } else { None };
            let created = users::create(db, actor, NewUser { email, display_name: name, role, password }).await?;
            println!("added {} ({})", created.user.email, created.user.role.as_str());
            if let Some(password) = created.generated_password {
                println!("password: {password}");
            }
        }
        UserCommand::Passwd { email, password_stdin } => {
            let password = if password_stdin { read_password()? } else { secrets::new_password() };
            let email =
                update(db, actor, &email, UserUpdate { password: Some(password.clone()), ..Default::default() })
                    .await?;
            println!("password of {email} changed; their sessions were ended");
            if !password_stdin {
                println!("password: {password}");
            }
        }
        UserCommand::Role { email, role } => {
            let email = update(db, actor, &email, UserUpdate { role: Some(role), ..Default::default() }).await?;
            println!("{email} is now {}", role.as_str());
        }
        UserCommand::Disable { email } => {
            let email = update(db, actor, &email, UserUpdate { disabled: Some(true), ..Default::default() }).await?;
            println!("{email} is disabled");
        }
        UserCommand::Enable { email } => {
            let email = update(db, actor, &email, UserUpdate { disabled: Some(false), ..Default::default() }).await?;
            println!("{email} is enabled");
        }
        UserCommand::List => {
            let mut page = domain::dto::PageRequest { after: None, limit: Some(domain::paging::MAX_LIMIT) };
            loop {
                let users = users::list(db, page.clone()).await?;
                for user in users.items {
                    let state = if user.disabled { "disabled" } else { "enabled" };
                    println!("{:<40} {:<7} {state}", user.email, user.role.as_str());
                }
                match users.next {
                    Some(next) => page.after = Some(next),
                    None => break,
                }
            }
        }
    }
    Ok(())
}
