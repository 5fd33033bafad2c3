//! The configuration of `dungeon serve`: defaults, then `dungeon.toml`, then
//! the environment, then the command line, each layer over the one before.
//!
//! The environment names a key as `DUNGEON_SECTION__KEY`
//! (`DUNGEON_HTTP__ADDRESS=0.0.0.0:9100`). The names the project used before
//! the file existed still work (`DATABASE_URL`, `REDIS_URL`, `DISCORD_TOKEN`,
//! `GEMINI_API_KEY`, `OPENAI_API_KEY`, `DUNGEON_GEMINI_MODEL`, …); a
//! `DUNGEON_SECTION__KEY` variable wins over its older name. A list is
//! written `[a, b]`; the radio's DM nodes also take `!a1b2c3d4,!e5f6a7b8`.
//!
//! Parsing is strict: an unknown section or key, a value of the wrong type
//! or a malformed URL is an error that names the key and where it came
//! from. Secrets ([`Secret`]) and URL passwords never print: the
//! configuration's `Serialize` is its redacted form.
//!
//! The bottom layer of the crate: the settings types and where they come
//! from. It imports nothing of the crate; every other layer may import it.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::value::{Dict, Map, Value};
use figment::{Figment, Metadata, Profile, Provider};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The file read when no `--config` is given, if it exists.
pub const DEFAULT_FILE: &str = "dungeon.toml";

/// Where games are kept unless told otherwise.
pub const DEFAULT_DATABASE: &str = "sqlite://dungeon.db?mode=rwc";

/// The store to use: `--database`, else `DATABASE_URL`, else `dungeon.db`.
pub fn database_url(flag: Option<&str>) -> String {
    flag.map(str::to_owned)
        .or_else(|| std::env::var("DATABASE_URL").ok().filter(|u| !u.is_empty()))
        .unwrap_or_else(|| DEFAULT_DATABASE.to_owned())
}

/// Where environment variables that set one key start.
const ENV_PREFIX: &str = "DUNGEON_";

/// The older environment names and the key each sets.
const LEGACY_ENV: &[(&str, &str, &str)] = &[
    ("DATABASE_URL", "database", "url"),
    ("REDIS_URL", "redis", "url"),
    ("DISCORD_TOKEN", "discord", "token"),
    ("GEMINI_API_KEY", "planner", "gemini_api_key"),
    ("DUNGEON_GEMINI_API_KEY", "planner", "gemini_api_key"),
    ("DUNGEON_GEMINI_MODEL", "planner", "gemini_model"),
    ("DUNGEON_GEMINI_BASE_URL", "planner", "gemini_base_url"),
    ("DUNGEON_OPENAI_BASE_URL", "planner", "openai_base_url"),
    ("DUNGEON_OPENAI_MODEL", "planner", "openai_model"),
    ("OPENAI_API_KEY", "planner", "openai_api_key"),
];

/// The whole configuration.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Where games are kept.
    pub database: DatabaseConfig,
    /// The Redis shared by several processes.
    pub redis: RedisConfig,
    /// The Discord bot.
    pub discord: DiscordConfig,
    /// The Meshtastic radio link.
    pub radio: RadioConfig,
    /// Who plays the monsters.
    pub planner: PlannerConfig,
    /// Who narrates (the model's connection is `[planner]`'s).
    pub narrator: NarratorConfig,
    /// The health and metrics endpoint.
    pub http: HttpConfig,
    /// Logging.
    pub log: LogConfig,
    /// The web table, served on the `[http]` address.
    pub web: WebConfig,
}

/// `[database]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseConfig {
    /// A SQLite file (`sqlite://dungeon.db?mode=rwc`, or a plain path) or
    /// `postgres://user:password@host/db`.
    #[serde(serialize_with = "masked_url", deserialize_with = "text")]
    pub url: String,
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self {
            url: DEFAULT_DATABASE.to_owned(),
        }
    }
}

/// `[redis]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RedisConfig {
    /// `redis://host:6379` (TLS, `rediss://`, is not built in yet); none: one process alone.
    #[serde(
        serialize_with = "masked_opt_url",
        deserialize_with = "opt_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub url: Option<String>,
}

