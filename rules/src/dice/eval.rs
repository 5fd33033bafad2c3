//! Rolling a parsed expression: every die is kept for display.

use std::cmp::Ordering;

use super::Advantage;
use super::ast::{BinOp, DieSize, Expr, Op, OpKind, Selector, SelectorKind, UnOp};
use super::num::Num;
use super::roller::DieRoller;

/// Most dice rolled for one expression, rerolls and explosions included (d20's limit).
pub const MAX_ROLLS: usize = 1_000;

/// Why an expression could not be rolled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RollError {
    /// More than [`MAX_ROLLS`] dice.
    #[error("too many dice rolled (at most 1000 per roll, rerolls and explosions included)")]
    TooManyRolls,
    /// `/`, `//` or `%` by zero.
    #[error("cannot divide by zero")]
    DivideByZero,
    /// `d0`.
    #[error("cannot roll a 0-sided die")]
    ZeroSides,
    /// `mi` or `ma` with a selector other than a plain number (`10d6mil1`).
    #[error("{selector} is not a valid selector for {op} (use a plain number, like {op}2)")]
    BadSelector {
        /// The selector as typed, e.g. `l1`.
        selector: String,
        /// The operator, `mi` or `ma`.
        op: &'static str,
    },
    /// A value beyond 64-bit integers.
    #[error("number too large")]
    TooLarge,
}

/// Whether the roll is a critical hit or a fumble: its leftmost dice term is a
/// single kept d20 showing 20 or 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Crit {
    /// Neither.
    None,
    /// A natural 20.
    Crit,
    /// A natural 1.
    Fumble,
}

/// The result of rolling an expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Rolled {
    /// The expression as rolled (after any advantage rewrite).
    pub expr: Expr,
    /// The rolled tree, with every die.
    pub root: RolledNode,
    /// The exact value (a float when decimals or `/` were involved).
    pub value: Num,
    /// The total, truncated toward zero as d20 does.
    pub total: i64,
    /// Critical hit or fumble, from the leftmost d20.
    pub crit: Crit,
}

/// One node of a rolled expression.
#[derive(Debug, Clone, PartialEq)]
pub struct RolledNode {
    /// What the node is.
    pub kind: RolledKind,
    /// False when a keep/drop operator dropped this node.
    pub kept: bool,
    /// Its `[labels]`, joined, if any.
    pub label: Option<String>,
}

/// The kinds of rolled node, mirroring [`Expr`].
#[derive(Debug, Clone, PartialEq)]
pub enum RolledKind {
    /// A number.
    Literal(Num),
    /// `-x` or `+x`.
    Unary(UnOp, Box<RolledNode>),
    /// `a op b`.
    Binary(BinOp, Box<RolledNode>, Box<RolledNode>),
    /// `(x)` with its operators.
    Paren {
        /// The inner node.
        inner: Box<RolledNode>,
        /// Operators applied.
        ops: Vec<Op>,
    },
    /// `(a, b, …)` with its operators.
    Set {
        /// Members.
        items: Vec<RolledNode>,
        /// Operators applied.
        ops: Vec<Op>,
    },
    /// A dice term and every die it rolled.
    Dice {
        /// Dice asked for.
        count: u64,
        /// Size of each die.
        size: DieSize,
        /// The dice, in order; explosions append dice.
        dice: Vec<Die>,
        /// Operators applied.
        ops: Vec<Op>,
    },
}

/// One die: every face it showed (a reroll adds a face and drops the old one).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Die {
    /// Faces in the order rolled; the last one counts.
    pub faces: Vec<Face>,
    /// False when a keep/drop operator dropped the die.
    pub kept: bool,
}

/// One face a die showed.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Face {
    /// The face as rolled.
    pub rolled: i64,
    /// Values forced afterwards by `mi`/`ma`, in order; the last one counts.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub forced: Vec<i64>,
    /// False when the face was rerolled.
    pub kept: bool,
    /// True when this face made the die explode.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub exploded: bool,
}

impl Face {
    /// The value the face counts for.
    pub fn value(&self) -> i64 {
        self.forced.last().copied().unwrap_or(self.rolled)
    }

    fn total(&self) -> i64 {
        if self.kept { self.value() } else { 0 }
    }
}

impl Die {
    /// The die's current value (its last face), or 0 when dropped.
    pub fn total(&self) -> i64 {
        if self.kept {
            self.faces.last().map_or(0, Face::total)
        } else {
            0
        }
    }

    /// The value shown, dropped or not.
    pub fn value(&self) -> i64 {
        self.faces.last().map_or(0, Face::total)
    }
}

