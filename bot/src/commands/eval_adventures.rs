//! `dungeon eval adventures`: generated dungeons played whole in memory by
//! the built-in party and explorer, the monsters on the tactician, and what
//! came of them: completion rate, party deaths, parties that left, fights
//! per dungeon, median turns, stalls.

use anyhow::{Result, bail};
use dm::adventure::{Params, generate};
use monsters::explore_eval::{Run, play};
use serde_json::json;

use crate::commands::cli::EvalAdventuresArgs;
use crate::commands::output::emit;

/// The figures over a set of runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    /// Dungeons played.
    pub dungeons: usize,
    /// Ended by a goal.
    pub completed: usize,
    /// The whole party fell.
    pub party_deaths: usize,
    /// The party walked out (`leave`), the goals unmet.
    pub left: usize,
    /// Not ended at all: a refused command, no command, or the command
    /// cap. A bug in the explorer or the rules, never a way to end.
    pub stalled: usize,
    /// Fights per dungeon, on average.
    pub fights: f64,
    /// Traps sprung per dungeon, on average.
    pub traps: f64,
    /// Areas visited per dungeon, on average.
    pub visited: f64,
    /// The median of commands and fight turns per dungeon.
    pub median_turns: u32,
}

/// Sums up `runs`.
#[allow(clippy::cast_precision_loss)]
pub fn figures(runs: &[Run]) -> Figures {
    let n = runs.len().max(1) as f64;
    let mut turns: Vec<u32> = runs.iter().map(|r| r.turns).collect();
    turns.sort_unstable();
    Figures {
        dungeons: runs.len(),
        completed: runs.iter().filter(|r| r.completed).count(),
        party_deaths: runs.iter().filter(|r| r.party_died).count(),
        left: runs.iter().filter(|r| r.left).count(),
        stalled: runs.iter().filter(|r| r.stalled).count(),
        fights: runs.iter().map(|r| f64::from(r.fights)).sum::<f64>() / n,
        traps: runs.iter().map(|r| f64::from(r.traps)).sum::<f64>() / n,
        visited: runs.iter().map(|r| r.visited as f64).sum::<f64>() / n,
        median_turns: turns.get(turns.len() / 2).copied().unwrap_or(0),
    }
}

/// Plays `args.generated` dungeons, the i-th from seed `args.seed + i`.
pub fn runs(args: &EvalAdventuresArgs) -> Vec<Run> {
    (0..args.generated)
        .map(|i| {
            let seed = args.seed.wrapping_add(i as u64);
            let dungeon = generate(Params {
                level: args.level,
                party: 4,
                rooms: args.rooms,
                seed,
            });
            play(&dungeon, args.level, seed, &mut monsters::tactician::best)
        })
        .collect()
}

/// `dungeon eval adventures`.
#[allow(clippy::cast_precision_loss)]
pub fn adventures(args: &EvalAdventuresArgs) -> Result<()> {
    if args.generated == 0 {
        bail!("--generated must be at least 1");
    }
    let runs = runs(args);
    let f = figures(&runs);
    // A stall is a bug to look into: say which dungeon and where it stuck.
    for (i, r) in runs.iter().enumerate().filter(|(_, r)| r.stalled) {
        let seed = args.seed.wrapping_add(i as u64);
        eprintln!(
            "stalled: `dungeon adventure generate --level {} --party 4 --rooms {} --seed {seed}` after {} turns; last commands: {}",
            args.level,
            args.rooms,
            r.turns,
            r.last.join(" | ")
        );
    }
    let rate = |k: usize| 100.0 * k as f64 / f.dungeons.max(1) as f64;
    if args.json {
        let v = json!({
            "dungeons": f.dungeons,
            "level": args.level,
            "rooms": args.rooms,
            "seed": args.seed,
            "completion_rate": rate(f.completed) / 100.0,
            "party_deaths": f.party_deaths,
            "left": f.left,
            "stalled": f.stalled,
            "fights_per_dungeon": f.fights,
            "traps_per_dungeon": f.traps,
            "areas_visited": f.visited,
            "median_turns": f.median_turns,
        });
        return emit(&v.to_string());
    }
    emit(&format!(
        "{} dungeons (level {}, {} rooms, seed {}): completed {:.1}%, party deaths {} ({:.1}%), \
         left {} ({:.1}%), stalled {}, fights/dungeon {:.2}, traps/dungeon {:.2}, areas visited {:.1}, median turns {}",
        f.dungeons,
        args.level,
        args.rooms,
        args.seed,
        rate(f.completed),
        f.party_deaths,
        rate(f.party_deaths),
        f.left,
        rate(f.left),
        f.stalled,
        f.fights,
        f.traps,
        f.visited,
        f.median_turns
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_dungeons_play_out_without_a_stall_and_repeat_by_seed() {
        let args = EvalAdventuresArgs {
            generated: 6,
            seed: 1,
            level: 3,
            rooms: 10,
            json: false,
        };
        let a = runs(&args);
        assert_eq!(a, runs(&args));
        let f = figures(&a);
        assert_eq!(f.dungeons, 6);
        assert_eq!(f.stalled, 0, "{f:?}");
        assert_eq!(f.completed + f.party_deaths + f.left, 6, "{f:?}");
        assert!(f.fights > 0.0, "{f:?}");
        assert!(f.median_turns > 0, "{f:?}");
    }
}
