//! Legal options in combat: every choice an actor may make on its turn, each
//! with a stable id that a planner (or a player) picks from.
//!
//! The position model is deliberately coarse, since the DM core owns the map:
//! each pair of creatures is [`Distance::Engaged`] (within 5 ft), `Near`
//! (within a ranged attack's normal range) or `Far` (beyond normal range,
//! within long range). Melee attacks, grapples and shoves need `Engaged`, reach
//! weapons included; ranged attacks work `Engaged` (with disadvantage next to
//! a hostile), `Near`, and `Far` with disadvantage if they have a long range.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{
    AttackContext, AttackKind, Condition, Conditions, Cover, CreatureId, LifeState, UnknownName,
    attack_effects, normalize,
};
use crate::dice::Advantage;

/// How far apart two creatures are, coarsely.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Distance {
    /// Within 5 ft: melee range.
    Engaged,
    /// Beyond 5 ft, within normal range of a ranged attack.
    #[default]
    Near,
    /// Beyond normal range, within long range.
    Far,
}

impl Distance {
    /// How many steps it is from engaged: engaged 0, near 1, far 2.
    pub fn band(self) -> u32 {
        match self {
            Distance::Engaged => 0,
            Distance::Near => 1,
            Distance::Far => 2,
        }
    }
}

impl fmt::Display for Distance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Distance::Engaged => "engaged",
            Distance::Near => "near",
            Distance::Far => "far",
        })
    }
}

impl FromStr for Distance {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match normalize(s).as_str() {
            "engaged" | "melee" | "adjacent" | "5ft" => Ok(Distance::Engaged),
            "near" | "close" => Ok(Distance::Near),
            "far" | "long" => Ok(Distance::Far),
            _ => Err(UnknownName::new("distance", s, "engaged, near, far")),
        }
    }
}

/// A creature's size category.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Size {
    /// Sprites, rats.
    Tiny,
    /// Halflings, goblins.
    Small,
    /// Humans, orcs.
    #[default]
    Medium,
    /// Ogres, horses.
    Large,
    /// Giants.
    Huge,
    /// Dragons of great age.
    Gargantuan,
}

impl Size {
    /// All six, smallest first.
    pub const ALL: [Size; 6] = [
        Size::Tiny,
        Size::Small,
        Size::Medium,
        Size::Large,
        Size::Huge,
        Size::Gargantuan,
    ];

    /// The lowercase name.
    pub fn name(self) -> &'static str {
        match self {
            Size::Tiny => "tiny",
            Size::Small => "small",
            Size::Medium => "medium",
            Size::Large => "large",
            Size::Huge => "huge",
            Size::Gargantuan => "gargantuan",
        }
    }

    /// Whether a creature of this size can grapple or shove one of `other`'s
    /// size: the target may be at most one size larger.
    pub fn can_grapple(self, other: Size) -> bool {
        (other as u8) <= (self as u8) + 1
    }
}

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Size {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key = normalize(s);
        Size::ALL
            .into_iter()
            .find(|size| size.name() == key || size.name()[..1] == key)
            .ok_or_else(|| {
                UnknownName::new("size", s, "tiny, small, medium, large, huge, gargantuan")
            })
    }
}

/// Which side a combatant fights on; different teams are hostile to each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Team(pub u8);

/// How an attack reaches its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AttackReach {
    /// Needs the target [`Distance::Engaged`].
    Melee,
    /// Works at `Engaged` and `Near`; at `Far` only with a long range, with disadvantage.
    Ranged {
        /// Whether the attack has a long range (bows do, most spells don't).
        long_range: bool,
    },
}

/// One attack a combatant can make (a thrown weapon is two profiles: melee and ranged).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttackProfile {
    /// A short id without colons, e.g. `scimitar`, used in option ids.
    pub id: String,
    /// Melee or ranged.
    pub reach: AttackReach,
}

