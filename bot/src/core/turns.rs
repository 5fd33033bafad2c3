//! Monster turns at any table the router serves.
//!
//! The core never waits on the network: the planner's call is an effect
//! run here, in the shell, with no lock held on the table, under the turn's
//! budget (the tactician plays whatever the planner fails on or is slow
//! with). Its answer comes back as ordinary commands from the table's DM,
//! submitted through the router like anyone's; if the table moved on while
//! the planner thought (the DM ended the turn), the answer is dropped. A
//! slow model at one table holds up no other.
//!
//! The commands' request ids name the table, round, turn and step, so a
//! turn played twice (two processes, a retry) applies once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use dm::Command;
use monsters::{PlanError, Planner, Usage};
use rules::mechanics::LifeState;

use crate::core::router::{Answer, Envelope, Router, RouterError, Transport};

/// Plays monster turns through a router. Cheap to clone: every transport
/// of a process shares one (and its group plans).
#[derive(Clone)]
pub struct MonsterTurns {
    router: Arc<Router>,
    planner: Option<Arc<dyn Planner>>,
    budget: Duration,
    /// Choices made for the rest of a group in its first member's call:
    /// `(table, round, monster) → option id`.
    planned: Arc<Mutex<Plans>>,
}

/// Group plans: `(table, round, monster) → option id`.
type Plans = HashMap<(String, u32, String), String>;

/// The most monsters one planner call decides for.
const GROUP: usize = 6;

/// What one monster turn came to.
#[derive(Debug)]
pub struct TurnReport {
    /// The monster.
    pub monster: String,
    /// The option it took.
    pub option: String,
    /// Its choice came from the call made for its group's first member.
    pub from_group: bool,
    /// The planner's line of narration, if any.
    pub flavour: Option<String>,
    /// Why the planner's answer was not used, if it was not.
    pub error: Option<PlanError>,
    /// Tokens the planner's call used.
    pub usage: Option<Usage>,
    /// How long deciding took.
    pub latency: Duration,
    /// The commands submitted and their answers, the end of the turn last.
    pub played: Vec<(Command, Answer)>,
    /// The table moved on while the planner thought: nothing was played.
    pub dropped: bool,
}

/// Where a fight stands: the round and whose turn it is.
fn marker(table: &dm::Table) -> Option<(u32, usize, String)> {
    let enc = table.encounter.as_ref()?;
    Some((enc.round, enc.turn, enc.current()?.to_owned()))
}

impl MonsterTurns {
    /// Monster turns through `router`, by `planner` (the tactician alone
    /// with `None`), each waiting at most `budget` for it.
    pub fn new(router: Arc<Router>, planner: Option<Arc<dyn Planner>>, budget: Duration) -> Self {
        Self {
            router,
            planner,
            budget,
            planned: Arc::default(),
        }
    }

    /// Plays the monster turn due at `table`, if it is a monster's turn.
    pub async fn play_due(&self, table: &str) -> Result<Option<TurnReport>, RouterError> {
        let state = self.router.table(table).await?;
        let Some(at) = marker(&state) else {
            return Ok(None);
        };
        let (round, turn, monster) = at.clone();
        let Some(enc) = state.encounter.as_ref() else {
            return Ok(None);
        };
        let Some(m) = enc.monster(&monster) else {
            return Ok(None);
        };
        let Some(dm_player) = state.dm.clone() else {
            return Ok(None);
        };
        let alive = m.health.state() == LifeState::Conscious;
        let key = (table.to_owned(), round, monster.clone());
        let planned = self.lock().remove(&key);
        let from_group = alive && planned.is_some();
        // Decide with no lock held: other commands and tables go on.
        let (option, decision) = match (alive, planned) {
            (false, _) => ("end".to_owned(), None),
            // Chosen in the call of the group's first member.
            (true, Some(id)) => (id, None),
            (true, None) => {
                // The monsters of this kind that act right after it, alive:
                // one call decides for the whole group.
                let group: Vec<String> = enc.order[turn..]
                    .iter()
                    .map(|s| s.handle.clone())
                    .take_while(|h| {
                        enc.monster(h).is_some_and(|x| {
                            x.monster == m.monster && x.health.state() == LifeState::Conscious
                        })
                    })
                    .take(GROUP)
                    .collect();
                let request = monsters::view::request(&state, &group);
                let d = monsters::decide(self.planner.as_deref(), &request, self.budget).await;
                if let Some(planner) = &self.planner {
                    let fallback = d.error.as_ref().map(PlanError::kind);
                    crate::ops::telemetry::llm_call(planner.name(), d.latency, d.usage, fallback);
                }
                let mut option = "end".to_owned();
                let mut later = self.lock();
                // Whatever an earlier round planned and never played is stale.
                later.retain(|(t, r, _), _| t != table || *r >= round);
                for (actor, id, _) in &d.moves {
                    if *actor == monster {
                        option.clone_from(id);
                    } else {
                        later.insert((table.to_owned(), round, actor.clone()), id.clone());
                    }
                }
                drop(later);
                (option, Some(d))
            }
        };
        let mut report = TurnReport {
            monster: monster.clone(),
            option: option.clone(),
            from_group,
            flavour: decision.as_ref().and_then(|d| d.flavour.clone()),
            error: decision.as_ref().and_then(|d| d.error.clone()),
            usage: decision.as_ref().and_then(|d| d.usage),
            latency: decision.as_ref().map_or(Duration::ZERO, |d| d.latency),
            played: Vec::new(),
            dropped: false,
        };
        // The table may have moved on while the planner thought.
        let now = self.router.table(table).await?;
        if marker(&now) != Some(at) {
            report.dropped = true;
            return Ok(Some(report));
        }
        // Checked again against what is legal now; if the choice no longer
        // is (its target fell meanwhile), the tactician chooses afresh.
        let mut commands = match monsters::view::commands(&now, &monster, &option) {
            Some(c) => c,
            None => {
                let request = monsters::view::request(&now, std::slice::from_ref(&monster));
                let best = monsters::tactician::best(&request);
                let id = best
                    .moves
                    .first()
                    .map(|(_, id)| id.clone())
                    .unwrap_or_default();
                report.option.clone_from(&id);
                monsters::view::commands(&now, &monster, &id).unwrap_or_default()
            }
        };
        commands.push(Command::EndTurn);
        let submit = |step: String, command: Command| {
            self.router.submit(Envelope {
                transport: Transport::Planner,
                table: table.to_owned(),
                sender: dm_player.0.clone(),
                request_id: format!("{round}:{turn}:{monster}:{step}"),
                command,
            })
        };
        for (step, command) in commands.into_iter().enumerate() {
            let answer = submit(step.to_string(), command.clone()).await?;
            let refused = matches!(answer, Answer::Refused { .. });
            report.played.push((command, answer));
            if refused {
                // Cut down on the way (an opportunity attack), or the like:
                // the rest of the plan no longer applies; end the turn.
                let end = submit("end".to_owned(), Command::EndTurn).await?;
                report.played.push((Command::EndTurn, end));
                break;
            }
        }
        Ok(Some(report))
    }
}

impl MonsterTurns {
    fn lock(&self) -> std::sync::MutexGuard<'_, Plans> {
        self.planned
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