/// Rolls an expression.
pub fn roll<R: DieRoller + ?Sized>(expr: &Expr, rng: &mut R) -> Result<Rolled, RollError> {
    roll_with(expr, Advantage::Normal, rng)
}

/// Rolls an expression at advantage or disadvantage (which rewrites its leftmost `1d20`).
pub fn roll_with<R: DieRoller + ?Sized>(
    expr: &Expr,
    adv: Advantage,
    rng: &mut R,
) -> Result<Rolled, RollError> {
    let expr = expr.with_advantage(adv);
    let mut ctx = Ctx { rng, rolls: 0 };
    let root = ctx.eval(&expr)?;
    let value = root.total()?;
    let total = value.trunc()?;
    let crit = root.crit();
    Ok(Rolled {
        expr,
        root,
        value,
        total,
        crit,
    })
}

struct Ctx<'r, R: ?Sized> {
    rng: &'r mut R,
    rolls: usize,
}

impl<R: DieRoller + ?Sized> Ctx<'_, R> {
    fn face(&mut self, size: DieSize) -> Result<Face, RollError> {
        if size == DieSize::Sides(0) {
            return Err(RollError::ZeroSides);
        }
        self.rolls += 1;
        if self.rolls > MAX_ROLLS {
            return Err(RollError::TooManyRolls);
        }
        let rolled = match size {
            DieSize::Sides(n) => {
                i64::try_from(self.rng.roll_die(n)).map_err(|_| RollError::TooLarge)?
            }
            DieSize::Percent => {
                (i64::try_from(self.rng.roll_die(10)).map_err(|_| RollError::TooLarge)? - 1) * 10
            }
        };
        Ok(Face {
            rolled,
            forced: Vec::new(),
            kept: true,
            exploded: false,
        })
    }

    fn die(&mut self, size: DieSize) -> Result<Die, RollError> {
        Ok(Die {
            faces: vec![self.face(size)?],
            kept: true,
        })
    }

    fn eval(&mut self, expr: &Expr) -> Result<RolledNode, RollError> {
        let kind = match expr {
            Expr::Literal(n) => RolledKind::Literal(*n),
            Expr::Unary(op, inner) => RolledKind::Unary(*op, Box::new(self.eval(inner)?)),
            Expr::Binary(op, l, r) => {
                let l = self.eval(l)?;
                let r = self.eval(r)?;
                RolledKind::Binary(*op, Box::new(l), Box::new(r))
            }
            Expr::Annotated(a) => {
                let mut node = self.eval(&a.inner)?;
                node.label = Some(a.joined());
                return Ok(node);
            }
            Expr::Paren { inner, ops } => {
                let mut node = plain(RolledKind::Paren {
                    inner: Box::new(self.eval(inner)?),
                    ops: ops.clone(),
                });
                for op in ops {
                    keep_or_drop(&mut node, op)?;
                }
                return Ok(node);
            }
            Expr::Set { items, ops } => {
                let items = items
                    .iter()
                    .map(|i| self.eval(i))
                    .collect::<Result<Vec<_>, _>>()?;
                let mut node = plain(RolledKind::Set {
                    items,
                    ops: ops.clone(),
                });
                for op in ops {
                    keep_or_drop(&mut node, op)?;
                }
                return Ok(node);
            }
            Expr::Dice(d) => {
                let mut dice = Vec::with_capacity(
                    usize::try_from(d.count).unwrap_or(MAX_ROLLS).min(MAX_ROLLS),
                );
                for _ in 0..d.count {
                    dice.push(self.die(d.size)?);
                }
                for op in &d.ops {
                    self.dice_op(&mut dice, d.size, op)?;
                }
                RolledKind::Dice {
                    count: d.count,
                    size: d.size,
                    dice,
                    ops: d.ops.clone(),
                }
            }
        };
        Ok(plain(kind))
    }

    fn dice_op(&mut self, dice: &mut Vec<Die>, size: DieSize, op: &Op) -> Result<(), RollError> {
        match op.kind {
            OpKind::Keep | OpKind::Drop => {
                let values = kept_die_values(dice);
                let chosen = select(&values, &op.selectors, None);
                let drop_chosen = op.kind == OpKind::Drop;
                for (i, _) in values {
                    if chosen.contains(&i) == drop_chosen {
                        dice[i].kept = false;
                    }
                }
            }
            OpKind::Reroll => loop {
                let chosen = select(&kept_die_values(dice), &op.selectors, None);
                if chosen.is_empty() {
                    break;
                }
                for i in chosen {
                    self.reroll(&mut dice[i], size)?;
                }
            },
            OpKind::RerollOnce => {
                for i in select(&kept_die_values(dice), &op.selectors, None) {
                    self.reroll(&mut dice[i], size)?;
                }
            }
            OpKind::RerollAdd => {
                for i in select(&kept_die_values(dice), &op.selectors, Some(1)) {
                    mark_exploded(&mut dice[i]);
                    dice.push(self.die(size)?);
                }
            }
            OpKind::Explode => {
                // A mask, not a list: at the 1000-dice limit a list lookup per die is cubic.
                let mut done = vec![false; dice.len()];
                let mut next = select(&kept_die_values(dice), &op.selectors, None);
                while !next.is_empty() {
                    for &i in &next {
                        mark_exploded(&mut dice[i]);
                        dice.push(self.die(size)?);
                    }
                    done.resize(dice.len(), false);
                    next.iter().for_each(|&i| done[i] = true);
                    next = select(&kept_die_values(dice), &op.selectors, None);
                    next.retain(|&i| !done[i]);
                }
            }
            OpKind::Min | OpKind::Max => {
                let sel = op.selectors.last().copied().unwrap_or(Selector {
                    kind: SelectorKind::Exact,
                    num: 0,
                });
                if sel.kind != SelectorKind::Exact {
                    return Err(RollError::BadSelector {
                        selector: sel.to_string(),
                        op: op.kind.symbol(),
                    });
                }
                let bound = i64::try_from(sel.num).unwrap_or(i64::MAX);
                for die in dice.iter_mut().filter(|d| d.kept) {
                    let v = die.total();
                    let out_of_bound = if op.kind == OpKind::Min {
                        v < bound
                    } else {
                        v > bound
                    };
                    if out_of_bound && let Some(face) = die.faces.last_mut() {
                        face.forced.push(bound);
                    }
                }
            }
        }
        Ok(())
    }

    fn reroll(&mut self, die: &mut Die, size: DieSize) -> Result<(), RollError> {
        if let Some(face) = die.faces.last_mut() {
            face.kept = false;
        }
        die.faces.push(self.face(size)?);
        Ok(())
    }
}

