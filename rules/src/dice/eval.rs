//! Rolling a parsed expression: every die is kept for display.
//!
//! The result is an arena: nodes, dice and set members live in three vectors
//! of the [`Rolled`] value and refer to each other by index. A roll therefore
//! allocates a handful of vectors whatever the size of the expression, and it
//! borrows operators and labels from the [`Expr`] instead of copying them.

use std::cmp::Ordering;
use std::ops::Range;

use super::Advantage;
use super::ast::{BinOp, Dice, DieSize, Expr, Op, OpKind, Selector, SelectorKind, UnOp};
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

/// Index of a node in a [`Rolled`] arena.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NodeId(u32);

/// The result of rolling an expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Rolled<'e> {
    nodes: Vec<RolledNode<'e>>,
    dice: Vec<Die>,
    members: Vec<NodeId>,
    root: NodeId,
    /// Some die may own memory (a reroll history or forced values):
    /// [`Buffers::recycle`] then takes the histories back and drops the dice
    /// one by one; otherwise it lets them go without a drop each.
    owning: bool,
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

/// The kinds of rolled node, mirroring [`Expr`]; children are ids in the same [`Rolled`].
#[derive(Debug, Clone, PartialEq)]
pub enum RolledKind<'e> {
    /// A number.
    Literal(Num),
    /// `-x` or `+x`.
    Unary(UnOp, NodeId),
    /// `a op b`.
    Binary(BinOp, NodeId, NodeId),
    /// `(x)` with its operators.
    Paren {
        /// The inner node.
        inner: NodeId,
        /// Operators applied.
        ops: &'e [Op],
    },
    /// `(a, b, …)` with its operators.
    Set {
        /// Members, read with [`Rolled::members`].
        items: Range<u32>,
        /// Operators applied.
        ops: &'e [Op],
    },
    /// A dice term and every die it rolled.
    Dice(DiceTerm<'e>),
}

/// A rolled dice term such as `4d6kh3`.
#[derive(Debug, Clone, PartialEq)]
pub struct DiceTerm<'e> {
    /// Dice asked for (2 when advantage turned `1d20` into `2d20kh1`).
    pub count: u64,
    /// Size of each die.
    pub size: DieSize,
    /// The dice, read with [`Rolled::dice`]; explosions append dice.
    pub dice: Range<u32>,
    /// Advantage or disadvantage rewrote this term (an implicit `kh1`/`kl1` first).
    pub advantage: Advantage,
    /// Operators applied, as typed.
    pub ops: &'e [Op],
}

impl DiceTerm<'_> {
    /// The term as rolled, e.g. `2d20kh1ro1`.
    pub fn spec(&self) -> String {
        let implicit = match self.advantage {
            Advantage::Advantage => "kh1",
            Advantage::Disadvantage => "kl1",
            Advantage::Normal => "",
        };
        let ops: String = self.ops.iter().map(ToString::to_string).collect();
        format!("{}d{}{implicit}{ops}", self.count, self.size)
    }
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
    fn new(rolled: i64) -> Self {
        Self {
            rolled,
            forced: Vec::new(),
            kept: true,
            exploded: false,
        }
    }

    /// The value the face counts for.
    pub fn value(&self) -> i64 {
        self.forced.last().copied().unwrap_or(self.rolled)
    }

    fn total(&self) -> i64 {
        if self.kept { self.value() } else { 0 }
    }
}

impl Die {
    fn new(rolled: i64) -> Self {
        Self {
            rerolled: Vec::new(),
            face: Face::new(rolled),
            kept: true,
        }
    }

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
    let mut buffers = Buffers::default();
    let mut out = buffers.take();
    buffers.fill(&mut out, expr, adv, rng)?;
    Ok(out)
}

/// The vectors a roll fills, kept between rolls by [`super::Roller`] so that
/// rolling again reuses their memory instead of allocating.
#[derive(Debug, Default)]
pub(super) struct Buffers {
    /// Always empty between rolls; its lifetime is reset by [`recycle_nodes`].
    nodes: Vec<RolledNode<'static>>,
    dice: Vec<Die>,
    members: Vec<NodeId>,
    /// Member ids of the sets being rolled, innermost last.
    stack: Vec<NodeId>,
    scratch: Scratch,
    /// Emptied [`Die::rerolled`] vectors of earlier rolls, handed to the
    /// next dice rerolled so that `rr` does not allocate once warmed up
    /// (unless a die's history outgrows every one kept).
    histories: Vec<Vec<Face>>,
}

