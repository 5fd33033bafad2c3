//! Comparing our dice engine with d20 1.1.2, Avrae's roller.
//!
//! Both engines see the same dice: the k-th die of a roll shows a face derived
//! from `(seed, k)` by [`face`], which `scripts/d20_oracle.py` computes too.
//! So totals, comments, crits and the Markdown breakdown must match exactly.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use rules::dice::{self, Advantage, Crit, DieRoller, RollError};
use serde::{Deserialize, Serialize};

/// splitmix64 of `(seed, k)`; the oracle script computes the same function.
pub fn face(seed: u64, k: u64) -> u64 {
    let mut x = seed
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add((k + 1).wrapping_mul(0xBF58_476D_1CE4_E5B9));
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// A die roller that replays [`face`] for one seed.
#[derive(Debug, Clone)]
pub struct Scripted {
    seed: u64,
    k: u64,
}

impl Scripted {
    /// The roller for `seed`, at its first die.
    pub fn new(seed: u64) -> Self {
        Self { seed, k: 0 }
    }
}

impl DieRoller for Scripted {
    fn roll_die(&mut self, sides: u64) -> u64 {
        let x = face(self.seed, self.k);
        self.k += 1;
        1 + x % sides.max(1)
    }
}

/// One question to d20 and its answer, as the oracle writes it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Case {
    /// The text rolled.
    pub expr: String,
    /// Whether trailing comments were allowed.
    #[serde(default)]
    pub comments: bool,
    /// -1 disadvantage, 0 normal, 1 advantage.
    #[serde(default)]
    pub adv: i8,
    /// Seed of the scripted dice.
    #[serde(default)]
    pub seed: u64,
    /// Whether d20 rolled it.
    #[serde(default)]
    pub ok: bool,
    /// d20's error kind when it did not: syntax, too_many_rolls, value, other.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// d20's total (Python integers may exceed i64).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<serde_json::Number>,
    /// d20's comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// 0 none, 1 crit, 2 fumble.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crit: Option<u8>,
    /// d20's Markdown breakdown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
}

/// Rolls a case with our engine and says how it differs from d20's answer, if it does.
pub fn compare(case: &Case) -> Result<(), String> {
    let adv = match case.adv {
        1 => Advantage::Advantage,
        -1 => Advantage::Disadvantage,
        _ => Advantage::Normal,
    };
    let parsed = if case.comments {
        dice::parse_with_comment(&case.expr)
    } else {
        dice::parse(&case.expr).map(|expr| dice::Parsed {
            expr,
            comment: None,
        })
    };
    let parsed = parsed.map_err(|e| (if e.limit { "too_large" } else { "syntax" }, e.to_string()));
    let ours = parsed.and_then(|p| {
        let rolled = dice::roll_with(&p.expr, adv, &mut Scripted::new(case.seed))
            .map_err(|e| (error_kind(&e), e.to_string()))?;
        let crit = match rolled.crit {
            Crit::None => 0u8,
            Crit::Crit => 1,
            Crit::Fumble => 2,
        };
        // d20 rerolls and explodes the dice of a Python `set`, whose order
        // follows memory addresses: the same faces land on other dice, so
        // only the breakdown's order may differ there.
        let markdown = (!has_set_ordered_op(&p.expr)).then(|| rolled.markdown());
        Ok((rolled.total, p.comment.clone(), crit, markdown))
    });
    let d20_total = case.total.as_ref().and_then(serde_json::Number::as_i64);
    match (case.ok, ours) {
        // Beyond 64 bits we stop with "too large" on purpose (see rules::dice).
        (true, Err(("too_large", _))) => Ok(()),
        (true, Ok((total, comment, crit, markdown))) => {
            let want = (
                d20_total,
                case.comment.clone(),
                case.crit,
                markdown.as_ref().and(case.result.clone()),
            );
            let got = (Some(total), comment, Some(crit), markdown);
            if want == got {
                Ok(())
            } else {
                Err(format!("d20 {want:?}\n  ours {got:?}"))
            }
        }
        (false, Err((kind, msg))) => {
            let want = case.error.as_deref().unwrap_or("");
            // d20's "other" are Python's own limits (recursion depth, float overflow).
            if want == kind || want == "other" || kind == "too_large" {
                Ok(())
            } else {
                Err(format!("d20 error {want}, ours {kind}: {msg}"))
            }
        }
        (true, Err((kind, msg))) => Err(format!(
            "d20 rolled {:?}, ours failed ({kind}): {msg}",
            case.total
        )),
        (false, Ok((total, ..))) => Err(format!(
            "d20 failed ({:?}), ours rolled {total}",
            case.error
        )),
    }
}

fn has_set_ordered_op(expr: &dice::Expr) -> bool {
    use dice::{Expr, OpKind};
    match expr {
        Expr::Literal(_) => false,
        Expr::Dice(d) => d.ops.iter().any(|op| {
            matches!(
                op.kind,
                OpKind::Reroll | OpKind::RerollOnce | OpKind::Explode
            )
        }),
        Expr::Set { items, .. } => items.iter().any(has_set_ordered_op),
        Expr::Paren { inner, .. } | Expr::Unary(_, inner) => has_set_ordered_op(inner),
        Expr::Annotated(a) => has_set_ordered_op(&a.inner),
        Expr::Binary(_, l, r) => has_set_ordered_op(l) || has_set_ordered_op(r),
    }
}

fn error_kind(e: &RollError) -> &'static str {
    match e {
        RollError::TooManyRolls => "too_many_rolls",
        RollError::TooLarge => "too_large",
        RollError::DivideByZero | RollError::ZeroSides | RollError::BadSelector { .. } => "value",
    }
}

/// The repository's root (where `scripts/` is).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// A running `scripts/d20_oracle.py`.
pub struct Oracle {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Oracle {
    /// Starts the oracle with `python` (which must have d20 1.1.2 installed).
    pub fn start(python: &str) -> std::io::Result<Self> {
        let mut child = Command::new(python)
            .arg(repo_root().join("scripts/d20_oracle.py"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?;
        let stdin = child
            .stdin
            .take()
            .ok_or_else(|| std::io::Error::other("no stdin"))?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| std::io::Error::other("no stdout"))?;
        Ok(Self {
            child,
            stdin,
            stdout: BufReader::new(stdout),
        })
    }

    /// Asks d20 to roll `expr`.
    pub fn ask(&mut self, expr: &str, comments: bool, adv: i8, seed: u64) -> std::io::Result<Case> {
        let q = serde_json::json!({"expr": expr, "comments": comments, "adv": adv, "seed": seed});
        writeln!(self.stdin, "{q}")?;
        self.stdin.flush()?;
        let mut line = String::new();
        self.stdout.read_line(&mut line)?;
        serde_json::from_str(&line).map_err(std::io::Error::other)
    }
}

impl Drop for Oracle {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
