//! The parsed form of a dice expression.

use std::fmt;

use super::Advantage;
use super::num::Num;

/// A parsed dice expression: a tree, rolled by [`super::roll`].
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A number: `3`, `1.5`.
    Literal(Num),
    /// Dice with their operators: `4d6kh3`.
    Dice(Dice),
    /// A set `(a, b, c)`, `(a,)` or `()` with its operators.
    Set {
        /// The members, in order.
        items: Vec<Expr>,
        /// Keep/drop operators applied to the members.
        ops: Vec<Op>,
    },
    /// A parenthesised expression `(x)`; operators on it act on x's members.
    Paren {
        /// The expression inside.
        inner: Box<Expr>,
        /// Keep/drop operators applied to the inner members.
        ops: Vec<Op>,
    },
    /// `-x` or `+x`.
    Unary(UnOp, Box<Expr>),
    /// `a + b`, `a * b`, `a == b`, …
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// An expression with one or more `[labels]`, such as damage types.
    Annotated(Annotated),
}

/// An expression carrying `[labels]` (d20 calls them annotations).
#[derive(Debug, Clone, PartialEq)]
pub struct Annotated {
    /// The labelled expression.
    pub inner: Box<Expr>,
    /// The labels as typed, brackets included, e.g. `[fire]`.
    pub labels: Vec<String>,
}

impl Annotated {
    /// The labels joined as d20 shows them: `[fire][magical]`.
    pub fn joined(&self) -> String {
        self.labels.concat()
    }
}

/// `NdS` with its operators, e.g. `4d6kh3` or `1d20ro1`.
#[derive(Debug, Clone, PartialEq)]
pub struct Dice {
    /// How many dice (`N`; 1 when omitted).
    pub count: u64,
    /// How many sides.
    pub size: DieSize,
    /// Operators in the order they apply.
    pub ops: Vec<Op>,
}

/// The size of a die: a number of faces, or d20's tens die `%`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DieSize {
    /// A die with this many faces, showing 1..=n.
    Sides(u64),
    /// `d%`: a tens die showing 0, 10, …, 90.
    Percent,
}

/// One operator with its selectors, e.g. `kh1` or `k1k2` (one keep, two selectors).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Op {
    /// What the operator does.
    pub kind: OpKind,
    /// Which members it applies to: the union of all selectors.
    pub selectors: Vec<Selector>,
}

/// The operators of the dice language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OpKind {
    /// `k`: keep the selected members, drop the rest.
    Keep,
    /// `p`: drop the selected members.
    Drop,
    /// `rr`: reroll selected dice until none match.
    Reroll,
    /// `ro`: reroll selected dice once.
    RerollOnce,
    /// `ra`: roll one more die for the first selected die (once).
    RerollAdd,
    /// `e`: explode: every selected die adds a die, new dice included.
    Explode,
    /// `mi`: raise every die below the number to it.
    Min,
    /// `ma`: lower every die above the number to it.
    Max,
}

impl OpKind {
    /// The operator as typed.
    pub fn symbol(self) -> &'static str {
        match self {
            OpKind::Keep => "k",
            OpKind::Drop => "p",
            OpKind::Reroll => "rr",
            OpKind::RerollOnce => "ro",
            OpKind::RerollAdd => "ra",
            OpKind::Explode => "e",
            OpKind::Min => "mi",
            OpKind::Max => "ma",
        }
    }

    /// `mi` and `ma` apply at once and never merge with a neighbour.
    pub(crate) fn is_immediate(self) -> bool {
        matches!(self, OpKind::Min | OpKind::Max)
    }
}

/// Which members an operator applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Selector {
    /// The kind of selection.
    pub kind: SelectorKind,
    /// Its number. Values beyond `u64::MAX` are held as `u64::MAX`, which selects the same members.
    pub num: u64,
}

