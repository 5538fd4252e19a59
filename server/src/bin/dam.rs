//! `dam`: administration from the command line, against the database in DATABASE_URL (and, for
//! backups, restores and moving storage, as MIGRATION_DATABASE_URL's owner).
//!
//!     dam user add EMAIL [--role viewer|editor|admin] [--workspace SLUG] [--name NAME] [--password-stdin]
//!     dam user passwd EMAIL [--password-stdin]
//!     dam user role EMAIL ROLE [--workspace SLUG]
//!     dam user operator EMAIL [--off]
//!     dam user disable EMAIL | dam user enable EMAIL
//!     dam user list
//!     dam workspace add NAME --admin EMAIL | dam workspace list
//!     dam workspace quota SLUG [--bytes SIZE|none] [--assets N|none]
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
    db::WorkspaceDb,
    dto::{NewUser, UserUpdate},
    maintenance::{self, BackupLocation},
    pipeline::{state, Priority},
    policy::Role,
    storage::{LocalStorage, Storage},
    workspaces, Config,
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
    /// Manage workspaces.
    #[command(subcommand)]
    Workspace(WorkspaceCommand),
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
enum WorkspaceCommand {
    /// Add a workspace, with its first admin.
    Add {
        name: String,
        /// The e-mail of the person who runs it (an existing user).
        #[arg(long)]
        admin: String,
    },
    /// List the workspaces, with what each holds and may hold.
    List,
    /// Set how much a workspace may hold; uploads past it are refused.
    Quota {
        slug: String,
        /// Bytes of originals and their versions: `10 GB`, `500MB`, or `none`.
        #[arg(long, value_parser = parse_quota_size)]
        bytes: Option<Limit>,
        /// Number of assets (the trash included), or `none`.
        #[arg(long, value_parser = parse_quota_count)]
        assets: Option<Limit>,
    },
}

/// A quota, or none.
#[derive(Clone, Copy, Debug)]
struct Limit(Option<i64>);

fn parse_quota_size(text: &str) -> Result<Limit, String> {
    if text.eq_ignore_ascii_case("none") {
        return Ok(Limit(None));
    }
    domain::sizes::parse_size(text)
        .and_then(|b| i64::try_from(b).ok())
        .map(|b| Limit(Some(b)))
        .ok_or_else(|| format!("“{text}” is not a size; write e.g. 10 GB, 500MB, or none"))
}