fn plain(kind: RolledKind) -> RolledNode {
    RolledNode {
        kind,
        kept: true,
        label: None,
    }
}

fn mark_exploded(die: &mut Die) {
    if let Some(face) = die.faces.last_mut() {
        face.exploded = true;
    }
}

fn kept_die_values(dice: &[Die]) -> Vec<(usize, Num)> {
    dice.iter()
        .enumerate()
        .filter(|(_, d)| d.kept)
        .map(|(i, d)| (i, Num::Int(d.total())))
        .collect()
}

/// Applies `k` or `p` to the members of a set, a parenthesis or a dice term.
fn keep_or_drop(node: &mut RolledNode, op: &Op) -> Result<(), RollError> {
    let values = member_values(node)?;
    let chosen = select(&values, &op.selectors, None);
    let drop_chosen = op.kind == OpKind::Drop;
    let to_drop: Vec<usize> = values
        .iter()
        .map(|(i, _)| *i)
        .filter(|i| chosen.contains(i) == drop_chosen)
        .collect();
    drop_members(node, &to_drop);
    Ok(())
}

/// The kept members of a node with their totals, by member index. A
/// parenthesis exposes its inner node's members; a plain value is its own member.
fn member_values(node: &RolledNode) -> Result<Vec<(usize, Num)>, RollError> {
    match &node.kind {
        RolledKind::Set { items, .. } => items
            .iter()
            .enumerate()
            .filter(|(_, n)| n.kept)
            .map(|(i, n)| Ok((i, n.total()?)))
            .collect(),
        RolledKind::Paren { inner, .. } => member_values(inner),
        RolledKind::Dice { dice, .. } => Ok(kept_die_values(dice)),
        _ if node.kept => Ok(vec![(0, node.total()?)]),
        _ => Ok(Vec::new()),
    }
}

fn drop_members(node: &mut RolledNode, indices: &[usize]) {
    match &mut node.kind {
        RolledKind::Set { items, .. } => indices.iter().for_each(|&i| items[i].kept = false),
        RolledKind::Paren { inner, .. } => drop_members(inner, indices),
        RolledKind::Dice { dice, .. } => indices.iter().for_each(|&i| dice[i].kept = false),
        _ => {
            if !indices.is_empty() {
                node.kept = false;
            }
        }
    }
}

