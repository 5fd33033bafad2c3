//! The core mechanics of the fifth edition rules (SRD 5.1, 2014).
//!
//! Each topic lives in its own file: abilities and proficiency, skills, d20
//! tests (checks and saves), attack rolls, damage and hit points, death saves,
//! concentration, conditions, initiative, rests, spell slots, and the list of
//! legal options in combat. Everything is pure: dice come in through
//! [`DieRoller`](crate::dice::DieRoller), so a result can be replayed exactly.

mod ability;
mod attack;
mod check;
mod concentration;
mod condition;
mod damage;
mod health;
mod initiative;
mod options;
mod proficiency;
mod rest;
mod skill;
mod spell_slots;

pub use ability::{Ability, AbilityScore, AbilityScores, ByAbility, ScoreError};
pub use attack::{Attack, AttackError, AttackOutcome, AttackResult, Cover};
pub use check::{D20Roll, D20Test, TestOutcome};
pub use concentration::{Concentration, ConcentrationCheck, concentration_dc};
pub use condition::{
    AttackContext, AttackEffects, AttackKind, Condition, Conditions, CreatureId, Reason, Sense,
    Tally, attack_effects,
};
pub use damage::{DamageDice, DamageRoll, DamageType, DamageTypes, Defenses, RolledDamage};
pub use health::{
    DamageReport, DeathSaveOutcome, DeathSaveResult, HealError, Health, LifeState, NotDying, ZeroHp,
};
pub use initiative::{Entrant, InitiativeRoll, roll_initiative, sort_initiative};
pub use options::{
    ActionOption, Aim, AttackProfile, AttackReach, Combatant, Distance, Economy, OptionError, Size,
    Snapshot, SpecialProfile, SpellProfile, Team, Trigger, legal_options, option_by_id,
    reaction_options,
};
pub use options::{Behaviour, Directed, Limits, controller};
pub use proficiency::{ChallengeRating, Level, LevelError};
pub use rest::{HitDice, LongRestReport, RestError, ShortRestReport, long_rest, short_rest};
pub use skill::{BySkill, Proficiencies, ProficiencyLevel, Skill};
pub use spell_slots::{CasterKind, SlotError, SpellLevel, SpellSlots};

/// A name that is not in one of the rules' vocabularies (an ability, a skill, ...).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} \"{input}\" (try {hint})")]
pub struct UnknownName {
    /// What kind of name was expected, e.g. "ability".
    pub kind: &'static str,
    /// The text that was given.
    pub input: String,
    /// A few accepted spellings, to say what to do.
    pub hint: &'static str,
}

impl UnknownName {
    fn new(kind: &'static str, input: &str, hint: &'static str) -> Self {
        Self {
            kind,
            input: input.to_owned(),
            hint,
        }
    }
}

/// Lowercases and drops spaces, hyphens, underscores and apostrophes, so that
/// "Sleight of Hand", "sleight-of-hand" and "SLEIGHTOFHAND" compare equal.
fn normalize(input: &str) -> String {
    input
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '_' | '\'' | '\t'))
        .flat_map(char::to_lowercase)
        .collect()
}
