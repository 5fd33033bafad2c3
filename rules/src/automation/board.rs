//! The ongoing effects of an encounter between turns: who has what, until
//! when, and what happens on their turns.
//!
//! The board is plain data (it serializes with the encounter) driven by the
//! DM core: [`Board::apply`] after a run, [`Board::start_turn`] and
//! [`Board::end_turn`] around each turn, [`Board::damaged`] after damage,
//! [`Board::used`] after an attack or a save, [`Board::end_concentration`]
//! when a caster's concentration breaks. Durations count the turns of the
//! creature they are measured on, so "until the start of your next turn"
//! and "1 minute" need no clock, and a reaction cast off-turn (Shield) ends
//! at the right moment.

use serde::{Deserialize, Serialize};

use super::engine::{CastFigures, Context, Resolution, run, saving_throw};
use super::{AutomationError, Target};
use crate::content::{Lasting, Modifiers, Ongoing, TurnPoint, UsedBy};
use crate::dice::DieRoller;
use crate::mechanics::{Condition, CreatureId, TestOutcome};
use crate::mechanics::{Directed, Limits};

/// An ongoing effect's handle on the board.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EffectId(pub u64);

/// One ongoing effect on one creature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActiveEffect {
    /// Its handle.
    pub id: EffectId,
    /// The creature it is on.
    pub on: CreatureId,
    /// The creature that caused it.
    pub source: CreatureId,
    /// What it does, as the content describes it.
    pub effect: Ongoing,
    /// The conditions that landed (immunities left out).
    pub conditions: Vec<Condition>,
    /// The DC a save to end it (and its saves on later turns) use.
    pub dc: i32,
    /// It ends when its source's concentration does.
    pub concentration: bool,
    /// The figures of the cast that created it, for damage on later turns.
    pub figures: CastFigures,
    /// When it runs out: on whose turn, at which point, after how many more.
    pub expires: Option<(CreatureId, TurnPoint, u32)>,
    /// A one-time effect on a later turn has happened.
    pub triggered: bool,
    /// Its saves to end it so far: successes, failures.
    #[serde(default)]
    pub tally: [u8; 2],
}

/// Why an effect ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    /// Its duration ran out.
    Expired,
    /// The creature saved against it.
    Saved,
    /// Its source's concentration ended.
    ConcentrationEnded,
    /// Damage ended it.
    Damaged,
    /// The roll it was for was made.
    UsedUp,
    /// It was removed (escaped, dispelled, ended by the table).
    Removed,
    /// The creature failed its saves against it too often: what it turns
    /// into follows ([`crate::content::Ongoing::on_failures`]).
    FailedSaves,
}

/// An effect that ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ended {
    /// Its handle.
    pub id: EffectId,
    /// Its name.
    pub name: String,
    /// The creature it was on.
    pub on: CreatureId,
    /// The conditions it had imposed.
    pub conditions: Vec<Condition>,
    /// Why.
    pub why: EndReason,
    /// The effect that followed it on the same creature (Haste's lethargy).
    pub followed_by: Option<EffectId>,
}

/// Something that happened at the start or end of a turn.
#[derive(Debug, Clone, PartialEq)]
pub enum TurnEvent {
    /// An effect ended.
    Ended(Ended),
    /// The creature saved against an effect (and it ended if it succeeded).
    Save {
        /// The effect.
        id: EffectId,
        /// Its name.
        name: String,
        /// The creature that saved.
        on: CreatureId,
        /// The roll.
        outcome: TestOutcome,
    },
    /// An effect did its work on the creature's turn (damage from a cloud,
    /// acid that keeps burning).
    Triggered {
        /// The effect.
        id: EffectId,
        /// Its name.
        name: String,
        /// What it did.
        resolutions: Vec<Resolution>,
    },
}

/// Every ongoing effect of an encounter.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Board {
    effects: Vec<ActiveEffect>,
    next: u64,
    /// Whose turn it is, between `start_turn` and `end_turn`.
    turn: Option<CreatureId>,
}

impl Board {
    /// An empty board.
    pub fn new() -> Self {
        Self::default()
    }

