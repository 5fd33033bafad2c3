//! Who may do what from a node. A node is bound to its player on first
//! contact as `(node_num, public_key)`; the binding is kept by the caller
//! (the bot stores it, so it survives restarts).
//!
//! - Channel texts can be forged (anyone with the channel key can claim any
//!   `from`): they may only look (status, rolls, sheets), never act.
//! - Acting needs a PKI-encrypted DM whose key matches the bound one.
//! - A changed key is refused until the DM re-binds the node.
//! - DM commands come only from nodes configured as DMs.

use dm::Command;

use crate::alias::read_only;
use crate::filter::Text;

/// What to do with a text's command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Carry it out.
    Act,
    /// Carry it out, and store this first binding of the node.
    Bind {
        /// The key to keep.
        public_key: Vec<u8>,
    },
    /// Refuse, telling the sender this.
    Refuse(&'static str),
}

/// The trust rules' settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustConfig {
    /// Nodes whose `dm …` commands are accepted.
    pub dm_nodes: Vec<u32>,
    /// Accept acting DMs without PKI (firmware < 2.5; the node's own
    /// channel key then protects nothing). Off by default.
    pub allow_plain_dms: bool,
}

/// The refusal for a channel command that would act.
pub const CHANNEL_READ_ONLY: &str =
    "the channel can't act (anyone can fake a sender there): DM me to play";
/// The refusal for a DM without encryption.
pub const NEEDS_PKI: &str =
    "send it as an encrypted DM (firmware 2.5+) so I know it's you; channel texts can only look";
/// The refusal for a key that changed.
pub const KEY_CHANGED: &str = "this node's key changed, so I can't tell it's you: ask the DM to run `dungeon radio rebind` for it";
/// The refusal for a DM command from a player's node.
pub const NOT_A_DM: &str = "only the DM's nodes may give dm commands";

/// Judges `command` from `text`, given the node's stored key (if bound).
pub fn judge(text: &Text, bound: Option<&[u8]>, command: &Command, cfg: &TrustConfig) -> Verdict {
    if matches!(command, Command::Dm(_)) && !cfg.dm_nodes.contains(&text.from) {
        return Verdict::Refuse(NOT_A_DM);
    }
    if !text.direct {
        return if read_only(command) {
            Verdict::Act
        } else {
            Verdict::Refuse(CHANNEL_READ_ONLY)
        };
    }
    let key = &text.public_key;
    if !text.pki || key.is_empty() {
        if cfg.allow_plain_dms || read_only(command) {
            return Verdict::Act;
        }
        return Verdict::Refuse(NEEDS_PKI);
    }
    match bound {
        None => Verdict::Bind {
            public_key: key.clone(),
        },
        Some(b) if b == key.as_slice() => Verdict::Act,
        Some(_) if read_only(command) => Verdict::Act,
        Some(_) => Verdict::Refuse(KEY_CHANGED),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn text(direct: bool, pki: bool, key: &[u8]) -> Text {
        Text {
            from: 5,
            id: 1,
            text: String::new(),
            direct,
            channel: 0,
            pki,
            public_key: key.to_vec(),
        }
    }

    #[test]
    fn the_rules() {
        let cfg = TrustConfig::default();
        let attack = dm::parse("a g1").unwrap();
        let status = Command::Status;
        assert_eq!(
            judge(&text(false, false, b""), None, &attack, &cfg),
            Verdict::Refuse(CHANNEL_READ_ONLY)
        );
        assert_eq!(
            judge(&text(false, false, b""), None, &status, &cfg),
            Verdict::Act
        );
        assert_eq!(
            judge(&text(true, false, b""), None, &attack, &cfg),
            Verdict::Refuse(NEEDS_PKI)
        );
        assert_eq!(
            judge(&text(true, true, b"k1"), None, &attack, &cfg),
            Verdict::Bind {
                public_key: b"k1".to_vec()
            }
        );
        assert_eq!(
            judge(&text(true, true, b"k1"), Some(b"k1"), &attack, &cfg),
            Verdict::Act
        );
        assert_eq!(
            judge(&text(true, true, b"k2"), Some(b"k1"), &attack, &cfg),
            Verdict::Refuse(KEY_CHANGED)
        );
        let dm_cmd = dm::parse("dm encounter").unwrap();
        assert_eq!(
            judge(&text(true, true, b"k1"), Some(b"k1"), &dm_cmd, &cfg),
            Verdict::Refuse(NOT_A_DM)
        );
        let cfg = TrustConfig {
            dm_nodes: vec![5],
            ..TrustConfig::default()
        };
        assert_eq!(
            judge(&text(true, true, b"k1"), Some(b"k1"), &dm_cmd, &cfg),
            Verdict::Act
        );
    }
}