/// `[discord]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DiscordConfig {
    /// The bot token; none: no Discord.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<Secret>,
    /// Seconds the party has to vote on a way on (`/go` with no leader).
    pub go_vote_secs: u32,
}

impl Default for DiscordConfig {
    fn default() -> Self {
        Self {
            token: None,
            go_vote_secs: DISCORD_GO_VOTE_SECS,
        }
    }
}

/// The default of `discord.go_vote_secs`: two minutes, for a chat.
pub const DISCORD_GO_VOTE_SECS: u32 = 120;
/// The default of `radio.go_vote_secs`: ten minutes, as texts come slowly
/// over the mesh.
pub const RADIO_GO_VOTE_SECS: u32 = 600;
/// The range of a `go_vote_secs`: ten seconds to a day.
pub const GO_VOTE_RANGE: std::ops::RangeInclusive<u32> = 10..=86_400;

/// A `go_vote_secs` out of [`GO_VOTE_RANGE`], as a problem of `key`.
fn go_vote_problem(key: &str, secs: u32) -> Option<String> {
    (!GO_VOTE_RANGE.contains(&secs)).then(|| {
        format!(
            "{key}: {secs} is out of range ({} to {} seconds)",
            GO_VOTE_RANGE.start(),
            GO_VOTE_RANGE.end()
        )
    })
}

/// `[radio]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RadioConfig {
    /// The node: a serial port (`/dev/ttyUSB0`) or its TCP API
    /// (`tcp://meshtastic.local:4403`); none: no radio.
    #[serde(deserialize_with = "opt_text", skip_serializing_if = "Option::is_none")]
    pub device: Option<String>,
    /// The table radio players sit at (`discord:<channel id>` joins a
    /// Discord channel's table).
    #[serde(deserialize_with = "text")]
    pub table: String,
    /// The channel index (0 = primary) whose texts are read and where
    /// notable events go.
    pub channel: u32,
    /// The DM's nodes (`!a1b2c3d4`, or a decimal node number): only these
    /// may give `dm …` commands. Kept as written, not as numbers, so that
    /// `Config::problems` can name every id that does not parse at once.
    #[serde(deserialize_with = "node_list")]
    pub dm_nodes: Vec<String>,
    /// Least seconds between two texts (firmware 2.7+ drops texts < 2 s apart).
    pub gap_secs: f64,
    /// Airtime allowed per rolling hour, in seconds (EU 868: 10 % = 360); 0: no budget.
    pub hourly_airtime_secs: u64,
    /// The hop limit of our texts, 1 to 7; none: the node's LoRa setting.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hop_limit: Option<u32>,
    /// Also take commands that came through an MQTT bridge.
    pub allow_mqtt: bool,
    /// Let unencrypted DMs act (nodes older than firmware 2.5; anyone could pose as them).
    pub allow_plain_dms: bool,
    /// Seconds the party has to vote on a way on (`go` with no leader).
    pub go_vote_secs: u32,
}

impl Default for RadioConfig {
    fn default() -> Self {
        Self {
            device: None,
            table: "radio:main".to_owned(),
            channel: 0,
            dm_nodes: Vec::new(),
            gap_secs: 2.2,
            hourly_airtime_secs: 360,
            hop_limit: None,
            allow_mqtt: false,
            allow_plain_dms: false,
            go_vote_secs: RADIO_GO_VOTE_SECS,
        }
    }
}

impl RadioConfig {
    /// The DM nodes as numbers; the first id that does not parse is the error.
    pub fn dm_node_ids(&self) -> Result<Vec<u32>, String> {
        self.dm_nodes
            .iter()
            .map(|n| radio::filter::parse_node_id(n))
            .collect()
    }

