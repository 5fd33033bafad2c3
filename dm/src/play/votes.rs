//! Votes: opening one, the players' ballots, and closing it when all have
//! voted or its time is up (a tie goes to the DM).

use super::{Result, no};
use crate::event::{PlayerId, Reply};
use crate::table::{Table, Vote};

/// How long a vote stays open, in seconds.
const VOTE_SECONDS: u64 = 300;

/// `vote "A" "B"`: opens a vote for the table, for [`VOTE_SECONDS`].
pub(super) fn open(
    table: &mut Table,
    actor: &PlayerId,
    options: &[String],
    now: u64,
    reply: &mut Reply,
) -> Result<()> {
    if table.vote.is_some() {
        return Err(no("a vote is already open — vote with `v N`"));
    }
    if options.len() < 2 {
        return Err(no("a vote needs at least two options"));
    }
    table.vote = Some(Vote {
        opened_by: actor.clone(),
        options: options.to_vec(),
        ballots: Default::default(),
        deadline: now.saturating_add(VOTE_SECONDS),
        go: None,
    });
    let list: Vec<String> = options
        .iter()
        .enumerate()
        .map(|(i, o)| format!("{}. {o}", i + 1))
        .collect();
    reply.say(format!("Vote open for 5 minutes: {}", list.join("  ")));
    reply.announce = true;
    Ok(())
}

/// `v N`: the actor's ballot; the vote closes once every player has voted.
/// Returns where the party goes if that settled a vote to go.
pub(super) fn ballot(
    table: &mut Table,
    actor: &PlayerId,
    option: &str,
    reply: &mut Reply,
) -> Result<Option<String>> {
    let vote = table
        .vote
        .as_mut()
        .ok_or_else(|| no("no vote is open — open one with `vote \"a\" \"b\"`"))?;
    let pick = pick_option(&vote.options, option)?;
    vote.ballots.insert(actor.clone(), pick);
    reply.say(format!("Vote for {}.", vote.options[pick]));
    let is_go = vote.go.is_some();
    let voters = if is_go {
        super::explore::party_players(table)
    } else {
        table.players.len()
    }
    .max(1);
    if table
        .vote
        .as_ref()
        .is_some_and(|v| v.ballots.len() >= voters)
    {
        return Ok(close_vote(table, reply));
    }
    Ok(None)
}

pub(super) fn pick_option(options: &[String], query: &str) -> Result<usize> {
    if let Ok(n) = query.trim().parse::<usize>() {
        return (1..=options.len())
            .contains(&n)
            .then(|| n - 1)
            .ok_or_else(|| no(format!("pick 1 to {}", options.len())));
    }
    let q = query.trim().to_lowercase();
    let hits: Vec<usize> = options
        .iter()
        .enumerate()
        .filter(|(_, o)| o.to_lowercase().starts_with(&q))
        .map(|(i, _)| i)
        .collect();
    match hits.as_slice() {
        [one] => Ok(*one),
        _ => Err(no(format!("pick one of 1 to {}", options.len()))),
    }
}

/// Closes the vote if its time is up; where the party goes if the vote
/// was to go and won.
pub(super) fn close_vote_if_due(table: &mut Table, now: u64, reply: &mut Reply) -> Option<String> {
    if table.vote.as_ref().is_some_and(|v| now >= v.deadline) {
        return close_vote(table, reply);
    }
    None
}

fn close_vote(table: &mut Table, reply: &mut Reply) -> Option<String> {
    let vote = table.vote.take()?;
    reply.announce = true;
    let mut counts = vec![0usize; vote.options.len()];
    for &b in vote.ballots.values() {
        if let Some(c) = counts.get_mut(b) {
            *c += 1;
        }
    }
    let best = counts.iter().copied().max().unwrap_or(0);
    let winners: Vec<usize> = (0..counts.len()).filter(|&i| counts[i] == best).collect();
    if best == 0 || winners.len() > 1 {
        reply.say("The vote is tied — the DM decides with `dm decide N`.");
        table.vote = Some(Vote {
            deadline: u64::MAX,
            ..vote
        });
        None
    } else {
        let w = winners[0];
        table.settled_vote = Some(vote.options[w].clone());
        reply.say(format!(
            "The party chooses: {} ({best} votes).",
            vote.options[w]
        ));
        vote.go.filter(|_| w == 0)
    }
}
