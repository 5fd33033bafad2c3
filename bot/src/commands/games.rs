//! Stored games: `dungeon tables`, `dungeon replay`, `dungeon verify` and
//! `dungeon history`.

use anyhow::{Context as _, Result, bail};
use dm::Table;
use dm::seed::TableSeed;
use serde_json::{Value, json};

use crate::commands::cli::{HistoryArgs, StoredArgs, TablesArgs, VerifyArgs};
use crate::commands::output::emit;
use crate::core::replay::{decode, verify_log};
use crate::core::store::Store;

async fn open(database: Option<&str>) -> Result<Store> {
    let url = crate::config::database_url(database);
    Ok(Store::open(&url).await?)
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

/// `dungeon tables`.
pub fn tables(args: &TablesArgs) -> Result<()> {
    runtime()?.block_on(async {
        let store = open(args.database.as_deref()).await?;
        let tables = store.list_tables().await?;
        if args.json {
            for t in &tables {
                let seq = store.last_seq(&t.id).await?;
                emit(&json!({"id": t.id, "meta": t.meta, "created_at_ms": t.created_at_ms, "events": seq}).to_string())?;
            }
            return Ok(());
        }
        if tables.is_empty() {
            return emit("No stored tables yet: `dungeon play` starts one.");
        }
        for t in &tables {
            let seq = store.last_seq(&t.id).await?;
            let via = t.meta["transport"].as_str().unwrap_or("?");
            emit(&format!("{:<32} {via:<8} {seq:>6} events", t.id))?;
        }
        Ok(())
    })
}

/// `dungeon replay TABLE`: folds the log and compares it with the stored
/// snapshots of the live state.
pub fn replay(args: &StoredArgs) -> Result<()> {
    runtime()?.block_on(async {
        let store = open(args.database.as_deref()).await?;
        if store.secret(&args.table).await.is_err() {
            bail!(
                "no table `{}` in the store: `dungeon tables` lists them",
                args.table
            );
        }
        let events = decode(store.events(&args.table, 0).await?)?;
        let mut table = Table::default();
        let snapshot = store.latest_snapshot(&args.table).await?;
        let mut compared = None;
        for (i, e) in events.iter().enumerate() {
            table
                .apply(e)
                .map_err(|err| anyhow::anyhow!("the log does not replay: {err}"))?;
            let seq = i as u64 + 1;
            if let Some((snap_seq, state)) = &snapshot
                && *snap_seq == seq
            {
                compared = Some((seq, differences(&serde_json::to_value(&table)?, state)));
            }
        }
        if args.json {
            return emit(&serde_json::to_string(&table)?);
        }
        emit(&format!(
            "Replayed {} events of table {}: {}",
            events.len(),
            args.table,
            summary(&table)
        ))?;
        if table.build != rules::content::build() {
            emit(&format!(
                "Note: this table was opened by {}, and this is {}: \
                 a difference in the replay may come from that.",
                if table.build.is_empty() {
                    "an older build"
                } else {
                    &table.build
                },
                rules::content::build()
            ))?;
        }
        match compared {
            Some((seq, diffs)) if diffs.is_empty() => emit(&format!(
                "Identical to the live state saved at event {seq}."
            )),
            Some((seq, diffs)) => {
                for d in diffs.iter().take(10) {
                    emit(&format!("  differs: {d}"))?;
                }
                bail!(
                    "the replay differs from the live state saved at event {seq} in {} places",
                    diffs.len()
                )
            }
            None => emit(
                "No saved live state to compare with (the game stopped before its first snapshot).",
            ),
        }
    })
}

/// `dungeon verify TABLE`.
pub fn verify(args: &VerifyArgs) -> Result<()> {
    runtime()?.block_on(async {
        let store = open(args.database.as_deref()).await?;
        let secret = match store.secret(&args.table).await {
            Ok(s) => s,
            Err(_) => bail!(
                "no table `{}` in the store: `dungeon tables` lists them",
                args.table
            ),
        };
        let events = decode(store.events(&args.table, 0).await?)?;
        let stored_seed = if args.use_stored_seed {
            let text = secret.context("this table has no stored seed")?;
            Some(
                text.parse::<TableSeed>()
                    .map_err(|e| anyhow::anyhow!("the stored seed is not valid: {e}"))?,
            )
        } else {
            None
        };
        let v = verify_log(&events, stored_seed.as_ref()).map_err(|e| anyhow::anyhow!(e))?;
        if args.json {
            emit(
                &json!({
                    "table": args.table,
                    "ok": v.is_ok(),
                    "commitment_matches": v.commitment_matches,
                    "rolls_checked": v.rolls_checked,
                    "dice_checked": v.dice_checked,
                    "mismatches": v.mismatches.iter().map(ToString::to_string).collect::<Vec<_>>(),
                })
                .to_string(),
            )?;
        } else {
            emit(&format!(
                "Table {}: {v} ({} dice).",
                args.table, v.dice_checked
            ))?;
        }
        if !v.is_ok() {
            bail!("verification failed");
        }
        Ok(())
    })
}

/// `dungeon history TABLE CHARACTER`.
pub fn history(args: &HistoryArgs) -> Result<()> {
    runtime()?.block_on(async {
        let store = open(args.database.as_deref()).await?;
        let character = args.character.to_lowercase();
        let edits = store.sheet_history(&args.table, &character).await?;
        if edits.is_empty() {
            return emit(&format!(
                "No edits of `{character}` at table {}.",
                args.table
            ));
        }
        for e in edits {
            let changes = differences(&e.after, &e.before);
            if args.json {
                emit(&json!({"at_ms": e.at_ms, "who": e.who, "reason": e.reason, "changes": changes, "before": e.before, "after": e.after}).to_string())?;
            } else {
                let what = if e.before.is_null() {
                    "the sheet was made".to_owned()
                } else if changes.is_empty() {
                    "no change".to_owned()
                } else {
                    changes.join("; ")
                };
                emit(&format!(
                    "{} {} — {}: {what}",
                    utc(e.at_ms / 1000),
                    e.who,
                    e.reason
                ))?;
            }
        }
        Ok(())
    })
}

/// Unix seconds as `YYYY-MM-DD HH:MM UTC` (the proleptic Gregorian
/// calendar, from the count of days since 1970-01-01).
pub fn utc(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Shift the era to start on 0000-03-01 so leap days fall at a year's end.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        rem / 3_600,
        rem % 3_600 / 60
    )
}