    /// What is wrong with the radio's settings, one line each; the flags
    /// are merged in by then, so they are checked the same way.
    fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.table.trim().is_empty() {
            out.push(
                "radio.table: is empty; give a table id such as radio:main, or \
                 discord:<channel id> to join a Discord channel's table"
                    .to_owned(),
            );
        }
        for node in &self.dm_nodes {
            if let Err(why) = radio::filter::parse_node_id(node) {
                out.push(format!("radio.dm_nodes: {why}"));
            }
        }
        if !(self.gap_secs.is_finite() && (0.0..=600.0).contains(&self.gap_secs)) {
            out.push(format!(
                "radio.gap_secs: {} is out of range (0 to 600 seconds; 2.2 is safe for \
                 firmware 2.7+)",
                self.gap_secs
            ));
        }
        if let Some(hops) = self.hop_limit
            && !(1..=7).contains(&hops)
        {
            out.push(format!(
                "radio.hop_limit: {hops} is out of range (1 to 7; leave it unset for the \
                 node's LoRa setting)"
            ));
        }
        out.extend(go_vote_problem("radio.go_vote_secs", self.go_vote_secs));
        out
    }
}

/// `[planner]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PlannerConfig {
    /// `tactician` (built in, no network), `gemini`, `openai` or `random`.
    pub kind: PlannerKind,
    /// How long a monster's turn waits for a model before the tactician plays it.
    pub turn_budget_ms: u64,
    /// Google AI Studio key (`GEMINI_API_KEY`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gemini_api_key: Option<Secret>,
    /// The Gemini model.
    #[serde(deserialize_with = "opt_text", skip_serializing_if = "Option::is_none")]
    pub gemini_model: Option<String>,
    /// Another base URL for Gemini's API.
    #[serde(deserialize_with = "opt_text", skip_serializing_if = "Option::is_none")]
    pub gemini_base_url: Option<String>,
    /// An OpenAI-compatible server (`http://localhost:11434/v1`).
    #[serde(deserialize_with = "opt_text", skip_serializing_if = "Option::is_none")]
    pub openai_base_url: Option<String>,
    /// Its model.
    #[serde(deserialize_with = "opt_text", skip_serializing_if = "Option::is_none")]
    pub openai_model: Option<String>,
    /// Its key, if it wants one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub openai_api_key: Option<Secret>,
}

impl Default for PlannerConfig {
    fn default() -> Self {
        Self {
            kind: PlannerKind::Tactician,
            turn_budget_ms: 2_500,
            gemini_api_key: None,
            gemini_model: None,
            gemini_base_url: None,
            openai_base_url: None,
            openai_model: None,
            openai_api_key: None,
        }
    }
}

/// `[http]`: `/health/live`, `/health/ready` and `/metrics`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HttpConfig {
    /// Serve them at all.
    pub enabled: bool,
    /// Where. Loopback by default: metrics are not for the internet.
    pub address: SocketAddr,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            address: SocketAddr::from(([127, 0, 0, 1], 9100)),
        }
    }
}

/// `[web]`: the web table (`/`, `/t/{table}`, the DM's desk, `/api/…`),
/// served beside health and metrics on `http.address`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WebConfig {
    /// Serve it (a transport on its own: no Discord or radio needed).
    pub enabled: bool,
    /// Anyone may watch a table's page without signing in (read-only,
    /// monsters as health words).
    pub allow_watchers: bool,
    /// The key that signs session cookies; none: one is generated and kept
    /// in the store, so every process behind the same database shares it.
    pub secret: Option<Secret>,
    /// The bearer token of the admin API (`/api/…`); none: the API is off.
    pub admin_token: Option<Secret>,
    /// How long a session lasts, in hours.
    pub session_hours: u64,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            enabled: false,
            allow_watchers: false,
            secret: None,
            admin_token: None,
            session_hours: 24 * 7,
        }
    }
}

/// Which planner runs the monsters.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum PlannerKind {
    /// The built-in tactician (no network).
    Tactician,
    /// Google Gemini (GEMINI_API_KEY; DUNGEON_GEMINI_MODEL to pick the model); the tactician
    /// plays any turn it fails or is slow on.
    Gemini,
    /// Any OpenAI-compatible server: Ollama, llama.cpp, vLLM (DUNGEON_OPENAI_BASE_URL,
    /// DUNGEON_OPENAI_MODEL, OPENAI_API_KEY if needed); the tactician covers its failures.
    Openai,
    /// A random legal option every turn (the evaluation's baseline).
    Random,
}

