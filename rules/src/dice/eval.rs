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

/// The result of rolling an expression; it borrows the expression's
/// operators and labels rather than copying them.
#[derive(Debug, Clone, PartialEq)]
pub struct Rolled<'e> {
    /// The rolled tree, with every die.
    pub root: RolledNode<'e>,
    /// The exact value (a float when decimals or `/` were involved).
    pub value: Num,
    /// The total, truncated toward zero as d20 does.
    pub total: i64,
    /// Critical hit or fumble, from the leftmost d20.
    pub crit: Crit,
}

/// One node of a rolled expression.
#[derive(Debug, Clone, PartialEq)]
pub struct RolledNode<'e> {
    /// What the node is.
    pub kind: RolledKind<'e>,
    /// False when a keep/drop operator dropped this node.
    pub kept: bool,
    /// Its `[labels]`, as typed (empty when none).
    pub labels: &'e [String],
}

/// The kinds of rolled node, mirroring [`Expr`].
#[derive(Debug, Clone, PartialEq)]
pub enum RolledKind<'e> {
    /// A number.
    Literal(Num),
    /// `-x` or `+x`.
    Unary(UnOp, Box<RolledNode<'e>>),
    /// `a op b`.
    Binary(BinOp, Box<RolledNode<'e>>, Box<RolledNode<'e>>),
    /// `(x)` with its operators.
    Paren {
        /// The inner node.
        inner: Box<RolledNode<'e>>,
        /// Operators applied.
        ops: &'e [Op],
    },
    /// `(a, b, …)` with its operators.
    Set {
        /// Members.
        items: Vec<RolledNode<'e>>,
        /// Operators applied.
        ops: &'e [Op],
    },
    /// A dice term and every die it rolled.
    Dice {
        /// Dice asked for (doubled by advantage: `1d20` rolls as `2d20kh1`).
        count: u64,
        /// Size of each die.
        size: DieSize,
        /// The dice, in order; explosions append dice.
        dice: Vec<Die>,
        /// Advantage or disadvantage rewrote this term (an implicit `kh1`/`kl1` first).
        advantage: Advantage,
        /// Operators applied, as typed.
        ops: &'e [Op],
    },
}

/// One die: every face it showed (a reroll drops the face and rolls a new one).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Die {
    /// Earlier faces, dropped by rerolls, oldest first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rerolled: Vec<Face>,
    /// The face that counts.
    pub face: Face,
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
        if self.kept { self.face.total() } else { 0 }
    }

    /// The value shown, dropped or not.
    pub fn value(&self) -> i64 {
        self.face.total()
    }

    /// Every face in the order rolled: the rerolled ones, then the current one.
    pub fn faces(&self) -> impl Iterator<Item = &Face> {
        self.rerolled.iter().chain(std::iter::once(&self.face))
    }
}

/// Rolls an expression.
pub fn roll<'e, R: DieRoller + ?Sized>(
    expr: &'e Expr,
    rng: &mut R,
) -> Result<Rolled<'e>, RollError> {
    roll_with(expr, Advantage::Normal, rng)
}

/// Rolls an expression at advantage or disadvantage (which rewrites its leftmost `1d20`).
pub fn roll_with<'e, R: DieRoller + ?Sized>(
    expr: &'e Expr,
    adv: Advantage,
    rng: &mut R,
) -> Result<Rolled<'e>, RollError> {
    let mut ctx = Ctx {
        rng,
        rolls: 0,
        advantage: adv,
        scratch: Scratch::default(),
    };
    let root = ctx.eval(expr, true)?;
    let value = root.total()?;
    let total = value.trunc()?;
    let crit = root.crit();
    Ok(Rolled {
        root,
        value,
        total,
        crit,
    })
}

struct Ctx<'r, R: ?Sized> {
    rng: &'r mut R,
    rolls: usize,
    /// Applied to the leftmost term if it is `1d20`, as [`Expr::with_advantage`] does.
    advantage: Advantage,
    scratch: Scratch,
}

/// Buffers for selecting dice, reused across the iterations of `rr` and `e`.
#[derive(Default)]
struct Scratch {
    values: Vec<(usize, Num)>,
    sorted: Vec<(usize, Num)>,
    seen: Vec<bool>,
    chosen: Vec<usize>,
}

impl Scratch {
    /// Selects among the kept dice; the chosen indices land in `self.chosen`.
    fn select_dice(&mut self, dice: &[Die], selectors: &[Selector], max: Option<usize>) {
        self.values.clear();
        self.values.extend(
            dice.iter()
                .enumerate()
                .filter(|(_, d)| d.kept)
                .map(|(i, d)| (i, Num::Int(d.total()))),
        );
        self.select(selectors, max);
    }

