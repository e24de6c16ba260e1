//! Decimal text to the nearest double, exactly and without `str::parse::<f64>`,
//! whose tables and slow path cost the web page about 14 KB of gzip. JSON
//! numbers are read with it ([`to_f64`]), and fractional byte sizes (`1.5gb`)
//! are computed as Elasticsearch does, `(long) (Double.parseDouble(number) *
//! unit)` ([`scale`]). Most numbers take an exact fast path; the rest a small
//! big-integer division (a byte size or a JSON number is a few digits).

use std::cmp::Ordering;

/// What `(parsed as f64) * 2^shift` gives, for a decimal `is_number` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scaled {
    /// The truncated product, below 2^63.
    Bytes(i64),
    /// The decimal is negative and does not round to zero.
    Negative,
    /// The product is 2^63 or more.
    TooLarge,
    /// The decimal is beyond the largest double (it parses as infinity).
    Infinite,
}

/// Scales `number` (an optional sign, digits with at most one `.`, and an
/// optional exponent: `e`, an optional sign, digits) by `2^shift`, `shift`
/// below 64, with the `f64` steps: the nearest double, times the power of two
/// (exact; an overflow gives infinity, which is too large), truncated toward
/// zero. `None` for any other text.
pub fn scale(number: &str, shift: u32) -> Option<Scaled> {
    let Some(value) = nearest(&Parsed::new(number)?) else {
        return Some(Scaled::Infinite);
    };
    let bytes = value * (1u64 << shift) as f64;
    Some(if value < 0.0 {
        Scaled::Negative
    } else if bytes >= i64::MAX as f64 {
        Scaled::TooLarge
    } else {
        Scaled::Bytes(bytes as i64)
    })
}

/// The double nearest to `number` (ties to even), which `str::parse::<f64>`
/// also gives, for the text [`scale`] takes; `None` for other text and for a
/// value beyond the largest double.
pub fn to_f64(number: &str) -> Option<f64> {
    nearest(&Parsed::new(number)?)
}

/// The double nearest to `parsed`; `None` beyond the largest double. Most
/// numbers take the exact fast path: at most 15 significant digits and a
/// power of ten up to 22 are both exact doubles, so one multiplication or
/// division rounds correctly.
fn nearest(parsed: &Parsed) -> Option<f64> {
    let sign = if parsed.negative { -1.0 } else { 1.0 };
    if parsed.digits.len() <= 15 && parsed.exponent.abs() <= 22 {
        let digits = parsed
            .digits
            .iter()
            .fold(0u64, |n, &d| n * 10 + u64::from(d)) as f64;
        let power = (0..parsed.exponent.abs()).fold(1.0, |p, _| p * 10.0);
        let value = if parsed.exponent >= 0 {
            digits * power
        } else {
            digits / power
        };
        return Some(sign * value);
    }
    let Some(x) = Fraction::new(parsed) else {
        return Some(sign * 0.0);
    };
    let rounded = x.round_to_double();
    if rounded.exponent > 1023 {
        return None;
    }
    const FRACTION_BITS: u64 = (1 << 52) - 1;
    let bits = if rounded.significand <= FRACTION_BITS {
        // Subnormal (or zero): the biased exponent is 0.
        rounded.significand
    } else {
        ((rounded.exponent + 1023) as u64) << 52 | (rounded.significand & FRACTION_BITS)
    };
    Some(sign * f64::from_bits(bits))
}

/// Significant digits kept: more than the 767 a double's rounding can depend on.
const MAX_DIGITS: usize = 780;

/// The parts of a decimal: its significant digits and its power of ten.
struct Parsed {
    negative: bool,
    /// Digits without leading zeros (empty for zero).
    digits: Vec<u8>,
    /// The value is `digits * 10^exponent`.
    exponent: i64,
}

