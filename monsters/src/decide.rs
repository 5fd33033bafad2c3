//! The shell around a planner: run it under the turn's budget, keep only
//! legal ids, and give every actor without one the tactician's choice.

use std::time::Duration;

use tokio::time::Instant;

use crate::llm::sanitize::sanitize_flavour;
use crate::{ActorTurn, OptionView, PlanError, Planner, TurnRequest, Usage};

/// Who picked an actor's move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The planner's answer, checked against the actor's options.
    Planner,
    /// The tactician's choice, because the planner gave no legal id for
    /// this actor (no planner, an error, a timeout, an unknown id, no answer).
    Fallback,
}

/// The moves for one [`TurnRequest`].
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// One `(actor handle, option id, source)` per actor of the request, in
    /// the request's order; every id is among that actor's options.
    pub moves: Vec<(String, String, Source)>,
    /// The planner's narration line, cleaned again here.
    pub flavour: Option<String>,
    /// Why the planner gave no plan, if it failed. Ids dropped from a plan
    /// that did arrive are not an error: they show as [`Source::Fallback`].
    pub error: Option<PlanError>,
    /// Tokens the planner's call used, if it reported them.
    pub usage: Option<Usage>,
    /// How long deciding took.
    pub latency: Duration,
}

impl Decision {
    /// The option id chosen for `actor`, if it is in the request.
    pub fn choice(&self, actor: &str) -> Option<&str> {
        self.moves
            .iter()
            .find(|(handle, _, _)| handle == actor)
            .map(|(_, id, _)| id.as_str())
    }
}

/// Decides every actor's move: the planner's (if any) within `budget`,
/// else the tactician's. Never fails and never waits past `budget` (plus
/// scheduling). With `planner = None` it is the tactician alone.
pub async fn decide(
    planner: Option<&dyn Planner>,
    request: &TurnRequest,
    budget: Duration,
) -> Decision {
    let start = Instant::now();
    let (plan, error) = match planner {
        None => (None, None),
        Some(planner) => match tokio::time::timeout(budget, planner.plan(request, budget)).await {
            Err(_) => (None, Some(PlanError::Timeout)),
            Ok(Err(error)) => (None, Some(error)),
            Ok(Ok(plan)) => (Some(plan), None),
        },
    };
    let moves = request
        .actors
        .iter()
        .map(|actor| {
            let planned = plan.as_ref().and_then(|plan| {
                plan.moves
                    .iter()
                    .find(|(handle, id)| {
                        *handle == actor.handle && actor.options.iter().any(|o| o.id == *id)
                    })
                    .map(|(_, id)| id.clone())
            });
            match planned {
                Some(id) => (actor.handle.clone(), id, Source::Planner),
                None => (actor.handle.clone(), fallback(actor), Source::Fallback),
            }
        })
        .collect();
    Decision {
        moves,
        flavour: plan
            .as_ref()
            .and_then(|p| p.flavour.as_deref())
            .and_then(sanitize_flavour),
        error,
        usage: plan.and_then(|p| p.usage),
        latency: start.elapsed(),
    }
}

/// The option with the highest score, the first listed on a tie; a NaN
/// score never wins.
pub fn best_scored(options: &[OptionView]) -> Option<&OptionView> {
    let mut best: Option<&OptionView> = None;
    for option in options {
        let better = best
            .is_none_or(|b| option.score > b.score || (b.score.is_nan() && !option.score.is_nan()));
        if better {
            best = Some(option);
        }
    }
    best
}

/// The tactician's id for `actor`; `end` if the (never empty) options are.
fn fallback(actor: &ActorTurn) -> String {
    best_scored(&actor.options).map_or_else(|| "end".to_owned(), |o| o.id.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn option(id: &str, score: f64) -> OptionView {
        OptionView {
            id: id.into(),
            summary: String::new(),
            score,
        }
    }

    #[test]
    fn best_score_wins_and_ties_go_to_the_first() {
        let options = [option("a", 1.0), option("b", 3.0), option("c", 3.0)];
        assert_eq!(best_scored(&options).map(|o| o.id.as_str()), Some("b"));
        let nan_first = [option("a", f64::NAN), option("b", -1.0)];
        assert_eq!(best_scored(&nan_first).map(|o| o.id.as_str()), Some("b"));
        let nan_later = [option("a", -1.0), option("b", f64::NAN)];
        assert_eq!(best_scored(&nan_later).map(|o| o.id.as_str()), Some("a"));
        assert_eq!(best_scored(&[]), None);
    }
}
