//! Showing a roll: d20's Markdown (what Avrae players see), ANSI for a
//! terminal, and a compact form for radio packets.

use std::fmt::Write;

use super::Advantage;
use super::ast::{DieSize, Op, UnOp};
use super::eval::{Crit, Die, Face, NodeId, Rolled, RolledKind};

/// How dice and markers are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    /// `4d6kh3 (4, 4, **6**, ~~3~~) = `14``.
    Markdown,
    /// The same with terminal escapes: bold for 1s and max faces, struck-through dim for dropped.
    Ansi,
    /// `4d6kh3(4,4,6,x3)=14`: no markup, dropped values prefixed with `x`.
    Compact,
}

impl Rolled<'_> {
    /// The roll as d20 shows it in Markdown: `4d6kh3 (4, 4, **6**, ~~3~~) = `14``.
    pub fn markdown(&self) -> String {
        self.render(Style::Markdown)
    }

    /// The roll for a terminal, with ANSI bold and strike-through.
    pub fn ansi(&self) -> String {
        self.render(Style::Ansi)
    }

    /// The roll in as few bytes as possible: `4d6kh3(4,4,6,x3)=14`.
    pub fn compact(&self) -> String {
        self.render(Style::Compact)
    }

    fn render(&self, style: Style) -> String {
        let mut w = Writer {
            rolled: self,
            style,
            out: String::with_capacity(32),
            in_dropped: false,
        };
        w.node(self.root());
        match style {
            Style::Markdown => {
                let _ = write!(w.out, " = `{}`", self.total);
            }
            Style::Ansi => {
                let mark = match self.crit {
                    Crit::Crit => " (crit)",
                    Crit::Fumble => " (fumble)",
                    Crit::None => "",
                };
                let _ = write!(w.out, " = \x1b[1m{}\x1b[0m{mark}", self.total);
            }
            Style::Compact => {
                let _ = write!(w.out, "={}", self.total);
            }
        }
        w.out
    }
}

struct Writer<'r, 'e> {
    rolled: &'r Rolled<'e>,
    style: Style,
    out: String,
    in_dropped: bool,
}

impl Writer<'_, '_> {
    fn sep(&self) -> &'static str {
        if self.style == Style::Compact {
            ","
        } else {
            ", "
        }
    }

    fn struck(&mut self, kept: bool, inner: impl FnOnce(&mut Self)) {
        if kept || self.in_dropped {
            inner(self);
            return;
        }
        self.in_dropped = true;
        match self.style {
            Style::Markdown => {
                self.out.push_str("~~");
                inner(self);
                self.out.push_str("~~");
            }
            Style::Ansi => {
                self.out.push_str("\x1b[9;2m");
                inner(self);
                self.out.push_str("\x1b[0m");
            }
            Style::Compact => {
                self.out.push('x');
                inner(self);
            }
        }
        self.in_dropped = false;
    }

    fn node(&mut self, id: NodeId) {
        let node = self.rolled.node(id);
        self.struck(node.kept, |w| {
            w.kind(&node.kind);
            if !node.labels.is_empty() {
                if w.style != Style::Compact {
                    w.out.push(' ');
                }
                node.labels.iter().for_each(|l| w.out.push_str(l));
            }
        });
    }

    fn ops(&mut self, ops: &[Op]) {
        for op in ops {
            let _ = write!(self.out, "{op}");
        }
    }

    fn kind(&mut self, kind: &RolledKind<'_>) {
        match kind {
            RolledKind::Literal(n) => {
                let _ = write!(self.out, "{n}");
            }
            RolledKind::Unary(op, x) => {
                self.out.push(if *op == UnOp::Neg { '-' } else { '+' });
                self.node(*x);
            }
            RolledKind::Binary(op, l, r) => {
                self.node(*l);
                if self.style == Style::Compact {
                    self.out.push_str(op.symbol());
                } else {
                    let _ = write!(self.out, " {} ", op.symbol());
                }
                self.node(*r);
            }
            RolledKind::Paren { inner, ops } => {
                self.out.push('(');
                self.node(*inner);
                self.out.push(')');
                self.ops(ops);
            }
            RolledKind::Set { items, ops } => {
                let members = self.rolled.members(items);
                self.out.push('(');
                for (i, &item) in members.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(self.sep());
                    }
                    self.node(item);
                }
                if members.len() == 1 {
                    self.out.push(',');
                }
                self.out.push(')');
                self.ops(ops);
            }
            RolledKind::Dice(term) => {
                let _ = write!(self.out, "{}d{}", term.count, term.size);
                match term.advantage {
                    Advantage::Advantage => self.out.push_str("kh1"),
                    Advantage::Disadvantage => self.out.push_str("kl1"),
                    Advantage::Normal => {}
                }
                self.ops(term.ops);
                self.out.push_str(if self.style == Style::Compact {
                    "("
                } else {
                    " ("
                });
                for (i, die) in self.rolled.dice(term).iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(self.sep());
                    }
                    self.die(die, term.size);
                }
                self.out.push(')');
            }
        }
    }

    fn die(&mut self, die: &Die, size: DieSize) {
        self.struck(die.kept, |w| {
            for (i, face) in die.faces().enumerate() {
                if i > 0 {
                    w.out.push_str(w.sep());
                }
                w.face(face, size);
            }
        });
    }

    fn face(&mut self, face: &Face, size: DieSize) {
        let v = face.value();
        let extreme = v == 1 || matches!(size, DieSize::Sides(n) if i64::try_from(n) == Ok(v));
        let (open, close) = match (self.style, extreme) {
            (Style::Markdown, true) => ("**", "**"),
            (Style::Ansi, true) => ("\x1b[1m", "\x1b[22m"),
            _ => ("", ""),
        };
        self.out.push_str(open);
        self.struck(face.kept, |w| {
            let _ = write!(w.out, "{}", face.rolled);
            for v in &face.forced {
                let _ = write!(
                    w.out,
                    "{}{v}",
                    if w.style == Style::Compact {
                        ">"
                    } else {
                        " -> "
                    }
                );
            }
            if face.exploded {
                w.out.push('!');
            }
        });
        self.out.push_str(close);
    }
}