impl Buffers {
    /// An empty roll holding these buffers' vectors, to [`Buffers::fill`]
    /// and give back with [`Buffers::recycle`].
    pub(super) fn take<'e>(&mut self) -> Rolled<'e> {
        Rolled {
            nodes: std::mem::take(&mut self.nodes),
            dice: std::mem::take(&mut self.dice),
            members: std::mem::take(&mut self.members),
            ..Rolled::empty()
        }
    }

    /// Rolls `expr` into `out`, an empty roll from [`Buffers::take`].
    pub(super) fn fill<'e, R: DieRoller + ?Sized>(
        &mut self,
        out: &mut Rolled<'e>,
        expr: &'e Expr,
        adv: Advantage,
        rng: &mut R,
    ) -> Result<(), RollError> {
        self.stack.clear();
        let mut ctx = Ctx {
            rng,
            rolls: 0,
            advantage: adv,
            out: &mut *out,
            stack: &mut self.stack,
            scratch: &mut self.scratch,
            histories: &mut self.histories,
            deferred: None,
            leftmost_dice: None,
        };
        let (root, value) = ctx.eval(expr, true)?;
        if let Some(e) = ctx.deferred {
            return Err(e);
        }
        let leftmost_dice = ctx.leftmost_dice;
        out.root = root;
        out.value = value;
        out.total = value.trunc()?;
        out.crit = leftmost_dice.map_or(Crit::None, |id| out.crit_of(id));
        Ok(())
    }

    /// Takes back the vectors of a roll from [`Buffers::take`], emptied,
    /// leaving it with none.
    pub(super) fn recycle(&mut self, rolled: &mut Rolled<'_>) {
        self.nodes = recycle_nodes(std::mem::take(&mut rolled.nodes));
        if !rolled.owning {
            // No die owns memory, so forgetting them frees nothing and skips a
            // drop per die; for a few dice clearing costs less than draining.
            if rolled.dice.len() > FEW_DICE {
                rolled.dice.drain(..).for_each(std::mem::forget);
            } else {
                rolled.dice.clear();
            }
        } else {
            // In reverse, so the next roll hands them out in the same die order.
            for die in rolled.dice.iter_mut().rev() {
                if die.rerolled.capacity() > 0 {
                    let mut history = std::mem::take(&mut die.rerolled);
                    history.clear();
                    self.histories.push(history);
                }
            }
            rolled.owning = false;
            rolled.dice.clear();
        }
        std::mem::swap(&mut self.dice, &mut rolled.dice);
        rolled.members.clear();
        std::mem::swap(&mut self.members, &mut rolled.members);
    }
}

/// Up to this many dice, [`Buffers::recycle`] drops them rather than forgetting them.
const FEW_DICE: usize = 4;

/// Empties a node vector and lets it hold nodes of another lifetime. The
/// standard library collects an emptied `into_iter` into the same
/// allocation when the element layout is unchanged, so nothing is allocated.
#[expect(
    clippy::unnecessary_filter_map,
    reason = "filter_map is what changes the element type; it never sees an element"
)]
fn recycle_nodes<'b>(mut nodes: Vec<RolledNode<'_>>) -> Vec<RolledNode<'b>> {
    nodes.clear();
    nodes.into_iter().filter_map(|_| None).collect()
}

impl<'e> Rolled<'e> {
    /// A roll of nothing, owning no memory: what a [`super::Roll`] leaves behind when taken.
    pub(super) fn empty() -> Self {
        Self {
            nodes: Vec::new(),
            dice: Vec::new(),
            members: Vec::new(),
            root: NodeId(0),
            owning: false,
            value: Num::ZERO,
            total: 0,
            crit: Crit::None,
        }
    }

    /// The root node.
    pub fn root(&self) -> NodeId {
        self.root
    }

