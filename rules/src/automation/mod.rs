//! The automation engine: every attack, spell and monster action runs from
//! its content data through one interpreter ([`run`]).
//!
//! An action's or spell's automation tree ([`crate::content::Effect`]) says
//! what it does: an attack roll against AC (natural 1 misses, 20 crits,
//! crits double the dice) or a saving throw against a DC, typed damage
//! through the target's resistances, healing, temporary hit points, and
//! ongoing effects — conditions (unless the target is immune), bonuses and
//! penalties, damage on later turns, a save that ends it. [`Board`] keeps
//! those effects between turns: durations, saves at the end of a turn,
//! concentration linking, used-up effects. [`Resources`] keeps recharges and
//! uses per day. [`run_action`] and [`cast_spell`] set up a run for a
//! monster's action or a spell.

mod board;
mod engine;
pub mod features;
mod resources;

pub use board::{ActiveEffect, Board, EffectId, EndReason, Ended, TurnEvent};
pub use engine::spell_delayed;
pub use engine::{Applied, CastFigures, Context, Resolution, run, saving_throw};
pub use resources::{ResourceError, Resources, UseState};

use crate::content::{Action, Effect, Modifiers, Monster, Spell, Targeting};
use crate::dice::{Advantage, DieRoller};
use crate::mechanics::{
    Ability, AttackContext, AttackKind, Condition, Conditions, DamageType, Defenses,
};

/// What the engine needs to know about the creature on the receiving end.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Target {
    /// Armor class (cover is passed separately).
    pub ac: i32,
    /// Saving throw bonus per ability, in `Ability::ALL` order.
    pub saves: [i32; 6],
    /// Resistances, vulnerabilities and immunities that apply to this attack.
    pub defenses: Defenses,
    /// Conditions the target cannot receive.
    pub condition_immunities: Vec<Condition>,
    /// Its Dexterity modifier (for an AC such as Mage Armor's 13 + Dex).
    pub dex_modifier: i32,
    /// Its current conditions (a paralyzed target fails Dexterity saves).
    pub conditions: Conditions,
    /// Its ongoing effects, summed ([`Board::modifiers`]): AC, save dice,
    /// advantage against it, resistances.
    pub modifiers: Modifiers,
    /// Where it stands relative to the attacker (within 5 ft, dodging, in
    /// long range); the attack's melee or ranged kind is filled in by the run.
    pub situation: AttackContext,
    /// Its size, for riders limited by size.
    pub size: crate::mechanics::Size,
    /// Its creature type, lowercase ("humanoid", "undead"), for riders and
    /// spells limited by type; player characters are "humanoid".
    pub creature_type: String,
    /// Its subtype or race, lowercase ("elf", "goblinoid"), which riders
    /// may spare or single out like a type.
    pub subtype: Option<String>,
    /// Actions and spells it is immune to after a save ([`Board::immunities`]).
    pub immune_to: Vec<String>,
    /// Its current hit points (hit point pools, Power Word Kill).
    pub hp: u32,
    /// Its hit point maximum (how much a shared pool of healing can restore).
    pub max_hp: u32,
    /// Resistances, vulnerabilities and immunities to nonmagical attacks
    /// only ("bludgeoning, piercing and slashing from nonmagical attacks"):
    /// they apply on top of `defenses` unless the attack is magical.
    pub nonmagical_defenses: Defenses,
    /// Words a rider or a save may single it out by beyond its type and
    /// subtype: "metal armor", "inorganic", "shapechanger", "nonmagical
    /// armor", "nonmagical metal armor".
    pub tags: Vec<String>,
    /// The side of whoever acts is fighting it (Charm Person's advantage).
    pub hostile: bool,
    /// Its Intelligence score, when known (Animal Friendship).
    pub intelligence: Option<u8>,
    /// It is concentrating on a spell.
    pub concentrating: bool,
    /// The names of its ongoing effects ([`Board::names`]), for riders and
    /// attacks that depend on one ("Grappled by Kraken").
    pub effects: Vec<String>,
    /// Illusory duplicates left around it ([`Board::duplicates`]).
    pub duplicates: u8,
    /// Its best ability check bonus per ability, in `Ability::ALL` order,
    /// skills included (Athletics for Strength, Acrobatics for Dexterity),
    /// for contests.
    pub checks: [i32; 6],
    /// Its ability scores, in `Ability::ALL` order (0: unknown), for
    /// score loss that kills at 0.
    pub scores: [i32; 6],
    /// The creatures it has no line of sight to now, as the DM core's map
    /// says (Fear's save at the end of its turn needs the caster out of sight).
    pub out_of_sight_of: Vec<crate::mechanics::CreatureId>,
}