/// Whom a spell or a special action is aimed at, for listing options.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Aim {
    /// The actor itself (Shield); one option, no target.
    Caster,
    /// An area (a breath weapon, Fireball): one option, no target; the
    /// table says who is inside.
    Area,
    /// One creature at a time: an option per creature in reach.
    Creature {
        /// It needs touch or a melee reach (the target `Engaged`).
        touch: bool,
        /// It is meant for foes (a hostile target) rather than allies.
        harmful: bool,
    },
}

/// A spell a combatant can cast.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpellProfile {
    /// The spell's id without colons, e.g. `hold-person`.
    pub id: String,
    /// Its level, 0 for a cantrip.
    pub level: u8,
    /// It takes a bonus action rather than an action.
    pub bonus_action: bool,
    /// It is cast as a reaction (Shield): listed by [`reaction_options`] only.
    pub reaction: bool,
    /// Whom it aims at.
    pub aim: Aim,
}

/// A special action a monster can take besides its attacks (a breath
/// weapon, a frightful presence).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecialProfile {
    /// A short id without colons, e.g. `fire-breath`.
    pub id: String,
    /// Whom it aims at.
    pub aim: Aim,
    /// It can be used now (recharged, uses left): the DM core keeps this
    /// from [`crate::automation::Resources`].
    pub ready: bool,
}

/// What a combatant has spent this turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Economy {
    /// The action is spent (the DM core keeps it unspent until the last attack of a multiattack).
    pub action_used: bool,
    /// The bonus action is spent.
    pub bonus_action_used: bool,
    /// The reaction is spent.
    pub reaction_used: bool,
    /// Feet of movement left this turn.
    pub movement_left: u32,
    /// The extra action of [`Limits::extra_action`] (Haste) is spent.
    #[serde(default)]
    pub extra_action_used: bool,
}

/// One creature in a combat snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Combatant {
    /// Its id within the encounter.
    pub id: CreatureId,
    /// Its side.
    pub team: Team,
    /// Current hit points.
    pub hp: u32,
    /// Alive, dying, stable or dead.
    pub life: LifeState,
    /// Armor Class.
    pub ac: i32,
    /// Its conditions.
    pub conditions: Conditions,
    /// Base walking speed in feet, before conditions.
    pub speed: u32,
    /// Size category.
    pub size: Size,
    /// What it has spent this turn.
    pub economy: Economy,
    /// The attacks it can make.
    pub attacks: Vec<AttackProfile>,
    /// It took the Dodge action on its last turn.
    pub dodging: bool,
    /// It took the Disengage action this turn: its movement provokes no
    /// opportunity attacks.
    #[serde(default)]
    pub disengaged: bool,
    /// The spells it can cast.
    #[serde(default)]
    pub spells: Vec<SpellProfile>,
    /// The spell slot levels it has at least one slot of, lowest first.
    #[serde(default)]
    pub slots: Vec<u8>,
    /// Its special actions beyond attacks.
    #[serde(default)]
    pub specials: Vec<SpecialProfile>,
    /// What its ongoing effects make it do or keep it from doing
    /// (`Board::limits`): behaviours, a lost action, an extra action.
    #[serde(default)]
    pub limits: Limits,
}

impl Combatant {
    /// Its conditions as attackers see them: a creature at 0 hit points
    /// (dying or stable) is unconscious and prone even if nobody wrote it down.
    pub fn effective_conditions(&self) -> Conditions {
        let mut conditions = self.conditions.clone();
        if matches!(self.life, LifeState::Dying { .. } | LifeState::Stable) {
            conditions.add(Condition::Unconscious);
        }
        conditions
    }

    /// A conscious Medium combatant with full movement and no attacks.
    pub fn new(id: impl Into<String>, team: Team, hp: u32, ac: i32, speed: u32) -> Self {
        Self {
            id: CreatureId::new(id),
            team,
            hp,
            life: if hp > 0 {
                LifeState::Conscious
            } else {
                LifeState::Dead
            },
            ac,
            conditions: Conditions::new(),
            speed,
            size: Size::Medium,
            economy: Economy {
                movement_left: speed,
                ..Economy::default()
            },
            attacks: Vec::new(),
            dodging: false,
            disengaged: false,
            spells: Vec::new(),
            slots: Vec::new(),
            specials: Vec::new(),
            limits: Limits::default(),
        }
    }