    /// Every effect, oldest first.
    pub fn effects(&self) -> &[ActiveEffect] {
        &self.effects
    }

    /// The effects on `creature`, oldest first.
    pub fn on<'a>(&'a self, creature: &'a CreatureId) -> impl Iterator<Item = &'a ActiveEffect> {
        self.effects.iter().filter(move |e| e.on == *creature)
    }

    /// Puts the ongoing effects of a run on their creatures: `targets[i]` is
    /// the creature of resolution target `i`, `source` the one who acted. A
    /// concentration spell first ends the effects of the source's previous
    /// concentration (those are returned).
    pub fn apply(
        &mut self,
        source: &CreatureId,
        targets: &[CreatureId],
        resolutions: &[Resolution],
        figures: CastFigures,
        concentration: bool,
    ) -> (Vec<EffectId>, Vec<Ended>) {
        let ended = if concentration {
            self.end_concentration(source)
        } else {
            Vec::new()
        };
        let mut added = Vec::new();
        for r in resolutions {
            for applied in &r.applied {
                let on = if applied.on_self {
                    source.clone()
                } else {
                    match targets.get(r.target) {
                        Some(t) => t.clone(),
                        None => continue,
                    }
                };
                let effect = &applied.effect;
                // The same effect from the same source doesn't stack: the new one replaces it.
                self.effects.retain(|e| {
                    !(e.on == on && e.source == *source && e.effect.name == effect.name)
                });
                let expires = effect.duration.map(|d| self.expiry(d, source, &on));
                let id = EffectId(self.next);
                self.next += 1;
                self.effects.push(ActiveEffect {
                    id,
                    on,
                    source: source.clone(),
                    effect: effect.clone(),
                    conditions: applied.conditions.clone(),
                    dc: applied.dc,
                    concentration,
                    figures,
                    expires,
                    triggered: false,
                    tally: [0, 0],
                });
                added.push(id);
            }
        }
        (added, ended)
    }

    /// When a duration runs out, counted on someone's turns. "Next turn"
    /// means the next one to start: during that creature's own turn, the
    /// end of the current turn does not count.
    fn expiry(
        &self,
        duration: Lasting,
        source: &CreatureId,
        on: &CreatureId,
    ) -> (CreatureId, TurnPoint, u32) {
        let now = |c: &CreatureId| self.turn.as_ref() == Some(c);
        match duration {
            Lasting::Rounds { rounds } => (source.clone(), TurnPoint::Start, rounds.max(1)),
            Lasting::StartOfSourceTurn => (source.clone(), TurnPoint::Start, 1),
            Lasting::EndOfSourceTurn => {
                (source.clone(), TurnPoint::End, 1 + u32::from(now(source)))
            }
            Lasting::StartOfOwnTurn => (on.clone(), TurnPoint::Start, 1),
            Lasting::EndOfOwnTurn => (on.clone(), TurnPoint::End, 1 + u32::from(now(on))),
            Lasting::EndOfThisTurn => (on.clone(), TurnPoint::End, 1),
        }
    }

    /// The start of `creature`'s turn: durations measured on it run down,
    /// then its effects that act at the start of its turn do (a save to end
    /// one, damage from a cloud). `target` describes the creature now.
    pub fn start_turn(
        &mut self,
        creature: &CreatureId,
        target: &Target,
        roller: &mut (impl DieRoller + ?Sized),
    ) -> Result<Vec<TurnEvent>, AutomationError> {
        self.turn = Some(creature.clone());
        let mut events = self.run_down(creature, TurnPoint::Start);
        self.turn_point(creature, TurnPoint::Start, target, roller, &mut events)?;
        Ok(events)
    }

    /// The end of `creature`'s turn: its effects that act at the end of its
    /// turn do (Hold Person's save, Acid Arrow's burn), then durations
    /// measured on it run down.
    pub fn end_turn(
        &mut self,
        creature: &CreatureId,
        target: &Target,
        roller: &mut (impl DieRoller + ?Sized),
    ) -> Result<Vec<TurnEvent>, AutomationError> {
        let mut events = Vec::new();
        self.turn_point(creature, TurnPoint::End, target, roller, &mut events)?;
        events.extend(self.run_down(creature, TurnPoint::End));
        self.turn = None;
        Ok(events)
    }

