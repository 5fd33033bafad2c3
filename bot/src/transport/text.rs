//! The plain text of a reply line: what the console prints, and what the
//! radio measures its own compact form against.

use dm::Line;

/// One reply line as console text.
pub fn render_line(line: &Line) -> String {
    match line {
        Line::Roll {
            who,
            label,
            detail,
            total,
        } => {
            if detail.contains('=') {
                format!("{who} — {label}: {detail}")
            } else {
                format!("{who} — {label}: {detail} = {total}")
            }
        }
        Line::Attack {
            attacker,
            target,
            with,
            d20,
            total,
            ac,
            result,
            ..
        } => format!("{attacker} → {target} ({with}): d20 {d20} → {total} vs AC {ac}: {result}"),
        Line::Save {
            who,
            what,
            total,
            dc,
            success,
        } => format!(
            "{who} saves ({what}): {} vs DC {dc}: {}",
            total.map_or_else(|| "auto-fail".to_string(), |t| t.to_string()),
            if *success { "success" } else { "failure" }
        ),
        Line::Damage {
            target,
            amount,
            types,
            hp,
            max_hp,
            state,
            ..
        } => {
            let kind = if types.is_empty() {
                String::new()
            } else {
                format!(" {types}")
            };
            let st = if state.is_empty() {
                String::new()
            } else {
                format!(" — {state}")
            };
            format!("{target} takes {amount}{kind} damage: {hp}/{max_hp} HP{st}")
        }
        Line::Heal {
            target,
            amount,
            hp,
            max_hp,
            ..
        } => format!("{target} heals {amount}: {hp}/{max_hp} HP"),
        Line::Effect {
            target,
            what,
            began,
        } => {
            if *began {
                format!("{target}: {what}")
            } else {
                format!("{target}: {what} ends")
            }
        }
        Line::Character {
            name,
            level,
            race,
            class,
            max_hp,
            ac,
            speed,
            scores,
        } => format!(
            "{name} — level {level} {race} {class}: HP {max_hp}, AC {ac}, speed {speed} ft. Scores {}.",
            dm::event::scores_text(scores)
        ),
        Line::Xp {
            who,
            amount,
            total,
            level_up,
        } => format!(
            "{who} gains {amount} XP ({total} total){}.",
            if *level_up {
                " — enough for the next level: `levelup`"
            } else {
                ""
            }
        ),
        Line::Note { text } => text.clone(),
        Line::Recap { text, .. } => text.clone(),
        Line::Narration { text, .. } => format!("~ {text}"),
        Line::Area {
            name,
            text,
            exits,
            things,
            ..
        } => {
            let mut out = format!("== {name} ==\n{text}");
            if exits.is_empty() {
                out.push_str("\nNo way on.");
            } else {
                out.push_str(&format!("\nExits: {}", exits.join(", ")));
            }
            if !things.is_empty() {
                out.push_str(&format!("\nHere: {}", things.join(", ")));
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xp_reads_as_before() {
        let xp = |level_up| Line::Xp {
            who: "Brom".into(),
            amount: 100,
            total: 2_700,
            level_up,
        };
        assert_eq!(render_line(&xp(false)), "Brom gains 100 XP (2700 total).");
        assert_eq!(
            render_line(&xp(true)),
            "Brom gains 100 XP (2700 total) — enough for the next level: `levelup`."
        );
    }

    #[test]
    fn a_new_character_is_one_line() {
        let brom = Line::Character {
            name: "Brom".into(),
            level: 3,
            race: "dwarf".into(),
            class: "fighter".into(),
            max_hp: 31,
            ac: 18,
            speed: 25,
            scores: [15, 13, 16, 8, 13, 10],
        };
        assert_eq!(
            render_line(&brom),
            "Brom — level 3 dwarf fighter: HP 31, AC 18, speed 25 ft. \
             Scores STR 15, DEX 13, CON 16, INT 8, WIS 13, CHA 10."
        );
    }
}
