//! The interpreter of automation trees ([`Effect`]): one engine for every
//! attack, spell and monster action.
//!
//! A tree runs against each target in turn. Dice outside an attack roll are
//! rolled once for the whole run and shared by every target (one Fireball
//! roll, each target saving on its own; one Magic Missile roll for every
//! dart); dice under an attack roll are rolled per hit, doubled on a
//! critical hit. Ongoing effects are returned as [`Applied`] records for the
//! [`Board`](super::Board) to keep.

use crate::content::{Amount, AttackStep, Effect, Modifiers, Ongoing, SaveStep, SplitStep};
use crate::dice::{self, Advantage, DieRoller};
use crate::mechanics::{
    AttackContext, AttackKind, AttackOutcome, AttackResult, Condition, Conditions, Cover,
    DamageType, SpellLevel, TestOutcome, attack_effects,
};

use super::{AutomationError, DamageDealt, Target};

/// The figures of one use of an action or spell that its tree reads, and
/// that effects on later turns keep: bonuses, DC, slot and level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct CastFigures {
    /// The attack bonus for attack steps that carry none (a spell attack).
    pub attack_bonus: i32,
    /// The DC for save steps that carry none (the spell save DC).
    pub save_dc: i32,
    /// The spellcasting ability modifier, for amounts that add it.
    pub modifier: i32,
    /// The caster's character level (cantrips scale with it).
    pub level: u8,
    /// The spell's own level (0 for a cantrip or an action).
    pub spell_level: u8,
    /// The slot it was cast with (0 for a cantrip or an action).
    pub slot: u8,
    /// The damage type chosen as it was cast, for steps that leave it open.
    pub chosen_type: Option<DamageType>,
}

/// Who acts and how, for one run of a tree.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Context {
    /// The action's or spell's name, for the record and error messages.
    pub name: String,
    /// Bonuses, DC, slot and level.
    pub figures: CastFigures,
    /// Whether its attack rolls are melee or ranged.
    pub attack_kind: AttackKind,
    /// Whether its attacks are weapon attacks (Divine Favor's extra damage
    /// and Ray of Enfeeblement's halving apply to those).
    pub weapon: bool,
    /// Situational advantage or disadvantage on its attack rolls beyond
    /// conditions and ongoing effects (the Help action, flanking rules).
    pub advantage: Advantage,
    /// The actor's conditions.
    pub conditions: Conditions,
    /// The actor's ongoing effects, summed ([`super::Board::modifiers`]).
    pub modifiers: Modifiers,
    /// The option picked when casting or acting: a [`crate::content::ChoiceStep`]
    /// option's name, or the note of an alternative damage ("two handed").
    pub choice: Option<String>,
    /// Who acts, for keying immunity after a save to this creature's use
    /// of the action ("adult-red-dragon"); absent: the action's name alone.
    pub source: Option<String>,
    /// Its damage is magical (a spell, a magic weapon): defenses against
    /// nonmagical attacks don't apply.
    pub magical: bool,
    /// The one who acts sees through illusions (blindsight, truesight):
    /// Mirror Image's duplicates don't fool it.
    pub sees_through: bool,
}

impl Context {
    /// What immunity after a save to this action is keyed by: the acting
    /// creature and the action ("adult-red-dragon / Frightful Presence"),
    /// so saving against one dragon's presence does not shield from another's.
    pub fn immunity_key(&self) -> String {
        match &self.source {
            Some(source) => format!("{source} / {}", self.name),
            None => self.name.clone(),
        }
    }
}

/// An ongoing effect a run put on someone, for the board to keep.
#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    /// The effect as the content describes it.
    pub effect: Ongoing,
    /// It goes on the actor rather than on the target.
    pub on_self: bool,
    /// The DC of the save that imposed it (or the caster's), which a save
    /// to end it and saves on later turns use.
    pub dc: i32,
    /// The conditions that landed (those the target is immune to are left out).
    pub conditions: Vec<Condition>,
}

