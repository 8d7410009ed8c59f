//! An exact decimal for money: TikTok Shop sends amounts as decimal strings, and sums must be exact.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

/// Most digits after the point kept; TikTok's currencies use at most 3 (a few fees 4).
const MAX_SCALE: u32 = 9;

/// An exact decimal number: `mantissa / 10^scale`. Never a binary float.
///
/// Parses TikTok's decimal strings (`"5000"`, `"0.01"`, `"-1.50"`), adds without rounding and prints the
/// shortest exact form with at least the scale it was given (`"1.50" + "2" = "3.50"`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Decimal {
    mantissa: i128,
    scale: u32,
}

/// A string that is not a plain decimal number (or one too large or too precise to keep exactly).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an exact decimal amount")]
pub struct InvalidDecimal;

impl Decimal {
    /// Zero, with no digits after the point.
    pub const ZERO: Decimal = Decimal {
        mantissa: 0,
        scale: 0,
    };

    /// A whole number.
    pub fn from_int(value: i64) -> Self {
        Self {
            mantissa: i128::from(value),
            scale: 0,
        }
    }

    /// The exact sum, or `None` on overflow (far beyond any real amount).
    pub fn checked_add(self, other: Decimal) -> Option<Decimal> {
        let scale = self.scale.max(other.scale);
        let a = self.rescaled(scale)?;
        let b = other.rescaled(scale)?;
        Some(Decimal {
            mantissa: a.checked_add(b)?,
            scale,
        })
    }

    /// The exact product by a whole number, or `None` on overflow.
    pub fn checked_mul_int(self, factor: i64) -> Option<Decimal> {
        Some(Decimal {
            mantissa: self.mantissa.checked_mul(i128::from(factor))?,
            scale: self.scale,
        })
    }

    fn rescaled(self, scale: u32) -> Option<i128> {
        self.mantissa
            .checked_mul(10i128.checked_pow(scale - self.scale)?)
    }

    /// Whether it is zero.
    pub fn is_zero(self) -> bool {
        self.mantissa == 0
    }
}

impl FromStr for Decimal {
    type Err = InvalidDecimal;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let (negative, digits) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s.strip_prefix('+').unwrap_or(s)),
        };
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        let all_digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
        if (whole.is_empty() && fraction.is_empty()) || !all_digits(whole) || !all_digits(fraction)
        {
            return Err(InvalidDecimal);
        }
        if digits.ends_with('.') {
            return Err(InvalidDecimal);
        }
        let scale = u32::try_from(fraction.len()).map_err(|_| InvalidDecimal)?;
        if scale > MAX_SCALE {
            return Err(InvalidDecimal);
        }
        let mut mantissa: i128 = 0;
        for b in whole.bytes().chain(fraction.bytes()) {
            mantissa = mantissa
                .checked_mul(10)
                .and_then(|m| m.checked_add(i128::from(b - b'0')))
                .ok_or(InvalidDecimal)?;
        }
        Ok(Decimal {
            mantissa: if negative { -mantissa } else { mantissa },
            scale,
        })
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.mantissa < 0 { "-" } else { "" };
        let digits = self.mantissa.unsigned_abs().to_string();
        let scale = self.scale as usize;
        if scale == 0 {
            return write!(f, "{sign}{digits}");
        }
        let padded = format!("{digits:0>width$}", width = scale + 1);
        let (whole, fraction) = padded.split_at(padded.len() - scale);
        write!(f, "{sign}{whole}.{fraction}")
    }
}

impl PartialEq for Decimal {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Decimal {}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> Ordering {
        let scale = self.scale.max(other.scale);
        match (self.rescaled(scale), other.rescaled(scale)) {
            (Some(a), Some(b)) => a.cmp(&b),
            // Rescaling overflows only for huge values; compare by sign then fall back to the wider one.
            _ => self.mantissa.signum().cmp(&other.mantissa.signum()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().expect("decimal")
    }

    #[test]
    fn parses_and_prints_exactly() {
        for s in ["0", "5000", "0.01", "-1.50", "123456789012345678.123"] {
            assert_eq!(d(s).to_string(), s);
        }
        assert_eq!(d("+7.0").to_string(), "7.0");
        for bad in [
            "",
            "-",
            ".",
            "1.",
            "1e3",
            "1,5",
            "abc",
            "NaN",
            "0.0000000001",
            "1.2.3",
        ] {
            assert_eq!(bad.parse::<Decimal>(), Err(InvalidDecimal), "{bad}");
        }
    }

    #[test]
    fn sums_are_exact_where_floats_are_not() {
        let mut total = Decimal::ZERO;
        for _ in 0..10 {
            total = total.checked_add(d("0.1")).expect("sum");
        }
        assert_eq!(total, d("1"));
        assert_eq!(total.to_string(), "1.0");
        assert_eq!(
            d("1.50").checked_add(d("2")).expect("sum").to_string(),
            "3.50"
        );
        assert_eq!(
            d("0.01").checked_mul_int(3).expect("mul").to_string(),
            "0.03"
        );
        assert!(d("0.10") == d("0.1"));
        assert!(d("2") > d("1.99"));
    }
}
