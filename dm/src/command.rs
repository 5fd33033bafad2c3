//! The normalized intent every transport produces: one [`Command`] from one
//! actor at one table. Names stay as the player typed them (a weapon, a
//! spell, a target handle or prefix); the DM core resolves them against the
//! table and the content and rejects what it can't resolve.

use serde::{Deserialize, Serialize};

use rules::dice::Advantage;

use crate::character::Character;
use rules::mechanics::{Ability, Condition, Distance};

/// One thing a player or the DM asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum Command {
    /// `r 1d20+5 [adv|dis]`: a free roll of the dice language.
    Roll {
        /// The expression as typed.
        expr: String,
        /// Advantage on a d20 roll.
        advantage: Advantage,
    },
    /// `check ath` / `check str`: an ability check, with a skill or not.
    Check {
        /// A skill or ability name or abbreviation, as typed.
        what: String,
        /// Advantage or disadvantage.
        advantage: Advantage,
    },
    /// `save dex`: a saving throw.
    Save {
        /// The ability.
        ability: Ability,
        /// Advantage or disadvantage.
        advantage: Advantage,
    },
    /// `a scimitar -t g1 adv`: a weapon attack (or a monster's named attack).
    Attack {
        /// The weapon or action name, as typed.
        weapon: String,
        /// Target handles or prefixes.
        targets: Vec<String>,
        /// Advantage or disadvantage the player asks for.
        advantage: Advantage,
    },
    /// `offhand dagger -t g1`: two-weapon fighting's bonus-action attack
    /// with a light melee weapon, after an Attack action with another.
    OffHand {
        /// The weapon, as typed (empty: the first light melee weapon carried).
        weapon: String,
        /// Target handles or prefixes.
        targets: Vec<String>,
        /// Advantage or disadvantage the player asks for.
        advantage: Advantage,
    },
    /// `rage`, `secondwind`, `surge`: a class feature that needs no target.
    Feature(Feature),
    /// `cast fireball -t g1 -t g2 -l 4`: a spell.
    Cast {
        /// The spell name, as typed.
        spell: String,
        /// Target handles or prefixes (none: self or no target).
        targets: Vec<String>,
        /// The slot level (none: the spell's own level).
        level: Option<u8>,
        /// An option the spell asks for (`-c "sickened"`).
        choice: Option<String>,
    },
    /// A standard action that needs no target.
    Act(Simple),
    /// `help g1`: help an ally against a creature (advantage on its next attack).
    Help {
        /// The creature the help is against, or the ally helped.
        target: String,
    },
    /// `grapple g1` / `shove g1 [prone]`.
    Grapple {
        /// The creature.
        target: String,
    },
    /// `shove g1 prone|away`.
    Shove {
        /// The creature.
        target: String,
        /// Knock prone rather than push 5 feet away.
        prone: bool,
    },
    /// `ready a longsword -t g1`: an action held for a trigger.
    Ready {
        /// The command to run when the trigger comes, as typed.
        action: String,
    },
    /// `react shield off` / `react shield on`: turn an automatic reaction
    /// off or back on (the DM core takes them for players, since a chat
    /// can't pause to ask).
    React {
        /// The reaction, as typed ("shield").
        reaction: String,
        /// On rather than off.
        on: bool,
    },
    /// `use potion-of-healing [-t aria]`: use an object.
    Use {
        /// The item, as typed.
        item: String,
        /// Who it is used on (none: self).
        target: Option<String>,
    },
    /// `move engaged g1` / `move far g1`: theater-of-mind movement.
    Move {
        /// Where to end up relative to `target`.
        to: Distance,
        /// The creature.
        target: String,
    },
    /// `n` / `end`: end the turn.
    EndTurn,
    /// `ds`: a death saving throw.
    DeathSave,
    /// `init`: roll initiative and join the encounter.
    JoinInitiative,
    /// `status`: the encounter or, out of combat, the party.
    Status,
    /// `sheet [name]`: a character sheet.
    Sheet {
        /// Whose (none: the actor's own).
        name: Option<String>,
    },
    /// `char new Aria wizard 3 elf [array|pointbuy 15,14,13,12,10,8]`.
    NewCharacter(NewCharacter),
    /// `char use Aria`: play another of your characters at this table.
    UseCharacter {
        /// The character's name or handle.
        name: String,
    },
    /// `rest short|long`.
    Rest {
        /// A long rest rather than a short one.
        long: bool,
    },
    /// `vote "left door" "right door"`: open a party vote.
    Vote {
        /// The options.
        options: Vec<String>,
    },
    /// `v 2` / `v left`: cast a vote.
    VoteFor {
        /// The option number (1-based) or a prefix of its text.
        option: String,
    },
    /// `verify`: the seed commitment, or after the reveal, the check.
    Verify,
    /// `levelup`: go up a level once the XP reach the next threshold.
    LevelUp,
    /// `help` / `?`: the commands there are.
    Commands,
    /// A DM command.
    Dm(DmCommand),
    /// `char import FILE`: a character the transport read from a file
    /// (Foundry VTT, Fight Club 5 or our export). The log holds the sheet
    /// itself, so replaying never reads a file.
    ImportCharacter {
        /// The sheet.
        character: Box<Character>,
        /// What the import could not carry over, one line each.
        notes: Vec<String>,
    },
    /// `char roll`: roll six ability scores (4d6 drop the lowest) with the
    /// table's dice, kept on the table for `char new … rolled`.
    RollScores,
    /// `char choose [KIND picks…]` / `ch spells 2 5 7`: the pending choices
    /// (none given), or make one.
    Choose {
        /// What is chosen ("spells", "skills", "asi", …); none: list them.
        kind: Option<String>,
        /// The picks: numbers from the list or names.
        picks: Vec<String>,
    },
    /// `char set FIELD VALUE ["why"]`: a player edits their own sheet,
    /// outside a fight, until the DM locks it.
    SetOwn {
        /// The field.
        field: String,
        /// The new value, as typed.
        value: String,
        /// Why (kept in the sheet history).
        reason: String,
    },
    /// `levelup [CLASS] [roll|avg]`: a level in a class (a new one:
    /// multiclassing), hit points rolled or the average.
    LevelUpIn {
        /// The class (none: the one it began with).
        class: Option<String>,
        /// Roll the hit die rather than take the average.
        roll: bool,
    },
    /// `note TEXT`: write in the table's notebook (everyone may read it).
    Note {
        /// The text.
        text: String,
    },
    /// `notes [about WORDS]`: read the notebook, newest first.
    Notes {
        /// Words every note shown must contain (none: the latest notes).
        about: Option<String>,
    },
    /// `recap`: what happened last session, from the table's journal.
    Recap,
    /// `narrate on|off`: narration on the radio at this table (area
    /// entries and fight ends, ≤ 120 bytes; off by default for airtime).
    RadioNarration {
        /// On rather than off.
        on: bool,
    },
    // Exploring an adventure (`crate::explore`).
    /// `look` / `l`: the party's area, its exits and what is in it.
    Look,
    /// `go n` / `g 2` / `go arch`: the party moves through an exit.
    Go {
        /// The exit: a direction, its number as listed, a label.
        exit: String,
        /// How long a vote on it stays open, in seconds, when one is needed
        /// (the transport's choice; none: two minutes).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        vote_secs: Option<u32>,
    },
    /// `search` / `sr`: look for secret ways, traps and hidden things.
    Search,
    /// `open n`: open a door (a locked one with its key).
    Open {
        /// The exit.
        exit: String,
    },
    /// `pick n`: pick a door's lock with thieves' tools.
    Pick {
        /// The exit.
        exit: String,
    },
    /// `force n`: force a door open.
    Force {
        /// The exit.
        exit: String,
    },
    /// `disarm needle`: disarm a trap spotted.
    Disarm {
        /// The trap.
        trap: String,
    },
    /// `talk mara [help|persuade|words]`.
    Talk {
        /// Who.
        npc: String,
        /// What about (empty: a greeting).
        say: String,
    },
    /// `take`: the area's treasure.
    Take,
    /// `leave`: the party walks out of the dungeon by the way it came in
    /// (only from the adventure's start area, out of a fight); the
    /// adventure ends, neither won nor lost.
    Leave,
    /// `light` / `douse`: a torch.
    Light {
        /// Light one rather than put it out.
        on: bool,
    },
    /// `party`, `party join [CODE]`, `party leave`: the adventure's party.
    Party {
        /// What to do (none: show the party).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        action: Option<PartyAction>,
    },
    /// `leader aria` / `leader none`: who moves the party without a vote.
    Leader {
        /// The character (none: no leader).
        name: Option<String>,
    },
    /// `order brom aria`: the marching order, front first.
    March {
        /// The characters.
        order: Vec<String>,
    },
}