    fn run_down(&mut self, creature: &CreatureId, point: TurnPoint) -> Vec<TurnEvent> {
        let mut expired = Vec::new();
        for e in &mut self.effects {
            if let Some((who, at, left)) = &mut e.expires
                && who == creature
                && *at == point
            {
                *left = left.saturating_sub(1);
                if *left == 0 {
                    expired.push(e.id);
                }
            }
        }
        expired
            .into_iter()
            .filter_map(|id| self.end(id, EndReason::Expired))
            .map(TurnEvent::Ended)
            .collect()
    }

    fn turn_point(
        &mut self,
        creature: &CreatureId,
        point: TurnPoint,
        target: &Target,
        roller: &mut (impl DieRoller + ?Sized),
        events: &mut Vec<TurnEvent>,
    ) -> Result<(), AutomationError> {
        let ids: Vec<EffectId> = self.on(creature).map(|e| e.id).collect();
        for id in ids {
            let Some(e) = self.effects.iter().find(|e| e.id == id).cloned() else {
                continue;
            };
            if let Some(each) = e.effect.each_turn.as_ref().filter(|t| t.when == point)
                && !(each.once && e.triggered)
            {
                let ctx = Context {
                    name: e.effect.name.clone(),
                    figures: CastFigures {
                        save_dc: e.dc,
                        ..e.figures
                    },
                    ..Context::default()
                };
                let resolutions = run(&each.effects, &ctx, std::slice::from_ref(target), roller)?;
                // What it put on the creature (a web's hold, a behaviour
                // for the turn) goes on the board at once.
                self.place_triggered(&e, &resolutions);
                events.push(TurnEvent::Triggered {
                    id,
                    name: e.effect.name.clone(),
                    resolutions,
                });
                if let Some(live) = self.effects.iter_mut().find(|x| x.id == id) {
                    live.triggered = true;
                }
                // A one-time burn with nothing else to it is over once it burned.
                if each.once && e.conditions.is_empty() && e.effect.modifiers.is_empty() {
                    events.extend(self.end(id, EndReason::Expired).map(TurnEvent::Ended));
                    continue;
                }
            }
            if let Some(save) = e
                .effect
                .save_ends
                .filter(|s| s.when == point && !s.damage_only && !s.on_source_turn)
                .filter(|s| !s.out_of_sight || target.out_of_sight_of.contains(&e.source))
            {
                self.save_to_end(&e, save, target, roller, events)?;
            }
        }
        Ok(())
    }

    /// Damage to `creature`: effects on it that damage ends (Sleep) end,
    /// then it saves against those that allow a save when it takes damage
    /// (Dominate Person; Hideous Laughter's with advantage), each ending on
    /// a success. `target` describes the creature now. Its concentration
    /// save is the DM core's ([`crate::mechanics::Concentration`]); on a
    /// failure, call [`Board::end_concentration`].
    pub fn damaged(
        &mut self,
        creature: &CreatureId,
        target: &Target,
        roller: &mut (impl DieRoller + ?Sized),
    ) -> Result<Vec<TurnEvent>, AutomationError> {
        let ids: Vec<EffectId> = self
            .on(creature)
            .filter(|e| e.effect.ends_on_damage)
            .map(|e| e.id)
            .collect();
        let mut events: Vec<TurnEvent> = ids
            .into_iter()
            .filter_map(|id| self.end(id, EndReason::Damaged))
            .map(TurnEvent::Ended)
            .collect();
        let saves: Vec<(EffectId, crate::content::SaveEnds, i32, String)> = self
            .on(creature)
            .filter_map(|e| {
                let save = e.effect.save_ends.filter(|s| s.on_damage)?;
                Some((e.id, save, e.dc, e.effect.name.clone()))
            })
            .collect();
        for (id, save, dc, name) in saves {
            let dc = save
                .dc
                .map_or(dc, |dc| i32::try_from(dc).unwrap_or(i32::MAX));
            let outcome = if save.advantage_on_damage {
                let mut helped = target.clone();
                helped.modifiers.save_advantage.push(save.ability);
                saving_throw(&helped, save.ability, dc, roller)?
            } else {
                saving_throw(target, save.ability, dc, roller)?
            };
            let success = outcome.success();
            events.push(TurnEvent::Save {
                id,
                name,
                on: creature.clone(),
                outcome,
            });
            if success {
                events.extend(self.end(id, EndReason::Saved).map(TurnEvent::Ended));
            }
        }
        Ok(events)
    }

