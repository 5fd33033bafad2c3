//! Numbers as d20 computes them: integers and floats with Python's semantics.

use std::cmp::Ordering;
use std::fmt;

use super::eval::RollError;

/// A value in a dice expression: an integer, or a float once a decimal or `/` is involved.
///
/// Arithmetic follows Python (which d20 runs on): `/` always gives a float,
/// `//` floors, `%` takes the sign of the divisor, and comparisons give 1 or 0.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
#[serde(untagged)]
pub enum Num {
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
}

impl Num {
    /// Integer zero, the value of an empty set.
    pub const ZERO: Num = Num::Int(0);

    fn as_f64(self) -> f64 {
        match self {
            Num::Int(i) => i as f64,
            Num::Float(f) => f,
        }
    }

    /// Truncates toward zero, as d20 does with a final total.
    pub fn trunc(self) -> Result<i64, RollError> {
        match self {
            Num::Int(i) => Ok(i),
            Num::Float(f) if f.is_finite() && f.abs() < 9.2e18 => Ok(f.trunc() as i64),
            Num::Float(_) => Err(RollError::TooLarge),
        }
    }

    /// `self + other`.
    pub fn checked_add(self, other: Num) -> Result<Num, RollError> {
        self.arith(other, i64::checked_add, |a, b| a + b)
    }

    /// `self - other`.
    pub fn checked_sub(self, other: Num) -> Result<Num, RollError> {
        self.arith(other, i64::checked_sub, |a, b| a - b)
    }

    /// `self * other`.
    pub fn checked_mul(self, other: Num) -> Result<Num, RollError> {
        self.arith(other, i64::checked_mul, |a, b| a * b)
    }

    /// `self / other`: true division, always a float.
    pub fn true_div(self, other: Num) -> Result<Num, RollError> {
        if other.is_zero() {
            return Err(RollError::DivideByZero);
        }
        Ok(Num::Float(self.as_f64() / other.as_f64()))
    }

    /// `self // other`: floor division.
    pub fn floor_div(self, other: Num) -> Result<Num, RollError> {
        if other.is_zero() {
            return Err(RollError::DivideByZero);
        }
        match (self, other) {
            (Num::Int(a), Num::Int(b)) => {
                let q = a.checked_div(b).ok_or(RollError::TooLarge)?;
                let floored = if (a % b != 0) && ((a < 0) != (b < 0)) {
                    q - 1
                } else {
                    q
                };
                Ok(Num::Int(floored))
            }
            _ => Ok(Num::Float(py_divmod(self.as_f64(), other.as_f64()).0)),
        }
    }

    /// `self % other`: the remainder takes the sign of the divisor.
    pub fn modulo(self, other: Num) -> Result<Num, RollError> {
        if other.is_zero() {
            return Err(RollError::DivideByZero);
        }
        match (self, other) {
            (Num::Int(a), Num::Int(b)) => {
                // `checked_rem` only fails for i64::MIN % -1, whose remainder is 0.
                let r = a.checked_rem(b).unwrap_or(0);
                Ok(Num::Int(if r != 0 && ((r < 0) != (b < 0)) {
                    r + b
                } else {
                    r
                }))
            }
            _ => Ok(Num::Float(py_divmod(self.as_f64(), other.as_f64()).1)),
        }
    }

    /// Unary minus.
    pub fn checked_neg(self) -> Result<Num, RollError> {
        match self {
            Num::Int(i) => i.checked_neg().map(Num::Int).ok_or(RollError::TooLarge),
            Num::Float(f) => Ok(Num::Float(-f)),
        }
    }

    /// Compares two numbers the way Python does (exactly between integers).
    pub fn compare(self, other: Num) -> Option<Ordering> {
        match (self, other) {
            (Num::Int(a), Num::Int(b)) => Some(a.cmp(&b)),
            _ => self.as_f64().partial_cmp(&other.as_f64()),
        }
    }

    fn is_zero(self) -> bool {
        match self {
            Num::Int(i) => i == 0,
            Num::Float(f) => f == 0.0,
        }
    }

    fn arith(
        self,
        other: Num,
        int: fn(i64, i64) -> Option<i64>,
        float: fn(f64, f64) -> f64,
    ) -> Result<Num, RollError> {
        match (self, other) {
            (Num::Int(a), Num::Int(b)) => int(a, b).map(Num::Int).ok_or(RollError::TooLarge),
            _ => Ok(Num::Float(float(self.as_f64(), other.as_f64()))),
        }
    }
}

/// Python's float `divmod`: floor quotient and a remainder with the divisor's sign.
fn py_divmod(a: f64, b: f64) -> (f64, f64) {
    let mut rem = a % b;
    let mut div = (a - rem) / b;
    if rem != 0.0 {
        if (b < 0.0) != (rem < 0.0) {
            rem += b;
            div -= 1.0;
        }
    } else {
        rem = 0.0_f64.copysign(b);
    }
    let floordiv = if div != 0.0 {
        let f = div.floor();
        if div - f > 0.5 { f + 1.0 } else { f }
    } else {
        0.0_f64.copysign(a / b)
    };
    (floordiv, rem)
}

impl fmt::Display for Num {
    /// Formats like Python's `str()`: `3`, `1.5`, `2.0`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Num::Int(i) => write!(f, "{i}"),
            Num::Float(x) if x.is_nan() => f.write_str("nan"),
            Num::Float(x) if x.is_infinite() => f.write_str(if x > 0.0 { "inf" } else { "-inf" }),
            Num::Float(x) => {
                let abs = x.abs();
                if abs != 0.0 && !(1e-4..1e16).contains(&abs) {
                    let s = format!("{x:e}");
                    let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
                    let exp: i32 = exp.parse().unwrap_or(0);
                    write!(
                        f,
                        "{mantissa}e{}{:02}",
                        if exp < 0 { '-' } else { '+' },
                        exp.abs()
                    )
                } else if x.fract() == 0.0 {
                    write!(f, "{x:.1}")
                } else {
                    write!(f, "{x}")
                }
            }
        }
    }
}