/// `[narrator]`: prose after the rules' lines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NarratorConfig {
    /// `off`, `templates` (area entries and fight ends, no network),
    /// `gemini` or `openai` (every accepted command; the templates cover
    /// late, failed or invented answers). Connection settings: `[planner]`.
    pub kind: NarratorKind,
    /// How long a model may take before the template is told instead.
    pub budget_ms: u64,
    /// The table's tone, told to the model ("grim and terse").
    pub tone: String,
}

impl Default for NarratorConfig {
    fn default() -> Self {
        Self {
            kind: NarratorKind::Templates,
            budget_ms: 2_000,
            tone: String::new(),
        }
    }
}

/// Who narrates.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum NarratorKind {
    /// Nobody.
    Off,
    /// The templates: area entries and fight ends, no network.
    Templates,
    /// Google Gemini (GEMINI_API_KEY), templates when it fails.
    Gemini,
    /// An OpenAI-compatible server (DUNGEON_OPENAI_BASE_URL, DUNGEON_OPENAI_MODEL).
    Openai,
}

/// `[log]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    /// `text` for people, `json` (one object per line) for log collectors.
    pub format: LogFormat,
    /// Which messages: `info`, `debug`, or per module (`info,bot::core::router=debug`).
    #[serde(deserialize_with = "text")]
    pub level: String,
}

impl Default for LogConfig {
    fn default() -> Self {
        Self {
            format: LogFormat::Text,
            level: "info".to_owned(),
        }
    }
}

/// How log lines look.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// One readable line each.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

/// A value that must never be shown: its `Debug`, `Display` and
/// `Serialize` all print `<redacted>`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// A secret holding `value`.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value itself, for the one place that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str("<redacted>")
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        text(d).map(Secret)
    }
}

/// Values the command line sets; they win over the file and the environment.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--database`.
    pub database: Option<String>,
    /// `--redis`.
    pub redis: Option<String>,
    /// `--planner`.
    pub planner: Option<PlannerKind>,
    /// `--http`.
    pub http_address: Option<SocketAddr>,
    /// `--no-http`.
    pub no_http: bool,
    /// `--log-format`.
    pub log_format: Option<LogFormat>,
    /// `--radio`.
    pub radio_device: Option<String>,
    /// `--radio-table`.
    pub radio_table: Option<String>,
    /// `--radio-channel`.
    pub radio_channel: Option<u32>,
    /// `--radio-dm`, as `!a1b2c3d4`; empty: the configuration's `radio.dm_nodes` stay.
    pub radio_dm_nodes: Vec<String>,
    /// `--radio-gap`.
    pub radio_gap_secs: Option<f64>,
    /// `--radio-hourly-airtime`.
    pub radio_hourly_airtime_secs: Option<u64>,
    /// `--radio-hop-limit`.
    pub radio_hop_limit: Option<u32>,
    /// `--radio-allow-mqtt`; false: the configuration decides.
    pub radio_allow_mqtt: bool,
    /// `--radio-allow-plain-dms`; false: the configuration decides.
    pub radio_allow_plain_dms: bool,
    /// `--web`; false: the configuration decides.
    pub web: bool,
}

/// A configuration and where it came from.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The effective configuration.
    pub config: Config,
    /// The file read, if any.
    pub file: Option<PathBuf>,
    /// The environment variables that set something, by name.
    pub env: Vec<String>,
}

/// Why there is no configuration.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// `--config` named a file that cannot be read.
    #[error("cannot read the configuration file {path}: {cause}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        cause: std::io::Error,
    },
    /// A layer does not parse (syntax, unknown key, wrong type).
    #[error("{}", .0.join("\n"))]
    Parse(Vec<String>),
}

