//! The parser: text to [`Expr`], accepting exactly what d20 accepts.
//!
//! d20 parses with an LALR parser and a contextual lexer. Two consequences are
//! reproduced here on purpose: whitespace is allowed only after an operand or
//! an operator and inside parentheses (never at the start, never between a
//! die and its operators), and, when comments are allowed, trailing text
//! becomes a comment only if the lexer could not read its first characters as
//! a token — so `1d20 to hit` has the comment `to hit`, while `1d20, 2` and
//! `1d20kx` are errors.

use std::fmt;

use super::ast::{Annotated, BinOp, Dice, DieSize, Expr, Op, OpKind, Selector, SelectorKind, UnOp};
use super::num::Num;

/// Deepest nesting of parentheses and unary signs the parser accepts.
const MAX_DEPTH: usize = 64;
/// Most terms (numbers, dice, sets) in one expression.
const MAX_TERMS: usize = 1_000;

/// A parsed expression and, when comments were allowed, the trailing comment.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// The expression.
    pub expr: Expr,
    /// Text after the expression that is not part of it (`1d20+5 to hit` → `to hit`).
    pub comment: Option<String>,
}

/// Why a text is not a dice expression, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{shown} ← {message} (col {column})")]
pub struct ParseError {
    /// Byte offset of the problem in the input.
    pub position: usize,
    /// 1-based column (in characters) of the problem.
    pub column: usize,
    /// What was expected, and what was found instead.
    pub message: String,
    /// Whether the text broke a limit (a number or nesting too large) rather than the grammar.
    pub limit: bool,
    /// The input up to the problem, shortened from the left to stay short.
    shown: String,
    /// Where d20 places the error (the last token's start at the end of the
    /// input); its comment fallback looks for a `*` just before it.
    d20_position: usize,
}

/// Parses a dice expression; any trailing text is an error.
pub fn parse(input: &str) -> Result<Expr, ParseError> {
    Parser::new(input, false)
        .run()
        .map(|p| p.expr)
        .map_err(|e| *e)
}

/// Parses a dice expression followed by an optional comment, as Avrae's `!roll` does.
pub fn parse_with_comment(input: &str) -> Result<Parsed, ParseError> {
    match Parser::new(input, true).run().map_err(|e| *e) {
        Ok(parsed) => Ok(parsed),
        Err(err) => {
            // d20's rule for Markdown emphasis: when the text before the error
            // ends with `*`, the expression stops there and the rest is a comment.
            let cut = err.d20_position;
            if cut > 0 && input.as_bytes().get(cut - 1) == Some(&b'*') {
                let mut parsed = Parser::new(&input[..cut - 1], true).run().map_err(|e| *e)?;
                parsed.comment = Some(input[cut - 1..].to_string());
                Ok(parsed)
            } else {
                Err(err)
            }
        }
    }
}

/// What the last token read was: it decides which tokens d20's lexer would
/// still try to read after a complete expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Last {
    Other,
    SetSelector,
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    last_token_start: usize,
    last: Last,
    comments: bool,
    depth: usize,
    terms: usize,
}

/// Boxed inside the parser: a small `Err` keeps every `Result` it passes around small.
type PResult<T> = Result<T, Box<ParseError>>;

impl<'a> Parser<'a> {
    fn new(text: &'a str, comments: bool) -> Self {
        Self {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            last_token_start: 0,
            last: Last::Other,
            comments,
            depth: 0,
            terms: 0,
        }
    }

    fn run(mut self) -> PResult<Parsed> {
        let expr = self.comparison()?;
        if self.pos == self.bytes.len() {
            return Ok(Parsed {
                expr,
                comment: None,
            });
        }
        let rest = &self.text[self.pos..];
        // d20's LALR tables share states between the top level and the inside
        // of sets, so its lexer still reads `,` and `)` here (and a dice
        // operator right after a set's selector): those are errors, not comments.
        let lexable = rest.starts_with([',', ')'])
            || (self.last == Last::SetSelector && dice_op_at(rest).is_some());
        if !self.comments || lexable {
            return Err(self.error_here(format!("unexpected {} after the expression", found(rest))));
        }
        let line_end = rest.find('\n').unwrap_or(rest.len());
        let comment = &rest[..line_end];
        if line_end < rest.len() {
            self.pos += line_end;
            return Err(self.error_here("a comment must fit on one line".into()));
        }
        Ok(Parsed {
            expr,
            comment: Some(comment.to_string()),
        })
    }

    // ----- errors -----