/// One line about a table's state.
fn summary(table: &Table) -> String {
    let party: Vec<String> = table
        .characters
        .iter()
        .map(|c| format!("{} {}/{} HP", c.name, c.health.current(), c.health.max()))
        .collect();
    let fight = match &table.encounter {
        Some(e) => format!("a fight in round {}", e.round),
        None => "no fight on".to_owned(),
    };
    format!(
        "{} character{} ({}), {fight}",
        party.len(),
        if party.len() == 1 { "" } else { "s" },
        party.join(", ")
    )
}

/// Where two JSON values differ, as `path: old → new` (the path of the
/// first value; `new` is from `a`, `old` from `b`).
pub fn differences(a: &Value, b: &Value) -> Vec<String> {
    let mut out = Vec::new();
    diff_into("", a, b, &mut out);
    out
}

fn diff_into(path: &str, a: &Value, b: &Value, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for k in keys {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                diff_into(
                    &p,
                    x.get(k).unwrap_or(&Value::Null),
                    y.get(k).unwrap_or(&Value::Null),
                    out,
                );
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                diff_into(&format!("{path}[{i}]"), p, q, out);
            }
        }
        _ if a == b => {}
        _ => out.push(format!("{path}: {} → {}", short(b), short(a))),
    }
}

fn short(v: &Value) -> String {
    let text = v.to_string();
    if text.chars().count() > 40 {
        let cut: String = text.chars().take(37).collect();
        format!("{cut}…")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_dates() {
        assert_eq!(utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(utc(951_782_400), "2000-02-29 00:00 UTC");
        assert_eq!(utc(1_795_249_347), "2026-11-21 08:22 UTC");
        assert_eq!(utc(-86_400), "1969-12-31 00:00 UTC");
    }

    #[test]
    fn differences_name_the_changed_paths() {
        let before = json!({"hp": 10, "name": "Aria", "slots": [2, 1], "gear": {"rope": 1}});
        let after =
            json!({"hp": 7, "name": "Aria", "slots": [1, 1], "gear": {"rope": 1, "gold": 5}});
        assert_eq!(
            differences(&after, &before),
            ["gear.gold: null → 5", "hp: 10 → 7", "slots[0]: 2 → 1"]
        );
        assert!(differences(&after, &after).is_empty());
    }
}
