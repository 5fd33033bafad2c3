//! `dungeon roll`: the dice language on the command line.

use std::io::{IsTerminal, Write};

use anyhow::{Result, bail};
use rand::SeedableRng;
use rand::rngs::ChaCha20Rng;
use rules::dice::{self, Advantage, Crit, Die, Rolled};
use serde::Serialize;

use crate::commands::cli::{Format, RollArgs};
use crate::commands::output::quiet_if_closed;

/// Rolls the expression `args.times` times and prints each result on its own line.
pub fn run(args: &RollArgs) -> Result<()> {
    let text = std::iter::once(&args.expr)
        .chain(&args.more)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(" ");
    let parsed = match dice::parse_with_comment(&text) {
        Ok(p) => p,
        Err(e) => bail!("{e}"),
    };
    let adv = Advantage::from_sources(usize::from(args.adv), usize::from(args.dis));
    let mut rng = match args.seed {
        Some(seed) => ChaCha20Rng::seed_from_u64(seed),
        None => rand::make_rng(),
    };
    let stdout = std::io::stdout();
    let format = match args.format {
        Format::Auto if stdout.is_terminal() => Format::Ansi,
        Format::Auto => Format::Markdown,
        other => other,
    };
    // The expression as rolled: advantage shows as 2d20kh1.
    let shown = parsed.expr.with_advantage(adv).to_string();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for _ in 0..args.times {
        let rolled = dice::roll_with(&parsed.expr, adv, &mut rng)
            .map_err(|e| anyhow::anyhow!("{text} ← {e}"))?;
        let line = if args.json {
            serde_json::to_string(&JsonRoll::new(&rolled, &shown, parsed.comment.as_deref()))?
        } else {
            human(&rolled, format, parsed.comment.as_deref())
        };
        if let Err(e) = writeln!(out, "{line}") {
            return quiet_if_closed(e);
        }
    }
    out.flush().or_else(quiet_if_closed)
}

fn human(rolled: &Rolled<'_>, format: Format, comment: Option<&str>) -> String {
    let body = match format {
        Format::Ansi => rolled.ansi(),
        Format::Compact => rolled.compact(),
        Format::Markdown | Format::Auto => rolled.markdown(),
    };
    match comment {
        Some(c) => format!("{} — {body}", c.trim()),
        None => body,
    }
}

/// One roll as JSON: the total, crit, the breakdown strings and every die.
#[derive(Serialize)]
struct JsonRoll<'a> {
    expr: &'a str,
    total: i64,
    value: dice::Num,
    crit: Crit,
    comment: Option<&'a str>,
    result: String,
    compact: String,
    dice: Vec<JsonDice<'a>>,
}

/// One dice term (`4d6kh3`) and its dice.
#[derive(Serialize)]
struct JsonDice<'a> {
    expr: String,
    sides: String,
    kept: bool,
    label: Option<String>,
    dice: &'a [Die],
}

impl<'a> JsonRoll<'a> {
    fn new(rolled: &'a Rolled<'a>, expr: &'a str, comment: Option<&'a str>) -> Self {
        let dice = rolled
            .dice_terms()
            .into_iter()
            .map(|(term, node, kept)| JsonDice {
                expr: term.spec(),
                sides: term.size.to_string(),
                kept,
                label: (!node.labels.is_empty()).then(|| node.labels.concat()),
                dice: rolled.dice(term),
            })
            .collect();
        JsonRoll {
            expr,
            total: rolled.total,
            value: rolled.value,
            crit: rolled.crit,
            comment: comment.map(str::trim),
            result: rolled.markdown(),
            compact: rolled.compact(),
            dice,
        }
    }
}
