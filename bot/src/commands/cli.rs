//! The command line: every subcommand and its `--help`.

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::{NarratorKind, PlannerKind};

/// A dungeon master for D&D 5e that lives in chat: Discord, Meshtastic radios and a local console.
#[derive(Debug, Parser)]
#[command(name = "dungeon", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Roll dice in the d20 language Avrae players know: `dungeon roll 4d6kh3`, `dungeon roll "1d20+5 to hit" --adv`.
    Roll(RollArgs),
    /// Look up an SRD monster: `dungeon monster gobln` finds the Goblin.
    Monster(LookupArgs),
    /// Look up an SRD spell: `dungeon spell "fire ball"`.
    Spell(LookupArgs),
    /// Look up a weapon or a piece of armor: `dungeon item longsword`.
    Item(LookupArgs),
    /// About the game content: `dungeon content coverage`.
    Content {
        /// What to show.
        #[command(subcommand)]
        command: ContentCommand,
    },
    /// Play at the console: several players at one keyboard (`as aria: a longsword -t g1`),
    /// the DM's commands (`dm encounter`, `madd goblin -n 3`), monsters on the built-in choice.
    Play(PlayArgs),
    /// Run the bot: Discord (with DISCORD_TOKEN; one table per channel, slash commands) and/or
    /// a Meshtastic radio (`--radio tcp://host:4403`), health and metrics on
    /// http://127.0.0.1:9100. Settings: dungeon.toml, DUNGEON_SECTION__KEY.
    Serve(ServeArgs),
    /// The configuration of `dungeon serve`: `dungeon config check`.
    Config {
        /// What to do.
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// List the stored games (tables) and how many events each has.
    Tables(TablesArgs),
    /// Rebuild a table from its event log and check it against the live state that was saved.
    Replay(StoredArgs),
    /// Recompute every dice roll of a table from its revealed seed: proof the DM never fudged.
    Verify(VerifyArgs),
    /// Every edit of a character's sheet at a table: who, when, why, before and after.
    History(HistoryArgs),
    /// Meshtastic upkeep: `dungeon radio rebind !a1b2c3d4` after a player's node got a new key.
    Radio {
        /// What to do.
        #[command(subcommand)]
        command: RadioCommand,
    },
    /// Measure the bot: `dungeon bench load --tables 1000` drives actions through the router and store.
    Bench {
        /// What to measure.
        #[command(subcommand)]
        command: BenchCommand,
    },
    /// Evaluate the monster planners over simulated encounters: `dungeon eval monsters --encounters 100`.
    Eval {
        /// What to evaluate.
        #[command(subcommand)]
        command: EvalCommand,
    },
    /// Show the licences and the SRD 5.1 attribution.
    #[command(alias = "legal")]
    Credits,
    /// The web table: `dungeon web link NAME` gives a one-time sign-in code.
    Web {
        /// What to do.
        #[command(subcommand)]
        command: WebCommand,
    },
    /// Adventure files: `dungeon adventure check FILE`, `dungeon adventure generate --seed 7`,
    /// `dungeon adventure list`. The format: adventures/README.md.
    Adventure {
        /// What to do.
        #[command(subcommand)]
        command: AdventureCommand,
    },
    /// Characters from files: `dungeon char import hero.json --table T`, `dungeon char export aria --table T`.
    Char {
        /// What to do.
        #[command(subcommand)]
        command: CharCommand,
    },
}

/// `dungeon char …`.
#[derive(Debug, Subcommand)]
pub enum CharCommand {
    /// Read a Foundry VTT dnd5e actor (.json), a Fight Club 5 character (.xml) or our export,
    /// and say what it holds and what it could not carry over; with --table, bring it to
    /// that stored table as your character.
    Import(CharImportArgs),
    /// Print a character of a stored table as our JSON export (`char import` reads it back
    /// exactly).
    Export(CharExportArgs),
}

