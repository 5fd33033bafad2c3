//! A monster's limited resources: recharging actions, uses per day or per
//! rest, and legendary actions per round.
//!
//! ```
//! use rules::automation::Resources;
//! use rules::content;
//! use rules::dice::FixedRolls;
//! let dragon = content::monster("Adult Red Dragon").unwrap();
//! let mut res = Resources::of(dragon);
//! res.spend("Fire Breath", 1).unwrap();
//! assert!(res.spend("Fire Breath", 1).is_err());
//! // At the start of its turn a d6 of 5 or 6 brings the breath back.
//! let rolls = res.start_turn(&mut FixedRolls::new([5]));
//! assert_eq!(rolls, vec![("Fire Breath".to_string(), 5, true)]);
//! assert!(res.ready("Fire Breath"));
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::content::{Monster, RestKind, Usage};
use crate::dice::DieRoller;

/// Where one limited action or trait stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum UseState {
    /// Recharges on a d6 of `min` or more at the start of the monster's turn.
    Recharge {
        /// The lowest face that recharges it.
        min: u8,
        /// Whether it can be used now.
        ready: bool,
    },
    /// Uses left until the next long rest (a day).
    PerDay {
        /// Uses left.
        left: u32,
        /// Uses per day.
        max: u32,
    },
    /// Once, then again after one of these rests.
    PerRest {
        /// Whether it can be used now.
        ready: bool,
        /// The rests that restore it.
        rests: Vec<RestKind>,
    },
}

/// Why a resource can't be spent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResourceError {
    /// It is spent and has not come back yet.
    #[error("{name} is not ready: {why}")]
    NotReady {
        /// The action.
        name: String,
        /// When it comes back.
        why: String,
    },
    /// Not enough legendary actions left this round.
    #[error("{name} costs {cost} legendary actions and {left} are left this round")]
    NoLegendaryActions {
        /// The legendary action.
        name: String,
        /// Its cost.
        cost: u8,
        /// What is left.
        left: u8,
    },
}

/// A monster's limited resources in one encounter.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Resources {
    /// Limited actions and traits by name.
    pub uses: BTreeMap<String, UseState>,
    /// Legendary actions left this round, and per round.
    pub legendary: Option<(u8, u8)>,
}

/// Legendary actions per round: every SRD legendary creature has three.
const LEGENDARY_PER_ROUND: u8 = 3;

impl Resources {
    /// Everything limited in `monster`'s stat block, all ready.
    pub fn of(monster: &Monster) -> Self {
        let mut uses = BTreeMap::new();
        let limited = monster
            .all_actions()
            .filter_map(|a| a.usage.as_ref().map(|u| (&a.name, u)))
            .chain(
                monster
                    .traits
                    .iter()
                    .filter_map(|t| t.usage.as_ref().map(|u| (&t.name, u))),
            );
        for (name, usage) in limited {
            let state = match usage {
                Usage::Recharge { min } => UseState::Recharge {
                    min: *min,
                    ready: true,
                },
                Usage::PerDay { times } => UseState::PerDay {
                    left: *times,
                    max: *times,
                },
                Usage::PerRest { rests } => UseState::PerRest {
                    ready: true,
                    rests: rests.clone(),
                },
            };
            uses.insert(name.clone(), state);
        }
        let legendary = (!monster.legendary_actions.is_empty())
            .then_some((LEGENDARY_PER_ROUND, LEGENDARY_PER_ROUND));
        Self { uses, legendary }
    }

    /// Whether `name` can be used now (anything unlimited always can).
    pub fn ready(&self, name: &str) -> bool {
        match self.uses.get(name) {
            None => true,
            Some(UseState::Recharge { ready, .. } | UseState::PerRest { ready, .. }) => *ready,
            Some(UseState::PerDay { left, .. }) => *left > 0,
        }
    }

    /// Spends one use of `name`; for a legendary action, `cost` of the
    /// round's legendary actions (pass 0 for anything else).
    pub fn spend(&mut self, name: &str, cost: u8) -> Result<(), ResourceError> {
        if cost > 0
            && let Some((left, _)) = self.legendary
            && left < cost
        {
            return Err(ResourceError::NoLegendaryActions {
                name: name.to_string(),
                cost,
                left,
            });
        }
        let not_ready = |why: String| ResourceError::NotReady {
            name: name.to_string(),
            why,
        };
        match self.uses.get_mut(name) {
            None => {}
            Some(UseState::Recharge { min, ready }) => {
                if !*ready {
                    let faces = if *min >= 6 {
                        "a 6".to_string()
                    } else {
                        format!("{min}–6")
                    };
                    return Err(not_ready(format!(
                        "it recharges on {faces} at the start of its turn"
                    )));
                }
                *ready = false;
            }
            Some(UseState::PerDay { left, max }) => {
                if *left == 0 {
                    return Err(not_ready(format!("all {max} uses today are spent")));
                }
                *left -= 1;
            }
            Some(UseState::PerRest { ready, rests }) => {
                if !*ready {
                    let rest = if rests.contains(&RestKind::Short) {
                        "a short or long rest"
                    } else {
                        "a long rest"
                    };
                    return Err(not_ready(format!("it comes back after {rest}")));
                }
                *ready = false;
            }
        }
        if cost > 0
            && let Some((left, _)) = &mut self.legendary
        {
            *left -= cost;
        }
        Ok(())
    }

    /// The start of the monster's turn: legendary actions come back, and a
    /// d6 is rolled for each spent recharge action: (name, face, recharged).
    pub fn start_turn(
        &mut self,
        roller: &mut (impl DieRoller + ?Sized),
    ) -> Vec<(String, u8, bool)> {
        if let Some((left, max)) = &mut self.legendary {
            *left = *max;
        }
        let mut out = Vec::new();
        for (name, state) in &mut self.uses {
            if let UseState::Recharge { min, ready } = state
                && !*ready
            {
                let face = u8::try_from(roller.roll_die(6).clamp(1, 6)).unwrap_or(1);
                *ready = face >= *min;
                out.push((name.clone(), face, *ready));
            }
        }
        out
    }

    /// A rest: uses per rest come back if this kind restores them; a long
    /// rest also restores uses per day and recharges everything.
    pub fn rest(&mut self, kind: RestKind) {
        for state in self.uses.values_mut() {
            match state {
                UseState::Recharge { ready, .. } => *ready = true,
                UseState::PerDay { left, max } => {
                    if kind == RestKind::Long {
                        *left = *max;
                    }
                }
                UseState::PerRest { ready, rests } => {
                    if kind == RestKind::Long || rests.contains(&kind) {
                        *ready = true;
                    }
                }
            }
        }
    }
}
