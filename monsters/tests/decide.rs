//! `decide` with stub planners, on a paused clock: the shell's guarantees
//! without any network.

mod common;

use std::time::Duration;

use common::{TACTICIAN, assert_legal, goblins_vs_party};
use monsters::{Plan, PlanError, PlanFuture, Planner, Source, TurnRequest, Usage, decide};

/// A planner that answers `result` after `delay`.
struct Stub {
    delay: Duration,
    result: Result<Plan, PlanError>,
}

impl Planner for Stub {
    fn name(&self) -> &'static str {
        "stub"
    }

    fn plan<'a>(&'a self, _: &'a TurnRequest, _: Duration) -> PlanFuture<'a> {
        Box::pin(async move {
            tokio::time::sleep(self.delay).await;
            self.result.clone()
        })
    }
}

fn plan(moves: &[(&str, &str)]) -> Plan {
    Plan {
        moves: moves
            .iter()
            .map(|(a, id)| ((*a).to_owned(), (*id).to_owned()))
            .collect(),
        flavour: Some("They **howl** @everyone".into()),
        usage: Some(Usage {
            prompt: 10,
            output: 2,
        }),
    }
}

const BUDGET: Duration = Duration::from_millis(500);

#[tokio::test(start_paused = true)]
async fn without_a_planner_the_tactician_plays() {
    let request = goblins_vs_party();
    let d = decide(None, &request, BUDGET).await;
    assert_legal(&d, &request, BUDGET);
    assert!(
        d.moves
            .iter()
            .all(|(_, id, s)| id == TACTICIAN && *s == Source::Fallback)
    );
    assert_eq!((d.error, d.flavour, d.usage), (None, None, None));
}

#[tokio::test(start_paused = true)]
async fn a_planner_that_never_answers_is_cut_off_at_the_budget() {
    let stub = Stub {
        delay: Duration::from_secs(3600),
        result: Ok(plan(&[("g1", "end")])),
    };
    let request = goblins_vs_party();
    let d = decide(Some(&stub), &request, BUDGET).await;
    assert_legal(&d, &request, BUDGET);
    assert_eq!(d.error, Some(PlanError::Timeout));
    assert_eq!(d.latency, BUDGET);
    assert!(d.moves.iter().all(|(_, _, s)| *s == Source::Fallback));
}

#[tokio::test(start_paused = true)]
async fn planner_moves_are_checked_and_flavour_cleaned() {
    let moves = [
        ("g3", "hide"),
        ("g1", "no-such-id"),
        ("g1", "dash"),
        ("x9", "end"),
        ("g3", "end"),
    ];
    let stub = Stub {
        delay: Duration::from_millis(100),
        result: Ok(plan(&moves)),
    };
    let request = goblins_vs_party();
    let d = decide(Some(&stub), &request, BUDGET).await;
    assert_legal(&d, &request, BUDGET);
    assert_eq!(
        d.moves,
        [
            ("g1".to_owned(), "dash".to_owned(), Source::Planner),
            ("g2".to_owned(), TACTICIAN.to_owned(), Source::Fallback),
            ("g3".to_owned(), "hide".to_owned(), Source::Planner),
        ]
    );
    assert_eq!(d.flavour.as_deref(), Some("They howl"));
    assert_eq!(
        d.usage,
        Some(Usage {
            prompt: 10,
            output: 2
        })
    );
    assert_eq!(d.latency, Duration::from_millis(100));
}

#[tokio::test(start_paused = true)]
async fn a_planner_error_is_reported_and_everyone_falls_back() {
    let stub = Stub {
        delay: Duration::ZERO,
        result: Err(PlanError::Unavailable("503".into())),
    };
    let request = goblins_vs_party();
    let d = decide(Some(&stub), &request, BUDGET).await;
    assert_legal(&d, &request, BUDGET);
    assert_eq!(d.error.as_ref().map(PlanError::kind), Some("unavailable"));
    assert!(
        d.moves
            .iter()
            .all(|(_, id, s)| id == TACTICIAN && *s == Source::Fallback)
    );
}