    fn error_here(&self, message: String) -> Box<ParseError> {
        let d20_position = if self.pos >= self.bytes.len() {
            self.last_token_start
        } else {
            self.pos
        };
        self.error_at(self.pos, d20_position, message)
    }

    fn error_at(&self, pos: usize, d20_position: usize, message: String) -> Box<ParseError> {
        let column = self.text[..pos].chars().count() + 1;
        let before = &self.text[..pos];
        let chars: Vec<char> = before.chars().collect();
        let shown = if chars.len() > 24 {
            format!("…{}", chars[chars.len() - 24..].iter().collect::<String>())
        } else {
            before.to_string()
        };
        Box::new(ParseError {
            position: pos,
            column,
            message,
            limit: false,
            shown,
            d20_position,
        })
    }

    fn limit(&self, message: String) -> Box<ParseError> {
        Box::new(ParseError {
            limit: true,
            ..*self.error_here(message)
        })
    }

    fn expected(&self, what: &str) -> Box<ParseError> {
        let rest = &self.text[self.pos..];
        let message = if rest.is_empty() {
            format!("expected {what}")
        } else {
            format!("expected {what}, found {}", found(rest))
        };
        self.error_here(message)
    }

    // ----- tokens -----

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn rest(&self) -> &'a str {
        &self.text[self.pos..]
    }

    fn token(&mut self, len: usize) {
        self.last_token_start = self.pos;
        self.pos += len;
        self.last = Last::Other;
    }

    /// Skips one run of whitespace (d20's `_WS`), if any.
    fn ws(&mut self) {
        let n = self.bytes[self.pos..]
            .iter()
            .take_while(|b| is_ws(**b))
            .count();
        if n > 0 {
            self.token(n);
        }
    }

    fn digits(&self) -> usize {
        self.bytes[self.pos..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    }

    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.limit(format!("too deeply nested (at most {MAX_DEPTH} levels)")));
        }
        Ok(())
    }

    fn term(&mut self) -> PResult<()> {
        self.terms += 1;
        if self.terms > MAX_TERMS {
            return Err(self.limit(format!("too long (at most {MAX_TERMS} terms)")));
        }
        Ok(())
    }

    // ----- grammar -----

    /// A full expression (d20's `num`).
    fn comparison(&mut self) -> PResult<Expr> {
        self.binary(1)
    }

    /// Precedence climbing over d20's three left-associative levels:
    /// comparisons (1), `+ -` (2), `* / // %` (3).
    fn binary(&mut self, min_level: u8) -> PResult<Expr> {
        let mut lhs = self.unary()?;
        while let Some((op, len, level)) = binary_at(&self.bytes[self.pos..]) {
            if level < min_level {
                break;
            }
            self.binary_op(len)?;
            let rhs = self.binary(level + 1)?;
            lhs = Expr::Binary(op, Box::new(lhs), Box::new(rhs));
        }
        Ok(lhs)
    }

    fn binary_op(&mut self, len: usize) -> PResult<()> {
        self.token(len);
        self.ws();
        Ok(())
    }

    fn unary(&mut self) -> PResult<Expr> {
        let op = match self.peek() {
            Some(b'-') => UnOp::Neg,
            Some(b'+') => UnOp::Pos,
            _ => return self.numexpr(),
        };
        self.enter()?;
        self.token(1);
        self.ws();
        let inner = self.unary()?;
        self.depth -= 1;
        Ok(Expr::Unary(op, Box::new(inner)))
    }

    fn numexpr(&mut self) -> PResult<Expr> {
        self.term()?;
        let atom = match self.peek() {
            Some(b'(') => self.set()?,
            Some(b'd') => self.dice(1)?,
            Some(b)
                if b.is_ascii_digit()
                    || (b == b'.'
                        && self.bytes.get(self.pos + 1).is_some_and(u8::is_ascii_digit)) =>
            {
                self.number()?
            }
            _ => return Err(self.operand_expected()),
        };
        self.ws();
        let mut labels = Vec::new();
        while let Some(len) = annotation_at(self.rest()) {
            let label = self.rest()[..len]
                .trim_end_matches(|c: char| is_ws_char(c))
                .to_string();
            self.token(len);
            labels.push(label);
        }
        if labels.is_empty() {
            Ok(atom)
        } else {
            Ok(Expr::Annotated(Annotated {
                inner: Box::new(atom),
                labels,
            }))
        }
    }

    fn operand_expected(&self) -> Box<ParseError> {
        let before = self.text[..self.pos].trim_end_matches(|c: char| is_ws_char(c));
        match before.chars().last() {
            Some(c @ ('+' | '-' | '*' | '/' | '%' | '=' | '<' | '>')) => {
                self.expected(&format!("a number after '{c}'"))
            }
            Some(',') => self.expected("a number after ','"),
            Some('(') => self.expected("a number or ')' after '('"),
            _ => self.expected("a number, dice like 1d20, or '('"),
        }
    }

    /// An integer, a decimal, or the count of a dice term (`4` in `4d6`).
    fn number(&mut self) -> PResult<Expr> {
        let start = self.pos;
        let int_len = self.digits();
        if self.bytes.get(start + int_len) == Some(&b'.') {
            let frac = self.bytes[start + int_len + 1..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
            let len = int_len + 1 + frac;
            let text = &self.text[start..start + len];
            let value: f64 = text.parse().map_err(|_| self.expected("a number"))?;
            if !value.is_finite() {
                return Err(self.limit(format!("the number {} is too large", short(text))));
            }
            self.token(len);
            return Ok(Expr::Literal(Num::Float(value)));
        }
        let text = &self.text[start..start + int_len];
        self.token(int_len);
        if self.peek() == Some(b'd') {
            let count = digits_value(text).unwrap_or(u64::MAX);
            return self.dice(count);
        }
        match digits_value(text).and_then(|v| i64::try_from(v).ok()) {
            Some(v) => Ok(Expr::Literal(Num::Int(v))),
            None => Err(Box::new(ParseError {
                limit: true,
                ..*self.error_at(
                    start,
                    start,
                    format!("the number {} is too large", short(text)),
                )
            })),
        }
    }

    fn dice(&mut self, count: u64) -> PResult<Expr> {
        self.token(1);
        let size = if self.peek() == Some(b'%') {
            self.token(1);
            DieSize::Percent
        } else {
            let n = self.digits();
            if n == 0 {
                return Err(self.expected("the number of sides after 'd' (like d20 or d%)"));
            }
            let text = &self.text[self.pos..self.pos + n];
            // Faces must fit an i64 total, so sides stop at i64::MAX.
            let sides = digits_value(text)
                .filter(|&v| i64::try_from(v).is_ok())
                .ok_or_else(|| self.limit(format!("a die cannot have {} sides", short(text))))?;
            self.token(n);
            DieSize::Sides(sides)
        };
        let mut ops = Vec::new();
        while let Some((kind, len)) = dice_op_at(self.rest()) {
            let sym = &self.text[self.pos..self.pos + len];
            self.token(len);
            let selector = self.selector(sym)?;
            push_op(&mut ops, kind, selector);
        }
        Ok(Expr::Dice(Dice { count, size, ops }))
    }

    fn selector(&mut self, op: &str) -> PResult<Selector> {
        let kind = match self.peek() {
            Some(b'h') => SelectorKind::Highest,
            Some(b'l') => SelectorKind::Lowest,
            Some(b'>') => SelectorKind::Above,
            Some(b'<') => SelectorKind::Below,
            _ => SelectorKind::Exact,
        };
        if kind != SelectorKind::Exact {
            self.token(1);
        }
        let n = self.digits();
        if n == 0 {
            let what = if kind == SelectorKind::Exact {
                format!(
                    "what to select after '{op}' (like {op}1, {op}h1, {op}l1, {op}>2 or {op}<2)"
                )
            } else {
                format!(
                    "a number after '{op}{}'",
                    &self.text[self.pos - 1..self.pos]
                )
            };
            return Err(self.expected(&what));
        }
        let num = digits_value(&self.text[self.pos..self.pos + n]).unwrap_or(u64::MAX);
        self.token(n);
        Ok(Selector { kind, num })
    }

    fn set(&mut self) -> PResult<Expr> {
        self.enter()?;
        self.token(1);
        self.ws();
        let mut items = Vec::new();
        let mut trailing_comma = false;
        if self.peek() != Some(b')') {
            loop {
                items.push(self.comparison()?);
                match self.peek() {
                    Some(b',') => {
                        self.token(1);
                        // A trailing comma must touch the `)`: d20's LALR parser
                        // reads `, ` as the start of another member.
                        if self.peek() == Some(b')') {
                            trailing_comma = true;
                            break;
                        }
                        self.ws();
                    }
                    Some(b')') => break,
                    _ => return Err(self.expected("',' or ')'")),
                }
            }
        }
        self.token(1);
        self.depth -= 1;
        let mut ops = Vec::new();
        while let Some(kind) = match self.peek() {
            Some(b'k') => Some(OpKind::Keep),
            Some(b'p') => Some(OpKind::Drop),
            _ => None,
        } {
            let sym = &self.text[self.pos..self.pos + 1];
            self.token(1);
            let selector = self.selector(sym)?;
            push_op(&mut ops, kind, selector);
            self.last = Last::SetSelector;
        }
        if items.len() == 1 && !trailing_comma {
            let inner = items
                .pop()
                .map(Box::new)
                .ok_or_else(|| self.expected("a number"))?;
            Ok(Expr::Paren { inner, ops })
        } else {
            Ok(Expr::Set { items, ops })
        }
    }
}