    /// Adds an attack profile.
    pub fn with_attack(mut self, id: impl Into<String>, reach: AttackReach) -> Self {
        self.attacks.push(AttackProfile {
            id: id.into(),
            reach,
        });
        self
    }

    fn is_hostile_to(&self, other: &Combatant) -> bool {
        self.team != other.team
    }
}

/// Who is where, who has what: enough of a combat to list legal options.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Snapshot {
    /// Everyone in the fight.
    pub combatants: Vec<Combatant>,
    /// Distances between pairs, in either order; unlisted pairs are `Near`.
    pub distances: Vec<(CreatureId, CreatureId, Distance)>,
    /// Cover from the first creature's point of view; unlisted pairs have none.
    pub cover: Vec<(CreatureId, CreatureId, Cover)>,
}

impl Snapshot {
    /// A snapshot of these combatants, all `Near` each other.
    pub fn new(combatants: Vec<Combatant>) -> Self {
        Self {
            combatants,
            ..Self::default()
        }
    }

    /// Sets the distance between two creatures (both ways).
    pub fn set_distance(&mut self, a: &str, b: &str, distance: Distance) {
        let (a, b) = (CreatureId::new(a), CreatureId::new(b));
        self.distances
            .retain(|(x, y, _)| !((*x == a && *y == b) || (*x == b && *y == a)));
        self.distances.push((a, b, distance));
    }

    /// Sets the cover `target` has against attacks from `attacker`.
    pub fn set_cover(&mut self, attacker: &str, target: &str, cover: Cover) {
        let (a, t) = (CreatureId::new(attacker), CreatureId::new(target));
        self.cover.retain(|(x, y, _)| !(*x == a && *y == t));
        self.cover.push((a, t, cover));
    }

    /// The distance between two creatures.
    pub fn distance(&self, a: &CreatureId, b: &CreatureId) -> Distance {
        self.distances
            .iter()
            .find(|(x, y, _)| (x == a && y == b) || (x == b && y == a))
            .map_or(Distance::Near, |(_, _, d)| *d)
    }

    /// The cover `target` has against `attacker`.
    pub fn cover(&self, attacker: &CreatureId, target: &CreatureId) -> Cover {
        self.cover
            .iter()
            .find(|(x, y, _)| x == attacker && y == target)
            .map_or(Cover::None, |(_, _, c)| *c)
    }

    /// The combatant with this id.
    pub fn get(&self, id: &CreatureId) -> Option<&Combatant> {
        self.combatants.iter().find(|c| c.id == *id)
    }
}

/// One legal choice for an actor on its turn.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ActionOption {
    /// Attack a target with one of the actor's attacks.
    Attack {
        /// The attack profile's id.
        attack: String,
        /// Who is attacked.
        target: CreatureId,
        /// Advantage from conditions and position.
        advantage: Advantage,
        /// The target's cover (adds to its AC).
        cover: Cover,
        /// A hit will be a critical hit.
        auto_crit: bool,
    },
    /// Double movement this turn.
    Dash,
    /// Attacks against the actor have disadvantage until its next turn.
    Dodge,
    /// Movement provokes no opportunity attacks this turn.
    Disengage,
    /// Give an ally advantage on its next check or attack.
    Help {
        /// The ally helped.
        ally: CreatureId,
    },
    /// Try to hide (a Dexterity (Stealth) check).
    Hide,
    /// Prepare an action for a trigger.
    Ready,
    /// Use an object.
    UseObject,
    /// Grapple a creature within reach (an Athletics contest).
    Grapple {
        /// Who is grappled.
        target: CreatureId,
    },
    /// Shove a creature within reach prone or away (an Athletics contest).
    Shove {
        /// Who is shoved.
        target: CreatureId,
    },
    /// Stand up from prone, for half the actor's speed.
    StandUp,
    /// Cast a spell with a slot of `slot` (0 for a cantrip), at `target`
    /// when it aims at one creature.
    Cast {
        /// The spell's id.
        spell: String,
        /// The slot level, 0 for a cantrip.
        slot: u8,
        /// The creature aimed at, if it aims at one.
        target: Option<CreatureId>,
    },
    /// Use a special action (a breath weapon), at `target` when it aims at one.
    Special {
        /// The action's id.
        action: String,
        /// The creature aimed at, if it aims at one.
        target: Option<CreatureId>,
    },
    /// A reaction: an opportunity attack on a creature leaving reach.
    OpportunityAttack {
        /// The melee attack used.
        attack: String,
        /// The creature leaving.
        target: CreatureId,
    },
    /// Let the trigger pass without reacting.
    Pass,
    /// Roll a death save (a dying actor's whole turn).
    DeathSave,
    /// End the turn.
    EndTurn,
}

