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
use crate::content::{EffectKind, Lasting, Modifiers, Ongoing, TurnPoint, UsedBy, Versus};
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
    /// The other creature of the cast: the target, for an effect on the
    /// caster (Hunter's Mark's quarry); the caster, for one on a target.
    #[serde(default)]
    pub counterpart: Option<CreatureId>,
    /// Illusory duplicates left (Mirror Image).
    #[serde(default)]
    pub duplicates: u8,
    /// Saves made against it that succeeded, for [`crate::content::SaveEnds::successes`].
    #[serde(default)]
    pub successes: u8,
    /// Saves made against it that failed, for [`crate::content::SaveEnds::failures`].
    #[serde(default)]
    pub failures: u8,
    /// Hit points its effects on later turns have taken, for
    /// [`crate::content::EachTurn::hp_limit`].
    #[serde(default)]
    pub drained: u32,
    /// Hit points left of the object it is ([`crate::content::ObjectStats`]).
    #[serde(default)]
    pub object_hp: Option<u32>,
}

impl ActiveEffect {
    /// The run of what it does on a later turn, a hit or a move: its name,
    /// the cast's figures with its DC, and whether the damage is magical.
    fn context(&self, magical: bool) -> Context {
        Context {
            name: self.effect.name.clone(),
            figures: CastFigures {
                save_dc: self.dc,
                ..self.figures
            },
            magical,
            ..Context::default()
        }
    }
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
    /// An effect did its work (damage from a cloud on the creature's turn,
    /// acid that keeps burning, flames answering a hit). The ongoing
    /// effects its resolutions carry are already on the board, tied to the
    /// concentration of the effect that made them; damage and healing are
    /// the DM core's to apply.
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
        let added = self.place(source, targets, resolutions, figures, concentration);
        (added, ended)
    }

    /// Puts the ongoing effects of resolutions on their creatures, without
    /// touching the source's other concentration effects (effects that
    /// arise from an effect already kept: Black Tentacles' restraint).
    fn place(
        &mut self,
        source: &CreatureId,
        targets: &[CreatureId],
        resolutions: &[Resolution],
        figures: CastFigures,
        concentration: bool,
    ) -> Vec<EffectId> {
        let mut added = Vec::new();
        for r in resolutions {
            if let Some(on) = targets.get(r.target) {
                // Effects the run ended by name (a grapple turning into a swallow).
                self.effects.retain(|e| {
                    !(e.on == *on
                        && r.ended
                            .iter()
                            .any(|n| crate::content::same_key(n, &e.effect.name)))
                });
            }
            for applied in &r.applied {
                let (on, counterpart) = if applied.on_self {
                    (source.clone(), targets.get(r.target).cloned())
                } else {
                    match targets.get(r.target) {
                        Some(t) => (t.clone(), Some(source.clone())),
                        None => continue,
                    }
                };
                let effect = &applied.effect;
                // The same effect from the same source doesn't stack: the new
                // one replaces it, unless it is one that stacks.
                if !effect.stacks {
                    self.effects.retain(|e| {
                        !(e.on == on && e.source == *source && e.effect.name == effect.name)
                    });
                }
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
                    concentration: concentration || effect.tied_to_concentration,
                    figures,
                    expires,
                    triggered: false,
                    counterpart,
                    duplicates: effect.duplicates,
                    successes: 0,
                    failures: 0,
                    drained: 0,
                    object_hp: effect.object.as_ref().map(|o| o.hp),
                });
                added.push(id);
            }
        }
        added
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
        let mut events = Vec::new();
        for id in expired {
            events.extend(self.end(id, EndReason::Expired).map(TurnEvent::Ended));
        }
        events
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
            if let Some(each) = e
                .effect
                .each_turn
                .as_ref()
                .filter(|t| t.when == point && !t.on_source_turn)
                && !(each.once && e.triggered)
            {
                let ctx = e.context(false);
                let resolutions = run(&each.effects, &ctx, std::slice::from_ref(target), roller)?;
                // What it puts on the creature lasts as the effect that made it.
                self.place(
                    &e.source,
                    std::slice::from_ref(creature),
                    &resolutions,
                    e.figures,
                    e.concentration,
                );
                let spent = self.drain_count(id, each, &resolutions);
                events.push(TurnEvent::Triggered {
                    id,
                    name: e.effect.name.clone(),
                    resolutions,
                });
                if !spent.is_empty() {
                    for id in spent {
                        events.extend(self.end(id, EndReason::Expired).map(TurnEvent::Ended));
                    }
                    continue;
                }
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
            .filter(|e| e.effect.used_by.is_some_and(|u| u.ended_by(roll)))
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
        // What follows it: its `after` when it runs out or its source's
        // concentration ends (not when it is saved against or removed), its
        // `on_failures` when the saves against it fail too often.
        let next = match why {
            EndReason::FailedSaves => e.effect.on_failures.clone(),
            EndReason::Expired => e.effect.after.clone(),
            EndReason::ConcentrationEnded if !e.effect.after_full_duration => {
                e.effect.after.clone()
            }
            _ => None,
        };
        let followed_by = next.map(|next| self.replace_with(&e, *next));
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
        self.sum(self.on(creature).filter(|e| e.effect.versus.is_none()))
    }

    /// The bonuses and penalties of `creature`'s effects toward `other`
    /// (described by `other_target`): those that always count, plus those
    /// aimed at it — Hunter's Mark when attacking the quarry, Chill Touch's
    /// disadvantage when attacking its caster, Protection from Evil and
    /// Good against a fiend. Use it for an attacker's [`Context::modifiers`]
    /// and a defender's [`Target::modifiers`].
    pub fn modifiers_toward(
        &self,
        creature: &CreatureId,
        other: &CreatureId,
        other_target: &Target,
    ) -> Modifiers {
        self.sum(self.on(creature).filter(|e| match &e.effect.versus {
            None => true,
            Some(Versus::Source | Versus::Target) => e.counterpart.as_ref() == Some(other),
            Some(Versus::Types { types }) => other_target.is_any(types),
        }))
    }

    fn sum<'a>(&'a self, effects: impl Iterator<Item = &'a ActiveEffect>) -> Modifiers {
        let mut seen: Vec<&str> = Vec::new();
        let mut sum = Modifiers::default();
        let (mut attacks, mut attacked) = ([false; 2], [false; 2]);
        let effects: Vec<&ActiveEffect> = effects.collect();
        // Freedom of Movement: nothing lowers its speed.
        let free = effects.iter().any(|e| e.effect.modifiers.free_movement);
        for e in effects {
            if seen.contains(&e.effect.name.as_str()) && !e.effect.stacks {
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
            if !(free && m.speed < 0) {
                sum.speed = sum.speed.saturating_add(m.speed);
            }
            let halves = m.speed_halves.filter(|h| !(free && *h < 2));
            sum.speed_halves = match (sum.speed_halves, halves) {
                (Some(a), Some(b)) => Some(((u16::from(a) * u16::from(b)) / 2).min(255) as u8),
                (a, b) => a.or(b),
            };
            sum.no_reactions |= m.no_reactions;
            sum.no_healing |= m.no_healing;
            sum.max_hp = sum.max_hp.saturating_add(m.max_hp);
            sum.half_weapon_damage |= m.half_weapon_damage;
            union(&mut sum.check_advantage, &m.check_advantage);
            union(&mut sum.check_disadvantage, &m.check_disadvantage);
            union(&mut sum.save_advantage_against, &m.save_advantage_against);
            union(&mut sum.condition_immunities, &m.condition_immunities);
            union(&mut sum.nonmagical_resistances, &m.nonmagical_resistances);
            sum.max_healing |= m.max_healing;
            sum.death_save_advantage |= m.death_save_advantage;
            sum.death_ward |= m.death_ward;
            sum.revealed |= m.revealed;
            sum.unsurprisable |= m.unsurprisable;
            sum.sanctuary |= m.sanctuary;
            sum.true_form |= m.true_form;
            sum.free_movement |= m.free_movement;
            if sum.weapon_die.is_none() {
                sum.weapon_die.clone_from(&m.weapon_die);
            }
            sum.no_actions |= m.no_actions;
            sum.action_or_bonus |= m.action_or_bonus;
            sum.one_attack |= m.one_attack;
            sum.delayed_spells |= m.delayed_spells;
            sum.extra_action |= m.extra_action;
            sum.weapon_attack = sum.weapon_attack.max(m.weapon_attack);
            sum.size = sum.size.saturating_add(m.size);
            for (ability, bonus) in &m.save_bonus {
                let b = sum.save_bonus.entry(*ability).or_insert(0);
                *b = b.saturating_add(*bonus);
            }
            for (ability, change) in &m.scores {
                let entry = sum.scores.entry(*ability).or_insert(0);
                *entry = entry.saturating_add(*change);
            }
        }
        sum.attacks = fold_sign(attacks);
        sum.attacked = fold_sign(attacked);
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

/// What happens around a creature beyond its own turns: hits it takes,
/// damage it shares, movement, death averted, wards and duplicates.
impl Board {
    /// The illusory duplicates left around `creature` (for [`Target::duplicates`]).
    pub fn duplicates(&self, creature: &CreatureId) -> u8 {
        self.on(creature)
            .map(|e| e.duplicates)
            .fold(0, u8::saturating_add)
    }

    /// An attack destroyed one of `creature`'s duplicates
    /// ([`Resolution::duplicate`] is `Some(true)`); the effect ends with the last.
    pub fn duplicate_destroyed(&mut self, creature: &CreatureId) -> Option<Ended> {
        let e = self
            .effects
            .iter_mut()
            .find(|e| e.on == *creature && e.duplicates > 0)?;
        e.duplicates -= 1;
        if e.duplicates > 0 {
            return None;
        }
        let id = e.id;
        self.end(id, EndReason::UsedUp)
    }

    /// `defender` was hit by `attacker` (described by `attacker_target`),
    /// in melee or not: the effects on the defender that answer a hit
    /// (Fire Shield's flames, Holy Aura's blinding light) run against the
    /// attacker with the figures of the cast that made them.
    pub fn hit(
        &mut self,
        defender: &CreatureId,
        attacker: &CreatureId,
        attacker_target: &Target,
        melee: bool,
        roller: &mut (impl DieRoller + ?Sized),
    ) -> Result<Vec<TurnEvent>, AutomationError> {
        let answers: Vec<ActiveEffect> = self
            .on(defender)
            .filter(|e| {
                e.effect.when_hit.as_ref().is_some_and(|w| {
                    (melee || !w.melee) && (w.types.is_empty() || attacker_target.is_any(&w.types))
                })
            })
            .cloned()
            .collect();
        let mut events = Vec::new();
        for e in answers {
            let Some(when) = &e.effect.when_hit else {
                continue;
            };
            let ctx = e.context(true);
            let resolutions = run(
                &when.effects,
                &ctx,
                std::slice::from_ref(attacker_target),
                roller,
            )?;
            events.push(self.triggered(&e, attacker, resolutions));
        }
        Ok(events)
    }

    /// Who takes the same damage as `creature` when it is damaged (the
    /// casters of its Warding Bonds).
    pub fn shares_damage(&self, creature: &CreatureId) -> Vec<CreatureId> {
        self.on(creature)
            .filter(|e| e.effect.shares_damage)
            .map(|e| e.source.clone())
            .collect()
    }

    /// `creature` moved `feet` (described now by `target`): effects that
    /// act per so many feet moved (Spike Growth) do so, once per full step.
    pub fn moved(
        &mut self,
        creature: &CreatureId,
        feet: u32,
        target: &Target,
        roller: &mut (impl DieRoller + ?Sized),
    ) -> Result<Vec<TurnEvent>, AutomationError> {
        let movers: Vec<ActiveEffect> = self
            .on(creature)
            .filter(|e| e.effect.on_move.is_some())
            .cloned()
            .collect();
        let mut events = Vec::new();
        for e in movers {
            let Some(on_move) = &e.effect.on_move else {
                continue;
            };
            let steps = feet / on_move.per_feet.max(1);
            if steps == 0 {
                continue;
            }
            let ctx = e.context(true);
            let mut resolutions = Vec::new();
            for _ in 0..steps.min(MAX_STEPS) {
                resolutions.extend(run(
                    &on_move.effects,
                    &ctx,
                    std::slice::from_ref(target),
                    roller,
                )?);
            }
            events.push(self.triggered(&e, creature, resolutions));
        }
        Ok(events)
    }

    /// `creature` would drop to 0 hit points or be killed outright: if an
    /// effect wards it (Death Ward), that effect ends and is returned, and
    /// the creature drops to 1 hit point instead (the DM core sets it).
    pub fn ward_off_death(&mut self, creature: &CreatureId) -> Option<Ended> {
        let id = self
            .on(creature)
            .find(|e| e.effect.modifiers.death_ward)
            .map(|e| e.id)?;
        self.end(id, EndReason::UsedUp)
    }

    /// `creature` dropped to 0 hit points: unconscious, it loses its
    /// concentration, and the bonds it keeps that end when it falls
    /// (Warding Bond) end too.
    pub fn dropped_to_zero(&mut self, creature: &CreatureId) -> Vec<Ended> {
        let mut ended = self.end_concentration(creature);
        let bonds: Vec<EffectId> = self
            .effects
            .iter()
            .filter(|e| e.source == *creature && e.effect.shares_damage)
            .map(|e| e.id)
            .collect();
        ended.extend(
            bonds
                .into_iter()
                .filter_map(|id| self.end(id, EndReason::Removed)),
        );
        ended
    }

    /// An effect used up by `roll` toward `other` only ends if it is aimed
    /// at `other` or at no one (True Strike: the first attack against its
    /// target, not an attack on someone else).
    pub fn used_toward(
        &mut self,
        creature: &CreatureId,
        roll: UsedBy,
        other: &CreatureId,
    ) -> Vec<Ended> {
        let ids: Vec<EffectId> = self
            .on(creature)
            .filter(|e| e.effect.used_by.is_some_and(|u| u.ended_by(roll)))
            .filter(|e| match &e.effect.versus {
                Some(Versus::Source | Versus::Target) => e.counterpart.as_ref() == Some(other),
                _ => true,
            })
            .map(|e| e.id)
            .collect();
        ids.into_iter()
            .filter_map(|id| self.end(id, EndReason::UsedUp))
            .collect()
    }

    /// Ends one effect of each kind on `creature`, oldest first (what a
    /// [`Resolution::removed_effects`] asks: Greater Restoration's curse or
    /// reduced maximum).
    pub fn remove_kinds(&mut self, creature: &CreatureId, kinds: &[EffectKind]) -> Vec<Ended> {
        let mut ids = Vec::new();
        for kind in kinds {
            let found = self.on(creature).find(|e| {
                !ids.contains(&e.id)
                    && match kind {
                        EffectKind::Curse => e.effect.curse,
                        EffectKind::MaxHpReduction => {
                            e.effect.drain || e.effect.modifiers.max_hp < 0
                        }
                        EffectKind::AbilityReduction => false,
                    }
            });
            if let Some(e) = found {
                ids.push(e.id);
            }
        }
        ids.into_iter()
            .filter_map(|id| self.end(id, EndReason::Removed))
            .collect()
    }

    /// `creature` spends 5 feet of movement to slip its bonds (Freedom of
    /// Movement): the effects grappling or restraining it that it could
    /// escape with a check end without one. Nothing ends unless its
    /// effects give it free movement.
    pub fn slip_free(&mut self, creature: &CreatureId) -> Vec<Ended> {
        if !self.modifiers(creature).free_movement {
            return Vec::new();
        }
        let ids: Vec<EffectId> = self
            .on(creature)
            .filter(|e| {
                e.effect.escape_dc.is_some()
                    && e.conditions
                        .iter()
                        .any(|c| matches!(c, Condition::Grappled | Condition::Restrained))
            })
            .map(|e| e.id)
            .collect();
        ids.into_iter()
            .filter_map(|id| self.end(id, EndReason::Removed))
            .collect()
    }

    /// The DC of the Wisdom save a creature must pass before attacking
    /// `creature` or aiming a harmful spell at it (Sanctuary), if warded.
    pub fn sanctuary_dc(&self, creature: &CreatureId) -> Option<i32> {
        self.on(creature)
            .filter(|e| e.effect.modifiers.sanctuary)
            .map(|e| e.dc)
            .max()
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
}

impl Board {
    /// What a kept effect did to `on` outside a turn point (a hit answered,
    /// a move): the effects it put on `on` go on the board, tied to the
    /// effect's source, figures and concentration.
    fn triggered(
        &mut self,
        e: &ActiveEffect,
        on: &CreatureId,
        resolutions: Vec<Resolution>,
    ) -> TurnEvent {
        self.place(
            &e.source,
            std::slice::from_ref(on),
            &resolutions,
            e.figures,
            e.concentration,
        );
        TurnEvent::Triggered {
            id: e.id,
            name: e.effect.name.clone(),
            resolutions,
        }
    }
}

/// The most steps one move triggers, whatever the feet say.
const MAX_STEPS: u32 = 64;

impl Board {
    /// Puts `next` on the creature `old` was on, from the same source, with
    /// the same DC and figures (what follows an effect: petrification after
    /// failed saves, a disease after its incubation).
    fn replace_with(&mut self, old: &ActiveEffect, next: Ongoing) -> EffectId {
        let expires = next.duration.map(|d| self.expiry(d, &old.source, &old.on));
        let id = EffectId(self.next);
        self.next += 1;
        // Immunities were checked when the first effect landed; the
        // replacement's conditions are the content's.
        let conditions = next.conditions.clone();
        self.effects.push(ActiveEffect {
            id,
            on: old.on.clone(),
            source: old.source.clone(),
            object_hp: next.object.as_ref().map(|o| o.hp),
            counterpart: old.counterpart.clone(),
            duplicates: next.duplicates,
            effect: next,
            conditions,
            dc: old.dc,
            // A follow-up outlasts the concentration of what it follows.
            concentration: false,
            figures: old.figures,
            expires,
            triggered: false,
            successes: 0,
            failures: 0,
            drained: 0,
        });
        id
    }

    /// Adds the hit points a trigger took to the effect's tally; the
    /// effects to end because the limit is reached: this one, or with a
    /// shared limit every effect of its name from its source.
    fn drain_count(
        &mut self,
        id: EffectId,
        each: &crate::content::EachTurn,
        resolutions: &[Resolution],
    ) -> Vec<EffectId> {
        let taken = resolutions
            .iter()
            .map(|r| r.total_taken().saturating_add(r.hp_lost))
            .fold(0, u32::saturating_add);
        let Some(e) = self.effects.iter_mut().find(|e| e.id == id) else {
            return Vec::new();
        };
        e.drained = e.drained.saturating_add(taken);
        let Some(limit) = each.hp_limit else {
            return Vec::new();
        };
        if !each.shared_limit {
            return if e.drained >= limit {
                vec![id]
            } else {
                Vec::new()
            };
        }
        let (source, name) = (e.source.clone(), e.effect.name.clone());
        let siblings: Vec<&ActiveEffect> = self
            .effects
            .iter()
            .filter(|e| e.source == source && e.effect.name == name)
            .collect();
        let total = siblings
            .iter()
            .map(|e| e.drained)
            .fold(0, u32::saturating_add);
        if total >= limit {
            siblings.iter().map(|e| e.id).collect()
        } else {
            Vec::new()
        }
    }

    /// The start or end of `source`'s turn for the effects it keeps on
    /// others that act on its turns ([`crate::content::EachTurn::on_source_turn`]:
    /// a stirge's drain, a kraken's stomach). `describe` gives each affected
    /// creature as a target now (`None`: skip it). Call it next to
    /// [`Board::start_turn`] and [`Board::end_turn`].
    pub fn source_turn(
        &mut self,
        source: &CreatureId,
        point: TurnPoint,
        mut describe: impl FnMut(&CreatureId) -> Option<Target>,
        roller: &mut (impl DieRoller + ?Sized),
    ) -> Result<Vec<TurnEvent>, AutomationError> {
        let mut events = Vec::new();
        let ids: Vec<EffectId> = self
            .effects
            .iter()
            .filter(|e| {
                e.source == *source
                    && e.effect
                        .each_turn
                        .as_ref()
                        .is_some_and(|t| t.on_source_turn && t.when == point)
            })
            .map(|e| e.id)
            .collect();
        for id in ids {
            let Some(e) = self.effects.iter().find(|e| e.id == id).cloned() else {
                continue;
            };
            let Some(each) = &e.effect.each_turn else {
                continue;
            };
            if each.once && e.triggered {
                continue;
            }
            let Some(target) = describe(&e.on) else {
                continue;
            };
            let ctx = e.context(false);
            let resolutions = run(&each.effects, &ctx, std::slice::from_ref(&target), roller)?;
            let spent = self.drain_count(id, each, &resolutions);
            if let Some(live) = self.effects.iter_mut().find(|x| x.id == id) {
                live.triggered = true;
            }
            events.push(TurnEvent::Triggered {
                id,
                name: e.effect.name.clone(),
                resolutions,
            });
            for id in spent {
                events.extend(self.end(id, EndReason::Expired).map(TurnEvent::Ended));
            }
        }
        // Saves held on the source's turn rather than the creature's
        // (Prismatic Spray's violet ray).
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
        for e in due {
            let (Some(save), Some(target)) = (e.effect.save_ends, describe(&e.on)) else {
                continue;
            };
            self.save_to_end(&e, save, &target, roller, &mut events)?;
        }
        Ok(events)
    }

    /// `creature` received magical healing: effects on it that healing ends
    /// (an infernal wound) end.
    pub fn healed(&mut self, creature: &CreatureId) -> Vec<Ended> {
        let ids: Vec<EffectId> = self
            .on(creature)
            .filter(|e| e.effect.ends_on_healing)
            .map(|e| e.id)
            .collect();
        ids.into_iter()
            .filter_map(|id| self.end(id, EndReason::Removed))
            .collect()
    }

    /// Damage to an effect that is an object (webbing): its defenses apply,
    /// and it ends when its hit points reach 0. Returns the damage taken and
    /// the end, if it ended; `None` if the effect is not an object.
    pub fn damage_object(
        &mut self,
        id: EffectId,
        amount: u32,
        damage_type: crate::mechanics::DamageType,
    ) -> Option<(u32, Option<Ended>)> {
        let e = self.effects.iter_mut().find(|e| e.id == id)?;
        let stats = e.effect.object.as_ref()?;
        let taken = if stats.immunities.contains(&damage_type) {
            0
        } else if stats.vulnerabilities.contains(&damage_type) {
            amount.saturating_mul(2)
        } else {
            amount
        };
        let left = e.object_hp.unwrap_or(stats.hp).saturating_sub(taken);
        e.object_hp = Some(left);
        let ended = if left == 0 {
            self.end(id, EndReason::Removed)
        } else {
            None
        };
        Some((taken, ended))
    }

    /// An attempt to escape an effect with an ability check (a grapple,
    /// webbing): d20 + `bonus` against its escape DC, with disadvantage when
    /// the effect says so; it ends on a success. `None` if it has no escape DC.
    pub fn escape(
        &mut self,
        id: EffectId,
        bonus: i32,
        roller: &mut (impl DieRoller + ?Sized),
    ) -> Option<(TestOutcome, Option<Ended>)> {
        let e = self.effects.iter().find(|e| e.id == id)?;
        let dc = i32::try_from(e.effect.escape_dc?).unwrap_or(i32::MAX);
        let mut test = crate::mechanics::D20Test::new(bonus);
        if e.effect.escape_disadvantage {
            test = test.with_advantage(crate::dice::Advantage::Disadvantage);
        }
        let outcome = test.roll(dc, roller);
        let ended = if outcome.success() {
            self.end(id, EndReason::Removed)
        } else {
            None
        };
        Some((outcome, ended))
    }

    /// The names of `creature`'s effects, for [`Target::effects`].
    pub fn names(&self, creature: &CreatureId) -> Vec<String> {
        self.on(creature).map(|e| e.effect.name.clone()).collect()
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
        if success {
            live.successes = live.successes.saturating_add(1);
        } else {
            live.failures = live.failures.saturating_add(1);
        }
        let (successes, failures) = (live.successes, live.failures);
        if success && successes >= save.successes.max(1) {
            events.extend(self.end(e.id, EndReason::Saved).map(TurnEvent::Ended));
        } else if !success && save.failures > 0 && failures >= save.failures {
            events.extend(self.end(e.id, EndReason::FailedSaves).map(TurnEvent::Ended));
        }
        Ok(())
    }
}