/// Appends an operator, merging it into the previous one when both are the
/// same keep/drop/reroll kind (`k1k2` is one keep with two selectors).
fn push_op(ops: &mut Vec<Op>, kind: OpKind, selector: Selector) {
    match ops.last_mut() {
        Some(last) if last.kind == kind && !kind.is_immediate() => last.selectors.push(selector),
        _ => ops.push(Op {
            kind,
            selectors: vec![selector],
        }),
    }
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\x0c' | b'\r' | b'\n')
}

fn is_ws_char(c: char) -> bool {
    u8::try_from(c).is_ok_and(is_ws)
}

fn dice_op_at(rest: &str) -> Option<(OpKind, usize)> {
    if !matches!(
        rest.as_bytes().first(),
        Some(b'r' | b'e' | b'm' | b'k' | b'p')
    ) {
        return None;
    }
    const OPS: [(&str, OpKind); 8] = [
        ("rr", OpKind::Reroll),
        ("ro", OpKind::RerollOnce),
        ("ra", OpKind::RerollAdd),
        ("e", OpKind::Explode),
        ("mi", OpKind::Min),
        ("ma", OpKind::Max),
        ("k", OpKind::Keep),
        ("p", OpKind::Drop),
    ];
    OPS.iter()
        .find(|(sym, _)| rest.starts_with(sym))
        .map(|&(sym, kind)| (kind, sym.len()))
}