impl ActionOption {
    /// The stable id a planner answers with, e.g. `attack:scimitar:g1`, `dash`, `end`.
    pub fn id(&self) -> String {
        match self {
            ActionOption::Attack { attack, target, .. } => format!("attack:{attack}:{target}"),
            ActionOption::Dash => "dash".to_owned(),
            ActionOption::Dodge => "dodge".to_owned(),
            ActionOption::Disengage => "disengage".to_owned(),
            ActionOption::Help { ally } => format!("help:{ally}"),
            ActionOption::Hide => "hide".to_owned(),
            ActionOption::Ready => "ready".to_owned(),
            ActionOption::UseObject => "use".to_owned(),
            ActionOption::Grapple { target } => format!("grapple:{target}"),
            ActionOption::Shove { target } => format!("shove:{target}"),
            ActionOption::StandUp => "stand".to_owned(),
            ActionOption::Cast {
                spell,
                slot,
                target,
            } => match target {
                Some(t) => format!("cast:{spell}:{slot}:{t}"),
                None => format!("cast:{spell}:{slot}"),
            },
            ActionOption::Special { action, target } => match target {
                Some(t) => format!("use:{action}:{t}"),
                None => format!("use:{action}"),
            },
            ActionOption::OpportunityAttack { attack, target } => format!("oa:{attack}:{target}"),
            ActionOption::Pass => "pass".to_owned(),
            ActionOption::DeathSave => "death-save".to_owned(),
            ActionOption::EndTurn => "end".to_owned(),
        }
    }
}

impl fmt::Display for ActionOption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.id())
    }
}

/// A chosen option that can't be taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OptionError {
    /// The actor is not in the snapshot.
    #[error("no combatant \"{0}\" here; check the id")]
    UnknownActor(String),
    /// The id is not among the legal options right now.
    #[error("\"{0}\" is not a legal option now; pick one from the list")]
    NotLegal(String),
}