    /// A roll was made that uses up effects: an attack against `creature`
    /// ([`UsedBy::AttackAgainst`]), or its own attack, save or check.
    pub fn used(&mut self, creature: &CreatureId, roll: UsedBy) -> Vec<Ended> {
        let ids: Vec<EffectId> = self
            .on(creature)
            .filter(|e| e.effect.used_by == Some(roll))
            .map(|e| e.id)
            .collect();
        ids.into_iter()
            .filter_map(|id| self.end(id, EndReason::UsedUp))
            .collect()
    }

    /// `source`'s concentration ended: every effect that depends on it ends.
    pub fn end_concentration(&mut self, source: &CreatureId) -> Vec<Ended> {
        let ids: Vec<EffectId> = self
            .effects
            .iter()
            .filter(|e| e.concentration && e.source == *source)
            .map(|e| e.id)
            .collect();
        ids.into_iter()
            .filter_map(|id| self.end(id, EndReason::ConcentrationEnded))
            .collect()
    }

    /// Whether `creature` keeps an effect going by concentration.
    pub fn concentrating(&self, creature: &CreatureId) -> bool {
        self.effects
            .iter()
            .any(|e| e.concentration && e.source == *creature)
    }

    /// Removes one effect (an escape from a grapple, a dispel, the table's call).
    pub fn remove(&mut self, id: EffectId) -> Option<Ended> {
        self.end(id, EndReason::Removed)
    }

    /// Removes every effect on `creature` (it left the fight or died) and
    /// every effect it keeps going by concentration.
    pub fn remove_creature(&mut self, creature: &CreatureId) -> Vec<Ended> {
        let ids: Vec<EffectId> = self
            .effects
            .iter()
            .filter(|e| e.on == *creature || (e.concentration && e.source == *creature))
            .map(|e| e.id)
            .collect();
        let ended = ids
            .into_iter()
            .filter_map(|id| self.end(id, EndReason::Removed))
            .collect();
        // Nothing follows on a creature that left the fight.
        self.effects.retain(|e| e.on != *creature);
        ended
    }

    fn end(&mut self, id: EffectId, why: EndReason) -> Option<Ended> {
        let i = self.effects.iter().position(|e| e.id == id)?;
        let e = self.effects.remove(i);
        let follows = matches!(
            why,
            EndReason::Expired | EndReason::ConcentrationEnded | EndReason::Removed
        );
        let next = if why == EndReason::FailedSaves {
            e.effect.on_failures.as_deref()
        } else {
            e.effect.after.as_deref().filter(|_| follows)
        };
        let followed_by = match next {
            Some(after) => Some(self.place(
                &e.on,
                &e.source,
                after.clone(),
                after.conditions.clone(),
                e.dc,
                e.figures,
                false,
            )),
            _ => None,
        };
        Some(Ended {
            id,
            name: e.effect.name,
            on: e.on,
            conditions: e.conditions,
            why,
            followed_by,
        })
    }

    /// The actions and spells `creature` is immune to for now, after saving
    /// against them (for [`Target::immune_to`]).
    pub fn immunities(&self, creature: &CreatureId) -> Vec<String> {
        self.on(creature)
            .filter_map(|e| e.effect.immunity_to.clone())
            .collect()
    }

    /// The conditions `creature`'s effects impose, without repeats.
    pub fn conditions(&self, creature: &CreatureId) -> Vec<Condition> {
        // A condition its effects make it immune to is suppressed while
        // they last (Calm Emotions), and back when they end.
        let suppressed = self.modifiers(creature).condition_immunities;
        let mut out: Vec<Condition> = Vec::new();
        for c in self.on(creature).flat_map(|e| &e.conditions) {
            if !out.contains(c) && !suppressed.contains(c) {
                out.push(*c);
            }
        }
        out
    }

