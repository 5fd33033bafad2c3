//! The range an expression can roll: a sound interval, used by property tests
//! and by the monster AI to judge what an attack or spell can do.

use super::ast::{BinOp, Dice, DieSize, Expr, Op, OpKind, SelectorKind, UnOp};
use super::eval::MAX_ROLLS;
use super::num::Num;

/// The least and greatest value an expression can roll (before truncation).
///
/// Sound, not always tight: every roll lies within, but an operator like `e`
/// (explode) stretches `max` to what the 1000-dice limit allows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    /// Lowest possible value.
    pub min: f64,
    /// Highest possible value.
    pub max: f64,
}

const ANY: Bounds = Bounds {
    min: f64::NEG_INFINITY,
    max: f64::INFINITY,
};

impl Bounds {
    fn exact(v: f64) -> Self {
        Self { min: v, max: v }
    }

    fn hull(values: [f64; 4]) -> Self {
        if values.iter().any(|v| v.is_nan()) {
            return ANY;
        }
        let min = values.iter().copied().fold(f64::INFINITY, f64::min);
        let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        Self { min, max }
    }

    fn with_zero(self) -> Self {
        Self {
            min: self.min.min(0.0),
            max: self.max.max(0.0),
        }
    }

    fn add(self, o: Self) -> Self {
        Self {
            min: self.min + o.min,
            max: self.max + o.max,
        }
    }

    /// Whether `v` lies within the bounds, allowing for float rounding (the
    /// bounds are computed in `f64`, which rounds integers beyond 2^53).
    pub fn contains(&self, v: f64) -> bool {
        let slack = 1e-9 * (1.0 + v.abs());
        self.min - slack <= v && v <= self.max + slack
    }
}

/// One member of a set or dice term: its range, and whether it surely counts.
#[derive(Debug, Clone, Copy)]
struct Member {
    range: Bounds,
    certain: bool,
}

impl Expr {
    /// The range of values this expression can roll.
    pub fn bounds(&self) -> Bounds {
        match self {
            Expr::Literal(Num::Int(i)) => Bounds::exact(*i as f64),
            Expr::Literal(Num::Float(f)) => Bounds::exact(*f),
            Expr::Annotated(a) => a.inner.bounds(),
            Expr::Unary(UnOp::Pos, x) => x.bounds(),
            Expr::Unary(UnOp::Neg, x) => {
                let b = x.bounds();
                Bounds {
                    min: -b.max,
                    max: -b.min,
                }
            }
            Expr::Binary(op, l, r) => binary(*op, l.bounds(), r.bounds()),
            Expr::Paren { inner, ops } if ops.is_empty() => inner.bounds(),
            Expr::Paren { inner, ops } => sum(apply_ops(members(inner), ops)),
            Expr::Set { items, ops } => {
                let items = items
                    .iter()
                    .map(|i| Member {
                        range: i.bounds(),
                        certain: true,
                    })
                    .collect();
                sum(apply_ops(items, ops))
            }
            Expr::Dice(d) => sum(dice_members(d)),
        }
    }
}

/// The members an operator on `(expr)` acts on: a set's items, a dice term's
/// dice, or the expression itself.
fn members(expr: &Expr) -> Vec<Member> {
    match expr {
        Expr::Set { items, ops } => apply_ops(
            items
                .iter()
                .map(|i| Member {
                    range: i.bounds(),
                    certain: true,
                })
                .collect(),
            ops,
        ),
        Expr::Paren { inner, ops } => apply_ops(members(inner), ops),
        Expr::Dice(d) => dice_members(d),
        other => vec![Member {
            range: other.bounds(),
            certain: true,
        }],
    }
}