impl Target {
    /// A monster as a target of a nonmagical attack: its AC, saves,
    /// defenses (with "from nonmagical attacks" ones applied) and immunities.
    pub fn monster(m: &Monster) -> Self {
        let mut saves = [0; 6];
        for (i, ability) in Ability::ALL.into_iter().enumerate() {
            saves[i] = m
                .saves
                .get(&ability)
                .copied()
                .unwrap_or_else(|| m.abilities[ability].modifier());
        }
        // Unqualified defenses always apply; "from nonmagical attacks" ones
        // (silvered or adamantine weapons aside) only against those.
        let mut defenses = Defenses::default();
        let mut nonmagical_defenses = Defenses::default();
        for (list, kind) in [
            (&m.damage_resistances, 0),
            (&m.damage_vulnerabilities, 1),
            (&m.damage_immunities, 2),
        ] {
            for d in list {
                let into = match d.qualifier.as_deref() {
                    None => &mut defenses,
                    Some(q) if q.starts_with("nonmagical") => &mut nonmagical_defenses,
                    Some(_) => continue,
                };
                for t in &d.types {
                    match kind {
                        0 => into.resistances.insert(*t),
                        1 => into.vulnerabilities.insert(*t),
                        _ => into.immunities.insert(*t),
                    };
                }
            }
        }
        Self {
            ac: m.ac,
            saves,
            defenses,
            condition_immunities: m.condition_immunities.clone(),
            dex_modifier: m.abilities[Ability::Dexterity].modifier(),
            size: m.size,
            creature_type: m.creature_type.to_lowercase(),
            hp: m.hp,
            max_hp: m.hp,
            subtype: m.subtype.as_ref().map(|s| s.to_lowercase()),
            nonmagical_defenses,
            tags: m.tags.clone(),
            intelligence: Some(m.abilities[Ability::Intelligence].get()),
            checks: monster_checks(m),
            scores: Ability::ALL.map(|a| i32::from(m.abilities[a].get())),
            ..Self::default()
        }
    }

    /// Whether it is of one of `types`: a type matches the stat block's type
    /// or its first word ("swarm of Tiny beasts" is a swarm), a word of its
    /// subtype ("elf"), or one of its tags ("metal armor").
    pub fn is_any(&self, types: &[String]) -> bool {
        types.iter().any(|t| self.is_of_type(t) || self.has_tag(t))
    }

    /// Whether it fits a rider's limits on size, hit points and creature
    /// type. A type matches the stat block's type or its first word ("swarm
    /// of Tiny beasts" is a swarm), or a word of its subtype ("elf").
    pub fn fits(&self, only: &crate::content::OnlyStep) -> bool {
        only.max_size.is_none_or(|max| self.size <= max)
            && only.max_hp.is_none_or(|max| self.hp <= max)
            && only.min_hp.is_none_or(|min| self.hp >= min)
            && (only.types.is_empty() || self.is_any(&only.types))
            && !self.is_any(&only.not_types)
            && only
                .max_intelligence
                .is_none_or(|max| self.intelligence.is_none_or(|int| int <= max))
            && (!only.concentrating || self.concentrating)
            && only
                .without
                .as_ref()
                .is_none_or(|name| !self.effects.iter().any(|e| e == name))
            && !only.not_immune_to.iter().any(|c| {
                self.condition_immunities.contains(c)
                    || self.modifiers.condition_immunities.contains(c)
            })
            && only.tags.iter().all(|t| self.has_tag(t))
            && only.effect.as_deref().is_none_or(|n| self.has_effect(n))
            && only
                .not_effect
                .as_deref()
                .is_none_or(|n| !self.has_effect(n))
            && only
                .min_intelligence
                .is_none_or(|min| self.intelligence.is_none_or(|i| i >= min))
    }