/// What one run did to one target (one missile of a split: one each).
#[derive(Debug, Clone, PartialEq)]
pub struct Resolution {
    /// The action's or spell's name.
    pub action: String,
    /// The index of the target in the list the run was given.
    pub target: usize,
    /// The attack roll, for attacks.
    pub attack: Option<AttackOutcome>,
    /// The target's saving throw, for save effects (the first, when an
    /// attack's rider asks for one).
    pub save: Option<TestOutcome>,
    /// Damage by type.
    pub damage: Vec<DamageDealt>,
    /// Hit points restored.
    pub healing: u32,
    /// Temporary hit points granted.
    pub temp_hp: u32,
    /// Conditions the target receives now.
    pub conditions: Vec<Condition>,
    /// Conditions it would have received but is immune to.
    pub immune: Vec<Condition>,
    /// Ongoing effects to put on the target or the actor.
    pub applied: Vec<Applied>,
    /// The target is immune to this action after an earlier save, and
    /// nothing happened to it.
    pub immune_to_action: bool,
    /// Conditions ended on the target.
    pub removed: Vec<Condition>,
    /// The target, dead, comes back with this many hit points.
    pub revived: Option<u32>,
    /// The target, dying, is stabilized.
    pub stabilized: bool,
    /// Feet the target is pushed away (negative: pulled closer).
    pub pushed_ft: i32,
    /// The target's concentration is broken.
    pub concentration_broken: bool,
    /// The attack went for one of the target's illusory duplicates instead
    /// (Mirror Image): `true` if it hit and destroyed it.
    pub duplicate: Option<bool>,
    /// Kinds of ongoing effect to end on the target, one of each
    /// ([`super::Board::remove_kinds`]).
    pub removed_effects: Vec<crate::content::EffectKind>,
    /// Exhaustion levels to take away.
    pub exhaustion_removed: u8,
    /// The target dies outright.
    pub killed: bool,
    /// Hit points the one who acts regains from the damage dealt.
    pub source_healing: u32,
    /// Hit points the target loses without damage (no type, no resistance).
    pub hp_lost: u32,
    /// An ability contest's totals: the actor's, then the target's.
    pub contest: Option<[i32; 2]>,
    /// The attack hit without a roll (a target held by the attacker).
    pub auto_hit: bool,
    /// Ongoing effects on the target that end, by name (the board ends them).
    pub ended: Vec<String>,
    /// The rolls of random tables for this target, in the order rolled
    /// (Prismatic Spray's d8, then the two d7s of its eighth ray).
    pub table_rolls: Vec<u32>,
    /// The target drops what it is holding.
    pub dropped: bool,
}

impl Resolution {
    fn new(action: &str, target: usize) -> Self {
        Self {
            action: action.to_string(),
            target,
            attack: None,
            save: None,
            damage: Vec::new(),
            healing: 0,
            temp_hp: 0,
            conditions: Vec::new(),
            immune: Vec::new(),
            applied: Vec::new(),
            immune_to_action: false,
            removed: Vec::new(),
            revived: None,
            stabilized: false,
            pushed_ft: 0,
            concentration_broken: false,
            duplicate: None,
            removed_effects: Vec::new(),
            exhaustion_removed: 0,
            killed: false,
            source_healing: 0,
            hp_lost: 0,
            contest: None,
            auto_hit: false,
            ended: Vec::new(),
            table_rolls: Vec::new(),
            dropped: false,
        }
    }

    /// All damage the target takes.
    pub fn total_taken(&self) -> u32 {
        self.damage
            .iter()
            .map(|d| d.taken)
            .fold(0, u32::saturating_add)
    }
}

/// Runs `effects` against each of `targets`: one [`Resolution`] per target
/// (and one per missile of a split step, targets taken in turn).
pub fn run(
    effects: &[Effect],
    ctx: &Context,
    targets: &[Target],
    roller: &mut (impl DieRoller + ?Sized),
) -> Result<Vec<Resolution>, AutomationError> {
    let mut runner = Runner {
        ctx,
        roller,
        shared: Vec::new(),
        pool: None,
        healing_left: None,
        crit_times: 2,
        advantaged: false,
        dice: dice::Roller::new(),
    };
    let mut out = Vec::with_capacity(targets.len());
    if effects.iter().any(|e| !matches!(e, Effect::Split(_))) {
        // A hit point pool reaches the creatures with the fewest hit points first.
        let mut order: Vec<usize> = (0..targets.len()).collect();
        if effects.iter().any(|e| matches!(e, Effect::Pool(_))) {
            order.sort_by_key(|&i| targets[i].hp);
        }
        for i in order {
            let mut r = Resolution::new(&ctx.name, i);
            // Top-level splits are left to the loop below, across targets.
            let scope = Scope {
                top: true,
                ..Scope::outside(ctx.figures.save_dc)
            };
            runner.list(effects, &targets[i], scope, &mut r)?;
            out.push(r);
        }
        out.sort_by_key(|r| r.target);
    }
    for effect in effects {
        let Effect::Split(step) = effect else {
            continue;
        };
        if targets.is_empty() {
            break;
        }
        for n in 0..runner.count(step) {
            let i = n as usize % targets.len();
            let mut r = Resolution::new(&ctx.name, i);
            let scope = Scope::outside(ctx.figures.save_dc);
            runner.list(&step.each, &targets[i], scope, &mut r)?;
            out.push(r);
        }
    }
    Ok(out)
}

/// Where in the tree a step runs.
#[derive(Debug, Clone, Copy)]
struct Scope {
    /// Under an attack roll: dice are rolled per hit, not shared.
    under_attack: bool,
    /// The attack was a critical hit and the step deals its damage directly.
    critical: bool,
    /// The DC that saves and ongoing effects below use.
    dc: i32,
    /// The tree's own top level, run per target: a split there is spread
    /// across the targets by [`run`] instead.
    top: bool,
}

impl Scope {
    fn outside(dc: i32) -> Self {
        Self {
            under_attack: false,
            critical: false,
            dc,
            top: false,
        }
    }