/// The standard actions that need nothing more.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Simple {
    /// Double movement.
    Dash,
    /// Attacks against have disadvantage; Dexterity saves have advantage.
    Dodge,
    /// Movement provokes no opportunity attacks.
    Disengage,
    /// A Stealth check to hide.
    Hide,
}

/// The class features used by name alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Feature {
    /// A barbarian's Rage (bonus action).
    Rage,
    /// A fighter's Second Wind (bonus action).
    SecondWind,
    /// A fighter's Action Surge: one more action this turn.
    ActionSurge,
}

/// How a new character's ability scores are set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum Scores {
    /// The standard array (15, 14, 13, 12, 10, 8), placed by the class's priorities.
    #[default]
    StandardArray,
    /// Point buy (27 points, 8–15): the six scores in Str, Dex, Con, Int, Wis, Cha order.
    PointBuy {
        /// The scores before racial bonuses.
        scores: [u8; 6],
    },
    /// The set rolled with `char roll` (4d6 drop the lowest, six times),
    /// in Str, Dex, Con, Int, Wis, Cha order; empty: placed by the class's
    /// priorities, highest first.
    Rolled {
        /// The scores before racial bonuses.
        scores: Vec<u8>,
    },
    /// Typed scores (3–18), unless the DM forbids them (`dm allow manual off`).
    Manual {
        /// The scores before racial bonuses.
        scores: Vec<u8>,
    },
}

