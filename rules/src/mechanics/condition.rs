//! The fifteen conditions and what they do to rolls, speed and actions.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{Ability, Attack, D20Test, UnknownName, normalize};
use crate::dice::Advantage;

/// Who a creature is, within one encounter (e.g. `g1` for the first goblin).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CreatureId(String);

impl CreatureId {
    /// An id from text.
    pub fn new(id: impl Into<String>) -> Self {
        Self(id.into())
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CreatureId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for CreatureId {
    fn from(id: &str) -> Self {
        Self::new(id)
    }
}

/// One of the fifteen SRD conditions.
///
/// ```
/// use rules::mechanics::Condition;
/// assert_eq!("KO".parse::<Condition>(), Ok(Condition::Unconscious));
/// assert_eq!(Condition::Prone.to_string(), "prone");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Condition {
    /// Can't see: fails sight checks, attacks with disadvantage, is attacked with advantage.
    Blinded,
    /// Can't attack the charmer; the charmer has advantage on social checks.
    Charmed,
    /// Can't hear: fails hearing checks.
    Deafened,
    /// Six cumulative levels of fatigue; the level is kept by [`Conditions`].
    Exhaustion,
    /// Disadvantage on checks and attacks while the source is in sight; can't approach it.
    Frightened,
    /// Speed 0.
    Grappled,
    /// No actions or reactions.
    Incapacitated,
    /// Unseen: attacks with advantage, is attacked with disadvantage.
    Invisible,
    /// Incapacitated, can't move; fails Str/Dex saves; hits within 5 ft are critical.
    Paralyzed,
    /// Turned to stone: incapacitated, resistant to all damage, fails Str/Dex saves.
    Petrified,
    /// Disadvantage on attacks and ability checks.
    Poisoned,
    /// Lying down: attacks with disadvantage; attacked with advantage within 5 ft, disadvantage beyond.
    Prone,
    /// Speed 0, attacks and Dex saves with disadvantage, is attacked with advantage.
    Restrained,
    /// Incapacitated, can't move, fails Str/Dex saves, is attacked with advantage.
    Stunned,
    /// Incapacitated and unaware: like paralyzed, and falls prone.
    Unconscious,
}

impl Condition {
    /// All fifteen, alphabetically.
    pub const ALL: [Condition; 15] = [
        Condition::Blinded,
        Condition::Charmed,
        Condition::Deafened,
        Condition::Exhaustion,
        Condition::Frightened,
        Condition::Grappled,
        Condition::Incapacitated,
        Condition::Invisible,
        Condition::Paralyzed,
        Condition::Petrified,
        Condition::Poisoned,
        Condition::Prone,
        Condition::Restrained,
        Condition::Stunned,
        Condition::Unconscious,
    ];

    /// The lowercase name.
    pub fn name(self) -> &'static str {
        match self {
            Condition::Blinded => "blinded",
            Condition::Charmed => "charmed",
            Condition::Deafened => "deafened",
            Condition::Exhaustion => "exhaustion",
            Condition::Frightened => "frightened",
            Condition::Grappled => "grappled",
            Condition::Incapacitated => "incapacitated",
            Condition::Invisible => "invisible",
            Condition::Paralyzed => "paralyzed",
            Condition::Petrified => "petrified",
            Condition::Poisoned => "poisoned",
            Condition::Prone => "prone",
            Condition::Restrained => "restrained",
            Condition::Stunned => "stunned",
            Condition::Unconscious => "unconscious",
        }
    }

    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Condition {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key = normalize(s);
        let found = match key.as_str() {
            "blind" => Some(Condition::Blinded),
            "charm" => Some(Condition::Charmed),
            "deaf" => Some(Condition::Deafened),
            "exhausted" | "exh" | "fatigue" => Some(Condition::Exhaustion),
            "fear" | "afraid" | "scared" | "frighten" => Some(Condition::Frightened),
            "grapple" => Some(Condition::Grappled),
            "incap" => Some(Condition::Incapacitated),
            "invis" | "unseen" => Some(Condition::Invisible),
            "para" | "paralysed" | "paralyse" | "paralyze" => Some(Condition::Paralyzed),
            "petrify" | "stone" => Some(Condition::Petrified),
            "poison" => Some(Condition::Poisoned),
            "restrain" => Some(Condition::Restrained),
            "stun" => Some(Condition::Stunned),
            "ko" | "unc" | "asleep" => Some(Condition::Unconscious),
            _ => Condition::ALL.into_iter().find(|c| c.name() == key),
        };
        found.ok_or_else(|| {
            UnknownName::new("condition", s, "prone, poisoned, stunned, blinded, ...")
        })
    }
}