    /// Its saving throw bonus for `ability`.
    pub fn save_bonus(&self, ability: Ability) -> i32 {
        let i = Ability::ALL
            .into_iter()
            .position(|a| a == ability)
            .unwrap_or(0);
        self.saves[i]
    }

    /// Its AC with its ongoing effects: the better of its own AC, an AC
    /// formula (Mage Armor) and a floor (Barkskin), plus bonuses (Shield).
    pub fn effective_ac(&self) -> i32 {
        let m = &self.modifiers;
        let mut ac = self.ac;
        if let Some(base) = m.ac_base {
            ac = ac.max(base.saturating_add(self.dex_modifier));
        }
        if let Some(floor) = m.ac_floor {
            ac = ac.max(floor);
        }
        ac.saturating_add(m.ac)
    }

    /// The damage of `amount` of `damage_type` that gets through its
    /// defenses, its ongoing resistances and petrification.
    pub fn take(&self, amount: u32, damage_type: DamageType) -> u32 {
        self.take_from(amount, damage_type, false)
    }

    /// As [`Target::take`], for an attack or spell that is `magical` or not:
    /// defenses against nonmagical attacks (its own, Stoneskin's) apply only
    /// to a nonmagical one.
    pub fn take_from(&self, amount: u32, damage_type: DamageType, magical: bool) -> u32 {
        let mut defenses = self.defenses;
        if !magical {
            let n = &self.nonmagical_defenses;
            n.resistances
                .iter()
                .for_each(|t| defenses.resistances.insert(t));
            n.vulnerabilities
                .iter()
                .for_each(|t| defenses.vulnerabilities.insert(t));
            n.immunities
                .iter()
                .for_each(|t| defenses.immunities.insert(t));
            for t in &self.modifiers.nonmagical_resistances {
                defenses.resistances.insert(*t);
            }
        }
        for t in &self.modifiers.resistances {
            defenses.resistances.insert(*t);
        }
        for t in &self.modifiers.immunities {
            defenses.immunities.insert(*t);
        }
        if self.conditions.resists_all_damage() {
            defenses = defenses.with_resistance_to_all();
        }
        defenses.adjust(amount, damage_type)
    }
}

/// Why an action could not be run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AutomationError {
    /// The content marks the action as not automated.
    #[error("{action} is not automated yet ({why})")]
    NotAutomated {
        /// The action's name.
        action: String,
        /// What is missing.
        why: String,
    },
    /// A multiattack names an action the monster does not have.
    #[error("{monster} has no action called {action}")]
    UnknownAction {
        /// The monster.
        monster: String,
        /// The missing action.
        action: String,
    },
    /// A damage expression did not parse or roll (a content defect).
    #[error("bad damage dice {dice:?} in {action}: {why}")]
    BadDice {
        /// The action.
        action: String,
        /// The expression.
        dice: String,
        /// The parser's or roller's message.
        why: String,
    },
}

/// Damage of one type, as rolled and after the target's defenses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DamageDealt {
    /// The type.
    pub damage_type: DamageType,
    /// The dice total (doubled dice on a critical hit, halved on a save for half).
    pub rolled: u32,
    /// What gets through resistance, vulnerability and immunity.
    pub taken: u32,
}

/// The run of one of a monster's actions (not a multiattack): its name, its
/// attack's kind, and no bonuses beyond those in its data.
pub fn action_context(action: &Action, advantage: Advantage) -> Context {
    use crate::content::AttackKind as Kind;
    Context {
        name: action.name.clone(),
        attack_kind: match action.attack.map(|a| a.kind) {
            Some(Kind::Ranged) => AttackKind::Ranged,
            _ => AttackKind::Melee,
        },
        weapon: action.attack.is_some(),
        advantage,
        ..Context::default()
    }
}