    /// The bonuses and penalties of `creature`'s effects, summed. Effects
    /// with the same name (two Blesses) don't combine: the first counts.
    /// Advantage from one effect and disadvantage from another cancel.
    pub fn modifiers(&self, creature: &CreatureId) -> Modifiers {
        let mut seen: Vec<&str> = Vec::new();
        let mut sum = Modifiers::default();
        let (mut attacks, mut attacked) = ([false; 2], [false; 2]);
        let mut checks = [false; 2];
        for e in self.on(creature) {
            if seen.contains(&e.effect.name.as_str()) {
                continue;
            }
            seen.push(&e.effect.name);
            let m = &e.effect.modifiers;
            sum.ac = sum.ac.saturating_add(m.ac);
            sum.ac_floor = sum.ac_floor.max(m.ac_floor);
            sum.ac_base = sum.ac_base.max(m.ac_base);
            join_dice(&mut sum.attack_dice, &m.attack_dice);
            join_dice(&mut sum.save_dice, &m.save_dice);
            join_dice(&mut sum.check_dice, &m.check_dice);
            note_sign(&mut attacks, m.attacks);
            note_sign(&mut attacked, m.attacked);
            union(&mut sum.save_advantage, &m.save_advantage);
            union(&mut sum.save_disadvantage, &m.save_disadvantage);
            union(&mut sum.resistances, &m.resistances);
            union(&mut sum.immunities, &m.immunities);
            if sum.weapon_damage.is_none() {
                sum.weapon_damage.clone_from(&m.weapon_damage);
            }
            sum.speed = sum.speed.saturating_add(m.speed);
            sum.speed_halves = match (sum.speed_halves, m.speed_halves) {
                (Some(a), Some(b)) => Some(((u16::from(a) * u16::from(b)) / 2).min(255) as u8),
                (a, b) => a.or(b),
            };
            sum.no_reactions |= m.no_reactions;
            sum.no_healing |= m.no_healing;
            sum.max_hp = sum.max_hp.saturating_add(m.max_hp);
            sum.half_weapon_damage |= m.half_weapon_damage;
            union(&mut sum.condition_immunities, &m.condition_immunities);
            sum.no_actions |= m.no_actions;
            sum.action_or_bonus |= m.action_or_bonus;
            sum.one_attack |= m.one_attack;
            sum.delayed_spells |= m.delayed_spells;
            sum.extra_action |= m.extra_action;
            note_sign(&mut checks, m.checks);
        }
        sum.attacks = fold_sign(attacks);
        sum.attacked = fold_sign(attacked);
        sum.checks = fold_sign(checks);
        sum
    }
}

fn join_dice(sum: &mut Option<String>, more: &Option<String>) {
    let Some(more) = more else { return };
    *sum = Some(match sum.take() {
        None => more.clone(),
        Some(s) if more.starts_with('-') => format!("{s}{more}"),
        Some(s) => format!("{s}+{more}"),
    });
}

fn note_sign(seen: &mut [bool; 2], n: i8) {
    match n.signum() {
        1 => seen[0] = true,
        -1 => seen[1] = true,
        _ => {}
    }
}

fn fold_sign(seen: [bool; 2]) -> i8 {
    match seen {
        [true, false] => 1,
        [false, true] => -1,
        _ => 0,
    }
}

fn union<T: PartialEq + Copy>(sum: &mut Vec<T>, more: &[T]) {
    for x in more {
        if !sum.contains(x) {
            sum.push(*x);
        }
    }
}

impl Board {
    /// What `creature`'s effects make it do or keep it from doing on its
    /// turn, for [`crate::mechanics::Combatant::limits`]: the behaviours
    /// imposed on it with their sources, a lost action, an action or a
    /// bonus action only, one attack, an extra action, no reactions.
    pub fn limits(&self, creature: &CreatureId) -> Limits {
        let m = self.modifiers(creature);
        Limits {
            behaviours: self
                .on(creature)
                .filter_map(|e| {
                    e.effect.behaviour.map(|behaviour| Directed {
                        behaviour,
                        source: e.source.clone(),
                    })
                })
                .collect(),
            no_actions: m.no_actions,
            action_or_bonus: m.action_or_bonus,
            one_attack: m.one_attack,
            extra_action: m.extra_action,
            no_reactions: m.no_reactions,
        }
    }