    /// The same scope one level down.
    fn below(self) -> Self {
        Self { top: false, ..self }
    }
}

struct Runner<'a, R: DieRoller + ?Sized> {
    ctx: &'a Context,
    roller: &'a mut R,
    /// Dice rolled once for the whole run: (dice text, what for, total).
    shared: Vec<(String, u8, u32)>,
    /// What is left of a hit point pool.
    pool: Option<u32>,
    /// What is left of a shared pool of healing (Mass Heal).
    healing_left: Option<u32>,
    /// How many times damage dice are rolled on the current critical hit.
    crit_times: u8,
    /// The current attack roll had advantage.
    advantaged: bool,
    /// Rolls the run's dice texts: one parse per text, buffers reused.
    dice: dice::Roller,
}

impl<R: DieRoller + ?Sized> Runner<'_, R> {
    /// Runs a list of steps. Damage steps with a note are alternatives (a
    /// versatile grip, a form): one runs when the context's choice names it,
    /// replacing the plain step of its damage type; with no choice, the
    /// first noted step of a type runs only if no plain step has that type.
    fn list(
        &mut self,
        effects: &[Effect],
        target: &Target,
        scope: Scope,
        out: &mut Resolution,
    ) -> Result<(), AutomationError> {
        let choice = self.ctx.choice.as_deref();
        let chosen = |d: &crate::content::DamageStep| {
            d.note
                .as_deref()
                .zip(choice)
                .is_some_and(|(n, c)| crate::content::same_key(n, c))
        };
        let steps: Vec<Option<&crate::content::DamageStep>> = effects
            .iter()
            .map(|e| match e {
                Effect::Damage(d) => Some(d),
                _ => None,
            })
            .collect();
        let chosen_types: Vec<Option<DamageType>> = steps
            .iter()
            .flatten()
            .filter(|d| chosen(d))
            .map(|d| d.damage_type)
            .collect();
        let attack_chosen = effects.iter().any(|e| match e {
            Effect::Attack(a) => a
                .note
                .as_deref()
                .zip(choice)
                .is_some_and(|(n, c)| crate::content::same_key(n, c)),
            _ => false,
        });
        for (i, effect) in effects.iter().enumerate() {
            if let Effect::Attack(a) = effect {
                let runs = match a.note.as_deref() {
                    None => !attack_chosen,
                    Some(n) => choice.is_some_and(|c| crate::content::same_key(n, c)),
                };
                if !runs {
                    continue;
                }
            }
            if let Some(d) = steps[i] {
                let runs = match &d.note {
                    None => !chosen_types.contains(&d.damage_type),
                    Some(_) if chosen(d) => true,
                    Some(_) => {
                        let plain = steps
                            .iter()
                            .flatten()
                            .any(|o| o.note.is_none() && o.damage_type == d.damage_type);
                        let first = !steps[..i]
                            .iter()
                            .flatten()
                            .any(|o| o.note.is_some() && o.damage_type == d.damage_type);
                        chosen_types.is_empty() && !plain && first
                    }
                };
                if !runs {
                    continue;
                }
            }
            self.step(effect, target, scope, out)?;
        }
        Ok(())
    }

    fn step(
        &mut self,
        effect: &Effect,
        target: &Target,
        scope: Scope,
        out: &mut Resolution,
    ) -> Result<(), AutomationError> {
        match effect {
            Effect::Attack(step) => self.attack(step, target, scope, out),
            Effect::Save(step) => self.save(step, target, scope, out),
            Effect::Damage(step) => {
                let damage_type = step
                    .damage_type
                    .or(self.ctx.figures.chosen_type)
                    .ok_or_else(|| AutomationError::NotAutomated {
                        action: self.ctx.name.clone(),
                        why: "its damage type is chosen when it is cast: name one".into(),
                    })?;
                let mut rolled = if target.is_any(&step.max_against) {
                    self.most(&step.amount, scope)?
                } else {
                    self.amount(&step.amount, 0, scope)?
                };
                if step.half {
                    rolled /= 2;
                }
                if scope.under_attack && self.ctx.weapon && self.ctx.modifiers.half_weapon_damage {
                    rolled /= 2;
                }
                let mut taken = target.take_from(rolled, damage_type, self.magical());
                if step.leaves_one {
                    let dealt = out.total_taken();
                    taken = taken.min(target.hp.saturating_sub(1).saturating_sub(dealt));
                }
                out.damage.push(DamageDealt {
                    damage_type,
                    rolled,
                    taken,
                });
                Ok(())
            }
            Effect::Heal(step) => {
                let mut healed = if target.modifiers.max_healing {
                    self.most(&step.amount, scope)?
                } else {
                    self.amount(&step.amount, 1, scope)?
                };
                if step.shared {
                    // One pool for every target, in the order named, each
                    // healed up to its maximum.
                    let left = *self.healing_left.get_or_insert(healed);
                    let wounds = target.max_hp.saturating_sub(target.hp);
                    healed = left.min(wounds);
                    self.healing_left = Some(left - healed);
                }
                if !target.modifiers.no_healing {
                    out.healing = out.healing.saturating_add(healed);
                }
                Ok(())
            }
            Effect::TempHp(step) => {
                // Temporary hit points don't stack: the larger amount stays.
                out.temp_hp = out.temp_hp.max(self.amount(&step.amount, 2, scope)?);
                Ok(())
            }
            Effect::Apply(step) => {
                let (landed, immune): (Vec<Condition>, Vec<Condition>) =
                    step.effect.conditions.iter().partition(|c| {
                        step.on_self
                            || !(target.condition_immunities.contains(c)
                                || target.modifiers.condition_immunities.contains(c))
                    });
                out.immune.extend(&immune);
                let blocked = !immune.is_empty()
                    && landed.is_empty()
                    && step.effect.modifiers.is_empty()
                    && step.effect.each_turn.is_none();
                if !blocked {
                    if !step.on_self {
                        out.conditions.extend(&landed);
                    }
                    let mut effect = (*step.effect).clone();
                    if let Some(slot) = SpellLevel::new(self.ctx.figures.slot.min(9))
                        && let Some((_, m)) = effect.modifiers_by_slot.range(..=slot).next_back()
                    {
                        effect.modifiers = m.clone();
                    }
                    effect.modifiers_by_slot.clear();
                    if let Some(amount) = &step.effect.max_hp_amount {
                        let raised = self.amount(amount, 4, scope)?;
                        let raised = i32::try_from(raised).unwrap_or(i32::MAX);
                        effect.modifiers.max_hp = effect.modifiers.max_hp.saturating_add(raised);
                    }
                    if let Some(rounds) = SpellLevel::new(self.ctx.figures.slot.min(9))
                        .and_then(|slot| effect.rounds_by_slot.range(..=slot).next_back())
                        .map(|(_, rounds)| *rounds)
                    {
                        effect.duration = Some(crate::content::Lasting::Rounds { rounds });
                    }
                    if effect.escape_at_save_dc && effect.escape_dc.is_none() {
                        effect.escape_dc = u32::try_from(scope.dc).ok();
                    }
                    if effect.drain {
                        // The maximum falls by what this hit dealt (of one type, if named).
                        let taken = out
                            .damage
                            .iter()
                            .filter(|d| effect.drain_type.is_none_or(|t| t == d.damage_type))
                            .map(|d| d.taken)
                            .fold(0, u32::saturating_add);
                        let taken = i32::try_from(taken).unwrap_or(i32::MAX);
                        effect.modifiers.max_hp = effect.modifiers.max_hp.saturating_sub(taken);
                    }
                    if let Some(loss) = &step.effect.score_loss {
                        self.score_loss(loss, &mut effect, target, scope, out)?;
                    }
                    out.applied.push(Applied {
                        effect,
                        on_self: step.on_self,
                        dc: scope.dc,
                        conditions: landed,
                    });
                }
                Ok(())
            }
            Effect::Only(step) => {
                let dropped =
                    target.hp > 0 && out.total_taken().saturating_add(out.hp_lost) >= target.hp;
                if target.fits(step)
                    && (!step.dropped_to_0 || dropped)
                    && (!step.attack_advantage || self.advantaged)
                {
                    self.list(&step.then, target, scope.below(), out)?;
                }
                Ok(())
            }
            Effect::Split(_) if scope.top => Ok(()),
            Effect::Split(step) => {
                for _ in 0..self.count(step) {
                    self.list(&step.each, target, scope, out)?;
                }
                Ok(())
            }
            Effect::Choice(step) => {
                // A monster's action (the context names who acts) with no
                // choice made runs its first option (its default; the
                // planner names another); a spell with none asks.
                let found = match self.ctx.choice.as_deref() {
                    None if self.ctx.source.is_some() => step.options.first(),
                    None => None,
                    Some(wanted) => step
                        .options
                        .iter()
                        .find(|c| crate::content::same_key(&c.name, wanted)),
                };
                let Some(choice) = found else {
                    let names: Vec<&str> = step.options.iter().map(|c| c.name.as_str()).collect();
                    return Err(AutomationError::NotAutomated {
                        action: self.ctx.name.clone(),
                        why: format!("choose one of: {}", names.join(", ")),
                    });
                };
                self.list(&choice.effects, target, scope.below(), out)
            }
            Effect::Pool(step) => {
                let pool = match self.pool {
                    Some(left) => left,
                    None => self.amount(&step.amount, 3, Scope::outside(scope.dc))?,
                };
                // A creature the spell doesn't affect (Sleep's undead) is
                // passed over and uses none of the pool.
                let affected = step.then.iter().all(|e| match e {
                    Effect::Only(only) => target.fits(only),
                    _ => true,
                });
                if affected && target.hp <= pool {
                    self.pool = Some(pool - target.hp);
                    self.list(&step.then, target, scope.below(), out)?;
                } else {
                    self.pool = Some(pool);
                }
                Ok(())
            }
            Effect::Remove(step) => {
                out.removed.extend(&step.conditions);
                out.removed_effects.extend(&step.kinds);
                out.exhaustion_removed = out.exhaustion_removed.saturating_add(step.exhaustion);
                out.ended.extend(step.effects.iter().cloned());
                Ok(())
            }
            Effect::Revive(step) => {
                out.revived = Some(step.hp);
                Ok(())
            }
            Effect::Stabilize => {
                out.stabilized = true;
                Ok(())
            }
            Effect::Push(step) => {
                out.pushed_ft = out.pushed_ft.saturating_add(step.feet);
                Ok(())
            }
            Effect::BreakConcentration => {
                out.concentration_broken |= target.concentrating;
                Ok(())
            }
            Effect::Kill => {
                out.killed = true;
                Ok(())
            }
            Effect::HealSelf(step) => {
                let taken = out
                    .damage
                    .iter()
                    .filter(|d| step.damage_type.is_none_or(|t| t == d.damage_type))
                    .map(|d| d.taken)
                    .fold(0, u32::saturating_add);
                let healed = if step.half { taken / 2 } else { taken };
                out.source_healing = out.source_healing.saturating_add(healed);
                Ok(())
            }
            Effect::Contest(step) => self.contest(step, target, scope, out),
            Effect::LoseHp(step) => {
                let lost = self.amount(&step.amount, 5, scope)?;
                out.hp_lost = out.hp_lost.saturating_add(lost);
                Ok(())
            }
            Effect::Table(step) => {
                // Rolled for each target, never shared.
                let rolled = self.dice(&step.dice, 0, false)?;
                out.table_rolls.push(rolled);
                if let Some(row) = step.rows.iter().find(|r| (r.min..=r.max).contains(&rolled)) {
                    self.list(&row.effects, target, scope.below(), out)?;
                }
                Ok(())
            }
            Effect::Drop => {
                out.dropped = true;
                Ok(())
            }
        }
    }

    fn attack(
        &mut self,
        step: &AttackStep,
        target: &Target,
        scope: Scope,
        out: &mut Resolution,
    ) -> Result<(), AutomationError> {
        let ctx = self.ctx;
        let mut bonus = step.bonus.unwrap_or(ctx.figures.attack_bonus);
        if let Some(dice) = &ctx.modifiers.attack_dice {
            bonus = bonus.saturating_add(self.signed_dice(dice)?);
        }
        if ctx.weapon {
            bonus = bonus.saturating_add(ctx.modifiers.weapon_attack);
        }
        let situation = AttackContext {
            kind: ctx.attack_kind,
            ..target.situation
        };
        // A revealed creature (Faerie Fire) gets nothing from being invisible.
        let revealed;
        let defender = if target.modifiers.revealed && target.conditions.has(Condition::Invisible) {
            let mut c = target.conditions.clone();
            c.remove(Condition::Invisible);
            revealed = c;
            &revealed
        } else {
            &target.conditions
        };
        let effects = attack_effects(&ctx.conditions, defender, &situation);
        let mut sources = [false, false];
        let mut note = |a: Advantage| match a {
            Advantage::Advantage => sources[0] = true,
            Advantage::Disadvantage => sources[1] = true,
            Advantage::Normal => {}
        };
        note(effects.tally.advantage());
        note(ctx.advantage);
        note(sign(ctx.modifiers.attacks));
        note(sign(target.modifiers.attacked));
        if target.is_any(&step.advantage_against)
            || step.advantage_if.iter().any(|c| target.conditions.has(*c))
            || step
                .advantage_if_effect
                .as_deref()
                .is_some_and(|name| target.has_effect(name))
            || step
                .advantage_if_tag
                .as_deref()
                .is_some_and(|tag| target.has_tag(tag))
        {
            note(Advantage::Advantage);
        }
        let advantage = match sources {
            [true, false] => Advantage::Advantage,
            [false, true] => Advantage::Disadvantage,
            _ => Advantage::Normal,
        };
        if step.auto_hit_if.iter().any(|c| target.conditions.has(*c))
            || step
                .auto_hit_if_effect
                .as_deref()
                .is_some_and(|name| target.has_effect(name))
        {
            out.auto_hit = true;
            return self.attack_hit(step, target, scope, out, false, false);
        }
        // Mirror Image: a d20 decides whether the attack goes for a duplicate
        // (6+ with three left, 8+ with two, 11+ with one); a duplicate has
        // AC 10 + the creature's Dexterity modifier and a hit destroys it.
        let duplicate = target.duplicates > 0 && !ctx.sees_through && {
            let need = match target.duplicates {
                1 => 11,
                2 => 8,
                _ => 6,
            };
            self.roll_text("1d20", false)? >= need
        };
        let ac = if duplicate {
            10_i32.saturating_add(target.dex_modifier)
        } else {
            target.effective_ac()
        };
        let outcome = crate::mechanics::Attack::new(bonus)
            .with_advantage(advantage)
            .with_auto_crit(effects.auto_crit)
            .roll(ac, Cover::None, self.roller)
            .map_err(|e| AutomationError::NotAutomated {
                action: ctx.name.clone(),
                why: e.to_string(),
            })?;
        let result = outcome.result;
        out.attack.get_or_insert(outcome);
        if duplicate {
            out.duplicate = Some(result.is_hit());
            return Ok(());
        }
        if result.is_hit() {
            return self.attack_hit(
                step,
                target,
                scope,
                out,
                result == AttackResult::Critical,
                advantage == Advantage::Advantage,
            );
        }
        let inner = Scope {
            under_attack: true,
            critical: false,
            dc: scope.dc,
            top: false,
        };
        self.list(&step.miss, target, inner, out)
    }

    /// What a hit does: the hit list, then a weapon's extra damage, with the
    /// dice rolled `crit_dice` times on a critical hit.
    fn attack_hit(
        &mut self,
        step: &AttackStep,
        target: &Target,
        scope: Scope,
        out: &mut Resolution,
        critical: bool,
        advantaged: bool,
    ) -> Result<(), AutomationError> {
        let ctx = self.ctx;
        let inner = Scope {
            under_attack: true,
            critical,
            dc: scope.dc,
            top: false,
        };
        let before = (self.crit_times, self.advantaged);
        self.crit_times = step.crit_dice.unwrap_or(2);
        self.advantaged = advantaged;
        let done = self.hit_list(step, target, inner, out, ctx);
        (self.crit_times, self.advantaged) = before;
        done
    }

    fn hit_list(
        &mut self,
        step: &AttackStep,
        target: &Target,
        inner: Scope,
        out: &mut Resolution,
        ctx: &Context,
    ) -> Result<(), AutomationError> {
        self.list(&step.hit, target, inner, out)?;
        {
            if ctx.weapon
                && let Some(extra) = &ctx.modifiers.weapon_damage
            {
                let damage_type = extra
                    .damage_type
                    .or_else(|| out.damage.first().map(|d| d.damage_type))
                    .unwrap_or(DamageType::Force);
                if let Some(less) = extra.dice.strip_prefix('-') {
                    // Dice taken from the weapon's damage (Reduce), never below 1.
                    let cut = self.dice(less, 0, inner.critical)?;
                    if let Some(first) = out.damage.first_mut() {
                        first.rolled = first.rolled.saturating_sub(cut).max(1);
                        first.taken =
                            target.take_from(first.rolled, first.damage_type, self.magical());
                    }
                } else {
                    let rolled = self.dice(&extra.dice, 0, inner.critical)?;
                    out.damage.push(DamageDealt {
                        damage_type,
                        rolled,
                        taken: target.take_from(rolled, damage_type, self.magical()),
                    });
                }
                self.list(&extra.effects, target, inner, out)?;
            }
        }
        Ok(())
    }

    fn save(
        &mut self,
        step: &SaveStep,
        target: &Target,
        scope: Scope,
        out: &mut Resolution,
    ) -> Result<(), AutomationError> {
        let dc = step
            .dc
            .map_or(scope.dc, |dc| i32::try_from(dc).unwrap_or(i32::MAX));
        if !scope.under_attack {
            // Shared dice are rolled before anyone saves, as at the table:
            // the Fireball's damage first, then each creature's save.
            for effect in step.fail.iter().chain(&step.success) {
                match effect {
                    Effect::Damage(d) => self.amount(&d.amount, 0, scope).map(drop)?,
                    Effect::Heal(h) => self.amount(&h.amount, 1, scope).map(drop)?,
                    Effect::TempHp(t) => self.amount(&t.amount, 2, scope).map(drop)?,
                    _ => {}
                }
            }
        }
        let key = self.ctx.immunity_key();
        if target
            .immune_to
            .iter()
            .any(|name| crate::content::same_key(name, &key))
        {
            out.immune_to_action = true;
            return Ok(());
        }
        let mut sources = [false, false];
        if target.is_any(&step.advantage_types) || (step.advantage_if_hostile && target.hostile) {
            sources[0] = true;
        }
        if target.is_any(&step.disadvantage_types) {
            sources[1] = true;
        }
        if !target.modifiers.save_advantage_against.is_empty()
            && imposes(&step.fail, &target.modifiers.save_advantage_against)
        {
            sources[0] = true;
        }
        let extra = match sources {
            [true, false] => Advantage::Advantage,
            [false, true] => Advantage::Disadvantage,
            _ => Advantage::Normal,
        };
        let outcome = self.saving_throw(target, step.ability, dc, extra)?;
        let success = outcome.success();
        let by_5 = !success && outcome.total().is_none_or(|total| total <= dc - 5);
        out.save.get_or_insert(outcome);
        if let Some(rounds) = step.immunity_rounds.filter(|_| success) {
            out.applied.push(Applied {
                effect: Ongoing {
                    name: format!("Immune to {}", self.ctx.name),
                    immunity_to: Some(key),
                    duration: Some(crate::content::Lasting::Rounds { rounds }),
                    ..Ongoing::default()
                },
                on_self: false,
                dc,
                conditions: Vec::new(),
            });
        }
        // Damage below a save is the save's own: a critical hit does not double it.
        let inner = Scope {
            critical: false,
            dc,
            top: false,
            ..scope
        };
        let branch = if success { &step.success } else { &step.fail };
        self.list(branch, target, inner, out)?;
        if by_5 {
            self.list(&step.fail_by_5, target, inner, out)?;
        }
        Ok(())
    }

    /// The target's saving throw, with its conditions, ongoing bonuses and
    /// advantage applied.
    pub(super) fn saving_throw(
        &mut self,
        target: &Target,
        ability: crate::mechanics::Ability,
        dc: i32,
        extra: Advantage,
    ) -> Result<TestOutcome, AutomationError> {
        let mut bonus = target.save_bonus(ability);
        if let Some(flat) = target.modifiers.save_bonus.get(&ability) {
            bonus = bonus.saturating_add(*flat);
        }
        if let Some(dice) = &target.modifiers.save_dice {
            bonus = bonus.saturating_add(self.signed_dice(dice)?);
        }
        let mut test = target.conditions.save_test(ability, bonus);
        if target.modifiers.save_advantage.contains(&ability) {
            test = test.with_advantage(Advantage::Advantage);
        }
        if target.modifiers.save_disadvantage.contains(&ability) {
            test = test.with_advantage(Advantage::Disadvantage);
        }
        if extra != Advantage::Normal {
            test = test.with_advantage(extra);
        }
        Ok(test.roll(dc, self.roller))
    }

    /// Whether the run's damage is magical: a spell's, or a weapon's under
    /// a magic weapon effect.
    fn magical(&self) -> bool {
        let ctx = self.ctx;
        ctx.magical
            || (ctx.weapon
                && (ctx.modifiers.weapon_attack != 0
                    || ctx
                        .modifiers
                        .weapon_die
                        .as_ref()
                        .is_some_and(|d| d.applies_to(&ctx.name))))
    }

    /// The most an amount can come to (Blight on a plant, Beacon of Hope's
    /// healing), doubled dice on a critical hit.
    fn most(&mut self, amount: &Amount, scope: Scope) -> Result<u32, AutomationError> {
        let f = &self.ctx.figures;
        let text = amount.dice_at(f.slot, f.level);
        let bad = |why: String| AutomationError::BadDice {
            action: self.ctx.name.clone(),
            dice: text.to_string(),
            why,
        };
        let expr = dice::parse(text).map_err(|e| bad(e.to_string()))?;
        let expr = if scope.under_attack && scope.critical {
            expr.with_doubled_dice()
        } else {
            expr
        };
        let mut modifier = if amount.add_modifier { f.modifier } else { 0 };
        if amount.add_level {
            modifier = modifier.saturating_add(i32::from(f.level));
        }
        let most = expr.bounds().max + f64::from(modifier);
        Ok(if most <= 0.0 {
            0
        } else if most >= f64::from(u32::MAX) {
            u32::MAX
        } else {
            most as u32
        })
    }

    fn count(&self, step: &SplitStep) -> u32 {
        let f = &self.ctx.figures;
        step.count
            .at(f.spell_level, f.slot, f.level)
            .min(MAX_MISSILES)
    }

    /// Rolls an amount: once per run outside attacks (shared by every
    /// target), per hit under an attack roll, dice doubled on a critical hit.
    fn amount(&mut self, amount: &Amount, what: u8, scope: Scope) -> Result<u32, AutomationError> {
        let f = &self.ctx.figures;
        let text = amount.dice_at(f.slot, f.level).to_string();
        let mut modifier = if amount.add_modifier { f.modifier } else { 0 };
        if amount.add_level {
            modifier = modifier.saturating_add(i32::from(f.level));
        }
        if scope.under_attack {
            return self.dice(&text, modifier, scope.critical);
        }
        if let Some((_, _, total)) = self
            .shared
            .iter()
            .find(|(t, w, _)| *t == text && *w == what)
        {
            return Ok(*total);
        }
        let total = self.dice(&text, modifier, false)?;
        self.shared.push((text, what, total));
        Ok(total)
    }

    /// Rolls dice plus a modifier, never below 0.
    fn dice(&mut self, text: &str, modifier: i32, critical: bool) -> Result<u32, AutomationError> {
        let total = self
            .roll_text(text, critical)?
            .saturating_add(i64::from(modifier));
        Ok(u32::try_from(total.max(0)).unwrap_or(u32::MAX))
    }

    /// Rolls a bonus die that may be negative ("-1d4" for Bane).
    fn signed_dice(&mut self, text: &str) -> Result<i32, AutomationError> {
        let total = self.roll_text(text, false)?;
        Ok(i32::try_from(total.clamp(i64::from(i32::MIN), i64::from(i32::MAX))).unwrap_or(0))
    }

    fn roll_text(&mut self, text: &str, critical: bool) -> Result<i64, AutomationError> {
        let bad = |why: String| AutomationError::BadDice {
            action: self.ctx.name.clone(),
            dice: text.to_string(),
            why,
        };
        if !critical {
            return Ok(self
                .dice
                .roll_str(text, self.roller)
                .map_err(|e| bad(e.to_string()))?
                .total);
        }
        let expr = self
            .dice
            .parse(text)
            .map_err(|e| bad(e.to_string()))?
            .with_multiplied_dice(self.crit_times);
        Ok(self
            .dice
            .roll(&expr, self.roller)
            .map_err(|e| bad(e.to_string()))?
            .total)
    }
}