/// Loads the configuration: `file` (else `./dungeon.toml` if present), then
/// the variables in `env`, then `overrides`.
pub fn load(
    file: Option<&Path>,
    env: impl IntoIterator<Item = (String, String)>,
    overrides: &Overrides,
) -> Result<Loaded, ConfigError> {
    let (text, path) = match file {
        Some(path) => match std::fs::read_to_string(path) {
            Ok(text) => (Some(text), Some(path.to_owned())),
            Err(cause) => {
                return Err(ConfigError::Read {
                    path: path.to_owned(),
                    cause,
                });
            }
        },
        None => {
            let path = PathBuf::from(DEFAULT_FILE);
            match std::fs::read_to_string(&path) {
                Ok(text) => (Some(text), Some(path)),
                Err(_) => (None, None),
            }
        }
    };
    let mut loaded = parse(text.as_deref(), path.as_deref(), env)?;
    loaded.config.apply(overrides);
    Ok(loaded)
}

/// Parses the file's `text` (named `path` in messages) under the variables
/// in `env`. Never panics, whatever the input.
pub fn parse(
    text: Option<&str>,
    path: Option<&Path>,
    env: impl IntoIterator<Item = (String, String)>,
) -> Result<Loaded, ConfigError> {
    // Defaults come from the structs' `Default` (`#[serde(default)]`).
    let mut figment = Figment::new();
    if let Some(text) = text {
        let name = path.map_or_else(|| DEFAULT_FILE.to_owned(), |p| p.display().to_string());
        figment = figment.merge(FileLayer {
            name,
            text: text.to_owned(),
        });
    }
    let env = EnvLayer::from_vars(env);
    let names = env.names.clone();
    figment = figment.merge(env);
    let config: Config = figment
        .extract()
        .map_err(|e| ConfigError::Parse(e.into_iter().map(|e| describe(&e)).collect::<Vec<_>>()))?;
    Ok(Loaded {
        config,
        file: path.map(Path::to_owned),
        env: names,
    })
}

/// One figment error as a line that names the key and its source.
fn describe(e: &figment::Error) -> String {
    let key = e.path.join(".");
    let from = e
        .metadata
        .as_ref()
        .map(|m| match (&m.source, e.path.as_slice()) {
            (Some(source), _) => format!(" (in {source})"),
            (None, [section, key, ..]) if m.name == ENV_LAYER => {
                format!(" (in environment variable {})", env_name(section, key))
            }
            (None, [section]) if m.name == ENV_LAYER => {
                format!(" (in environment variables {})", env_name(section, "*"))
            }
            (None, _) => format!(" (in {})", m.name),
        })
        .unwrap_or_default();
    let what = match &e.kind {
        figment::error::Kind::UnknownField(field, known) => {
            format!("unknown key `{field}` (known: {})", known.join(", "))
        }
        kind => kind.to_string(),
    };
    if key.is_empty() {
        format!("{what}{from}")
    } else {
        format!("{key}: {what}{from}")
    }
}

/// The TOML file as a figment layer. Parsed with the `toml` crate directly
/// so that a syntax error's message keeps its line and column.
struct FileLayer {
    name: String,
    text: String,
}

impl Provider for FileLayer {
    fn metadata(&self) -> Metadata {
        Metadata::named("configuration file").source(self.name.clone())
    }

    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        let dict: Dict = toml::from_str(&self.text).map_err(|e| {
            let at = e.span().map_or(0, |s| s.start).min(self.text.len());
            let before = self.text.get(..at).unwrap_or("");
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            figment::Error::from(format!(
                "not valid TOML at line {line}, column {column}: {}",
                e.message().trim_end().replace('\n', "; ")
            ))
        })?;
        Ok(Profile::Default.collect(dict))
    }
}

const ENV_LAYER: &str = "environment";

/// `DUNGEON_SECTION__KEY` and the older names, as a figment layer.
struct EnvLayer {
    dict: Dict,
    names: Vec<String>,
}

fn env_name(section: &str, key: &str) -> String {
    format!(
        "{ENV_PREFIX}{}__{}",
        section.to_uppercase(),
        key.to_uppercase()
    )
}