    /// Puts the effects a turn's trigger applied on the board, linked to
    /// the effect that triggered them (same source, concentration, figures).
    fn place_triggered(&mut self, from: &ActiveEffect, resolutions: &[Resolution]) {
        for applied in resolutions.iter().flat_map(|r| &r.applied) {
            let on = if applied.on_self {
                from.source.clone()
            } else {
                from.on.clone()
            };
            self.effects.retain(|e| {
                !(e.on == on && e.source == from.source && e.effect.name == applied.effect.name)
            });
            self.place(
                &on,
                &from.source,
                applied.effect.clone(),
                applied.conditions.clone(),
                applied.dc,
                from.figures,
                from.concentration,
            );
        }
    }

    /// Adds one effect and returns its handle.
    #[allow(clippy::too_many_arguments)]
    fn place(
        &mut self,
        on: &CreatureId,
        source: &CreatureId,
        effect: Ongoing,
        conditions: Vec<Condition>,
        dc: i32,
        figures: CastFigures,
        concentration: bool,
    ) -> EffectId {
        let expires = effect.duration.map(|d| self.expiry(d, source, on));
        let id = EffectId(self.next);
        self.next += 1;
        self.effects.push(ActiveEffect {
            id,
            on: on.clone(),
            source: source.clone(),
            effect,
            conditions,
            dc,
            concentration,
            figures,
            expires,
            triggered: false,
            tally: [0, 0],
        });
        id
    }

    /// The start or end of `source`'s turn for the effects it caused whose
    /// saves come on its turn rather than their creature's (Prismatic
    /// Spray's violet ray): each such creature, described by `targets`,
    /// saves. Call it after [`Board::start_turn`] and before
    /// [`Board::end_turn`] of every creature.
    pub fn source_turn(
        &mut self,
        source: &CreatureId,
        point: TurnPoint,
        targets: impl Fn(&CreatureId) -> Option<Target>,
        roller: &mut (impl DieRoller + ?Sized),
    ) -> Result<Vec<TurnEvent>, AutomationError> {
        let due: Vec<ActiveEffect> = self
            .effects
            .iter()
            .filter(|e| {
                e.source == *source
                    && e.effect
                        .save_ends
                        .is_some_and(|s| s.on_source_turn && s.when == point)
            })
            .cloned()
            .collect();
        let mut events = Vec::new();
        for e in due {
            let (Some(save), Some(target)) = (e.effect.save_ends, targets(&e.on)) else {
                continue;
            };
            self.save_to_end(&e, save, &target, roller, &mut events)?;
        }
        Ok(events)
    }

    /// One save to end `e`, kept in its tally: enough successes end it,
    /// enough failures replace it with what it turns into.
    fn save_to_end(
        &mut self,
        e: &ActiveEffect,
        save: crate::content::SaveEnds,
        target: &Target,
        roller: &mut (impl DieRoller + ?Sized),
        events: &mut Vec<TurnEvent>,
    ) -> Result<(), AutomationError> {
        let dc = save
            .dc
            .map_or(e.dc, |dc| i32::try_from(dc).unwrap_or(i32::MAX));
        let outcome = saving_throw(target, save.ability, dc, roller)?;
        let success = outcome.success();
        events.push(TurnEvent::Save {
            id: e.id,
            name: e.effect.name.clone(),
            on: e.on.clone(),
            outcome,
        });
        let Some(live) = self.effects.iter_mut().find(|x| x.id == e.id) else {
            return Ok(());
        };
        let slot = usize::from(!success);
        live.tally[slot] = live.tally[slot].saturating_add(1);
        let tally = live.tally;
        if success && tally[0] >= save.successes.max(1) {
            events.extend(self.end(e.id, EndReason::Saved).map(TurnEvent::Ended));
        } else if !success && save.failures > 0 && tally[1] >= save.failures {
            events.extend(self.end(e.id, EndReason::FailedSaves).map(TurnEvent::Ended));
        }
        Ok(())
    }
}