/// Arguments of `dungeon char import`.
#[derive(Debug, Args)]
pub struct CharImportArgs {
    /// The character file (at most 2 MiB).
    #[arg(value_name = "FILE")]
    pub file: std::path::PathBuf,
    /// The stored table to join (`dungeon tables` lists them); without it, only show the import.
    #[arg(long, value_name = "ID")]
    pub table: Option<String>,
    /// The player who imports it and will play it, as at the console's `as NAME:`.
    #[arg(long = "as", value_name = "PLAYER", default_value = "player")]
    pub player: String,
    /// Another name for the character (one word: its handle at the table).
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Where games are kept: a SQLite file or `postgres://…` [default: $DATABASE_URL, else ./dungeon.db].
    #[arg(long, value_name = "URL")]
    pub database: Option<String>,
    /// Print the imported sheet and notes as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `dungeon char export`.
#[derive(Debug, Args)]
pub struct CharExportArgs {
    /// The character's name or handle.
    #[arg(value_name = "NAME")]
    pub name: String,
    /// The stored table it plays at (`dungeon tables` lists them).
    #[arg(long, value_name = "ID")]
    pub table: String,
    /// Where games are kept: a SQLite file or `postgres://…` [default: $DATABASE_URL, else ./dungeon.db].
    #[arg(long, value_name = "URL")]
    pub database: Option<String>,
}

/// `dungeon adventure …`.
#[derive(Debug, Subcommand)]
pub enum AdventureCommand {
    /// Check an adventure file (TOML or JSON): every problem with its path in the file,
    /// such as `areas[3].exits[1].to: no area has the id "crypt"`. Exits 1 if there are any.
    Check(AdventureCheckArgs),
    /// Write a new dungeon from a seed: the same seed and settings give the same file.
    /// Fights are budgeted by the XP thresholds of the party's level and size.
    Generate(AdventureGenerateArgs),
    /// List the adventures that ship with the game.
    List {
        /// Print the list as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Time the generator: how long one dungeon of `--rooms` takes, over `--runs` seeds.
    Bench(AdventureBenchArgs),
}

/// Arguments of `dungeon adventure check`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  dungeon adventure check adventures/the-sunken-chapel.toml
  dungeon adventure check my-dungeon.json --json")]
pub struct AdventureCheckArgs {
    /// The adventure file (at most 1 MiB), or the id of a shipped adventure.
    #[arg(value_name = "FILE")]
    pub file: String,
    /// Print the problems as JSON: `{"file": ..., "problems": [{"path": ..., "message": ...}]}`.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `dungeon adventure generate`.
#[derive(Debug, Args)]
#[command(after_help = "\
Example:
  dungeon adventure generate --level 3 --party 4 --rooms 15 --seed 7 -o dungeon.toml")]
pub struct AdventureGenerateArgs {
    /// The party's level, 1-20.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=20))]
    pub level: u8,
    /// The party's size, 1-8.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u8).range(1..=8))]
    pub party: u8,
    /// How many areas, 6-60.
    #[arg(long, default_value_t = 15, value_parser = clap::value_parser!(u8).range(6..=60))]
    pub rooms: u8,
    /// The seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Write the TOML here instead of to standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
}

/// Arguments of `dungeon adventure bench`.
#[derive(Debug, Args)]
pub struct AdventureBenchArgs {
    /// How many areas each dungeon has, 6-60.
    #[arg(long, default_value_t = 15, value_parser = clap::value_parser!(u8).range(6..=60))]
    pub rooms: u8,
    /// How many dungeons (seeds 1..=runs).
    #[arg(long, default_value_t = 1000)]
    pub runs: u64,
    /// The party's level, 1-20.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u8).range(1..=20))]
    pub level: u8,
}

/// `dungeon web …`.
#[derive(Debug, Subcommand)]
pub enum WebCommand {
    /// A one-time code (good for 10 minutes) that signs a browser in as a console player:
    /// type it on the web table's sign-in page. The code is kept in the database the
    /// running `dungeon serve --web` shares.
    Link(WebLinkArgs),
}

/// `dungeon web link`.
#[derive(Debug, Args)]
pub struct WebLinkArgs {
    /// The player, as the console names them (`dm`, `aria`), or an identity with its
    /// transport (`discord:1234`, `radio:!a1b2c3d4`).
    #[arg(value_name = "NAME")]
    pub name: String,
    /// The database `dungeon serve` uses [default: DATABASE_URL, else sqlite://dungeon.db].
    #[arg(long, value_name = "URL")]
    pub database: Option<String>,
}

/// Arguments of the lookups.
#[derive(Debug, Args)]
pub struct LookupArgs {
    /// The name, any case and spacing; a unique beginning or a small typo is enough.
    #[arg(required = true, num_args = 1.., value_name = "NAME")]
    pub name: Vec<String>,
    /// Print every figure as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `dungeon content …`.
#[derive(Debug, Subcommand)]
pub enum ContentCommand {
    /// How many monsters, actions and spells the rules engine runs from data alone, and what is missing.
    Coverage {
        /// Print the figures as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Arguments of `dungeon roll`.
#[derive(Debug, Args)]
#[command(after_help = "\
Expressions: NdS dice (d20, 4d6, d%), numbers, + - * / // %, comparisons, sets (1d4, 2d6)kh1.
Operators on dice: k keep, p drop, rr reroll until none match, ro reroll once, ra reroll and add,
e explode, mi / ma minimum / maximum per die; selectors: 3 (showing 3), h2 (highest 2), l1, >4, <2.
Labels in brackets are kept: 2d6 [slashing] + 1d6 [fire]. Trailing text is a comment: 1d20+5 to hit.

An expression may start with '-': dungeon roll -1d4+2 --seed 3

Examples:
  dungeon roll 1d20+5 --adv
  dungeon roll 4d6kh3 --times 6
  dungeon roll '8d6 [fire]' --json --seed 42")]
pub struct RollArgs {
    /// The dice expression (quote it when it has spaces or shell characters).
    // Only its first word may start with `-` (`-1d4`): a later one would
    // swallow the flags after the expression.
    #[arg(value_name = "EXPR", allow_hyphen_values = true)]
    pub expr: String,
    /// The rest of an expression given unquoted, word by word (`1d20 + 5`).
    #[arg(value_name = "EXPR", hide = true)]
    pub more: Vec<String>,
    /// Roll the leftmost d20 with advantage (2d20, keep the higher).
    #[arg(long, short = 'a')]
    pub adv: bool,
    /// Roll the leftmost d20 with disadvantage (2d20, keep the lower). With --adv, they cancel.
    #[arg(long, short = 'd')]
    pub dis: bool,
    /// Seed for repeatable rolls: the same seed and expression give the same dice.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Roll this many times, one line each.
    #[arg(long, short = 'n', default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub times: u32,
    /// Print one JSON object per roll (total, crit, every die).
    #[arg(long)]
    pub json: bool,
    /// How to draw the dice breakdown (JSON output ignores it).
    #[arg(long, value_enum, default_value_t = Format::Auto)]
    pub format: Format,
}

/// Output styles for `dungeon roll`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// ANSI on a terminal, Markdown otherwise.
    Auto,
    /// Avrae's Markdown: 4d6kh3 (4, 4, **6**, ~~3~~) = `14`.
    Markdown,
    /// Bold and struck-through dice for a terminal.
    Ansi,
    /// The radio form, fewest bytes: 4d6kh3(4,4,6,x3)=14.
    Compact,
}

/// The licences and the SRD attribution, word for word as it must appear.
pub const CREDITS: &str = "\
Distributed Dungeon — a dungeon master for fifth edition games, in chat.
Copyright the Distributed Dungeon authors. Licensed under the GNU General Public
License, version 3 or (at your option) any later version. There is NO WARRANTY.

This work includes material taken from the System Reference Document 5.1
(\"SRD 5.1\") by Wizards of the Coast LLC and available at
https://dnd.wizards.com/resources/systems-reference-document. The SRD 5.1
is licensed under the Creative Commons Attribution 4.0 International
License available at https://creativecommons.org/licenses/by/4.0/legalcode.

The dice language follows d20 (MIT), the roller of the Avrae bot, so that
its players' expressions mean the same here. No code of either is included.";

/// Arguments of `dungeon play`.
#[derive(Debug, Args)]
pub struct PlayArgs {
    /// Run the commands of a file, one per line (`#` starts a comment), then stop.
    #[arg(long, value_name = "FILE", conflicts_with = "demo")]
    pub script: Option<std::path::PathBuf>,
    /// Play the shipped demo: a goblin ambush for a party of four level-3 characters.
    #[arg(long)]
    pub demo: bool,
    /// Seed the table's dice with this number, for a run you can repeat exactly.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Print every event as one JSON line (type, actor, target, rolls, totals, HP before and after).
    #[arg(long)]
    pub json: bool,
    /// Resume the stored game of this table id (printed when a game starts and ends).
    #[arg(long, value_name = "ID")]
    pub table: Option<String>,
    /// Where games are kept: a SQLite file or `postgres://…` [default: $DATABASE_URL, else ./dungeon.db].
    #[arg(long, value_name = "URL")]
    pub database: Option<String>,
    /// Who plays the monsters.
    #[arg(long, value_enum, default_value_t = PlannerKind::Tactician)]
    pub planner: PlannerKind,
    /// Who narrates after the rules' lines: templates (area entries and fight
    /// ends), a model (every command; the planner's connection settings), or off.
    #[arg(long, value_enum, default_value_t = NarratorKind::Templates)]
    pub narrator: NarratorKind,
    /// Play this adventure (a shipped one's id): with --demo the built-in party explores it
    /// to its end by itself; without, the DM starts it at once and players join.
    #[arg(long, value_name = "ID", conflicts_with = "script")]
    pub adventure: Option<String>,
}

/// Arguments of `dungeon serve`.
#[derive(Debug, Args)]
#[command(after_help = "\
Settings come from, each over the one before: defaults, the file (--config, else ./dungeon.toml
if present), DUNGEON_SECTION__KEY environment variables (DUNGEON_HTTP__ADDRESS=0.0.0.0:9100;
DATABASE_URL, REDIS_URL, DISCORD_TOKEN, GEMINI_API_KEY also work), then these flags.
`dungeon config check` shows the result. See dungeon.example.toml.")]
pub struct ServeArgs {
    /// The settings the flags override.
    #[command(flatten)]
    pub settings: SettingsArgs,
    /// Another base URL for Discord's API (a local fake server, for tests).
    #[arg(long, value_name = "URL", hide = true)]
    pub discord_api: Option<String>,
}

/// The flags that override the configuration (`serve` and `config check`).
#[derive(Debug, Clone, Args)]
pub struct SettingsArgs {
    /// The configuration file [default: ./dungeon.toml if it exists].
    #[arg(long, value_name = "FILE")]
    pub config: Option<std::path::PathBuf>,
    /// Where games are kept: a SQLite file or `postgres://…` [config: database.url; default: ./dungeon.db].
    #[arg(long, value_name = "URL")]
    pub database: Option<String>,
    /// The Redis several processes share, `redis://host:6379` [config: redis.url].
    #[arg(long, value_name = "URL")]
    pub redis: Option<String>,
    /// Who plays the monsters [config: planner.kind; default: tactician].
    #[arg(long, value_enum)]
    pub planner: Option<PlannerKind>,
    /// Serve /health/live, /health/ready and /metrics here [config: http.address; default: 127.0.0.1:9100].
    #[arg(long, value_name = "ADDR", conflicts_with = "no_http")]
    pub http: Option<std::net::SocketAddr>,
    /// No health or metrics endpoint [config: http.enabled = false].
    #[arg(long)]
    pub no_http: bool,
    /// Log lines as text or one JSON object each [config: log.format].
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub log_format: Option<crate::config::LogFormat>,
    /// A Meshtastic node to play through: tcp://HOST[:4403] or serial:/dev/ttyUSB0 [config: radio.device].
    #[arg(long, value_name = "ADDR")]
    pub radio: Option<radio::link::Endpoint>,
    /// The table radio players sit at; `discord:<channel id>` joins a Discord channel's table
    /// [config: radio.table; default: radio:main].
    #[arg(long, value_name = "ID")]
    pub radio_table: Option<String>,
    /// The channel index (0 = primary) whose texts are read and where notable events go
    /// [config: radio.channel; default: 0].
    #[arg(long, value_name = "N")]
    pub radio_channel: Option<u32>,
    /// A DM's node (`!a1b2c3d4`): only these may give `dm …` commands; repeat for several
    /// [config: radio.dm_nodes, which the flags replace].
    #[arg(long = "radio-dm", value_name = "NODE", value_parser = radio::filter::parse_node_id)]
    pub radio_dm: Vec<u32>,
    /// Least seconds between two texts, 0 to 600 (firmware 2.7+ drops texts < 2 s apart)
    /// [config: radio.gap_secs; default: 2.2].
    #[arg(long, value_name = "SECONDS")]
    pub radio_gap: Option<f64>,
    /// Airtime allowed per rolling hour in seconds (EU 868: 10 % = 360); 0 = no limit
    /// [config: radio.hourly_airtime_secs; default: 360].
    #[arg(long, value_name = "SECONDS")]
    pub radio_hourly_airtime: Option<u64>,
    /// The hop limit of our texts [config: radio.hop_limit; default: the node's LoRa setting].
    #[arg(long, value_name = "1-7", value_parser = clap::value_parser!(u32).range(1..=7))]
    pub radio_hop_limit: Option<u32>,
    /// Also take commands that came through an MQTT bridge [config: radio.allow_mqtt = true].
    #[arg(long)]
    pub radio_allow_mqtt: bool,
    /// Let unencrypted DMs act (nodes older than firmware 2.5; anyone could pose as them)
    /// [config: radio.allow_plain_dms = true].
    #[arg(long)]
    pub radio_allow_plain_dms: bool,
    /// Serve the web table (live pages, play from a browser, the DM's desk) on the --http
    /// address; needs no Discord token or radio [config: web.enabled = true].
    #[arg(long)]
    pub web: bool,
}

impl SettingsArgs {
    /// The flags as configuration overrides.
    pub fn overrides(&self) -> crate::config::Overrides {
        crate::config::Overrides {
            database: self.database.clone(),
            redis: self.redis.clone(),
            planner: self.planner,
            http_address: self.http,
            no_http: self.no_http,
            log_format: self.log_format,
            radio_device: self.radio.as_ref().map(ToString::to_string),
            radio_table: self.radio_table.clone(),
            radio_channel: self.radio_channel,
            radio_dm_nodes: self.radio_dm.iter().map(|n| format!("!{n:08x}")).collect(),
            radio_gap_secs: self.radio_gap,
            radio_hourly_airtime_secs: self.radio_hourly_airtime,
            radio_hop_limit: self.radio_hop_limit,
            radio_allow_mqtt: self.radio_allow_mqtt,
            radio_allow_plain_dms: self.radio_allow_plain_dms,
            web: self.web,
        }
    }
}

/// `dungeon config …`.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the effective configuration (secrets redacted) and check it: exits 1 with
    /// one line per problem (unknown keys, bad URLs, bad values, no transport).
    Check(SettingsArgs),
}

/// Arguments of `dungeon tables`.
#[derive(Debug, Args)]
pub struct TablesArgs {
    /// The store [default: $DATABASE_URL, else ./dungeon.db].
    #[arg(long, value_name = "URL")]
    pub database: Option<String>,
    /// One JSON object per table.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `dungeon replay`.
#[derive(Debug, Args)]
pub struct StoredArgs {
    /// The table's id (`dungeon tables` lists them).
    pub table: String,
    /// The store [default: $DATABASE_URL, else ./dungeon.db].
    #[arg(long, value_name = "URL")]
    pub database: Option<String>,
    /// Print the rebuilt state as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `dungeon verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The table's id (`dungeon tables` lists them).
    pub table: String,
    /// The store [default: $DATABASE_URL, else ./dungeon.db].
    #[arg(long, value_name = "URL")]
    pub database: Option<String>,
    /// Check with the seed kept in the store before it is revealed (for the DM).
    #[arg(long)]
    pub use_stored_seed: bool,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `dungeon history`.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The table's id (`dungeon tables` lists them).
    pub table: String,
    /// The character's handle (`aria`).
    pub character: String,
    /// The store [default: $DATABASE_URL, else ./dungeon.db].
    #[arg(long, value_name = "URL")]
    pub database: Option<String>,
    /// One JSON object per edit.
    #[arg(long)]
    pub json: bool,
}

/// `dungeon bench …`.
#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Actions through the router and the store, durable, without transports:
    /// latency p50/p99, committed actions per second, memory per live table.
    Load(LoadArgs),
}

/// `dungeon radio …`.
#[derive(Debug, Subcommand)]
pub enum RadioCommand {
    /// Forget a node's public key (after a factory reset or a new device): its next encrypted DM
    /// binds the new key. Until then, a node whose key changed may only look, not act.
    Rebind(RebindArgs),
}

/// Arguments of `dungeon radio rebind`.
#[derive(Debug, Args)]
pub struct RebindArgs {
    /// The node, as the Meshtastic app shows it: !a1b2c3d4.
    #[arg(value_parser = radio::filter::parse_node_id)]
    pub node: u32,
    /// The store [default: $DATABASE_URL, else ./dungeon.db].
    #[arg(long, value_name = "URL")]
    pub database: Option<String>,
}

/// Arguments of `dungeon bench load`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  dungeon bench load --tables 1000 --rate 1 --duration 20 --database sqlite://bench.db?mode=rwc
  dungeon bench load --tables 1000 --rate 0 --duration 10 --database postgres://postgres@127.0.0.1/bench
  dungeon bench load --tables 2000 --players 5 --duration 30 --processes 2 --faults kill \\
      --database postgres://postgres@127.0.0.1/bench --redis redis://127.0.0.1:6379

With --processes N the command starts N workers of itself on the same tables (each drives its
share of every table's players), then checks that every acknowledged action is in the log once
and that every table replays to the state its workers reported. scripts/fault-run.sh adds
Redis and Postgres restarts.")]
pub struct LoadArgs {
    /// Tables playing at once.
    #[arg(long, default_value_t = 100)]
    pub tables: usize,
    /// Players (characters) per table.
    #[arg(long, default_value_t = 5)]
    pub players: usize,
    /// Actions per second per table, at random (Poisson) intervals; 0 sends back to back.
    #[arg(long, default_value_t = 1.0)]
    pub rate: f64,
    /// How long to run, in seconds.
    #[arg(long, default_value_t = 10)]
    pub duration: u64,
    /// The store [default: $DATABASE_URL, else ./dungeon.db].
    #[arg(long, value_name = "URL")]
    pub database: Option<String>,
    /// Group-commit writers [default: 1 on SQLite, 4 on Postgres].
    #[arg(long)]
    pub writers: Option<usize>,
    /// Table ids start with this [default: bench-<time>-<random>].
    #[arg(long)]
    pub prefix: Option<String>,
    /// Print `ack TABLE SEQ REQUEST STATE-HASH` for each committed action (for crash tests).
    #[arg(long)]
    pub acks: bool,
    /// Print the figures as JSON.
    #[arg(long)]
    pub json: bool,
    /// Share the tables with other processes through this Redis [default: $REDIS_URL, else alone].
    #[arg(long, value_name = "URL")]
    pub redis: Option<String>,
    /// Worker processes to run on the same tables (needs Redis and Postgres when above 1).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=16))]
    pub processes: u32,
    /// Faults to cause while workers run (with --processes 2 or more): `kill` kill -9s the last
    /// worker a third of the way in and starts it again.
    #[arg(long, value_enum, value_delimiter = ',')]
    pub faults: Vec<Fault>,
    /// As one of N workers: this worker's number (set by --processes).
    #[arg(long, hide = true, default_value_t = 0)]
    pub worker: u32,
    /// As one of N workers: how many there are (set by --processes).
    #[arg(long, hide = true, default_value_t = 1)]
    pub workers: u32,
    /// As a restarted worker: its restart count, part of its request ids.
    #[arg(long, hide = true, default_value_t = 0)]
    pub generation: u32,
    /// The tables exist already with their characters (set by --processes).
    #[arg(long, hide = true)]
    pub skip_setup: bool,
    /// Players explore an adventure (search and look in its first area) instead of rolling
    /// checks: the p99 of an exploration command through the router and the store.
    #[arg(long)]
    pub explore: bool,
    /// Print `heard TABLE SEQ ACTOR` for each reply published at the tables (from any process).
    #[arg(long, hide = true)]
    pub heard: bool,
}

/// Faults `dungeon bench load --processes N` can cause itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Fault {
    /// kill -9 one worker and start it again.
    Kill,
}

/// `dungeon eval …`.
#[derive(Debug, Subcommand)]
pub enum EvalCommand {
    /// Plays whole encounters (an SRD party of four against SRD monsters of a matching
    /// challenge) with the chosen planner and with a random-legal baseline, and prints
    /// monster win rate, legality, fallbacks, decision latency and tokens per turn.
    Monsters(EvalArgs),
    /// Narrates a seeded set of fights' facts with the chosen narrator and prints the
    /// acceptance rate (answers that invented nothing), latency p50/p95, tokens per line
    /// and the templates' cost per line.
    Narration(EvalNarrationArgs),
    /// Plays generated dungeons whole (the built-in party and explorer, the monsters on the
    /// tactician) and prints completion rate, party deaths, parties that left, stalls,
    /// fights per dungeon and median turns.
    Adventures(EvalAdventuresArgs),
}

/// Arguments of `dungeon eval narration`.
#[derive(Debug, Args)]
pub struct EvalNarrationArgs {
    /// The narrator to measure (a model uses the planner's connection settings:
    /// GEMINI_API_KEY, or DUNGEON_OPENAI_BASE_URL and DUNGEON_OPENAI_MODEL).
    /// `--planner` is the same option.
    #[arg(long, visible_alias = "planner", value_enum, default_value_t = NarratorKind::Templates)]
    pub narrator: NarratorKind,
    /// How many facts to narrate.
    #[arg(long, default_value_t = 50)]
    pub samples: usize,
    /// The seed of the facts (the same seed, the same facts).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Print the figures as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `dungeon eval adventures`.
#[derive(Debug, Clone, Args)]
pub struct EvalAdventuresArgs {
    /// How many dungeons to generate and play.
    #[arg(long, default_value_t = 200)]
    pub generated: usize,
    /// The first dungeon's seed (the i-th is seed + i; the same seed, the same games).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The party's level (and the dungeons').
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u8).range(1..=20))]
    pub level: u8,
    /// Areas per dungeon.
    #[arg(long, default_value_t = 12, value_parser = clap::value_parser!(u8).range(6..=60))]
    pub rooms: u8,
    /// Print the figures as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `dungeon eval monsters`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// The planner to measure.
    #[arg(long, value_enum, default_value_t = PlannerKind::Tactician)]
    pub planner: PlannerKind,
    /// How many encounters to play.
    #[arg(long, default_value_t = 100)]
    pub encounters: usize,
    /// The seed of the encounters and their dice (the same seed, the same games).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Print the figures as JSON.
    #[arg(long)]
    pub json: bool,
}