impl Parsed {
    fn new(text: &str) -> Option<Parsed> {
        let (negative, rest) = split_sign(text)?;
        let (mantissa, exp_text) = match rest.find(['e', 'E']) {
            Some(i) => (&rest[..i], Some(&rest[i + 1..])),
            None => (rest, None),
        };
        let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.len() + fraction.len() == 0 || !all_digits(whole) || !all_digits(fraction) {
            return None;
        }
        let mut exponent = match exp_text {
            Some(e) => parse_exponent(e)?,
            None => 0,
        };
        exponent = exponent.saturating_sub(fraction.len() as i64);
        let mut digits: Vec<u8> = whole
            .bytes()
            .chain(fraction.bytes())
            .skip_while(|&b| b == b'0')
            .map(|b| b - b'0')
            .collect();
        // Rounding to a double needs at most 768 significant digits: the
        // rest only tells whether the value lies above the kept ones, which
        // a final 1 says as well (the usual sticky digit).
        if digits.len() > MAX_DIGITS {
            let sticky = digits[MAX_DIGITS..].iter().any(|&d| d != 0);
            exponent = exponent.saturating_add((digits.len() - MAX_DIGITS) as i64);
            digits.truncate(MAX_DIGITS);
            if sticky {
                digits.push(1);
                exponent -= 1;
            }
        }
        Some(Parsed {
            negative,
            digits,
            exponent,
        })
    }
}

/// A leading `-` or `+` off `text`: whether it was `-`, and the rest. `None` when empty.
fn split_sign(text: &str) -> Option<(bool, &str)> {
    Some(match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    })
}

/// An exponent's value, saturated far beyond any double's range.
fn parse_exponent(text: &str) -> Option<i64> {
    let (negative, digits) = split_sign(text)?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let value = digits.bytes().fold(0i64, |n, b| {
        (n * 10 + i64::from(b - b'0')).min(1_000_000_000)
    });
    Some(if negative { -value } else { value })
}

/// A positive value `numerator / denominator * 2^binary`.
struct Fraction {
    numerator: Big,
    denominator: Big,
    binary: i64,
}

/// A double: `significand * 2^(exponent - 52)`, `significand` below 2^53
/// (below 2^52 only for subnormals and zero).
struct Double {
    significand: u64,
    exponent: i64,
}

impl Fraction {
    /// `None` when the value is zero or below 10^-330, which every double
    /// rounding makes zero (the smallest double is about 4.9e-324).
    fn new(parsed: &Parsed) -> Option<Fraction> {
        if parsed.digits.is_empty() {
            return None;
        }
        // 10^magnitude <= value < 10^(magnitude + 1).
        let magnitude = parsed.digits.len() as i64 - 1 + parsed.exponent;
        if magnitude < -330 {
            return None;
        }
        let mut numerator = Big::from_digits(&parsed.digits);
        let mut denominator = Big::from(1);
        // Past 10^310 every value is infinite: keep the numbers small.
        let exponent = parsed.exponent.min(310 - parsed.digits.len() as i64 + 1);
        // 10^e = 5^e * 2^e.
        if exponent >= 0 {
            numerator.mul_pow5(exponent as u32);
        } else {
            denominator.mul_pow5((-exponent) as u32);
        }
        Some(Fraction {
            numerator,
            denominator,
            binary: exponent,
        })
    }