/// `char new NAME CLASS LEVEL RACE [scores] [sub SUBCLASS] [bg BACKGROUND]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewCharacter {
    /// The character's name.
    pub name: String,
    /// The class, as typed.
    pub class: String,
    /// The level, 1–20.
    pub level: u8,
    /// The race or subrace, as typed.
    pub race: String,
    /// How the scores are set.
    pub scores: Scores,
    /// The subclass asked for (none: the SRD's, at its level).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subclass: Option<String>,
    /// The background asked for (none: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub background: Option<String>,
    /// Starting gold rolled by the class's dice instead of its equipment
    /// package (`char new … gold`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub starting_gold: bool,
}

/// What only the table's DM may do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "dm", rename_all = "snake_case")]
pub enum DmCommand {
    /// `dm encounter`: start an encounter (initiative for everyone present).
    StartEncounter,
    /// `dm end`: end the encounter.
    EndEncounter,
    /// `madd goblin -n 3 [--avg]`: add monsters by SRD name.
    AddMonster {
        /// The monster, as typed.
        monster: String,
        /// How many.
        count: u8,
        /// Average hit points rather than rolled.
        average_hp: bool,
    },
    /// `dm hp g1 -5` / `dm hp aria +7`: change hit points.
    Hp {
        /// The creature.
        target: String,
        /// The change (negative: damage without a type).
        delta: i32,
    },
    /// `dm cond g1 add prone`.
    Condition {
        /// The creature.
        target: String,
        /// The condition.
        condition: Condition,
        /// Add rather than remove.
        add: bool,
    },
    /// `dm set aria ac 16 "found a shield"`: edit a sheet field with a reason.
    SetField {
        /// The character.
        character: String,
        /// The field: ac, hp, max_hp, str..cha, level, xp, gold, speed.
        field: String,
        /// The new value, as typed.
        value: String,
        /// Why (kept in the sheet history).
        reason: String,
    },
    /// `dm xp 300 [aria grek]`: award experience (none listed: the whole party).
    Xp {
        /// The amount.
        amount: u32,
        /// Who gets it.
        to: Vec<String>,
    },
    /// `dm loot 50gp [aria]` / items.
    Loot {
        /// Gold pieces.
        gold: u32,
        /// Items by name.
        items: Vec<String>,
        /// Who gets it (none: split among the party).
        to: Vec<String>,
    },
    /// `dm levelup aria`: a level up whatever the XP (milestone levelling).
    LevelUp {
        /// The character.
        character: String,
    },
    /// `dm place aria engaged g1`: the DM sets where two combatants stand
    /// (no movement spent, no opportunity attacks).
    Place {
        /// One creature.
        who: String,
        /// How far apart they end up.
        to: Distance,
        /// The other.
        other: String,
    },
    /// `dm narrate text`.
    Narrate {
        /// The text.
        text: String,
    },
    /// `dm decide 2`: settle the open vote.
    Decide {
        /// The option number (1-based) or a prefix of its text.
        option: String,
    },
    /// `dm reveal`: reveal the table's dice seed so anyone can verify.
    RevealSeed,
    /// `dm as g1 a scimitar -t aria`: act for a monster.
    As {
        /// The monster's handle.
        monster: String,
        /// What it does. (Serialized as `does`: `command` is the tag of
        /// the enclosing [`Command`].)
        #[serde(rename = "does")]
        command: Box<Command>,
    },
    /// `dm lock NAME` / `dm unlock NAME`: forbid or allow `char set`.
    Lock {
        /// The character.
        character: String,
        /// Lock rather than unlock.
        locked: bool,
    },
    /// `dm allow manual on|off`: whether players may type their scores.
    AllowManual {
        /// Allowed.
        on: bool,
    },
    /// `dm levelup NAME CLASS [roll]`: a level in a given class whatever
    /// the XP.
    LevelUpIn {
        /// The character.
        character: String,
        /// The class.
        class: Option<String>,
        /// Roll the hit die rather than take the average.
        roll: bool,
    },
    /// `dm note [private] TEXT`: a note from the DM, shared or for the DM only.
    Note {
        /// The text.
        text: String,
        /// Only the DM (and co-DMs) may read it.
        private: bool,
    },
    // Running an adventure (`crate::explore`).
    /// `dm adventure ID`: start an adventure, the party at its start.
    Adventure {
        /// A shipped adventure's id.
        id: String,
        /// The adventure itself when it isn't a shipped one (the shell
        /// reads it from a file); carried in the event, so replay reads none.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        adventure: Option<Box<crate::adventure::Adventure>>,
    },
    /// `dm move party AREA`: put the party in an area.
    MoveParty {
        /// The area's id or name.
        area: String,
    },
    /// `dm reveal AREA`: tell the party of an area (and the way to it from here).
    RevealArea {
        /// The area's id or name.
        area: String,
    },
    /// `dm map`: the whole adventure, secrets and all, for the DM alone.
    Map,
    /// `dm access open|invite|closed`, `dm access watch on|off`: who may
    /// join the running adventure's party, and whether others may look on.
    Access {
        /// Who may join, if it changes.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        join: Option<crate::explore::Access>,
        /// Whether players outside the party may look on, if it changes.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        watch: Option<bool>,
    },
    /// `dm invite`: a new invite code for the adventure (the old one stops
    /// working), shown to the DM alone; the adventure becomes invite-only.
    Invite,
    /// `dm party add|remove NAME`: put a character in the party or take it
    /// out, whatever the access.
    PartyMember {
        /// The character.
        character: String,
        /// In (true) or out.
        add: bool,
    },
}

/// What `party` does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyAction {
    /// Join the running adventure's party with the character one plays,
    /// with the DM's invite code where one is needed.
    Join {
        /// The invite code.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        code: Option<String>,
    },
    /// Leave the party (the character stays at the table).
    Leave,
}