/// A sense an ability check relies on (blinded and deafened creatures fail such checks).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sense {
    /// The check needs sight (spotting a hidden door).
    Sight,
    /// The check needs hearing (listening at a door).
    Hearing,
}

/// Why a roll has advantage or disadvantage, for showing to players.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// A condition of the creature rolling (the attacker, for attacks).
    Own(Condition),
    /// A condition of the attack's target.
    Target(Condition),
    /// The target took the Dodge action.
    TargetDodging,
    /// A ranged attack with a hostile creature within 5 ft of the attacker.
    RangedWhileEngaged,
    /// A ranged attack beyond the weapon's normal range.
    LongRange,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Own(c) => write!(f, "{c}"),
            Reason::Target(c) => write!(f, "target {c}"),
            Reason::TargetDodging => f.write_str("target dodging"),
            Reason::RangedWhileEngaged => f.write_str("ranged in melee"),
            Reason::LongRange => f.write_str("long range"),
        }
    }
}

/// Sources of advantage and disadvantage on one roll, with their reasons.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Tally {
    /// Sources of advantage.
    pub advantages: Vec<Reason>,
    /// Sources of disadvantage.
    pub disadvantages: Vec<Reason>,
}

impl Tally {
    /// Adds a source of advantage.
    pub fn advantage_from(&mut self, reason: Reason) {
        self.advantages.push(reason);
    }

    /// Adds a source of disadvantage.
    pub fn disadvantage_from(&mut self, reason: Reason) {
        self.disadvantages.push(reason);
    }

    /// The reconciled state: any advantage and any disadvantage cancel.
    pub fn advantage(&self) -> Advantage {
        Advantage::from_sources(self.advantages.len(), self.disadvantages.len())
    }
}

/// Whether an attack is made with a melee or a ranged weapon or spell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AttackKind {
    /// A melee attack.
    #[default]
    Melee,
    /// A ranged attack.
    Ranged,
}

/// The situation of one attack, beyond the two creatures' conditions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AttackContext {
    /// Melee or ranged.
    pub kind: AttackKind,
    /// The attacker is within 5 ft of the target (prone and paralyzed care).
    pub within_5ft: bool,
    /// A hostile creature that can act is within 5 ft of the attacker.
    pub hostile_within_5ft: bool,
    /// The target is beyond the weapon's normal range (but within long range).
    pub beyond_normal_range: bool,
    /// The target took the Dodge action.
    pub target_dodging: bool,
    /// The source of the attacker's fear, if frightened, is in sight; the
    /// snapshot has no line of sight, so callers usually say yes.
    pub fear_source_in_sight: bool,
}

/// What conditions and circumstances do to one attack roll.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AttackEffects {
    /// Advantage and disadvantage sources.
    pub tally: Tally,
    /// Any hit is a critical hit (a paralyzed or unconscious target within 5 ft).
    pub auto_crit: bool,
}

impl AttackEffects {
    /// An [`Attack`] with this bonus, advantage and auto-crit applied.
    pub fn attack(&self, bonus: i32) -> Attack {
        Attack::new(bonus)
            .with_advantage(self.tally.advantage())
            .with_auto_crit(self.auto_crit)
    }
}