/// The kinds of selector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SelectorKind {
    /// `N`: members showing exactly N.
    Exact,
    /// `hN`: the N highest.
    Highest,
    /// `lN`: the N lowest.
    Lowest,
    /// `>N`: members above N.
    Above,
    /// `<N`: members below N.
    Below,
}

/// Unary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnOp {
    /// `-x`.
    Neg,
    /// `+x`.
    Pos,
}

/// Binary operators, loosest first: comparisons, then `+ -`, then `* / // %`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/` (true division)
    Div,
    /// `//` (floor division)
    FloorDiv,
    /// `%` (modulo with the divisor's sign)
    Mod,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `>`
    Gt,
    /// `<=`
    Le,
    /// `>=`
    Ge,
}

impl BinOp {
    /// The operator as typed.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::FloorDiv => "//",
            BinOp::Mod => "%",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Gt => ">",
            BinOp::Le => "<=",
            BinOp::Ge => ">=",
        }
    }
}

impl Expr {
    /// Rewrites the leftmost `1d20` into `2d20kh1` (advantage) or `2d20kl1`
    /// (disadvantage), as d20 does. Any other expression is returned unchanged.
    pub fn with_advantage(&self, adv: Advantage) -> Expr {
        let mut out = self.clone();
        let sel = match adv {
            Advantage::Normal => return out,
            Advantage::Advantage => SelectorKind::Highest,
            Advantage::Disadvantage => SelectorKind::Lowest,
        };
        if let Expr::Dice(d) = out.leftmost_mut()
            && d.count == 1
            && d.size == DieSize::Sides(20)
        {
            d.count = 2;
            // Inserted as its own operator, never merged: `1d20kl1` at advantage
            // keeps the higher die first, then the lower of what is left.
            d.ops.insert(
                0,
                Op {
                    kind: OpKind::Keep,
                    selectors: vec![Selector { kind: sel, num: 1 }],
                },
            );
        }
        out
    }

    /// The same expression with every dice count doubled: how a critical hit rolls damage.
    pub fn with_doubled_dice(&self) -> Expr {
        let mut out = self.clone();
        out.visit_dice_mut(&mut |d| d.count = d.count.saturating_mul(2));
        out
    }

    /// Whether the expression rolls any dice.
    pub fn has_dice(&self) -> bool {
        match self {
            Expr::Literal(_) => false,
            Expr::Dice(_) => true,
            Expr::Set { items, .. } => items.iter().any(Expr::has_dice),
            Expr::Paren { inner, .. } | Expr::Unary(_, inner) => inner.has_dice(),
            Expr::Annotated(a) => a.inner.has_dice(),
            Expr::Binary(_, l, r) => l.has_dice() || r.has_dice(),
        }
    }

    fn visit_dice_mut(&mut self, f: &mut impl FnMut(&mut Dice)) {
        match self {
            Expr::Literal(_) => {}
            Expr::Dice(d) => f(d),
            Expr::Set { items, .. } => items.iter_mut().for_each(|i| i.visit_dice_mut(f)),
            Expr::Paren { inner, .. } | Expr::Unary(_, inner) => inner.visit_dice_mut(f),
            Expr::Annotated(a) => a.inner.visit_dice_mut(f),
            Expr::Binary(_, l, r) => {
                l.visit_dice_mut(f);
                r.visit_dice_mut(f);
            }
        }
    }

    fn leftmost_mut(&mut self) -> &mut Expr {
        let is_leaf = match self {
            Expr::Set { items, .. } => items.is_empty(),
            Expr::Literal(_) | Expr::Dice(_) => true,
            _ => false,
        };
        if is_leaf {
            return self;
        }
        match self {
            // Not empty: an empty set is a leaf, returned above.
            Expr::Set { items, .. } => items[0].leftmost_mut(),
            Expr::Paren { inner, .. } | Expr::Unary(_, inner) => inner.leftmost_mut(),
            Expr::Annotated(a) => a.inner.leftmost_mut(),
            Expr::Binary(_, l, _) => l.leftmost_mut(),
            other => other,
        }
    }