/// The members chosen by the union of `selectors` (at most `max` of them, for `ra`).
fn select(values: &[(usize, Num)], selectors: &[Selector], max: Option<usize>) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::new();
    for sel in selectors {
        let budget = match max {
            Some(m) if out.len() >= m => break,
            Some(m) => m - out.len(),
            None => usize::MAX,
        };
        let n = usize::try_from(sel.num).unwrap_or(usize::MAX);
        let chosen: Vec<usize> = match sel.kind {
            SelectorKind::Highest | SelectorKind::Lowest => {
                let mut sorted: Vec<&(usize, Num)> = values.iter().collect();
                // Stable sorts, as Python's: ties keep their original order.
                if sel.kind == SelectorKind::Highest {
                    sorted.sort_by(|a, b| cmp(b.1, a.1));
                } else {
                    sorted.sort_by(|a, b| cmp(a.1, b.1));
                }
                sorted.into_iter().take(n).map(|(i, _)| *i).collect()
            }
            kind => values
                .iter()
                .filter(|(_, v)| {
                    let ord = cmp_to_u64(*v, sel.num);
                    match kind {
                        SelectorKind::Above => ord == Ordering::Greater,
                        SelectorKind::Below => ord == Ordering::Less,
                        _ => ord == Ordering::Equal,
                    }
                })
                .map(|(i, _)| *i)
                .collect(),
        };
        out.extend(chosen.into_iter().take(budget));
    }
    if selectors.len() > 1 {
        // Several selectors may pick the same member: keep each once, in first-picked order.
        let mut seen = vec![false; values.iter().map(|(i, _)| i + 1).max().unwrap_or(0)];
        out.retain(|&i| !std::mem::replace(&mut seen[i], true));
        if let Some(m) = max {
            out.truncate(m);
        }
    }
    out
}

fn cmp(a: Num, b: Num) -> Ordering {
    a.compare(b).unwrap_or(Ordering::Equal)
}

fn cmp_to_u64(v: Num, n: u64) -> Ordering {
    match i64::try_from(n) {
        Ok(n) => cmp(v, Num::Int(n)),
        Err(_) => Ordering::Less,
    }
}

impl RolledNode {
    /// The node's value, or 0 when dropped.
    pub fn total(&self) -> Result<Num, RollError> {
        if !self.kept {
            return Ok(Num::ZERO);
        }
        match &self.kind {
            RolledKind::Literal(n) => Ok(*n),
            RolledKind::Unary(UnOp::Neg, x) => x.total()?.neg(),
            RolledKind::Unary(UnOp::Pos, x) => x.total(),
            RolledKind::Binary(op, l, r) => binary(*op, l.total()?, r.total()?),
            RolledKind::Paren { inner, .. } => inner.total(),
            RolledKind::Set { items, .. } => items
                .iter()
                .filter(|n| n.kept)
                .try_fold(Num::ZERO, |acc, n| acc.add(n.total()?)),
            RolledKind::Dice { dice, .. } => dice
                .iter()
                .filter(|d| d.kept)
                .try_fold(0_i64, |acc, d| acc.checked_add(d.total()))
                .map(Num::Int)
                .ok_or(RollError::TooLarge),
        }
    }

    fn crit(&self) -> Crit {
        let mut node = self;
        loop {
            node = match &node.kind {
                RolledKind::Unary(_, x) | RolledKind::Binary(_, x, _) => x,
                RolledKind::Paren { inner, .. } => inner,
                RolledKind::Set { items, .. } if !items.is_empty() => &items[0],
                _ => break,
            };
        }
        let RolledKind::Dice {
            size: DieSize::Sides(20),
            dice,
            ..
        } = &node.kind
        else {
            return Crit::None;
        };
        if dice.iter().filter(|d| d.kept).count() != 1 {
            return Crit::None;
        }
        match node.total() {
            Ok(Num::Int(1)) => Crit::Fumble,
            Ok(Num::Int(20)) => Crit::Crit,
            _ => Crit::None,
        }
    }
}

fn binary(op: BinOp, l: Num, r: Num) -> Result<Num, RollError> {
    let truth = |b: bool| Ok(Num::Int(i64::from(b)));
    match op {
        BinOp::Add => l.add(r),
        BinOp::Sub => l.sub(r),
        BinOp::Mul => l.mul(r),
        BinOp::Div => l.div(r),
        BinOp::FloorDiv => l.floordiv(r),
        BinOp::Mod => l.rem(r),
        BinOp::Eq => truth(l.compare(r) == Some(Ordering::Equal)),
        BinOp::Ne => truth(l.compare(r) != Some(Ordering::Equal)),
        BinOp::Lt => truth(l.compare(r) == Some(Ordering::Less)),
        BinOp::Gt => truth(l.compare(r) == Some(Ordering::Greater)),
        BinOp::Le => truth(matches!(
            l.compare(r),
            Some(Ordering::Less | Ordering::Equal)
        )),
        BinOp::Ge => truth(matches!(
            l.compare(r),
            Some(Ordering::Greater | Ordering::Equal)
        )),
    }
}