impl EnvLayer {
    fn from_vars(vars: impl IntoIterator<Item = (String, String)>) -> Self {
        let mut legacy: Vec<(String, String, String, String)> = Vec::new();
        let mut sectioned: Vec<(String, String, String, String)> = Vec::new();
        for (name, value) in vars {
            let value = value.trim().to_owned();
            if value.is_empty() {
                continue;
            }
            if let Some((_, section, key)) = LEGACY_ENV.iter().find(|(n, _, _)| *n == name) {
                legacy.push((name, (*section).to_owned(), (*key).to_owned(), value));
            } else if let Some(rest) = name.strip_prefix(ENV_PREFIX)
                && let Some((section, key)) = rest.split_once("__")
            {
                let (section, key) = (section.to_lowercase(), key.to_lowercase());
                sectioned.push((name, section, key, value));
            }
        }
        // The same legacy key twice (GEMINI_API_KEY and DUNGEON_GEMINI_API_KEY):
        // the order of LEGACY_ENV decides, not the order of the environment.
        legacy.sort_by_key(|(n, ..)| LEGACY_ENV.iter().position(|(l, _, _)| l == n));
        let mut dict = Dict::new();
        let mut names = Vec::new();
        for (name, section, key, value) in legacy.into_iter().rev() {
            // Older names hold strings only: no guessing of numbers.
            insert(&mut dict, &section, &key, Value::from(value));
            names.push(name);
        }
        sectioned.sort();
        for (name, section, key, value) in sectioned {
            // figment's parser slices escaped strings by character index and
            // panics on a backslash after a multi-byte character: a value
            // with a backslash stays the text it is.
            let parsed: Value = if value.contains('\\') {
                Value::from(value)
            } else {
                value.parse().unwrap_or_else(|_| Value::from(value))
            };
            insert(&mut dict, &section, &key, parsed);
            names.push(name);
        }
        names.sort();
        Self { dict, names }
    }
}

fn insert(dict: &mut Dict, section: &str, key: &str, value: Value) {
    let entry = dict
        .entry(section.to_owned())
        .or_insert_with(|| Value::from(Dict::new()));
    match entry {
        Value::Dict(_, inner) => {
            inner.insert(key.to_owned(), value);
        }
        // A section name set to a plain value cannot happen here: every
        // entry this layer makes is a section.
        _ => {
            let mut inner = Dict::new();
            inner.insert(key.to_owned(), value);
            *entry = Value::from(inner);
        }
    }
}

impl Provider for EnvLayer {
    fn metadata(&self) -> Metadata {
        Metadata::named(ENV_LAYER)
    }

    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        Ok(Profile::Default.collect(self.dict.clone()))
    }
}

/// A string, also from an environment value that looked like a number
/// (`DUNGEON_PLANNER__GEMINI_MODEL=2`).
fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    struct Text;
    impl serde::de::Visitor<'_> for Text {
        type Value = String;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<String, E> {
            Ok(v.to_owned())
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_char<E: serde::de::Error>(self, v: char) -> Result<String, E> {
            Ok(v.to_string())
        }
    }
    d.deserialize_any(Text)
}

fn opt_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    text(d).map(Some)
}

/// Node ids: a list of strings or numbers, or one text with several
/// separated by commas or spaces (`DUNGEON_RADIO__DM_NODES=!a1b2c3d4,!e5f6a7b8`).
fn node_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    struct Nodes;
    impl<'de> serde::de::Visitor<'de> for Nodes {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list of node ids (\"!a1b2c3d4\")")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Vec<String>, E> {
            Ok(v.split(|c: char| c == ',' || c.is_whitespace())
                .filter(|n| !n.is_empty())
                .map(str::to_owned)
                .collect())
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Vec<String>, E> {
            Ok(vec![v.to_string()])
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Vec<String>, E> {
            Ok(vec![v.to_string()])
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> Result<Vec<String>, A::Error> {
            struct Node(String);
            impl<'de> Deserialize<'de> for Node {
                fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                    text(d).map(Node)
                }
            }
            let mut out = Vec::new();
            while let Some(Node(n)) = seq.next_element()? {
                out.push(n);
            }
            Ok(out)
        }
    }
    d.deserialize_any(Nodes)
}

fn masked_url<S: Serializer>(url: &str, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&mask_password(url))
}

