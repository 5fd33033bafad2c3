//! `dungeon web link NAME`: a one-time sign-in code for the web table,
//! written to the database the running `dungeon serve --web` reads.

use anyhow::Context as _;

use crate::commands::cli::WebLinkArgs;
use crate::commands::output::emit;
use crate::config::database_url;
use crate::core::store::Store;
use crate::transport::web::{auth, issue_code};

/// Prints a code that signs a browser in as `args.name`'s player.
pub fn link(args: &WebLinkArgs) -> anyhow::Result<()> {
    let player = auth::player_for_name(&args.name).map_err(anyhow::Error::msg)?;
    let database = database_url(args.database.as_deref());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    let code = rt.block_on(async {
        let store = Store::open(&database)
            .await
            .with_context(|| format!("opening {}", crate::config::mask_password(&database)))?;
        anyhow::Ok(issue_code(&store, &player, now_ms).await?)
    })?;
    emit(&format!(
        "{code}\nType it on the web table's sign-in page (/signin) within {} minutes to play \
         there as {player}. It works once.",
        auth::CODE_LIFE_SECS / 60
    ))
}