/// Every legal option for `actor` right now. Attacks, grapples and shoves
/// are listed only against hostile, living targets without total cover that
/// the actor isn't charmed by. A dying actor must roll its death save (the
/// SRD makes it mandatory), then may only end its turn; an incapacitated one
/// can still stand up; an unknown or dead one gets nothing. What its
/// ongoing effects impose ([`Combatant::limits`]) narrows the list: a
/// fleeing or approaching creature may only Dash, a halted one only end its
/// turn, one that lashes out only attack whoever is in reach, an indifferent
/// one attacks no one; a lost action, an action or a bonus action only, and
/// a hasted creature's extra action are honoured.
pub fn legal_options(snapshot: &Snapshot, actor: &CreatureId) -> Vec<ActionOption> {
    let Some(me) = snapshot.get(actor) else {
        return Vec::new();
    };
    match me.life {
        LifeState::Dead => return Vec::new(),
        // The save is the dying creature's whole turn; once rolled (the action
        // spent), all that is left is to end the turn.
        LifeState::Dying { .. } if !me.economy.action_used => return vec![ActionOption::DeathSave],
        LifeState::Dying { .. } => return vec![ActionOption::EndTurn],
        LifeState::Stable => return vec![ActionOption::EndTurn],
        LifeState::Conscious => {}
    }
    if let Some(options) = directed_options(snapshot, me) {
        return options;
    }
    let mut options = Vec::new();
    let limits = &me.limits;
    // Slow: an action or a bonus action, not both.
    let spent_other = |other_used: bool| limits.action_or_bonus && other_used;
    let action_free =
        !(me.economy.action_used || limits.no_actions || spent_other(me.economy.bonus_action_used));
    let bonus_free = !(me.economy.bonus_action_used || spent_other(me.economy.action_used));
    // Incapacitated means no actions, but movement (standing up) is still allowed.
    if action_free && !me.conditions.is_incapacitated() {
        let targets: Vec<&Combatant> = snapshot
            .combatants
            .iter()
            .filter(|t| is_valid_target(snapshot, me, t))
            .collect();
        for attack in &me.attacks {
            for target in &targets {
                if let Some(option) = attack_option(snapshot, me, attack, target) {
                    options.push(option);
                }
            }
        }
        for special in me.specials.iter().filter(|s| s.ready) {
            for target in aimed(snapshot, me, special.aim) {
                options.push(ActionOption::Special {
                    action: special.id.clone(),
                    target,
                });
            }
        }
        cast_options(snapshot, me, false, &mut options);
        options.extend([
            ActionOption::Dash,
            ActionOption::Dodge,
            ActionOption::Disengage,
        ]);
        // Help needs an ally who is up to act on it.
        options.extend(
            snapshot
                .combatants
                .iter()
                .filter(|a| a.id != me.id && a.team == me.team && a.life == LifeState::Conscious)
                .map(|a| ActionOption::Help { ally: a.id.clone() }),
        );
        options.extend([
            ActionOption::Hide,
            ActionOption::Ready,
            ActionOption::UseObject,
        ]);
        for target in targets.iter().filter(|t| {
            snapshot.distance(&me.id, &t.id) == Distance::Engaged && me.size.can_grapple(t.size)
        }) {
            options.push(ActionOption::Grapple {
                target: target.id.clone(),
            });
            options.push(ActionOption::Shove {
                target: target.id.clone(),
            });
        }
    }
    extra_action_options(snapshot, me, &mut options);
    if bonus_free && !me.conditions.is_incapacitated() {
        cast_options(snapshot, me, true, &mut options);
    }
    let speed = me.conditions.speed(me.speed);
    if me.conditions.has(Condition::Prone) && speed > 0 && me.economy.movement_left >= speed / 2 {
        options.push(ActionOption::StandUp);
    }
    options.push(ActionOption::EndTurn);
    options
}

/// Spells castable with the action (or, with `bonus`, the bonus action):
/// one option per slot level it can use and per creature it can aim at.
fn cast_options(snapshot: &Snapshot, me: &Combatant, bonus: bool, options: &mut Vec<ActionOption>) {
    for spell in me
        .spells
        .iter()
        .filter(|s| !s.reaction && s.bonus_action == bonus)
    {
        for slot in castable_slots(me, spell) {
            for target in aimed(snapshot, me, spell.aim) {
                options.push(ActionOption::Cast {
                    spell: spell.id.clone(),
                    slot,
                    target,
                });
            }
        }
    }
}

/// The slot levels `spell` can be cast with: none needed for a cantrip,
/// else every level it has a slot of at or above the spell's.
fn castable_slots(me: &Combatant, spell: &SpellProfile) -> Vec<u8> {
    if spell.level == 0 {
        return vec![0];
    }
    me.slots
        .iter()
        .copied()
        .filter(|s| *s >= spell.level)
        .collect()
}