    /// A node by id.
    pub fn node(&self, id: NodeId) -> &RolledNode<'e> {
        &self.nodes[id.0 as usize]
    }

    /// The members of a set node.
    pub fn members(&self, items: &Range<u32>) -> &[NodeId] {
        &self.members[items.start as usize..items.end as usize]
    }

    /// The dice of a dice term.
    pub fn dice(&self, term: &DiceTerm<'_>) -> &[Die] {
        &self.dice[term.dice.start as usize..term.dice.end as usize]
    }

    /// Every dice term in reading order, with whether it counts (it and every
    /// enclosing node kept).
    pub fn dice_terms(&self) -> Vec<(&DiceTerm<'e>, &RolledNode<'e>, bool)> {
        let mut out = Vec::new();
        self.collect_terms(self.root, true, &mut out);
        out
    }

    fn collect_terms<'s>(
        &'s self,
        id: NodeId,
        kept: bool,
        out: &mut Vec<(&'s DiceTerm<'e>, &'s RolledNode<'e>, bool)>,
    ) {
        let node = self.node(id);
        let kept = kept && node.kept;
        match &node.kind {
            RolledKind::Literal(_) => {}
            RolledKind::Unary(_, x) | RolledKind::Paren { inner: x, .. } => {
                self.collect_terms(*x, kept, out)
            }
            RolledKind::Binary(_, l, r) => {
                self.collect_terms(*l, kept, out);
                self.collect_terms(*r, kept, out);
            }
            RolledKind::Set { items, .. } => {
                for &m in self.members(items) {
                    self.collect_terms(m, kept, out);
                }
            }
            RolledKind::Dice(term) => out.push((term, node, kept)),
        }
    }

    /// The node's value, or 0 when dropped.
    pub fn total_of(&self, id: NodeId) -> Result<Num, RollError> {
        let node = self.node(id);
        if !node.kept {
            return Ok(Num::ZERO);
        }
        match &node.kind {
            RolledKind::Literal(n) => Ok(*n),
            RolledKind::Unary(UnOp::Neg, x) => self.total_of(*x)?.checked_neg(),
            RolledKind::Unary(UnOp::Pos, x) => self.total_of(*x),
            RolledKind::Binary(op, l, r) => binary(*op, self.total_of(*l)?, self.total_of(*r)?),
            RolledKind::Paren { inner, .. } => self.total_of(*inner),
            RolledKind::Set { items, .. } => self
                .members(items)
                .iter()
                .try_fold(Num::ZERO, |acc, &m| acc.checked_add(self.total_of(m)?)),
            RolledKind::Dice(term) => self
                .dice(term)
                .iter()
                .try_fold(0_i64, |acc, d| acc.checked_add(d.total()))
                .map(Num::Int)
                .ok_or(RollError::TooLarge),
        }
    }

    /// Crit or fumble from the leftmost dice term `id` (the one reached from
    /// the root through first children only).
    #[inline]
    fn crit_of(&self, id: NodeId) -> Crit {
        let node = self.node(id);
        match &node.kind {
            RolledKind::Dice(term) if node.kept && term.size == DieSize::Sides(20) => {
                // Exactly one kept die, whose value is then the term's total.
                let mut kept = self.dice(term).iter().filter(|d| d.kept);
                match (kept.next().map(Die::total), kept.next()) {
                    (Some(1), None) => Crit::Fumble,
                    (Some(20), None) => Crit::Crit,
                    _ => Crit::None,
                }
            }
            _ => Crit::None,
        }
    }

    /// The kept members a keep/drop operator on `id` acts on, with their
    /// totals: a set's items, a dice term's dice, a parenthesis' inner
    /// members, or a plain value itself.
    fn member_values(&self, id: NodeId, out: &mut Vec<(usize, Num)>) -> Result<Member, RollError> {
        let node = self.node(id);
        match &node.kind {
            RolledKind::Set { items, .. } => {
                for &m in self.members(items) {
                    if self.node(m).kept {
                        out.push((m.0 as usize, self.total_of(m)?));
                    }
                }
                Ok(Member::Node)
            }
            RolledKind::Paren { inner, .. } => self.member_values(*inner, out),
            RolledKind::Dice(term) => {
                let start = term.dice.start as usize;
                out.extend(
                    self.dice(term)
                        .iter()
                        .enumerate()
                        .filter(|(_, d)| d.kept)
                        .map(|(i, d)| (start + i, Num::Int(d.total()))),
                );
                Ok(Member::Die)
            }
            _ => {
                if node.kept {
                    out.push((id.0 as usize, self.total_of(id)?));
                }
                Ok(Member::Node)
            }
        }
    }
}