fn masked_opt_url<S: Serializer>(url: &Option<String>, s: S) -> Result<S::Ok, S::Error> {
    match url {
        Some(u) => masked_url(u, s),
        None => s.serialize_none(),
    }
}

impl Config {
    /// Sets what the command line gave.
    pub fn apply(&mut self, o: &Overrides) {
        if let Some(url) = &o.database {
            self.database.url.clone_from(url);
        }
        if let Some(url) = &o.redis {
            self.redis.url = Some(url.clone());
        }
        if let Some(kind) = o.planner {
            self.planner.kind = kind;
        }
        if let Some(address) = o.http_address {
            self.http.address = address;
            self.http.enabled = true;
        }
        if o.no_http {
            self.http.enabled = false;
        }
        if let Some(format) = o.log_format {
            self.log.format = format;
        }
        let r = &mut self.radio;
        if let Some(device) = &o.radio_device {
            r.device = Some(device.clone());
        }
        if let Some(table) = &o.radio_table {
            r.table.clone_from(table);
        }
        if let Some(channel) = o.radio_channel {
            r.channel = channel;
        }
        if !o.radio_dm_nodes.is_empty() {
            r.dm_nodes.clone_from(&o.radio_dm_nodes);
        }
        if let Some(gap) = o.radio_gap_secs {
            r.gap_secs = gap;
        }
        if let Some(airtime) = o.radio_hourly_airtime_secs {
            r.hourly_airtime_secs = airtime;
        }
        if let Some(hops) = o.radio_hop_limit {
            r.hop_limit = Some(hops);
        }
        r.allow_mqtt |= o.radio_allow_mqtt;
        r.allow_plain_dms |= o.radio_allow_plain_dms;
        self.web.enabled |= o.web;
    }

    /// What is wrong with `[web]`.
    fn web_problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let w = &self.web;
        if w.enabled && !self.http.enabled {
            out.push(
                "web.enabled: the web table is served on the http address; drop --no-http \
                 (or set http.enabled = true)"
                    .to_owned(),
            );
        }
        if !(1..=24 * 365).contains(&w.session_hours) {
            out.push(format!(
                "web.session_hours: {} is out of range (1 to 8760)",
                w.session_hours
            ));
        }
        for (key, secret) in [("secret", &w.secret), ("admin_token", &w.admin_token)] {
            if let Some(s) = secret
                && s.expose().len() < 16
            {
                out.push(format!(
                    "web.{key}: too short to be safe; use at least 16 random characters \
                     (`openssl rand -hex 32`)"
                ));
            }
        }
        out
    }

    /// The configuration as TOML, secrets and URL passwords redacted.
    pub fn redacted(&self) -> String {
        toml::to_string(self).unwrap_or_else(|e| format!("# cannot show the configuration: {e}\n"))
    }

    /// Everything wrong with a configuration that parsed, one line each,
    /// saying what to change; empty when it is good to serve with.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Err(why) = check_database_url(&self.database.url) {
            out.push(format!("database.url: {why}"));
        }
        if let Some(url) = &self.redis.url {
            if let Err(why) = check_url(url, &["redis", "rediss"], true) {
                out.push(format!("redis.url: {why}"));
            } else if url.starts_with("rediss:") {
                out.push(
                    "redis.url: TLS to Redis (rediss://) is not built in yet; use redis:// on a \
                     private network, or a TLS tunnel (stunnel, spiped) to a local port"
                        .to_owned(),
                );
            }
        }
        if let Some(token) = &self.discord.token {
            let t = token.expose();
            if t.chars().any(char::is_whitespace) {
                out.push(
                    "discord.token: has spaces in it, so it is not a bot token (the \
                     Developer Portal → your application → Bot → Reset Token gives one)"
                        .to_owned(),
                );
            }
        }
        out.extend(go_vote_problem(
            "discord.go_vote_secs",
            self.discord.go_vote_secs,
        ));
        if let Some(device) = &self.radio.device
            && let Err(why) = check_device(device)
        {
            out.push(format!("radio.device: {why}"));
        }
        out.extend(self.radio.problems());
        if self.discord.token.is_none() && self.radio.device.is_none() && !self.web.enabled {
            out.push(
                "no transport: set discord.token (or DISCORD_TOKEN), radio.device or \
                 web.enabled = true (--web)"
                    .to_owned(),
            );
        }
        out.extend(self.web_problems());
        let p = &self.planner;
        if !(1..=60_000).contains(&p.turn_budget_ms) {
            out.push(format!(
                "planner.turn_budget_ms: {} is out of range (1 to 60000)",
                p.turn_budget_ms
            ));
        }
        for (key, url) in [
            ("gemini_base_url", &p.gemini_base_url),
            ("openai_base_url", &p.openai_base_url),
        ] {
            if let Some(url) = url
                && let Err(why) = check_url(url, &["http", "https"], true)
            {
                out.push(format!("planner.{key}: {why}"));
            }
        }
        match p.kind {
            PlannerKind::Gemini if p.gemini_api_key.is_none() => out.push(
                "planner.kind = gemini needs planner.gemini_api_key (or GEMINI_API_KEY), \
                 a key from Google AI Studio"
                    .to_owned(),
            ),
            PlannerKind::Openai if p.openai_base_url.is_none() || p.openai_model.is_none() => {
                out.push(
                    "planner.kind = openai needs planner.openai_base_url \
                     (e.g. http://localhost:11434/v1) and planner.openai_model"
                        .to_owned(),
                );
            }
            _ => {}
        }
        if let Err(e) = tracing_subscriber::EnvFilter::builder().parse(&self.log.level) {
            out.push(format!(
                "log.level: `{}` is not a level filter ({e}); try info, debug or info,bot=debug",
                self.log.level
            ));
        }
        out
    }
}

