//! `dungeon radio rebind`: an operator's fix for a node whose key changed.

use anyhow::Context as _;
use radio::filter::node_id;

use crate::commands::cli::RebindArgs;
use crate::commands::output::emit;
use crate::config::database_url;
use crate::core::store::Store;

/// `dungeon radio rebind NODE`: forgets the node's key, so its next
/// encrypted DM binds the new one.
pub fn rebind(args: &RebindArgs) -> anyhow::Result<()> {
    let database = database_url(args.database.as_deref());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let node = node_id(args.node);
    let was = rt.block_on(async {
        let store = Store::open(&database).await?;
        anyhow::Ok(store.unbind_radio(&node).await?)
    })?;
    let text = if was {
        format!("{node}: key forgotten; its next encrypted DM binds its new key")
    } else {
        format!("{node} was not bound (it binds on its first encrypted DM); nothing changed")
    };
    emit(&text)
}