    /// The members of `self.values` chosen by the union of `selectors` (at most `max`, for `ra`).
    fn select(&mut self, selectors: &[Selector], max: Option<usize>) {
        self.chosen.clear();
        for sel in selectors {
            let budget = match max {
                Some(m) if self.chosen.len() >= m => break,
                Some(m) => m - self.chosen.len(),
                None => usize::MAX,
            };
            let n = usize::try_from(sel.num).unwrap_or(usize::MAX);
            match sel.kind {
                SelectorKind::Highest | SelectorKind::Lowest => {
                    self.sorted.clear();
                    self.sorted.extend_from_slice(&self.values);
                    // Stable sorts, as Python's: ties keep their original order.
                    if sel.kind == SelectorKind::Highest {
                        self.sorted.sort_by(|a, b| cmp(b.1, a.1));
                    } else {
                        self.sorted.sort_by(|a, b| cmp(a.1, b.1));
                    }
                    self.chosen
                        .extend(self.sorted.iter().take(n.min(budget)).map(|(i, _)| *i));
                }
                kind => {
                    let wanted = match kind {
                        SelectorKind::Above => Ordering::Greater,
                        SelectorKind::Below => Ordering::Less,
                        _ => Ordering::Equal,
                    };
                    let matching = self
                        .values
                        .iter()
                        .filter(|(_, v)| cmp_to_u64(*v, sel.num) == wanted);
                    self.chosen.extend(matching.map(|(i, _)| *i).take(budget));
                }
            }
        }
        if selectors.len() > 1 {
            // Several selectors may pick the same member: keep each once, in first-picked order.
            self.seen.clear();
            self.seen.resize(
                self.values.iter().map(|(i, _)| i + 1).max().unwrap_or(0),
                false,
            );
            let seen = &mut self.seen;
            self.chosen
                .retain(|&i| !std::mem::replace(&mut seen[i], true));
            if let Some(m) = max {
                self.chosen.truncate(m);
            }
        }
    }
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
            rerolled: Vec::new(),
            face: self.face(size)?,
            kept: true,
        })
    }

    /// Rolls `expr`; `leftmost` says whether it is the expression's leftmost
    /// term, where advantage applies.
    fn eval<'e>(&mut self, expr: &'e Expr, leftmost: bool) -> Result<RolledNode<'e>, RollError> {
        let kind = match expr {
            Expr::Literal(n) => RolledKind::Literal(*n),
            Expr::Unary(op, inner) => RolledKind::Unary(*op, Box::new(self.eval(inner, leftmost)?)),
            Expr::Binary(op, l, r) => {
                let l = self.eval(l, leftmost)?;
                let r = self.eval(r, false)?;
                RolledKind::Binary(*op, Box::new(l), Box::new(r))
            }
            Expr::Annotated(a) => {
                let mut node = self.eval(&a.inner, leftmost)?;
                node.labels = &a.labels;
                return Ok(node);
            }
            Expr::Paren { inner, ops } => {
                let inner = Box::new(self.eval(inner, leftmost)?);
                let mut node = plain(RolledKind::Paren { inner, ops });
                for op in ops {
                    keep_or_drop(&mut node, op)?;
                }
                return Ok(node);
            }
            Expr::Set { items, ops } => {
                let items = items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| self.eval(item, leftmost && i == 0))
                    .collect::<Result<Vec<_>, _>>()?;
                let mut node = plain(RolledKind::Set { items, ops });
                for op in ops {
                    keep_or_drop(&mut node, op)?;
                }
                return Ok(node);
            }
            Expr::Dice(d) => {
                let advantage = if leftmost && d.count == 1 && d.size == DieSize::Sides(20) {
                    self.advantage
                } else {
                    Advantage::Normal
                };
                let count = if advantage == Advantage::Normal {
                    d.count
                } else {
                    2
                };
                let mut dice =
                    Vec::with_capacity(usize::try_from(count).unwrap_or(MAX_ROLLS).min(MAX_ROLLS));
                for _ in 0..count {
                    dice.push(self.die(d.size)?);
                }
                let implicit = match advantage {
                    Advantage::Normal => None,
                    Advantage::Advantage => Some(SelectorKind::Highest),
                    Advantage::Disadvantage => Some(SelectorKind::Lowest),
                };
                if let Some(kind) = implicit {
                    keep_dice(&mut dice, &[Selector { kind, num: 1 }], false);
                }
                for op in &d.ops {
                    self.dice_op(&mut dice, d.size, op)?;
                }
                RolledKind::Dice {
                    count,
                    size: d.size,
                    dice,
                    advantage,
                    ops: &d.ops,
                }
            }
        };
        Ok(plain(kind))
    }

    fn dice_op(&mut self, dice: &mut Vec<Die>, size: DieSize, op: &Op) -> Result<(), RollError> {
        match op.kind {
            OpKind::Keep | OpKind::Drop => keep_dice(dice, &op.selectors, op.kind == OpKind::Drop),
            OpKind::Reroll | OpKind::RerollOnce | OpKind::RerollAdd | OpKind::Explode => {
                // Scratch buffers live in the context so rerolling loops do not allocate.
                let mut scratch = std::mem::take(&mut self.scratch);
                let result = self.reroll_op(dice, size, op, &mut scratch);
                self.scratch = scratch;
                result?;
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
                    if out_of_bound {
                        die.face.forced.push(bound);
                    }
                }
            }
        }
        Ok(())
    }

    fn reroll_op(
        &mut self,
        dice: &mut Vec<Die>,
        size: DieSize,
        op: &Op,
        s: &mut Scratch,
    ) -> Result<(), RollError> {
        match op.kind {
            OpKind::Reroll => loop {
                s.select_dice(dice, &op.selectors, None);
                if s.chosen.is_empty() {
                    return Ok(());
                }
                for &i in &s.chosen {
                    self.reroll(&mut dice[i], size)?;
                }
            },
            OpKind::RerollOnce => {
                s.select_dice(dice, &op.selectors, None);
                for &i in &s.chosen {
                    self.reroll(&mut dice[i], size)?;
                }
            }
            OpKind::RerollAdd => {
                s.select_dice(dice, &op.selectors, Some(1));
                for &i in &s.chosen {
                    mark_exploded(&mut dice[i]);
                    dice.push(self.die(size)?);
                }
            }
            _ => {
                // A mask, not a list: at the 1000-dice limit a list lookup per die is cubic.
                let mut done = vec![false; dice.len()];
                s.select_dice(dice, &op.selectors, None);
                while !s.chosen.is_empty() {
                    for &i in &s.chosen {
                        mark_exploded(&mut dice[i]);
                        dice.push(self.die(size)?);
                    }
                    done.resize(dice.len(), false);
                    s.chosen.iter().for_each(|&i| done[i] = true);
                    s.select_dice(dice, &op.selectors, None);
                    s.chosen.retain(|&i| !done[i]);
                }
            }
        }
        Ok(())
    }

    fn reroll(&mut self, die: &mut Die, size: DieSize) -> Result<(), RollError> {
        let mut old = std::mem::replace(&mut die.face, self.face(size)?);
        old.kept = false;
        die.rerolled.push(old);
        Ok(())
    }
}