fn dice_members(d: &Dice) -> Vec<Member> {
    let face = match d.size {
        DieSize::Percent => Bounds {
            min: 0.0,
            max: 90.0,
        },
        DieSize::Sides(n) => Bounds {
            min: 1.0,
            max: n as f64,
        },
    };
    let count = usize::try_from(d.count).unwrap_or(MAX_ROLLS).min(MAX_ROLLS);
    let mut dice = vec![
        Member {
            range: face,
            certain: true
        };
        count
    ];
    for op in &d.ops {
        match op.kind {
            // A reroll shows a fresh face, undoing any earlier `mi`/`ma`.
            OpKind::Reroll | OpKind::RerollOnce => {
                for m in &mut dice {
                    m.range = Bounds {
                        min: m.range.min.min(face.min),
                        max: m.range.max.max(face.max),
                    };
                }
            }
            OpKind::RerollAdd => dice.push(Member {
                range: face,
                certain: false,
            }),
            OpKind::Explode => {
                // Each `e` may add dice up to the roll limit, whatever earlier operators added.
                let extra = MAX_ROLLS.saturating_sub(count);
                dice.extend(std::iter::repeat_n(
                    Member {
                        range: face,
                        certain: false,
                    },
                    extra,
                ));
            }
            OpKind::Min | OpKind::Max => {
                // Clamped to i64 as evaluation clamps it.
                let bound = op
                    .selectors
                    .last()
                    .map_or(0.0, |s| i64::try_from(s.num).unwrap_or(i64::MAX) as f64);
                for m in &mut dice {
                    m.range = if op.kind == OpKind::Min {
                        Bounds {
                            min: m.range.min.max(bound),
                            max: m.range.max.max(bound),
                        }
                    } else {
                        Bounds {
                            min: m.range.min.min(bound),
                            max: m.range.max.min(bound),
                        }
                    };
                }
            }
            OpKind::Keep | OpKind::Drop => dice = apply_ops(dice, std::slice::from_ref(op)),
        }
    }
    dice
}

/// Applies keep/drop operators to members. Keeping or dropping the highest or
/// lowest N of members with equal ranges (dice) keeps the count exact;
/// anything else marks every member as possibly dropped.
fn apply_ops(mut members: Vec<Member>, ops: &[Op]) -> Vec<Member> {
    for op in ops {
        let uniform = members.windows(2).all(|w| w[0].range == w[1].range)
            && members.iter().all(|m| m.certain);
        match (op.kind, op.selectors.as_slice()) {
            (OpKind::Keep | OpKind::Drop, [sel])
                if uniform && matches!(sel.kind, SelectorKind::Highest | SelectorKind::Lowest) =>
            {
                let n = usize::try_from(sel.num)
                    .unwrap_or(usize::MAX)
                    .min(members.len());
                let keep = if op.kind == OpKind::Keep {
                    n
                } else {
                    members.len() - n
                };
                members.truncate(keep);
            }
            _ => members.iter_mut().for_each(|m| m.certain = false),
        }
    }
    members
}

fn sum(members: Vec<Member>) -> Bounds {
    members.iter().fold(Bounds::exact(0.0), |acc, m| {
        acc.add(if m.certain {
            m.range
        } else {
            m.range.with_zero()
        })
    })
}

fn binary(op: BinOp, a: Bounds, b: Bounds) -> Bounds {
    let products = || Bounds::hull([a.min * b.min, a.min * b.max, a.max * b.min, a.max * b.max]);
    match op {
        BinOp::Add => a.add(b),
        BinOp::Sub => Bounds {
            min: a.min - b.max,
            max: a.max - b.min,
        },
        BinOp::Mul => products(),
        BinOp::Div | BinOp::FloorDiv => {
            if b.min <= 0.0 && b.max >= 0.0 {
                return ANY;
            }
            let q = Bounds::hull([a.min / b.min, a.min / b.max, a.max / b.min, a.max / b.max]);
            // Python's `//` on floats can land one below floor(a / b) (8 // 0.1 is 79).
            if op == BinOp::FloorDiv {
                Bounds {
                    min: q.min.floor() - 1.0,
                    max: q.max.floor(),
                }
            } else {
                q
            }
        }
        BinOp::Mod if b.min > 0.0 => Bounds {
            min: 0.0,
            max: b.max,
        },
        BinOp::Mod if b.max < 0.0 => Bounds {
            min: b.min,
            max: 0.0,
        },
        BinOp::Mod => ANY,
        _ => Bounds { min: 0.0, max: 1.0 },
    }
}