/// What the indices of [`Rolled::member_values`] point at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Member {
    Node,
    Die,
}

struct Ctx<'r, 'e, R: ?Sized> {
    rng: &'r mut R,
    rolls: usize,
    /// Applied to the leftmost term if it is `1d20`, as [`Expr::with_advantage`] does.
    advantage: Advantage,
    out: &'r mut Rolled<'e>,
    /// Member ids of the sets being rolled, innermost last.
    stack: &'r mut Vec<NodeId>,
    scratch: &'r mut Scratch,
    histories: &'r mut Vec<Vec<Face>>,
    /// The first error met computing values while rolling. It is reported
    /// once every die is rolled, as a total computed afterwards would be, so
    /// that a roll error further right (too many dice) still comes first.
    deferred: Option<RollError>,
    /// The dice term reached from the root through first children, for the crit.
    leftmost_dice: Option<NodeId>,
}

impl<'e, R: DieRoller + ?Sized> Ctx<'_, 'e, R> {
    /// Counts `n` dice about to be rolled of `size`, failing as d20 does: a
    /// 0-sided die first, then the 1,000-dice limit.
    fn reserve(&mut self, n: u64, size: DieSize) -> Result<(), RollError> {
        if n == 0 {
            return Ok(());
        }
        if size == DieSize::Sides(0) {
            return Err(RollError::ZeroSides);
        }
        let n = usize::try_from(n).unwrap_or(usize::MAX);
        self.rolls = self.rolls.saturating_add(n);
        if self.rolls > MAX_ROLLS {
            Err(RollError::TooManyRolls)
        } else {
            Ok(())
        }
    }

    /// Rolls one face; the caller has counted it with [`Ctx::reserve`].
    fn face(&mut self, size: DieSize) -> i64 {
        match size {
            // Sides are at most i64::MAX (the parser's limit), so faces fit.
            DieSize::Sides(n) => self.rng.roll_die(n) as i64,
            DieSize::Percent => (self.rng.roll_die(10) as i64 - 1) * 10,
        }
    }

    fn push(&mut self, kind: RolledKind<'e>) -> NodeId {
        self.out.nodes.push(RolledNode {
            kind,
            kept: true,
            labels: &[],
        });
        NodeId(self.out.nodes.len() as u32 - 1)
    }

    /// Keeps the first error met computing a value, standing in 0 for the value.
    fn settle(&mut self, value: Result<Num, RollError>) -> Num {
        value.unwrap_or_else(|e| {
            self.deferred.get_or_insert(e);
            Num::ZERO
        })
    }

    /// Rolls `expr` and computes its value (as if kept); `leftmost` says
    /// whether it is the expression's leftmost term, where advantage applies.
    /// Values are computed in the order a total computed afterwards would
    /// take them, so the first error is the same.
    fn eval(&mut self, expr: &'e Expr, leftmost: bool) -> Result<(NodeId, Num), RollError> {
        let (kind, value) = match expr {
            Expr::Literal(n) => (RolledKind::Literal(*n), *n),
            Expr::Unary(op, inner) => {
                let (x, v) = self.eval(inner, leftmost)?;
                let v = match op {
                    UnOp::Neg => self.settle(v.checked_neg()),
                    UnOp::Pos => v,
                };
                (RolledKind::Unary(*op, x), v)
            }
            Expr::Binary(op, l, r) => {
                let (l, lv) = self.eval(l, leftmost)?;
                let (r, rv) = self.eval(r, false)?;
                // Whole-number sums are most of what is rolled: added here, not in a call.
                let v = match (op, lv, rv) {
                    (BinOp::Add, Num::Int(a), Num::Int(b)) => {
                        a.checked_add(b).map(Num::Int).ok_or(RollError::TooLarge)
                    }
                    _ => binary(*op, lv, rv),
                };
                (RolledKind::Binary(*op, l, r), self.settle(v))
            }
            Expr::Annotated(a) => {
                let (id, v) = self.eval(&a.inner, leftmost)?;
                self.out.nodes[id.0 as usize].labels = &a.labels;
                return Ok((id, v));
            }
            Expr::Paren { inner, ops } => {
                let (inner, v) = self.eval(inner, leftmost)?;
                let id = self.push(RolledKind::Paren { inner, ops });
                return self.keep_or_drop_all(id, ops, v);
            }
            Expr::Set { items, ops } => {
                // Nested sets push their members first, so this set's are the stack's tail.
                let base = self.stack.len();
                let mut sum = Num::ZERO;
                for (i, item) in items.iter().enumerate() {
                    let (id, v) = self.eval(item, leftmost && i == 0)?;
                    self.stack.push(id);
                    if ops.is_empty() {
                        sum = self.settle(sum.checked_add(v));
                    }
                }
                let start = self.out.members.len() as u32;
                self.out.members.extend(self.stack.drain(base..));
                let items = start..self.out.members.len() as u32;
                let id = self.push(RolledKind::Set { items, ops });
                return self.keep_or_drop_all(id, ops, sum);
            }
            Expr::Dice(d) => return self.eval_dice(d, leftmost),
        };
        Ok((self.push(kind), value))
    }

    /// Rolls a dice term and computes its total, as [`Ctx::eval`] does for other nodes.
    fn eval_dice(&mut self, d: &'e Dice, leftmost: bool) -> Result<(NodeId, Num), RollError> {
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
        self.reserve(count, d.size)?;
        // A term's dice stay contiguous: its operators run before the next term rolls.
        let start = self.out.dice.len();
        self.out
            .dice
            .reserve(usize::try_from(count).unwrap_or(MAX_ROLLS));
        // Without operators every die counts its face: the total is summed as they roll.
        let mut sum = Some(0_i64);
        for _ in 0..count {
            let face = self.face(d.size);
            sum = sum.and_then(|s| s.checked_add(face));
            self.out.dice.push(Die::new(face));
        }
        let implicit = match advantage {
            Advantage::Normal => None,
            Advantage::Advantage => Some(SelectorKind::Highest),
            Advantage::Disadvantage => Some(SelectorKind::Lowest),
        };
        if let Some(kind) = implicit {
            self.keep_dice(start, &[Selector { kind, num: 1 }], false);
        }
        if implicit.is_some() || !d.ops.is_empty() {
            for op in &d.ops {
                self.dice_op(start, d.size, op)?;
            }
            sum = self.out.dice[start..]
                .iter()
                .try_fold(0_i64, |acc, d| acc.checked_add(d.total()));
        }
        let total = sum.map(Num::Int).ok_or(RollError::TooLarge);
        let dice = start as u32..self.out.dice.len() as u32;
        let id = self.push(RolledKind::Dice(DiceTerm {
            count,
            size: d.size,
            dice,
            advantage,
            ops: &d.ops,
        }));
        if leftmost {
            self.leftmost_dice = Some(id);
        }
        Ok((id, self.settle(total)))
    }

    /// Applies a set's or parenthesis' keep/drop operators; its value is
    /// then the total of what they kept (`value` when there are none).
    fn keep_or_drop_all(
        &mut self,
        id: NodeId,
        ops: &[Op],
        value: Num,
    ) -> Result<(NodeId, Num), RollError> {
        if ops.is_empty() {
            return Ok((id, value));
        }
        self.apply_keep_ops(id, ops)?;
        let total = self.out.total_of(id);
        Ok((id, self.settle(total)))
    }

    fn apply_keep_ops(&mut self, id: NodeId, ops: &[Op]) -> Result<(), RollError> {
        for op in ops {
            let mut s = std::mem::take(&mut *self.scratch);
            s.values.clear();
            let member = self.out.member_values(id, &mut s.values);
            if let Ok(member) = member {
                s.select(&op.selectors, None);
                s.mark_chosen();
                let drop_chosen = op.kind == OpKind::Drop;
                for &(i, _) in &s.values {
                    if s.seen[i] == drop_chosen {
                        match member {
                            Member::Node => self.out.nodes[i].kept = false,
                            Member::Die => self.out.dice[i].kept = false,
                        }
                    }
                }
            }
            *self.scratch = s;
            member?;
        }
        Ok(())
    }

    /// `k` (or `p` with `drop_chosen`) on the dice from `start` on.
    fn keep_dice(&mut self, start: usize, selectors: &[Selector], drop_chosen: bool) {
        let s = &mut *self.scratch;
        s.select_dice(&self.out.dice, start, selectors, None);
        s.mark_chosen();
        for &(i, _) in &s.values {
            if s.seen[i] == drop_chosen {
                self.out.dice[i].kept = false;
            }
        }
    }

    fn dice_op(&mut self, start: usize, size: DieSize, op: &Op) -> Result<(), RollError> {
        match op.kind {
            OpKind::Keep | OpKind::Drop => {
                self.keep_dice(start, &op.selectors, op.kind == OpKind::Drop)
            }
            OpKind::Reroll | OpKind::RerollOnce | OpKind::RerollAdd | OpKind::Explode => {
                // Scratch buffers live in the context so rerolling loops do not allocate.
                let mut scratch = std::mem::take(&mut *self.scratch);
                let result = self.reroll_op(start, size, op, &mut scratch);
                *self.scratch = scratch;
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
                self.out.owning = true;
                for die in self.out.dice[start..].iter_mut().filter(|d| d.kept) {
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
        start: usize,
        size: DieSize,
        op: &Op,
        s: &mut Scratch,
    ) -> Result<(), RollError> {
        // With value selectors (3, <3, >3) a die's selection depends on its own
        // face only, so after the first pass only rerolled or new dice can match.
        let by_value = op
            .selectors
            .iter()
            .all(|sel| !matches!(sel.kind, SelectorKind::Highest | SelectorKind::Lowest));
        let matches = |die: &Die| {
            let v = Num::Int(die.total());
            op.selectors
                .iter()
                .any(|sel| sel_matches(sel.kind, v, sel.num))
        };
        match op.kind {
            OpKind::Reroll => {
                s.select_dice(&self.out.dice, start, &op.selectors, None);
                while !s.chosen.is_empty() {
                    for &i in &s.chosen {
                        self.reroll(i, size)?;
                    }
                    if by_value {
                        let dice = &self.out.dice;
                        s.chosen.retain(|&i| matches(&dice[i]));
                    } else {
                        s.select_dice(&self.out.dice, start, &op.selectors, None);
                    }
                }
            }
            OpKind::RerollOnce => {
                s.select_dice(&self.out.dice, start, &op.selectors, None);
                for &i in &s.chosen {
                    self.reroll(i, size)?;
                }
            }
            OpKind::RerollAdd => {
                s.select_dice(&self.out.dice, start, &op.selectors, Some(1));
                for &i in &s.chosen {
                    self.explode(i, size)?;
                }
            }
            _ => {
                // A mask, not a list: at the 1000-dice limit a list lookup per die is cubic.
                s.done.clear();
                s.done.resize(self.out.dice.len(), false);
                s.select_dice(&self.out.dice, start, &op.selectors, None);
                while !s.chosen.is_empty() {
                    let first_new = self.out.dice.len();
                    for &i in &s.chosen {
                        self.explode(i, size)?;
                    }
                    if by_value {
                        let dice = &self.out.dice;
                        s.chosen.clear();
                        s.chosen
                            .extend((first_new..dice.len()).filter(|&i| matches(&dice[i])));
                    } else {
                        s.done.resize(self.out.dice.len(), false);
                        s.chosen.iter().for_each(|&i| s.done[i] = true);
                        s.select_dice(&self.out.dice, start, &op.selectors, None);
                        let done = &s.done;
                        s.chosen.retain(|&i| !done[i]);
                    }
                }
            }
        }
        Ok(())
    }

    fn reroll(&mut self, i: usize, size: DieSize) -> Result<(), RollError> {
        self.reserve(1, size)?;
        let face = Face::new(self.face(size));
        let die = &mut self.out.dice[i];
        let mut old = std::mem::replace(&mut die.face, face);
        old.kept = false;
        if die.rerolled.capacity() == 0
            && let Some(history) = self.histories.pop()
        {
            die.rerolled = history;
        }
        die.rerolled.push(old);
        self.out.owning = true;
        Ok(())
    }

    fn explode(&mut self, i: usize, size: DieSize) -> Result<(), RollError> {
        self.out.dice[i].face.exploded = true;
        self.reserve(1, size)?;
        let face = self.face(size);
        self.out.dice.push(Die::new(face));
        Ok(())
    }
}

/// Buffers for selecting members, reused across operators and the loops of `rr` and `e`.
#[derive(Debug, Default)]
struct Scratch {
    values: Vec<(usize, Num)>,
    sorted: Vec<(usize, Num)>,
    seen: Vec<bool>,
    chosen: Vec<usize>,
    /// Dice that already exploded, for `e` with a highest/lowest selector.
    done: Vec<bool>,
}

impl Scratch {
    /// Selects among the kept dice from `start` on; the chosen indices land in `self.chosen`.
    fn select_dice(
        &mut self,
        dice: &[Die],
        start: usize,
        selectors: &[Selector],
        max: Option<usize>,
    ) {
        self.values.clear();
        let kept = dice[start..].iter().enumerate().filter(|(_, d)| d.kept);
        self.values
            .extend(kept.map(|(i, d)| (start + i, Num::Int(d.total()))));
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
                    let matching = self
                        .values
                        .iter()
                        .filter(|(_, v)| sel_matches(kind, *v, sel.num));
                    self.chosen.extend(matching.map(|(i, _)| *i).take(budget));
                }
            }
        }
        if selectors.len() > 1 {
            // Several selectors may pick the same member: keep each once, in first-picked order.
            self.clear_seen();
            let seen = &mut self.seen;
            self.chosen
                .retain(|&i| !std::mem::replace(&mut seen[i], true));
            if let Some(m) = max {
                self.chosen.truncate(m);
            }
        }
    }

    /// Makes `self.seen` cover every index in `values`, all unset.
    fn clear_seen(&mut self) {
        let len = self.values.iter().map(|(i, _)| i + 1).max().unwrap_or(0);
        if self.seen.len() < len {
            self.seen.resize(len, false);
        }
        for &(i, _) in &self.values {
            self.seen[i] = false;
        }
    }

    /// Sets `self.seen[i]` for the chosen indices, and only for them, among `values`.
    fn mark_chosen(&mut self) {
        self.clear_seen();
        for &i in &self.chosen {
            self.seen[i] = true;
        }
    }
}