/// Runs `action` of `monster` against `target`: every step of a multiattack,
/// or the action itself. A multiattack step that names a trait (the
/// glabrezu's spellcasting) is skipped: it is not an action to roll.
pub fn run_action(
    monster: &Monster,
    action: &Action,
    target: &Target,
    advantage: Advantage,
    roller: &mut (impl DieRoller + ?Sized),
) -> Result<Vec<Resolution>, AutomationError> {
    let targets = std::slice::from_ref(target);
    if !action.multiattack.is_empty() {
        let mut out = Vec::new();
        for step in &action.multiattack {
            let Some(inner) = monster.actions.iter().find(|a| a.name == step.action) else {
                if monster.traits.iter().any(|t| t.name == step.action) {
                    continue;
                }
                return Err(AutomationError::UnknownAction {
                    monster: monster.name.clone(),
                    action: step.action.clone(),
                });
            };
            for _ in 0..step.count {
                if !inner.effects.is_empty() {
                    let mut ctx = action_context(inner, advantage);
                    ctx.source = Some(monster.id.clone());
                    out.extend(run(&inner.effects, &ctx, targets, roller)?);
                }
            }
        }
        return Ok(out);
    }
    let mut ctx = action_context(action, advantage);
    ctx.source = Some(monster.id.clone());
    run(
        runnable(&action.name, &action.effects, &action.automation.missing)?,
        &ctx,
        targets,
        roller,
    )
}

/// Runs a monster's action (a breath weapon, a frightful presence) against
/// several targets at once: dice outside attack rolls are rolled once and
/// each target saves on its own, as the rules do for an area. With
/// `variant`, one of its named alternatives runs (a dragon's two breaths).
pub fn run_area_action(
    monster: &Monster,
    action: &Action,
    variant: Option<&str>,
    targets: &[Target],
    roller: &mut (impl DieRoller + ?Sized),
) -> Result<Vec<Resolution>, AutomationError> {
    if action.attack.is_some() {
        return Err(AutomationError::NotAutomated {
            action: action.name.clone(),
            why: "it is an attack, one target at a time: use run_action".into(),
        });
    }
    let mut ctx = action_context(action, Advantage::Normal);
    ctx.source = Some(monster.id.clone());
    let effects = match variant {
        None => &action.effects,
        Some(name) => {
            let v = action
                .variants
                .iter()
                .find(|v| crate::content::same_key(&v.name, name))
                .ok_or_else(|| AutomationError::UnknownAction {
                    monster: action.name.clone(),
                    action: name.to_string(),
                })?;
            ctx.name = v.name.clone();
            &v.effects
        }
    };
    run(
        runnable(&ctx.name, effects, &action.automation.missing)?,
        &ctx,
        targets,
        roller,
    )
}

/// The tree, or why there is none to run.
fn runnable<'e>(
    name: &str,
    effects: &'e [Effect],
    missing: &[String],
) -> Result<&'e [Effect], AutomationError> {
    if effects.is_empty() {
        let why = if missing.is_empty() {
            "nothing to roll".into()
        } else {
            missing.join(", ")
        };
        return Err(AutomationError::NotAutomated {
            action: name.to_string(),
            why,
        });
    }
    Ok(effects)
}

/// What a spell needs from its caster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Caster {
    /// Spell attack bonus (proficiency + spellcasting modifier + magic).
    pub attack_bonus: i32,
    /// Spell save DC.
    pub save_dc: i32,
    /// Spellcasting ability modifier, for spells that add it (Cure Wounds).
    pub modifier: i32,
    /// Character level, which scales cantrips.
    pub level: u8,
}

