//! The automation engine, first slice: a monster's action from the content
//! data, resolved against a target with the core mechanics.
//!
//! An attack rolls against AC (natural 1 misses, 20 crits, crits double the
//! dice); a save rolls the target's bonus against the DC (half or nothing on
//! a success); damage is rolled with the dice language, per type, through
//! the target's resistances; conditions land on a failed save unless the
//! target is immune; a multiattack runs its steps in order. Effects over
//! time (durations, concentration, recharge bookkeeping) belong to the DM
//! core and are not applied here.

use crate::content::{Action, DamageDefense, Monster, OnSuccess};
use crate::dice::{self, Advantage, DieRoller};
use crate::mechanics::{
    Ability, AttackOutcome, AttackResult, Condition, Cover, D20Test, DamageType, Defenses,
    TestOutcome,
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
        let mut defenses = Defenses::default();
        let nonmagical = |d: &&DamageDefense| {
            d.qualifier
                .as_deref()
                .is_none_or(|q| q.starts_with("nonmagical"))
        };
        for d in m.damage_resistances.iter().filter(nonmagical) {
            d.types.iter().for_each(|t| defenses.resistances.insert(*t));
        }
        for d in m.damage_vulnerabilities.iter().filter(nonmagical) {
            d.types
                .iter()
                .for_each(|t| defenses.vulnerabilities.insert(*t));
        }
        for d in m.damage_immunities.iter().filter(nonmagical) {
            d.types.iter().for_each(|t| defenses.immunities.insert(*t));
        }
        Self {
            ac: m.ac,
            saves,
            defenses,
            condition_immunities: m.condition_immunities.clone(),
        }
    }

    fn save_bonus(&self, ability: Ability) -> i32 {
        let i = Ability::ALL
            .into_iter()
            .position(|a| a == ability)
            .unwrap_or(0);
        self.saves[i]
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

/// The result of one action (one step of a multiattack).
#[derive(Debug, Clone, PartialEq)]
pub struct Resolution {
    /// The action's name.
    pub action: String,
    /// The attack roll, for attacks.
    pub attack: Option<AttackOutcome>,
    /// The target's saving throw, for save actions.
    pub save: Option<TestOutcome>,
    /// Damage by type.
    pub damage: Vec<DamageDealt>,
    /// Conditions the target receives.
    pub conditions: Vec<Condition>,
}

impl Resolution {
    /// All damage the target takes.
    pub fn total_taken(&self) -> u32 {
        self.damage
            .iter()
            .map(|d| d.taken)
            .fold(0, u32::saturating_add)
    }
}

/// Runs `action` of `monster` against `target`: every step of a multiattack,
/// or the action itself.
pub fn run_action(
    monster: &Monster,
    action: &Action,
    target: &Target,
    advantage: Advantage,
    roller: &mut (impl DieRoller + ?Sized),
) -> Result<Vec<Resolution>, AutomationError> {
    if !action.multiattack.is_empty() {
        let mut out = Vec::new();
        for step in &action.multiattack {
            let Some(inner) = monster.actions.iter().find(|a| a.name == step.action) else {
                // A step that names a trait (the glabrezu's spellcasting) is not an action to roll.
                if monster.traits.iter().any(|t| t.name == step.action) {
                    continue;
                }
                return Err(AutomationError::UnknownAction {
                    monster: monster.name.clone(),
                    action: step.action.clone(),
                });
            };
            for _ in 0..step.count {
                if inner.attack.is_some() || inner.save.is_some() {
                    out.push(resolve(inner, target, advantage, roller)?);
                }
            }
        }
        return Ok(out);
    }
    if action.attack.is_none() && action.save.is_none() {
        let why = if action.automation.missing.is_empty() {
            "no attack or save".into()
        } else {
            action.automation.missing.join(", ")
        };
        return Err(AutomationError::NotAutomated {
            action: action.name.clone(),
            why,
        });
    }
    Ok(vec![resolve(action, target, advantage, roller)?])
}

fn resolve(
    action: &Action,
    target: &Target,
    advantage: Advantage,
    roller: &mut (impl DieRoller + ?Sized),
) -> Result<Resolution, AutomationError> {
    let mut resolution = Resolution {
        action: action.name.clone(),
        attack: None,
        save: None,
        damage: Vec::new(),
        conditions: Vec::new(),
    };
    let mut critical = false;
    let mut half = false;
    if let Some(attack) = &action.attack {
        let outcome = crate::mechanics::Attack::new(attack.bonus)
            .with_advantage(advantage)
            .roll(target.ac, Cover::None, roller)
            .map_err(|e| AutomationError::NotAutomated {
                action: action.name.clone(),
                why: e.to_string(),
            })?;
        let result = outcome.result;
        resolution.attack = Some(outcome);
        if result == AttackResult::Miss {
            return Ok(resolution);
        }
        critical = result == AttackResult::Critical;
    } else if let Some(save) = &action.save {
        let (outcome, share, conditions) = saving_throw(
            target,
            save.ability,
            save.dc as i32,
            save.on_success == OnSuccess::Half,
            &action.conditions,
            roller,
        );
        resolution.save = Some(outcome);
        resolution.conditions = conditions;
        match share {
            None => return Ok(resolution),
            Some(divisor) => half = divisor == 2,
        }
    }
    for d in &action.damage {
        let mut rolled = roll_amount(&action.name, &d.dice, None, critical, roller)?;
        if half {
            rolled /= 2;
        }
        let taken = target.defenses.adjust(rolled, d.damage_type);
        resolution.damage.push(DamageDealt {
            damage_type: d.damage_type,
            rolled,
            taken,
        });
    }
    Ok(resolution)
}

/// What a spell needs from its caster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

/// What a cast spell did to one target.
#[derive(Debug, Clone, PartialEq)]
pub struct SpellResolution {
    /// The spell attack roll, for attack spells.
    pub attack: Option<AttackOutcome>,
    /// The target's saving throw, for save spells.
    pub save: Option<TestOutcome>,
    /// Damage by type.
    pub damage: Vec<DamageDealt>,
    /// Hit points restored.
    pub healing: u32,
    /// Conditions the target receives.
    pub conditions: Vec<Condition>,
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
    /// The content can't run this spell yet.
    #[error(transparent)]
    Automation(#[from] AutomationError),
}

/// Casts `spell` at `slot` (ignored for cantrips, which scale with the
/// caster's level) on `targets`, one resolution each. An attack spell rolls
/// an attack and damage per target (a critical hit doubles that target's
/// dice). Any other spell rolls its damage or healing once for everyone, as
/// the rules do for Fireball: each target then saves on its own, taking half
/// or nothing on a success, and conditions land on a failed save.
pub fn cast_spell(
    spell: &crate::content::Spell,
    slot: u8,
    caster: &Caster,
    targets: &[Target],
    advantage: Advantage,
    roller: &mut (impl DieRoller + ?Sized),
) -> Result<Vec<SpellResolution>, CastError> {
    let not_automated = |why: &str| AutomationError::NotAutomated {
        action: spell.name.clone(),
        why: why.into(),
    };
    if !spell.is_cantrip() && slot < spell.level {
        return Err(CastError::SlotTooLow {
            spell: spell.name.clone(),
            level: spell.level,
        });
    }
    let at_slot = |table: &std::collections::BTreeMap<crate::mechanics::SpellLevel, String>| {
        table
            .range(..=crate::mechanics::SpellLevel::new(slot.min(9))?)
            .next_back()
            .map(|(_, d)| d.clone())
    };
    let damage = match &spell.damage {
        Some(d) => {
            let damage_type = d
                .damage_type
                .ok_or_else(|| not_automated("damage type chosen when cast"))?;
            let dice = if spell.is_cantrip() {
                d.at_character_level(caster.level).map(str::to_string)
            } else {
                at_slot(&d.by_slot_level)
            };
            let dice = dice.ok_or_else(|| not_automated("no damage at this level"))?;
            Some((damage_type, dice, d.add_modifier.then_some(caster.modifier)))
        }
        None => None,
    };
    let healing = match &spell.healing {
        Some(h) => {
            let dice = at_slot(&h.by_slot_level)
                .ok_or_else(|| not_automated("no healing at this level"))?;
            Some((dice, h.add_modifier.then_some(caster.modifier)))
        }
        None => None,
    };
    let blank = || SpellResolution {
        attack: None,
        save: None,
        damage: Vec::new(),
        healing: 0,
        conditions: Vec::new(),
    };
    if spell.attack.is_some() {
        let mut out = Vec::with_capacity(targets.len());
        for target in targets {
            let mut r = blank();
            let outcome = crate::mechanics::Attack::new(caster.attack_bonus)
                .with_advantage(advantage)
                .roll(target.ac, Cover::None, roller)
                .map_err(|e| not_automated(&e.to_string()))?;
            let result = outcome.result;
            r.attack = Some(outcome);
            if let Some((damage_type, dice, modifier)) =
                damage.as_ref().filter(|_| result != AttackResult::Miss)
            {
                let rolled = roll_amount(
                    &spell.name,
                    dice,
                    *modifier,
                    result == AttackResult::Critical,
                    roller,
                )?;
                r.damage.push(DamageDealt {
                    damage_type: *damage_type,
                    rolled,
                    taken: target.defenses.adjust(rolled, *damage_type),
                });
            }
            out.push(r);
        }
        return Ok(out);
    }
    if spell.save.is_none() && healing.is_none() && !spell.conditions.is_empty() {
        return Err(not_automated("conditions without a save").into());
    }
    let shared_damage = match &damage {
        Some((damage_type, dice, modifier)) => Some((
            *damage_type,
            roll_amount(&spell.name, dice, *modifier, false, roller)?,
        )),
        None => None,
    };
    let shared_healing = match &healing {
        Some((dice, modifier)) => roll_amount(&spell.name, dice, *modifier, false, roller)?,
        None => 0,
    };
    let mut out = Vec::with_capacity(targets.len());
    for target in targets {
        let mut r = blank();
        r.healing = shared_healing;
        let mut share = Some(1u32);
        if let Some(save) = &spell.save {
            // A spell whose success result is not in the data does nothing on a success.
            let half = save.on_success == Some(OnSuccess::Half);
            let (outcome, save_share, conditions) = saving_throw(
                target,
                save.ability,
                caster.save_dc,
                half,
                &spell.conditions,
                roller,
            );
            share = save_share;
            r.conditions = conditions;
            r.save = Some(outcome);
        }
        if let (Some((damage_type, rolled)), Some(divisor)) = (shared_damage, share) {
            let rolled = rolled / divisor;
            r.damage.push(DamageDealt {
                damage_type,
                rolled,
                taken: target.defenses.adjust(rolled, damage_type),
            });
        }
        out.push(r);
    }
    Ok(out)
}

/// A target's saving throw against `dc`: the outcome, the share of damage
/// it takes (1 = all, 2 = half, `None` = nothing) and the conditions it gets.
fn saving_throw(
    target: &Target,
    ability: Ability,
    dc: i32,
    half_on_success: bool,
    conditions: &[Condition],
    roller: &mut (impl DieRoller + ?Sized),
) -> (TestOutcome, Option<u32>, Vec<Condition>) {
    let outcome = D20Test::new(target.save_bonus(ability)).roll(dc, roller);
    if outcome.success() {
        let share = half_on_success.then_some(2);
        (outcome, share, Vec::new())
    } else {
        let landed = conditions
            .iter()
            .copied()
            .filter(|c| !target.condition_immunities.contains(c))
            .collect();
        (outcome, Some(1), landed)
    }
}

/// Runs a saving-throw action (a breath weapon, a gaze) against several
/// targets: its damage is rolled once, and each target saves on its own for
/// half or nothing, as the rules do for an area.
pub fn run_area_action(
    action: &Action,
    targets: &[Target],
    roller: &mut (impl DieRoller + ?Sized),
) -> Result<Vec<Resolution>, AutomationError> {
    let Some(save) = &action.save else {
        return Err(AutomationError::NotAutomated {
            action: action.name.clone(),
            why: "not a saving-throw action".into(),
        });
    };
    let mut rolled = Vec::with_capacity(action.damage.len());
    for d in &action.damage {
        rolled.push((
            d.damage_type,
            roll_amount(&action.name, &d.dice, None, false, roller)?,
        ));
    }
    let mut out = Vec::with_capacity(targets.len());
    for target in targets {
        let (outcome, share, conditions) = saving_throw(
            target,
            save.ability,
            save.dc as i32,
            save.on_success == OnSuccess::Half,
            &action.conditions,
            roller,
        );
        let damage = match share {
            Some(divisor) => rolled
                .iter()
                .map(|&(damage_type, amount)| {
                    let amount = amount / divisor;
                    DamageDealt {
                        damage_type,
                        rolled: amount,
                        taken: target.defenses.adjust(amount, damage_type),
                    }
                })
                .collect(),
            None => Vec::new(),
        };
        out.push(Resolution {
            action: action.name.clone(),
            attack: None,
            save: Some(outcome),
            damage,
            conditions,
        });
    }
    Ok(out)
}

/// Rolls a damage or healing expression, doubled dice on a crit, plus a modifier.
fn roll_amount(
    name: &str,
    dice_text: &str,
    modifier: Option<i32>,
    critical: bool,
    roller: &mut (impl DieRoller + ?Sized),
) -> Result<u32, AutomationError> {
    let bad = |why: String| AutomationError::BadDice {
        action: name.to_string(),
        dice: dice_text.to_string(),
        why,
    };
    let expr = dice::parse(dice_text).map_err(|e| bad(e.to_string()))?;
    let expr = if critical {
        expr.with_doubled_dice()
    } else {
        expr
    };
    let total = dice::roll(&expr, roller)
        .map_err(|e| bad(e.to_string()))?
        .total
        + i64::from(modifier.unwrap_or(0));
    Ok(u32::try_from(total.max(0)).unwrap_or(u32::MAX))
}

/// An SRD monster as a combatant for [`crate::mechanics::legal_options`]: its
/// hit points, AC, walking speed, size and one attack profile per attack
/// action. A weapon that is both melee and thrown gives two profiles,
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

/// `Tail (Vampire Form Only)` → `tail-vampire-form-only`: letters, digits and dashes, as option ids need.
fn option_slug(name: &str) -> String {
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