fn parse_quota_count(text: &str) -> Result<Limit, String> {
    if text.eq_ignore_ascii_case("none") {
        return Ok(Limit(None));
    }
    text.trim()
        .parse::<u32>()
        .map(|n| Limit(Some(n.into())))
        .map_err(|_| format!("“{text}” is not a number of assets, or none"))
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user to a workspace.
    Add {
        email: String,
        #[arg(long, default_value = "viewer", value_parser = parse_role)]
        role: Role,
        /// The workspace they join (its slug).
        #[arg(long, default_value = workspaces::DEFAULT_SLUG)]
        workspace: String,
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
    /// Set a user's role in a workspace (making them a member).
    Role {
        email: String,
        #[arg(value_parser = parse_role)]
        role: Role,
        #[arg(long, default_value = workspaces::DEFAULT_SLUG)]
        workspace: String,
    },
    /// Make a user an operator, who runs the installation (workspaces, quotas, queues, metrics).
    Operator {
        email: String,
        /// Take it away instead.
        #[arg(long)]
        off: bool,
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
    let db = domain::db::connect_and_migrate(
        &config.database_url,
        &config.migration_database_url,
        config.database_pool_size,
    )
    .await
    .context("connecting to the database")?;
    let actor = Actor::system("command line");
    match command {
        Command::User(command) => run(&db, &actor, command).await,
        Command::Workspace(command) => run_workspace(&db, &actor, command).await,
        Command::Reprocess { asset: Some(id), .. } => {
            let workspace = workspaces::of_asset(&db, id).await?.with_context(|| format!("no asset {id}"))?;
            state::request(&WorkspaceDb::new(db.clone(), workspace), &actor, id, Priority::Retry).await?;
            println!("{id} will be processed again");
            Ok(())
        }
        Command::Reprocess { all, .. } => {
            let mut count = 0;
            for workspace in workspaces::all(&db).await? {
                let selection = if all { state::Selection::All } else { state::Selection::Failed };
                let in_workspace = WorkspaceDb::new(db.clone(), workspace.id);
                count +=
                    state::request_many(&in_workspace, &actor.clone().in_workspace(workspace.id), selection).await?;
            }
            println!("{count} assets will be processed again (after new uploads)");
            Ok(())
        }
        Command::Backup { target } => {
            let storage = Storage::open(&config).await.context("opening the storage")?;
            let target = location(&target).await?;
            // The whole installation, every workspace: as the tables' owner.
            let owner = sea_orm::Database::connect(&config.migration_database_url).await?;
            let done = maintenance::backup(&owner, &config.migration_database_url, &storage, &target).await?;
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
            let owner = sea_orm::Database::connect(&config.migration_database_url).await?;
            let done = maintenance::migrate_storage(&owner, &from, &into).await?;
            println!("copied {} objects ({} bytes) to the {to} storage; set STORAGE_BACKEND={to} and restart the servers and workers", done.objects, done.bytes);
            Ok(())
        }
        Command::Restore { .. } => unreachable!("handled before connecting"),
    }
}

async fn restore(config: &Config, source: &str, replace: bool) -> anyhow::Result<()> {
    let storage = Storage::open(config).await.context("opening the storage")?;
    let source = location(source).await?;
    let (_, done) = maintenance::restore(&config.migration_database_url, &storage, &source, replace).await?;
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

async fn run_workspace(db: &DatabaseConnection, actor: &Actor, command: WorkspaceCommand) -> anyhow::Result<()> {
    match command {
        WorkspaceCommand::Add { name, admin } => {
            let admin = find(db, &admin).await?;
            let created = workspaces::create(db, actor, &name).await?;
            workspaces::set_member(db, created.id, admin.id, Role::Admin).await?;
            println!("added the workspace {} at /w/{}, run by {}", created.name, created.slug, admin.email);
        }
        WorkspaceCommand::List => {
            for workspace in workspaces::all(db).await? {
                let usage = workspaces::quota::usage(&WorkspaceDb::new(db.clone(), workspace.id)).await?;
                let of = |quota: Option<i64>, show: &dyn Fn(i64) -> String| {
                    quota.map_or("no quota".to_owned(), |q| format!("of {}", show(q)))
                };
                let size = |b: i64| domain::sizes::human_size(b as u64);
                println!(
                    "{:<24} {:<32} {} {}, {} assets {}",
                    workspace.slug,
                    workspace.name,
                    size(usage.bytes),
                    of(usage.quota_bytes, &size),
                    usage.assets,
                    of(usage.quota_assets, &|n| n.to_string())
                );
            }
        }
        WorkspaceCommand::Quota { slug, bytes, assets } => {
            let workspace = named_workspace(db, &slug).await?;
            if bytes.is_none() && assets.is_none() {
                anyhow::bail!("give --bytes, --assets or both (`none` removes a quota)");
            }
            let updated =
                workspaces::quota::set(db, actor, workspace.id, bytes.map(|l| l.0), assets.map(|l| l.0)).await?;
            let size = updated.quota_bytes.map_or("none".to_owned(), |b| domain::sizes::human_size(b as u64));
            let count = updated.quota_assets.map_or("none".to_owned(), |n| n.to_string());
            println!("{}: storage quota {size}, asset quota {count}", updated.name);
        }
    }
    Ok(())
}

async fn named_workspace(db: &DatabaseConnection, slug: &str) -> anyhow::Result<domain::entities::workspace::Model> {
    workspaces::by_slug(db, slug)
        .await?
        .with_context(|| format!("no workspace at /w/{slug} (see `dam workspace list`)"))
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
        UserCommand::Add { email, role, workspace, name, password_stdin } => {
            let workspace = named_workspace(db, &workspace).await?;
            let password = if password_stdin { Some(read_password()?) } else { None };
            let created = users::create(db, actor, NewUser { email, display_name: name, role, password }).await?;
            workspaces::set_member(db, workspace.id, created.user.id, role).await?;
            println!("added {} ({} in {})", created.user.email, role.as_str(), workspace.name);
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
        UserCommand::Role { email, role, workspace } => {
            let workspace = named_workspace(db, &workspace).await?;
            let user = find(db, &email).await?;
            if workspace.slug == workspaces::DEFAULT_SLUG {
                // The role of an installation from before workspaces, with its last-admin rule.
                update(db, actor, &email, UserUpdate { role: Some(role), ..Default::default() }).await?;
            }
            workspaces::set_member(db, workspace.id, user.id, role).await?;
            println!("{} is now {} in {}", user.email, role.as_str(), workspace.name);
        }
        UserCommand::Operator { email, off } => {
            let user = find(db, &email).await?;
            users::set_operator(db, actor, user.id, !off).await?;
            println!("{} is {}an operator", user.email, if off { "no longer " } else { "" });
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
                let users = users::list(db, None, page.clone()).await?;
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