/// Why a spell could not be cast as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CastError {
    /// The slot is below the spell's level.
    #[error("{spell} is a level {level} spell: cast it with a slot of level {level} or higher")]
    SlotTooLow {
        /// The spell.
        spell: String,
        /// Its level.
        level: u8,
    },
    /// The slot is above 9th.
    #[error("there are no spell slots above 9th level")]
    SlotTooHigh,
    /// More targets than the spell allows at this slot.
    #[error("{spell} takes at most {most} target(s) at this level; name fewer")]
    TooManyTargets {
        /// The spell.
        spell: String,
        /// How many it allows.
        most: u32,
    },
    /// The content can't run this spell yet.
    #[error(transparent)]
    Automation(#[from] AutomationError),
}

/// The run of `spell` cast at `slot` (ignored for cantrips, which scale with
/// the caster's level) by `caster`, checking the slot and the number of
/// targets. Set `figures.chosen_type` for spells whose damage type the
/// caster picks, and the actor's conditions and modifiers, before [`run`].
pub fn spell_context(
    spell: &Spell,
    slot: u8,
    caster: &Caster,
    targets: usize,
) -> Result<Context, CastError> {
    let slot = if spell.is_cantrip() { 0 } else { slot };
    if !spell.is_cantrip() && slot < spell.level {
        return Err(CastError::SlotTooLow {
            spell: spell.name.clone(),
            level: spell.level,
        });
    }
    if slot > 9 {
        return Err(CastError::SlotTooHigh);
    }
    let most = match &spell.targeting {
        Targeting::Caster => Some(1),
        Targeting::Creatures { count } => Some(count.at(spell.level, slot, caster.level)),
        Targeting::Area | Targeting::Split => None,
    };
    if let Some(most) = most.filter(|m| targets > *m as usize) {
        return Err(CastError::TooManyTargets {
            spell: spell.name.clone(),
            most,
        });
    }
    Ok(Context {
        name: spell.name.clone(),
        figures: CastFigures {
            attack_bonus: caster.attack_bonus,
            save_dc: caster.save_dc,
            modifier: caster.modifier,
            level: caster.level,
            spell_level: spell.level,
            slot,
            chosen_type: None,
        },
        attack_kind: match spell.attack {
            Some(crate::content::SpellAttack::Ranged) => AttackKind::Ranged,
            _ => AttackKind::Melee,
        },
        magical: true,
        ..Context::default()
    })
}

/// Casts `spell` at `slot` on `targets` (for a spell on the caster alone,
/// pass the caster as the one target): one [`Resolution`] per target, or
/// per missile for Magic Missile and its kin.
pub fn cast_spell(
    spell: &Spell,
    slot: u8,
    caster: &Caster,
    targets: &[Target],
    advantage: Advantage,
    roller: &mut (impl DieRoller + ?Sized),
) -> Result<Vec<Resolution>, CastError> {
    let mut ctx = spell_context(spell, slot, caster, targets.len())?;
    ctx.advantage = advantage;
    let effects = runnable(&spell.name, &spell.effects, &spell.automation.missing)?;
    Ok(run(effects, &ctx, targets, roller)?)
}

/// An SRD monster as a combatant for [`crate::mechanics::legal_options`]: its
/// hit points, AC, walking speed, size, one attack profile per attack
/// action and a special action per saving-throw action (breath weapons). A weapon that is both melee and thrown gives two profiles,
/// `<name>` and `<name>-thrown`, so option ids stay unique.
pub fn combatant(
    id: &str,
    team: crate::mechanics::Team,
    m: &Monster,
) -> crate::mechanics::Combatant {
    use crate::content::AttackKind;
    use crate::mechanics::AttackReach;
    let mut c = crate::mechanics::Combatant::new(id, team, m.hp, m.ac, m.speed.walk);
    c.size = m.size;
    for action in &m.actions {
        let Some(attack) = &action.attack else {
            // A save action (a breath weapon, a gaze) is a special action
            // aimed at an area; the DM core keeps `ready` from its resources.
            if action.save.is_some() && (!action.effects.is_empty() || !action.variants.is_empty())
            {
                c.specials.push(crate::mechanics::SpecialProfile {
                    id: option_slug(&action.name),
                    aim: crate::mechanics::Aim::Area,
                    ready: true,
                });
            }
            continue;
        };
        let slug = option_slug(&action.name);
        let long_range = attack.range_ft.is_some_and(|[normal, long]| long > normal);
        match attack.kind {
            AttackKind::Melee => c = c.with_attack(slug, AttackReach::Melee),
            AttackKind::Ranged => c = c.with_attack(slug, AttackReach::Ranged { long_range }),
            AttackKind::MeleeOrRanged => {
                c = c
                    .with_attack(slug.clone(), AttackReach::Melee)
                    .with_attack(format!("{slug}-thrown"), AttackReach::Ranged { long_range });
            }
        }
    }
    c
}