fn cmp(a: Num, b: Num) -> Ordering {
    a.compare(b).unwrap_or(Ordering::Equal)
}

/// Whether a value selector (`3`, `>3`, `<3`) picks a member showing `v`.
fn sel_matches(kind: SelectorKind, v: Num, n: u64) -> bool {
    let ord = cmp_to_u64(v, n);
    match kind {
        SelectorKind::Above => ord == Ordering::Greater,
        SelectorKind::Below => ord == Ordering::Less,
        SelectorKind::Exact => ord == Ordering::Equal,
        SelectorKind::Highest | SelectorKind::Lowest => false,
    }
}

fn cmp_to_u64(v: Num, n: u64) -> Ordering {
    match i64::try_from(n) {
        Ok(n) => cmp(v, Num::Int(n)),
        Err(_) => Ordering::Less,
    }
}

fn binary(op: BinOp, l: Num, r: Num) -> Result<Num, RollError> {
    let truth = |b: bool| Ok(Num::Int(i64::from(b)));
    match op {
        BinOp::Add => l.checked_add(r),
        BinOp::Sub => l.checked_sub(r),
        BinOp::Mul => l.checked_mul(r),
        BinOp::Div => l.true_div(r),
        BinOp::FloorDiv => l.floor_div(r),
        BinOp::Mod => l.modulo(r),
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
