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

use std::sync::Arc;
use std::time::Duration;

use dm::{Command, PlayerId};
use monsters::{PlanError, Planner, Usage};
use rules::mechanics::LifeState;

use crate::router::{Answer, Envelope, Router, RouterError, Transport};

/// Plays monster turns through a router.
pub struct MonsterTurns {
    router: Arc<Router>,
    planner: Option<Arc<dyn Planner>>,
    budget: Duration,
}

/// What one monster turn came to.
#[derive(Debug)]
pub struct TurnReport {
    /// The monster.
    pub monster: String,
    /// The option it took.
    pub option: String,
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
        // Decide with no lock held: other commands and tables go on.
        let (option, decision) = if alive {
            let request = monsters::view::request(&state, std::slice::from_ref(&monster));
            let d = monsters::decide(self.planner.as_deref(), &request, self.budget).await;
            let option = d
                .moves
                .iter()
                .find(|(a, _, _)| *a == monster)
                .map(|(_, id, _)| id.clone())
                .unwrap_or_else(|| "end".to_owned());
            (option, Some(d))
        } else {
            ("end".to_owned(), None)
        };
        let mut report = TurnReport {
            monster: monster.clone(),
            option: option.clone(),
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
        // Checked again against what is legal now.
        let mut commands = monsters::view::commands(&now, &monster, &option).unwrap_or_default();
        commands.push(Command::EndTurn);
        for (step, command) in commands.into_iter().enumerate() {
            let answer = self
                .router
                .submit(Envelope {
                    transport: Transport::Planner,
                    table: table.to_owned(),
                    sender: dm_sender(&dm_player),
                    request_id: format!("{round}:{turn}:{monster}:{step}"),
                    command: command.clone(),
                })
                .await?;
            let refused = matches!(answer, Answer::Refused { .. });
            report.played.push((command, answer));
            if refused {
                // Cut down on the way (an opportunity attack), or the like:
                // the rest of the plan no longer applies; end the turn.
                let end = self
                    .router
                    .submit(Envelope {
                        transport: Transport::Planner,
                        table: table.to_owned(),
                        sender: dm_sender(&dm_player),
                        request_id: format!("{round}:{turn}:{monster}:end"),
                        command: Command::EndTurn,
                    })
                    .await?;
                report.played.push((Command::EndTurn, end));
                break;
            }
        }
        Ok(Some(report))
    }
}

/// The DM's identity as a sender (identity links map it back to the DM).
fn dm_sender(dm: &PlayerId) -> String {
    dm.0.clone()
}