/// The targets an aim allows: none to name for the caster or an area; for
/// one creature, every valid foe (or conscious ally, self included, for a
/// helpful spell), within reach when it needs touch.
fn aimed(snapshot: &Snapshot, me: &Combatant, aim: Aim) -> Vec<Option<CreatureId>> {
    match aim {
        Aim::Caster | Aim::Area => vec![None],
        Aim::Creature { touch, harmful } => snapshot
            .combatants
            .iter()
            .filter(|t| {
                let fits = if harmful {
                    is_valid_target(snapshot, me, t)
                } else {
                    t.team == me.team && t.life.is_alive()
                };
                let near = !touch
                    || t.id == me.id
                    || snapshot.distance(&me.id, &t.id) == Distance::Engaged;
                fits && near
            })
            .map(|t| Some(t.id.clone()))
            .collect(),
    }
}

/// What can set off a reaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Trigger {
    /// A creature moves out of the reactor's reach.
    Leaves {
        /// The creature moving away.
        mover: CreatureId,
    },
    /// The reactor is hit by an attack (Shield can still turn it into a miss).
    Hit {
        /// The attacker.
        attacker: CreatureId,
    },
}

/// The reactions `actor` may take when `trigger` happens, plus [`ActionOption::Pass`]:
/// an opportunity attack with each melee attack on a hostile leaving its
/// reach without disengaging; a reaction spell (Shield) when it is hit.
/// Nothing but `Pass` once its reaction is spent or it can't act.
pub fn reaction_options(
    snapshot: &Snapshot,
    actor: &CreatureId,
    trigger: &Trigger,
) -> Vec<ActionOption> {
    let Some(me) = snapshot.get(actor) else {
        return Vec::new();
    };
    let mut options = Vec::new();
    let able = me.life == LifeState::Conscious
        && !me.economy.reaction_used
        && !me.limits.no_reactions
        && me.conditions.can_act();
    if able {
        match trigger {
            Trigger::Leaves { mover } => {
                if let Some(m) = snapshot.get(mover)
                    && is_valid_target(snapshot, me, m)
                    && !m.disengaged
                    && snapshot.distance(&me.id, mover) == Distance::Engaged
                {
                    for attack in me.attacks.iter().filter(|a| a.reach == AttackReach::Melee) {
                        options.push(ActionOption::OpportunityAttack {
                            attack: attack.id.clone(),
                            target: mover.clone(),
                        });
                    }
                }
            }
            Trigger::Hit { .. } => {
                for spell in me
                    .spells
                    .iter()
                    .filter(|s| s.reaction && s.aim == Aim::Caster)
                {
                    for slot in castable_slots(me, spell) {
                        options.push(ActionOption::Cast {
                            spell: spell.id.clone(),
                            slot,
                            target: None,
                        });
                    }
                }
            }
        }
    }
    options.push(ActionOption::Pass);
    options
}

/// The legal option with this id, to validate a planner's or player's choice.
pub fn option_by_id(
    snapshot: &Snapshot,
    actor: &CreatureId,
    id: &str,
) -> Result<ActionOption, OptionError> {
    if snapshot.get(actor).is_none() {
        return Err(OptionError::UnknownActor(actor.to_string()));
    }
    let wanted = id.trim().to_ascii_lowercase();
    legal_options(snapshot, actor)
        .into_iter()
        .find(|o| o.id().to_ascii_lowercase() == wanted)
        .ok_or_else(|| OptionError::NotLegal(id.to_owned()))
}

fn is_valid_target(snapshot: &Snapshot, me: &Combatant, target: &Combatant) -> bool {
    target.id != me.id
        && target.life.is_alive()
        && me.is_hostile_to(target)
        && snapshot.cover(&me.id, &target.id) != Cover::Total
        && me.conditions.may_attack(&target.id)
        && !me.limits.has(Behaviour::Indifferent)
}

/// The snapshot has no line of sight, so a fear source counts as in sight
/// while it is alive in the fight (or when the source is unknown).
fn fear_source_present(snapshot: &Snapshot, me: &Combatant) -> bool {
    let sources = me.conditions.frightened_by();
    sources.is_empty()
        || sources
            .iter()
            .any(|s| snapshot.get(s).is_some_and(|c| c.life.is_alive()))
}