fn plain(kind: RolledKind<'_>) -> RolledNode<'_> {
    RolledNode {
        kind,
        kept: true,
        labels: &[],
    }
}

/// `k` (or `p` with `drop_chosen`) on dice.
fn keep_dice(dice: &mut [Die], selectors: &[Selector], drop_chosen: bool) {
    let values = kept_die_values(dice);
    let mut chosen = vec![false; dice.len()];
    select(&values, selectors, None)
        .into_iter()
        .for_each(|i| chosen[i] = true);
    for (i, _) in values {
        if chosen[i] == drop_chosen {
            dice[i].kept = false;
        }
    }
}

fn mark_exploded(die: &mut Die) {
    die.face.exploded = true;
}

fn kept_die_values(dice: &[Die]) -> Vec<(usize, Num)> {
    dice.iter()
        .enumerate()
        .filter(|(_, d)| d.kept)
        .map(|(i, d)| (i, Num::Int(d.total())))
        .collect()
}

/// Applies `k` or `p` to the members of a set, a parenthesis or a dice term.
fn keep_or_drop(node: &mut RolledNode<'_>, op: &Op) -> Result<(), RollError> {
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
fn member_values(node: &RolledNode<'_>) -> Result<Vec<(usize, Num)>, RollError> {
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

fn drop_members(node: &mut RolledNode<'_>, indices: &[usize]) {
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
    let mut scratch = Scratch {
        values: values.to_vec(),
        ..Scratch::default()
    };
    scratch.select(selectors, max);
    scratch.chosen
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

impl RolledNode<'_> {
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