/// A spell as a [`crate::mechanics::Combatant`] can cast it in
/// [`crate::mechanics::legal_options`]: its id, level, casting time and aim.
pub fn spell_profile(spell: &Spell) -> crate::mechanics::SpellProfile {
    use crate::content::{CastingKind, RangeKind};
    use crate::mechanics::Aim;
    let harmful = spell.attack.is_some()
        || spell.save.is_some()
        || spell.effects.iter().any(|e| matches!(e, Effect::Damage(_)));
    let aim = match spell.targeting {
        Targeting::Caster => Aim::Caster,
        Targeting::Area => Aim::Area,
        Targeting::Split | Targeting::Creatures { .. } => Aim::Creature {
            touch: spell.range.kind == RangeKind::Touch,
            harmful,
        },
    };
    crate::mechanics::SpellProfile {
        id: spell.id.clone(),
        level: spell.level,
        bonus_action: spell.casting_time.kind == CastingKind::BonusAction,
        reaction: spell.casting_time.kind == CastingKind::Reaction,
        aim,
    }
}

/// `Tail (Vampire Form Only)` → `tail-vampire-form-only`: letters, digits and dashes, as option ids need.
pub fn option_slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// A monster's best check bonus per ability: its ability modifier, or its
/// best skill of that ability when higher.
fn monster_checks(m: &Monster) -> [i32; 6] {
    Ability::ALL.map(|ability| {
        m.skills
            .iter()
            .filter(|(skill, _)| skill.ability() == ability)
            .map(|(_, bonus)| *bonus)
            .fold(m.abilities[ability].modifier(), i32::max)
    })
}

impl Target {
    /// Its best check bonus for `ability`.
    pub fn check(&self, ability: Ability) -> i32 {
        let i = Ability::ALL
            .into_iter()
            .position(|a| a == ability)
            .unwrap_or(0);
        self.checks[i]
    }

    /// Its ability score for `ability` with its ongoing changes (0: unknown).
    pub fn score(&self, ability: Ability) -> i32 {
        let i = Ability::ALL
            .into_iter()
            .position(|a| a == ability)
            .unwrap_or(0);
        match self.scores[i] {
            0 => 0,
            s => s.saturating_add(self.modifiers.scores.get(&ability).copied().unwrap_or(0)),
        }
    }

    /// Whether it is of a creature type: the stat block's type or its first
    /// word, or a word of its subtype (as [`Target::fits`] reads types).
    pub fn is_of_type(&self, t: &str) -> bool {
        let t = t.to_lowercase();
        self.creature_type == t
            || self.creature_type.split(' ').next() == Some(t.as_str())
            || self
                .subtype
                .as_deref()
                .is_some_and(|s| s.split([',', ' ']).any(|w| w == t))
    }

    /// Whether it carries a tag ("nonmagical metal armor"), ignoring case.
    pub fn has_tag(&self, tag: &str) -> bool {
        self.tags.iter().any(|t| t.eq_ignore_ascii_case(tag))
    }

    /// Whether it has an ongoing effect of this name, ignoring case.
    pub fn has_effect(&self, name: &str) -> bool {
        self.effects
            .iter()
            .any(|n| crate::content::same_key(n, name))
    }
}