    /// Rounds to the nearest double, ties to even; exponent 1024 or more means infinity.
    fn round_to_double(&self) -> Double {
        // t such that 2^t <= numerator / denominator < 2^(t + 1).
        let mut t = self.numerator.bits() as i64 - self.denominator.bits() as i64;
        if compare_scaled(&self.numerator, &self.denominator, t) == Ordering::Less {
            t -= 1;
        }
        // The value's own exponent; subnormals keep fewer bits.
        let exponent = (t + self.binary).max(-1022);
        // significand = round(numerator / denominator * 2^(binary + 52 - exponent)).
        let scale = self.binary + 52 - exponent;
        let (mut a, mut b) = (self.numerator.clone(), self.denominator.clone());
        if scale >= 0 {
            a.shl(scale as u32);
        } else {
            b.shl((-scale) as u32);
        }
        let mut significand = 0u64;
        for bit in (0..54).rev() {
            let mut shifted = b.clone();
            shifted.shl(bit);
            if a.cmp(&shifted) != Ordering::Less {
                a.sub(&shifted);
                significand |= 1 << bit;
            }
        }
        // The remainder against half the divisor.
        a.shl(1);
        let round_up = match a.cmp(&b) {
            Ordering::Greater => true,
            Ordering::Equal => significand & 1 == 1,
            Ordering::Less => false,
        };
        let mut exponent = exponent;
        if round_up {
            significand += 1;
        }
        if significand == 1 << 53 {
            significand = 1 << 52;
            exponent += 1;
        }
        Double {
            significand,
            exponent,
        }
    }
}

/// `a` against `b * 2^shift` (a negative shift scales `a` up instead).
fn compare_scaled(a: &Big, b: &Big, shift: i64) -> Ordering {
    let (mut a, mut b) = (a.clone(), b.clone());
    if shift >= 0 {
        b.shl(shift as u32);
    } else {
        a.shl((-shift) as u32);
    }
    a.cmp(&b)
}

/// An unsigned integer of any size: 32-bit limbs, least significant first,
/// never with a zero limb on top (zero is one zero limb). Every operation
/// keeps that, so comparing and counting bits need no trimming.
#[derive(Clone)]
struct Big(Vec<u32>);

impl From<u32> for Big {
    fn from(value: u32) -> Big {
        Big(vec![value])
    }
}

impl Big {
    fn from_digits(digits: &[u8]) -> Big {
        let mut n = Big::from(0);
        for &d in digits {
            n.mul_add(10, u32::from(d));
        }
        n
    }

    fn mul_add(&mut self, factor: u32, add: u32) {
        let mut carry = u64::from(add);
        for limb in &mut self.0 {
            let v = u64::from(*limb) * u64::from(factor) + carry;
            *limb = v as u32;
            carry = v >> 32;
        }
        if carry > 0 {
            self.0.push(carry as u32);
        }
    }

    fn mul_pow5(&mut self, mut n: u32) {
        // 5^13 is the largest power of five below 2^32.
        while n > 0 {
            let step = n.min(13);
            self.mul_add(5u32.pow(step), 0);
            n -= step;
        }
    }

    fn shl(&mut self, bits: u32) {
        if self.0 == [0] {
            return;
        }
        let (limbs, bits) = ((bits / 32) as usize, bits % 32);
        if bits > 0 {
            let mut carry = 0;
            for limb in &mut self.0 {
                let v = (*limb << bits) | carry;
                carry = *limb >> (32 - bits);
                *limb = v;
            }
            if carry > 0 {
                self.0.push(carry);
            }
        }
        self.0.splice(0..0, std::iter::repeat_n(0, limbs));
    }

    /// `self -= other`, with `self >= other`.
    fn sub(&mut self, other: &Big) {
        let mut borrow = 0i64;
        for (i, limb) in self.0.iter_mut().enumerate() {
            let v = i64::from(*limb) - i64::from(other.0.get(i).copied().unwrap_or(0)) - borrow;
            borrow = i64::from(v < 0);
            *limb = v.rem_euclid(1 << 32) as u32;
        }
        self.trim();
    }

    fn trim(&mut self) {
        while self.0.len() > 1 && self.0.last() == Some(&0) {
            self.0.pop();
        }
    }

    fn bits(&self) -> u32 {
        let top = self.0[self.0.len() - 1];
        (self.0.len() as u32 - 1) * 32 + (32 - top.leading_zeros())
    }

    fn cmp(&self, other: &Big) -> Ordering {
        self.0
            .len()
            .cmp(&other.0.len())
            .then_with(|| self.0.iter().rev().cmp(other.0.iter().rev()))
    }
}