/// The binary operator at the start of `rest`: which, its length and its level.
fn binary_at(rest: &[u8]) -> Option<(BinOp, usize, u8)> {
    let next = rest.get(1).copied();
    Some(match (rest.first()?, next) {
        (b'=', Some(b'=')) => (BinOp::Eq, 2, 1),
        (b'!', Some(b'=')) => (BinOp::Ne, 2, 1),
        (b'<', Some(b'=')) => (BinOp::Le, 2, 1),
        (b'>', Some(b'=')) => (BinOp::Ge, 2, 1),
        (b'<', _) => (BinOp::Lt, 1, 1),
        (b'>', _) => (BinOp::Gt, 1, 1),
        (b'+', _) => (BinOp::Add, 1, 2),
        (b'-', _) => (BinOp::Sub, 1, 2),
        (b'*', _) => (BinOp::Mul, 1, 3),
        (b'/', Some(b'/')) => (BinOp::FloorDiv, 2, 3),
        (b'/', _) => (BinOp::Div, 1, 3),
        (b'%', _) => (BinOp::Mod, 1, 3),
        _ => return None,
    })
}

/// Length of a `[label]` (with the whitespace after it) at the start of `rest`.
fn annotation_at(rest: &str) -> Option<usize> {
    if !rest.starts_with('[') {
        return None;
    }
    let close = rest.find([']', '\n'])?;
    if rest.as_bytes()[close] != b']' {
        return None;
    }
    let after = close + 1;
    let ws = rest.as_bytes()[after..]
        .iter()
        .take_while(|b| is_ws(**b))
        .count();
    Some(after + ws)
}

/// The value of a run of ASCII digits, or `None` beyond `u64`.
fn digits_value(digits: &str) -> Option<u64> {
    digits.bytes().try_fold(0u64, |acc, b| {
        acc.checked_mul(10)?.checked_add(u64::from(b - b'0'))
    })
}

fn found(rest: &str) -> String {
    let word: String = rest
        .chars()
        .take_while(|c| !c.is_whitespace())
        .take(12)
        .collect();
    if word.is_empty() {
        "a space".to_string()
    } else {
        format!("'{word}'")
    }
}

fn short(text: &str) -> String {
    if text.len() > 12 {
        format!("{}…", &text[..12])
    } else {
        text.to_string()
    }
}

impl fmt::Display for Parsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.comment {
            Some(c) => write!(f, "{} {c}", self.expr),
            None => write!(f, "{}", self.expr),
        }
    }
}