    /// The tree in prefix form, for tests: `4d6kh3+2` → `(+ (kh3 4d6) 2)`.
    pub fn sexpr(&self) -> String {
        match self {
            Expr::Literal(n) => n.to_string(),
            Expr::Dice(d) => wrap_ops(&format!("{}d{}", d.count, d.size), &d.ops),
            Expr::Set { items, ops } => {
                let inner: Vec<String> = items.iter().map(Expr::sexpr).collect();
                wrap_ops(
                    &format!("(set {})", inner.join(" ")).replace("(set )", "(set)"),
                    ops,
                )
            }
            Expr::Paren { inner, ops } => wrap_ops(&format!("(paren {})", inner.sexpr()), ops),
            Expr::Unary(op, e) => format!(
                "({} {})",
                if *op == UnOp::Neg { "neg" } else { "pos" },
                e.sexpr()
            ),
            Expr::Binary(op, l, r) => format!("({} {} {})", op.symbol(), l.sexpr(), r.sexpr()),
            Expr::Annotated(a) => format!("({} {})", a.joined(), a.inner.sexpr()),
        }
    }
}

fn wrap_ops(base: &str, ops: &[Op]) -> String {
    ops.iter()
        .fold(base.to_string(), |acc, op| format!("({op} {acc})"))
}

impl fmt::Display for DieSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DieSize::Sides(n) => write!(f, "{n}"),
            DieSize::Percent => f.write_str("%"),
        }
    }
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let prefix = match self.kind {
            SelectorKind::Exact => "",
            SelectorKind::Highest => "h",
            SelectorKind::Lowest => "l",
            SelectorKind::Above => ">",
            SelectorKind::Below => "<",
        };
        write!(f, "{prefix}{}", self.num)
    }
}

impl fmt::Display for Op {
    /// `k1k2` for a keep with two selectors, as d20 prints it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for sel in &self.selectors {
            write!(f, "{}{sel}", self.kind.symbol())?;
        }
        Ok(())
    }
}

impl fmt::Display for Expr {
    /// The expression in d20's canonical spelling: `1d20 + 5`, `(1, 2)kh1`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // Positional, never `1e+26`: the canonical spelling must parse back.
            Expr::Literal(Num::Float(x)) if x.fract() == 0.0 => write!(f, "{x:.1}"),
            Expr::Literal(Num::Float(x)) => write!(f, "{x}"),
            Expr::Literal(n) => write!(f, "{n}"),
            Expr::Dice(d) => {
                write!(f, "{}d{}", d.count, d.size)?;
                d.ops.iter().try_for_each(|op| write!(f, "{op}"))
            }
            Expr::Set { items, ops } => {
                f.write_str("(")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str(if items.len() == 1 { ",)" } else { ")" })?;
                ops.iter().try_for_each(|op| write!(f, "{op}"))
            }
            Expr::Paren { inner, ops } => {
                write!(f, "({inner})")?;
                ops.iter().try_for_each(|op| write!(f, "{op}"))
            }
            Expr::Unary(op, e) => write!(f, "{}{e}", if *op == UnOp::Neg { "-" } else { "+" }),
            Expr::Binary(op, l, r) => write!(f, "{l} {} {r}", op.symbol()),
            Expr::Annotated(a) => write!(f, "{} {}", a.inner, a.joined()),
        }
    }
}

impl Expr {
    /// The same expression with every dice count multiplied by `times`: how
    /// a critical hit rolls damage when the dice are rolled more than twice
    /// (a balor's three times). `times` 2 is [`Expr::with_doubled_dice`].
    pub fn with_multiplied_dice(&self, times: u8) -> Expr {
        let mut out = self.clone();
        let times = u64::from(times.max(1));
        out.visit_dice_mut(&mut |d| d.count = d.count.saturating_mul(times));
        out
    }
}