fn attack_option(
    snapshot: &Snapshot,
    me: &Combatant,
    attack: &AttackProfile,
    target: &Combatant,
) -> Option<ActionOption> {
    let distance = snapshot.distance(&me.id, &target.id);
    let (kind, in_range) = match attack.reach {
        AttackReach::Melee => (AttackKind::Melee, distance == Distance::Engaged),
        AttackReach::Ranged { long_range } => {
            (AttackKind::Ranged, distance != Distance::Far || long_range)
        }
    };
    if !in_range {
        return None;
    }
    // Only a hostile that can act threatens a ranged attacker up close.
    let hostile_within_5ft = snapshot.combatants.iter().any(|other| {
        me.is_hostile_to(other)
            && other.life == LifeState::Conscious
            && other.conditions.can_act()
            && snapshot.distance(&me.id, &other.id) == Distance::Engaged
    });
    let context = AttackContext {
        kind,
        within_5ft: distance == Distance::Engaged,
        hostile_within_5ft,
        beyond_normal_range: distance == Distance::Far,
        target_dodging: target.dodging,
        fear_source_in_sight: fear_source_present(snapshot, me),
    };
    let effects = attack_effects(&me.conditions, &target.effective_conditions(), &context);
    Some(ActionOption::Attack {
        attack: attack.id.clone(),
        target: target.id.clone(),
        advantage: effects.tally.advantage(),
        cover: snapshot.cover(&me.id, &target.id),
        auto_crit: effects.auto_crit,
    })
}

/// What an ongoing effect makes a creature do on its turns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Behaviour {
    /// It moves away from the source by the safest route, taking the Dash
    /// action and nothing else (Fear, Eyebite's panic, Command's "flee").
    Flee,
    /// It moves toward the source by the most direct route, ending its turn
    /// within 5 feet of it (Command's "approach").
    Approach,
    /// It drops what it holds, then ends its turn (Command's "drop").
    Drop,
    /// It neither moves nor acts (Command's "halt" and "grovel", Confusion's
    /// 2 to 6).
    Halt,
    /// It uses all its movement in a random direction and takes no action
    /// (Confusion's 1; the direction is the d8 rolled after it, the last
    /// of the run's table rolls).
    Wander,
    /// It uses its action on a melee attack against a random creature in
    /// its reach, or does nothing (Confusion's 7 and 8).
    LashOut,
    /// It must use as much of its movement as it can in the direction its
    /// source picks; it may act before it moves (Compulsion).
    Compelled,
    /// It is indifferent to the creatures it was hostile toward: it
    /// attacks no one and casts nothing harmful at anyone (Calm Emotions).
    Indifferent,
    /// Its source decides what it does (Dominate Person): its options are
    /// its own, but the source picks among them ([`controller`]).
    Commanded,
}

impl Behaviour {
    /// Its name as the content writes it: "flee", "lash_out".
    pub fn name(self) -> &'static str {
        match self {
            Behaviour::Flee => "flee",
            Behaviour::Approach => "approach",
            Behaviour::Drop => "drop",
            Behaviour::Halt => "halt",
            Behaviour::Wander => "wander",
            Behaviour::LashOut => "lash_out",
            Behaviour::Compelled => "compelled",
            Behaviour::Indifferent => "indifferent",
            Behaviour::Commanded => "commanded",
        }
    }
}

/// A behaviour and the creature it is measured from (who to flee from,
/// who gives the orders).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Directed {
    /// What the creature must do.
    pub behaviour: Behaviour,
    /// The creature that imposed it.
    pub source: CreatureId,
}

