//! `dungeon char import` and `dungeon char export`: characters from and to
//! files, for stored tables.

use anyhow::{Context as _, Result, bail};
use dm::Command;
use serde_json::json;

use crate::commands::cli::{CharExportArgs, CharImportArgs};
use crate::commands::output::emit;
use crate::core::router::{self, Answer, Envelope, Router, Transport};
use crate::core::store::Store;
use crate::transport::console::read_character;
use crate::transport::text::render_line;

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

async fn stored_table(database: Option<&str>, table: &str) -> Result<Store> {
    let store = Store::open(&crate::config::database_url(database)).await?;
    if store.secret(table).await.is_err() {
        bail!("no table `{table}` in the store: `dungeon tables` lists them");
    }
    Ok(store)
}

/// `dungeon char import FILE [--table ID]`.
pub fn import(args: &CharImportArgs) -> Result<()> {
    let command = read_character(&args.file, args.name.as_deref())?;
    let Command::ImportCharacter { character, notes } = &command else {
        bail!("reading {} gave no character", args.file.display());
    };
    if args.json {
        emit(&json!({"character": character, "notes": notes}).to_string())?;
    } else {
        emit(&format!(
            "{}: level {} {} {}, {} HP, AC {}, scores {:?}",
            character.name,
            character.level,
            character.race,
            character.class,
            character.health.max(),
            character.ac(),
            character.scores
        ))?;
        for n in notes {
            emit(&format!("  - {n}"))?;
        }
    }
    let Some(table) = &args.table else {
        if !args.json {
            emit("Nothing stored: add --table ID to bring it to a table.")?;
        }
        return Ok(());
    };
    let sender = format!("console:{}", args.player.trim().to_lowercase());
    runtime()?.block_on(async {
        let store = stored_table(args.database.as_deref(), table).await?;
        let config = router::Config::for_store(&store);
        let router = Router::start(store, config, router::system_clock()).await?;
        let request_id = format!(
            "char-import:{}:{}",
            character.handle,
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_millis())
        );
        let answer = router
            .submit(Envelope {
                transport: Transport::Console,
                table: table.clone(),
                sender,
                request_id,
                command: command.clone(),
            })
            .await?;
        match answer {
            Answer::Done { reply, seq } | Answer::Repeated { reply, seq } => {
                if !args.json {
                    for line in &reply.lines {
                        emit(&render_line(line))?;
                    }
                    emit(&format!("Stored at table {table} (event {seq})."))?;
                }
                Ok(())
            }
            Answer::Refused { why } => bail!("the table refused it: {why}"),
            Answer::Limited { retry_after } => bail!(
                "too many commands: try again in {} s",
                retry_after.as_secs() + 1
            ),
        }
    })
}

/// `dungeon char export NAME --table ID`.
pub fn export(args: &CharExportArgs) -> Result<()> {
    runtime()?.block_on(async {
        let store = stored_table(args.database.as_deref(), &args.table).await?;
        let config = router::Config::for_store(&store);
        let router = Router::start(store, config, router::system_clock()).await?;
        let table = router.table(&args.table).await?;
        let handle = args.name.trim().to_lowercase();
        let Some(c) = table.character(&handle) else {
            let names: Vec<&str> = table.characters.iter().map(|c| c.handle.as_str()).collect();
            bail!(
                "no character `{}` at table {}: it has {}",
                args.name,
                args.table,
                if names.is_empty() {
                    "none".to_string()
                } else {
                    names.join(", ")
                }
            );
        };
        emit(&sheets::ours::export(c))
    })
}