/// Works out advantage, disadvantage and automatic critical hits for an attack
/// from the attacker's and target's conditions and the situation.
///
/// A prone target gives advantage to any attacker within 5 ft (ranged too)
/// and disadvantage beyond, as the SRD words it.
pub fn attack_effects(
    attacker: &Conditions,
    target: &Conditions,
    context: &AttackContext,
) -> AttackEffects {
    use Condition::*;
    let mut tally = Tally::default();
    for c in [Blinded, Poisoned, Prone, Restrained] {
        if attacker.has(c) {
            tally.disadvantage_from(Reason::Own(c));
        }
    }
    if attacker.has(Frightened) && context.fear_source_in_sight {
        tally.disadvantage_from(Reason::Own(Frightened));
    }
    if attacker.exhaustion() >= 3 {
        tally.disadvantage_from(Reason::Own(Exhaustion));
    }
    if attacker.has(Invisible) {
        tally.advantage_from(Reason::Own(Invisible));
    }
    for c in [
        Blinded,
        Paralyzed,
        Petrified,
        Restrained,
        Stunned,
        Unconscious,
    ] {
        if target.has(c) {
            tally.advantage_from(Reason::Target(c));
        }
    }
    if target.has(Invisible) {
        tally.disadvantage_from(Reason::Target(Invisible));
    }
    if target.has(Prone) {
        if context.within_5ft {
            tally.advantage_from(Reason::Target(Prone));
        } else {
            tally.disadvantage_from(Reason::Target(Prone));
        }
    }
    // Dodging is lost while incapacitated or unable to move, and works only
    // against an attacker the dodger can see.
    let sees_attacker = !target.has(Blinded) && !attacker.has(Invisible);
    if context.target_dodging
        && sees_attacker
        && !target.is_incapacitated()
        && !target.speed_is_zero()
    {
        tally.disadvantage_from(Reason::TargetDodging);
    }
    if context.kind == AttackKind::Ranged {
        if context.hostile_within_5ft {
            tally.disadvantage_from(Reason::RangedWhileEngaged);
        }
        if context.beyond_normal_range {
            tally.disadvantage_from(Reason::LongRange);
        }
    }
    let auto_crit = context.within_5ft && (target.has(Paralyzed) || target.has(Unconscious));
    AttackEffects { tally, auto_crit }
}

/// The conditions on one creature, with exhaustion's level and who charmed or
/// frightened it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(from = "ConditionsRepr", into = "ConditionsRepr")]
pub struct Conditions {
    /// One bit per condition other than exhaustion.
    flags: u16,
    exhaustion: u8,
    charmed_by: Vec<CreatureId>,
    frightened_by: Vec<CreatureId>,
}

/// How [`Conditions`] is stored: names, not bits, so stored events stay
/// readable and survive a reordering of [`Condition`].
#[derive(Serialize, Deserialize)]
struct ConditionsRepr {
    #[serde(default)]
    conditions: Vec<Condition>,
    #[serde(default)]
    exhaustion: u8,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    charmed_by: Vec<CreatureId>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    frightened_by: Vec<CreatureId>,
}

impl From<Conditions> for ConditionsRepr {
    fn from(c: Conditions) -> Self {
        Self {
            conditions: c.iter().filter(|c| *c != Condition::Exhaustion).collect(),
            exhaustion: c.exhaustion,
            charmed_by: c.charmed_by,
            frightened_by: c.frightened_by,
        }
    }
}

impl From<ConditionsRepr> for Conditions {
    fn from(r: ConditionsRepr) -> Self {
        let mut c = Conditions::of(r.conditions);
        c.set_exhaustion(r.exhaustion);
        c.charmed_by = r.charmed_by;
        c.frightened_by = r.frightened_by;
        c
    }
}

/// The highest exhaustion level; reaching it is death.
const MAX_EXHAUSTION: u8 = 6;