/// What a combatant's ongoing effects make it do or keep it from doing on
/// its turn, as [`legal_options`] honours them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Limits {
    /// Behaviours imposed on it, oldest first.
    pub behaviours: Vec<Directed>,
    /// It can't take its action (a bonus action and movement remain).
    pub no_actions: bool,
    /// It takes an action or a bonus action on its turn, not both (Slow).
    pub action_or_bonus: bool,
    /// Its Attack action makes one attack, whatever Extra Attack or a
    /// multiattack allow; the DM core spends the action after it (Slow).
    pub one_attack: bool,
    /// It has an extra action for one weapon attack, Dash, Disengage, Hide
    /// or Use an Object (Haste); [`Economy::extra_action_used`] spends it.
    pub extra_action: bool,
    /// It can't take reactions.
    pub no_reactions: bool,
}

impl Limits {
    /// Whether it must behave this way.
    pub fn has(&self, behaviour: Behaviour) -> bool {
        self.behaviours.iter().any(|d| d.behaviour == behaviour)
    }

    fn source_of(&self, behaviour: Behaviour) -> Option<&CreatureId> {
        self.behaviours
            .iter()
            .find(|d| d.behaviour == behaviour)
            .map(|d| &d.source)
    }
}

/// Who picks `actor`'s option: the creature commanding it (Dominate
/// Person), or `None` when it decides for itself.
pub fn controller(snapshot: &Snapshot, actor: &CreatureId) -> Option<CreatureId> {
    let me = snapshot.get(actor)?;
    me.limits
        .source_of(Behaviour::Commanded)
        .filter(|s| {
            snapshot
                .get(s)
                .is_some_and(|c| c.life == LifeState::Conscious)
        })
        .cloned()
}

/// The whole turn of a creature a behaviour takes over, or `None` when it
/// still chooses from its usual options. The most restrictive behaviour
/// wins: doing nothing, then moving (fleeing, approaching: Dash only), then
/// lashing out at whoever is in reach.
fn directed_options(snapshot: &Snapshot, me: &Combatant) -> Option<Vec<ActionOption>> {
    let limits = &me.limits;
    let can_act = !me.economy.action_used && !limits.no_actions && me.conditions.can_act();
    if [Behaviour::Halt, Behaviour::Drop, Behaviour::Wander]
        .into_iter()
        .any(|b| limits.has(b))
    {
        return Some(vec![ActionOption::EndTurn]);
    }
    if limits.has(Behaviour::Flee) || limits.has(Behaviour::Approach) {
        let mut options = Vec::new();
        if can_act {
            options.push(ActionOption::Dash);
        }
        options.push(ActionOption::EndTurn);
        return Some(options);
    }
    if limits.has(Behaviour::LashOut) {
        let mut options = Vec::new();
        if can_act {
            // Any creature in reach, friend or foe: the DM core picks one at random.
            for target in snapshot.combatants.iter().filter(|t| {
                t.id != me.id
                    && t.life.is_alive()
                    && snapshot.distance(&me.id, &t.id) == Distance::Engaged
            }) {
                for attack in me.attacks.iter().filter(|a| a.reach == AttackReach::Melee) {
                    if let Some(option) = attack_option(snapshot, me, attack, target) {
                        options.push(option);
                    }
                }
            }
        }
        options.push(ActionOption::EndTurn);
        return Some(options);
    }
    None
}

/// With its action spent, a hasted creature's extra action: one weapon
/// attack, Dash, Disengage, Hide or Use an Object.
fn extra_action_options(snapshot: &Snapshot, me: &Combatant, options: &mut Vec<ActionOption>) {
    if !me.limits.extra_action
        || me.economy.extra_action_used
        || !me.economy.action_used
        || me.conditions.is_incapacitated()
    {
        return;
    }
    for attack in &me.attacks {
        for target in snapshot
            .combatants
            .iter()
            .filter(|t| is_valid_target(snapshot, me, t))
        {
            if let Some(option) = attack_option(snapshot, me, attack, target) {
                options.push(option);
            }
        }
    }
    options.extend([
        ActionOption::Dash,
        ActionOption::Disengage,
        ActionOption::Hide,
        ActionOption::UseObject,
    ]);
}