/// The most missiles one split step fires, whatever the data says.
const MAX_MISSILES: u32 = 64;

fn sign(n: i8) -> Advantage {
    match n.signum() {
        1 => Advantage::Advantage,
        -1 => Advantage::Disadvantage,
        _ => Advantage::Normal,
    }
}

/// A saving throw of `target` against `dc` with its conditions and ongoing
/// effects applied, outside any tree (a save to end an effect, a
/// concentration save).
pub fn saving_throw(
    target: &Target,
    ability: crate::mechanics::Ability,
    dc: i32,
    roller: &mut (impl DieRoller + ?Sized),
) -> Result<TestOutcome, AutomationError> {
    let ctx = Context {
        name: "saving throw".into(),
        ..Context::default()
    };
    let mut runner = Runner {
        ctx: &ctx,
        roller,
        shared: Vec::new(),
        pool: None,
        healing_left: None,
        crit_times: 2,
        advantaged: false,
        dice: dice::Roller::new(),
    };
    runner.saving_throw(target, ability, dc, Advantage::Normal)
}

/// Whether a branch would put one of `conditions` on its target (a save
/// against being poisoned, for Protection from Poison's advantage).
fn imposes(effects: &[Effect], conditions: &[Condition]) -> bool {
    effects.iter().any(|e| match e {
        Effect::Apply(a) => {
            !a.on_self && a.effect.conditions.iter().any(|c| conditions.contains(c))
        }
        Effect::Only(o) => imposes(&o.then, conditions),
        Effect::Choice(c) => c.options.iter().any(|o| imposes(&o.effects, conditions)),
        Effect::Pool(p) => imposes(&p.then, conditions),
        Effect::Split(s) => imposes(&s.each, conditions),
        _ => false,
    })
}