impl Conditions {
    /// No conditions.
    pub fn new() -> Self {
        Self::default()
    }

    /// These conditions and nothing else.
    pub fn of(conditions: impl IntoIterator<Item = Condition>) -> Self {
        let mut set = Self::new();
        for c in conditions {
            set.add(c);
        }
        set
    }

    /// Adds a condition; adding exhaustion raises its level by one.
    /// Falling unconscious also knocks the creature prone (it stays prone when it wakes).
    pub fn add(&mut self, condition: Condition) {
        if condition == Condition::Exhaustion {
            self.set_exhaustion(self.exhaustion + 1);
        } else {
            self.flags |= condition.bit();
            if condition == Condition::Unconscious {
                self.flags |= Condition::Prone.bit();
            }
        }
    }

    /// Adds a condition caused by `source` (who charmed or frightened it).
    pub fn add_from(&mut self, condition: Condition, source: CreatureId) {
        self.add(condition);
        let sources = match condition {
            Condition::Charmed => &mut self.charmed_by,
            Condition::Frightened => &mut self.frightened_by,
            _ => return,
        };
        if !sources.contains(&source) {
            sources.push(source);
        }
    }

    /// Removes a condition entirely (all exhaustion levels, all sources).
    pub fn remove(&mut self, condition: Condition) {
        match condition {
            Condition::Exhaustion => self.exhaustion = 0,
            Condition::Charmed => self.charmed_by.clear(),
            Condition::Frightened => self.frightened_by.clear(),
            _ => {}
        }
        self.flags &= !condition.bit();
    }

    /// Whether the condition was applied (exhaustion: at level 1 or more).
    /// Conditions implied by others are not included: see [`Conditions::is_incapacitated`].
    pub fn has(&self, condition: Condition) -> bool {
        if condition == Condition::Exhaustion {
            self.exhaustion > 0
        } else {
            self.flags & condition.bit() != 0
        }
    }