fn check_database_url(url: &str) -> Result<(), String> {
    if url.trim().is_empty() {
        return Err("is empty; give a SQLite file or a postgres:// URL".to_owned());
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return check_url(url, &["postgres", "postgresql"], true);
    }
    if url.starts_with("sqlite:") || !url.contains("://") {
        return Ok(());
    }
    Err(format!(
        "`{}` is neither SQLite (sqlite://file.db?mode=rwc, or a path) nor postgres://",
        mask_password(url)
    ))
}

fn check_url(url: &str, schemes: &[&str], host: bool) -> Result<(), String> {
    let shown = mask_password(url);
    let parsed = url::Url::parse(url).map_err(|e| format!("`{shown}` is not a URL ({e})"))?;
    if !schemes.contains(&parsed.scheme()) {
        return Err(format!(
            "`{shown}` should start with {}",
            schemes
                .iter()
                .map(|s| format!("{s}://"))
                .collect::<Vec<_>>()
                .join(" or ")
        ));
    }
    if host && parsed.host_str().is_none_or(str::is_empty) {
        return Err(format!("`{shown}` has no host"));
    }
    Ok(())
}

fn check_device(device: &str) -> Result<(), String> {
    if device.trim().is_empty() {
        return Err("is empty; give a serial port (/dev/ttyUSB0) or tcp://host:4403".to_owned());
    }
    if device.contains("://") {
        return check_url(device, &["tcp"], true).and_then(|()| {
            url::Url::parse(device)
                .ok()
                .and_then(|u| u.port())
                .map(|_| ())
                .ok_or_else(|| format!("`{device}` needs a port (tcp://host:4403)"))
        });
    }
    Ok(())
}

/// The URL with its password replaced by `***`, fit for messages and logs.
pub fn mask_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else {
        return url.to_owned();
    };
    match rest[..at].split_once(':') {
        Some((user, _password)) => format!("{scheme}://{user}:***{}", &rest[at..]),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::mask_password;

    #[test]
    fn passwords_are_masked() {
        assert_eq!(
            mask_password("postgres://dm:s3cret@db:5432/dungeon"),
            "postgres://dm:***@db:5432/dungeon"
        );
        assert_eq!(
            mask_password("postgres://dm@db/dungeon"),
            "postgres://dm@db/dungeon"
        );
        assert_eq!(mask_password("game.db"), "game.db");
    }
}