impl<R: DieRoller + ?Sized> Runner<'_, R> {
    /// Rolls an ability score loss into the effect's modifiers; the target
    /// dies if its score (when known) reaches 0.
    fn score_loss(
        &mut self,
        loss: &crate::content::ScoreLoss,
        effect: &mut Ongoing,
        target: &Target,
        scope: Scope,
        out: &mut Resolution,
    ) -> Result<(), AutomationError> {
        let rolled = self.amount(&loss.amount, 6, scope)?;
        let rolled = i32::try_from(rolled).unwrap_or(i32::MAX);
        let entry = effect.modifiers.scores.entry(loss.ability).or_insert(0);
        *entry = entry.saturating_sub(rolled);
        let score = target.score(loss.ability);
        if score > 0 && score.saturating_sub(rolled) <= 0 {
            out.killed = true;
        }
        Ok(())
    }

    /// An ability contest: the actor's check (its bonus, or the caster's
    /// spellcasting modifier) against the target's best check of the
    /// abilities allowed, with the target's disadvantage on those checks.
    /// The actor wins only by beating the target's total.
    fn contest(
        &mut self,
        step: &crate::content::ContestStep,
        target: &Target,
        scope: Scope,
        out: &mut Resolution,
    ) -> Result<(), AutomationError> {
        let bonus = step.bonus.unwrap_or(self.ctx.figures.modifier);
        let actor = self
            .ctx
            .conditions
            .check_test(bonus, &[])
            .roll(i32::MIN, self.roller)
            .total()
            .unwrap_or(i32::MIN);
        let ability = step
            .against
            .iter()
            .copied()
            .max_by_key(|a| target.check(*a))
            .unwrap_or(crate::mechanics::Ability::Strength);
        let mut test = target.conditions.check_test(target.check(ability), &[]);
        if target.modifiers.check_disadvantage.contains(&ability) {
            test = test.with_advantage(Advantage::Disadvantage);
        }
        let theirs = test.roll(i32::MIN, self.roller).total().unwrap_or(i32::MIN);
        out.contest.get_or_insert([actor, theirs]);
        let branch = if actor > theirs {
            &step.win
        } else {
            &step.lose
        };
        self.list(branch, target, scope.below(), out)
    }
}

/// Whether a slowed creature's spell with a casting time of one action is
/// delayed to its next turn (Slow: a d20 of 11 or higher), with the roll;
/// the DM core then spends the creature's next action to complete it.
pub fn spell_delayed(roller: &mut (impl DieRoller + ?Sized)) -> (u32, bool) {
    let roll = u32::try_from(roller.roll_die(20).clamp(1, 20)).unwrap_or(20);
    (roll, roll >= 11)
}