    /// The applied conditions, alphabetically.
    pub fn iter(&self) -> impl Iterator<Item = Condition> + '_ {
        Condition::ALL.into_iter().filter(|c| self.has(*c))
    }

    /// The exhaustion level, 0 to 6.
    pub fn exhaustion(&self) -> u8 {
        self.exhaustion
    }

    /// Sets the exhaustion level (capped at 6).
    pub fn set_exhaustion(&mut self, level: u8) {
        self.exhaustion = level.min(MAX_EXHAUSTION);
    }

    /// Lowers exhaustion by one level, as a long rest does.
    pub fn reduce_exhaustion(&mut self) {
        self.exhaustion = self.exhaustion.saturating_sub(1);
    }

    /// Whether `source` charmed this creature.
    pub fn is_charmed_by(&self, source: &CreatureId) -> bool {
        self.has(Condition::Charmed) && self.charmed_by.contains(source)
    }

    /// Whether `source` frightens this creature.
    pub fn is_frightened_by(&self, source: &CreatureId) -> bool {
        self.has(Condition::Frightened) && self.frightened_by.contains(source)
    }

    /// Who frightens it, when known (empty if frightened by an unknown source).
    pub fn frightened_by(&self) -> &[CreatureId] {
        &self.frightened_by
    }

    /// Whether it may attack `target`: a charmed creature can't attack its charmer.
    pub fn may_attack(&self, target: &CreatureId) -> bool {
        !self.is_charmed_by(target)
    }

    /// Whether it may willingly move closer to `creature` (not to what frightens it).
    pub fn may_approach(&self, creature: &CreatureId) -> bool {
        !self.is_frightened_by(creature)
    }

    /// Incapacitated, directly or through paralyzed, petrified, stunned or unconscious.
    pub fn is_incapacitated(&self) -> bool {
        use Condition::*;
        [Incapacitated, Paralyzed, Petrified, Stunned, Unconscious]
            .into_iter()
            .any(|c| self.has(c))
    }

    /// Whether it can take actions and reactions.
    pub fn can_act(&self) -> bool {
        !self.is_incapacitated()
    }

    /// Whether its speed is 0 whatever its base speed.
    pub fn speed_is_zero(&self) -> bool {
        use Condition::*;
        self.exhaustion >= 5
            || [
                Grappled,
                Restrained,
                Paralyzed,
                Petrified,
                Stunned,
                Unconscious,
            ]
            .into_iter()
            .any(|c| self.has(c))
    }

    /// The speed left from `base`: 0 when held or unable to move or at
    /// exhaustion 5, halved (rounded down) at exhaustion 2.
    pub fn speed(&self, base: u32) -> u32 {
        if self.speed_is_zero() {
            0
        } else if self.exhaustion >= 2 {
            base / 2
        } else {
            base
        }
    }

    /// The hit point maximum from `base`: halved (rounded down) at exhaustion 4.
    pub fn hit_point_maximum(&self, base: u32) -> u32 {
        if self.exhaustion >= 4 { base / 2 } else { base }
    }

    /// Exhaustion level 6 is death.
    pub fn is_dead_from_exhaustion(&self) -> bool {
        self.exhaustion >= MAX_EXHAUSTION
    }

    /// A petrified creature resists all damage.
    pub fn resists_all_damage(&self) -> bool {
        self.has(Condition::Petrified)
    }

    /// Advantage and disadvantage on its ability checks: poisoned, frightened
    /// (source assumed in sight) and exhaustion 1 give disadvantage.
    pub fn check_tally(&self) -> Tally {
        let mut tally = Tally::default();
        for c in [Condition::Poisoned, Condition::Frightened] {
            if self.has(c) {
                tally.disadvantage_from(Reason::Own(c));
            }
        }
        if self.exhaustion >= 1 {
            tally.disadvantage_from(Reason::Own(Condition::Exhaustion));
        }
        tally
    }

    /// Whether an ability check relying on `senses` fails outright (blinded, deafened).
    pub fn check_auto_fails(&self, senses: &[Sense]) -> bool {
        senses.iter().any(|sense| match sense {
            Sense::Sight => self.has(Condition::Blinded),
            Sense::Hearing => self.has(Condition::Deafened),
        })
    }

    /// Advantage and disadvantage on its saving throws of `ability`: restrained
    /// (Dexterity) and exhaustion 3 (all) give disadvantage.
    pub fn save_tally(&self, ability: Ability) -> Tally {
        let mut tally = Tally::default();
        if ability == Ability::Dexterity && self.has(Condition::Restrained) {
            tally.disadvantage_from(Reason::Own(Condition::Restrained));
        }
        if self.exhaustion >= 3 {
            tally.disadvantage_from(Reason::Own(Condition::Exhaustion));
        }
        tally
    }

    /// Whether its saving throw of `ability` fails outright: Strength and
    /// Dexterity saves while paralyzed, petrified, stunned or unconscious.
    pub fn save_auto_fails(&self, ability: Ability) -> bool {
        use Condition::*;
        matches!(ability, Ability::Strength | Ability::Dexterity)
            && [Paralyzed, Petrified, Stunned, Unconscious]
                .into_iter()
                .any(|c| self.has(c))
    }

    /// An ability check with `modifier`, with these conditions applied.
    pub fn check_test(&self, modifier: i32, senses: &[Sense]) -> D20Test {
        let test = D20Test::new(modifier).with_advantage(self.check_tally().advantage());
        if self.check_auto_fails(senses) {
            test.auto_failing()
        } else {
            test
        }
    }

    /// A saving throw of `ability` with `modifier`, with these conditions applied.
    pub fn save_test(&self, ability: Ability, modifier: i32) -> D20Test {
        let test = D20Test::new(modifier).with_advantage(self.save_tally(ability).advantage());
        if self.save_auto_fails(ability) {
            test.auto_failing()
        } else {
            test
        }
    }
}
