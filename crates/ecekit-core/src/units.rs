//! Elasticsearch byte sizes and time values, parsed the way Elasticsearch
//! parses them, so a value that ecekit accepts is one the cluster accepts.
//!
//! Byte sizes (`ByteSizeValue.parseBytesSizeValue`): a number followed by
//! `b`, `k`/`kb`, `m`/`mb`, `g`/`gb`, `t`/`tb` or `p`/`pb` (case-insensitive,
//! binary: `1kb` = 1024 bytes); the bare numbers `0` and `-1` (unlimited)
//! are the only values allowed without a unit. Fractional numbers (`1.5gb`)
//! are accepted by Elasticsearch with a deprecation warning.
//!
//! Time values (`TimeValue.parseTimeValue`): a whole number followed by
//! `nanos`, `micros`, `ms`, `s`, `m`, `h` or `d`; the bare numbers `0` and
//! `-1` are the only values allowed without a unit. Fractional time values
//! and negative durations other than `-1` are rejected.

use crate::decimal::{self, Scaled};
use std::fmt;

/// Why a byte size or time value does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnitErrorKind {
    /// Empty or blank.
    Empty,
    /// A number with no unit, or an unknown unit (`5`, `5mib`, `5 seconds`).
    MissingOrUnknownUnit,
    /// The part before the unit is not a number (`fivemb`).
    NotANumber,
    /// A negative value other than `-1`.
    Negative,
    /// A fractional time value (`1.5s`): Elasticsearch rejects it.
    Fractional,
    /// More than Elasticsearch can hold (9223372036854775807 bytes).
    TooLarge,
}

/// A value that does not parse, with a message that says what is wrong and
/// which forms are accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitError {
    pub kind: UnitErrorKind,
    pub message: String,
}

impl fmt::Display for UnitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UnitError {}

/// The accepted byte-size forms, for help texts.
pub const BYTES_HELP: &str =
    "Write a number followed by a unit: b, kb, mb, gb, tb or pb (binary: 1kb = 1024 bytes), e.g. `5mb` or `1gb`; `0` and `-1` are the only values allowed without a unit.";

/// The accepted time forms, for help texts.
pub const TIME_HELP: &str =
    "Write a whole number followed by a unit: nanos, micros, ms, s, m, h or d, e.g. `50ms`, `5s` or `3m`; `0` and `-1` are the only values allowed without a unit.";

/// A parsed byte size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteSize {
    /// Size in bytes; `-1` means "unlimited" where a setting allows it.
    pub bytes: i64,
    /// True when the number had a fractional part (`1.5gb`): Elasticsearch
    /// accepts it but logs a deprecation warning.
    pub fractional: bool,
}

fn err(kind: UnitErrorKind, message: String) -> UnitError {
    UnitError { kind, message }
}

/// Byte-size units, longest suffix first within each letter, as Elasticsearch
/// checks them.
const BYTE_UNITS: &[(&str, i64)] = &[
    ("kb", 1 << 10),
    ("k", 1 << 10),
    ("mb", 1 << 20),
    ("m", 1 << 20),
    ("gb", 1 << 30),
    ("g", 1 << 30),
    ("tb", 1 << 40),
    ("t", 1 << 40),
    ("pb", 1 << 50),
    ("p", 1 << 50),
    ("b", 1),
];

/// Parses an Elasticsearch byte size such as `5mb`, `128kb`, `1.5gb`, `0`, `-1`.
pub fn parse_bytes(input: &str) -> Result<ByteSize, UnitError> {
    if input == "0" {
        return Ok(ByteSize {
            bytes: 0,
            fractional: false,
        });
    }
    if input == "-1" {
        return Ok(ByteSize {
            bytes: -1,
            fractional: false,
        });
    }
    let lower = input.trim().to_ascii_lowercase();
    if lower.is_empty() {
        return Err(err(
            UnitErrorKind::Empty,
            "the value is empty, so it is not a byte size".into(),
        ));
    }
    let Some((suffix, multiplier)) = BYTE_UNITS
        .iter()
        .find(|(suffix, _)| lower.ends_with(suffix))
        .copied()
    else {
        let message = if is_number(&lower) {
            format!("`{input}` has no unit, so Elasticsearch cannot tell bytes from megabytes and rejects it")
        } else {
            format!("`{input}` does not end with a byte-size unit Elasticsearch knows")
        };
        return Err(err(UnitErrorKind::MissingOrUnknownUnit, message));
    };
    let number = lower[..lower.len() - suffix.len()].trim();
    if let Ok(n) = number.parse::<i64>() {
        if n < 0 {
            if n == -1 {
                return Ok(ByteSize {
                    bytes: -1,
                    fractional: false,
                });
            }
            return Err(err(
                UnitErrorKind::Negative,
                format!("`{input}` is negative; a byte size must be positive (or `-1` where a setting allows unlimited)"),
            ));
        }
        return match n.checked_mul(multiplier) {
            Some(bytes) => Ok(ByteSize {
                bytes,
                fractional: false,
            }),
            None => Err(err(
                UnitErrorKind::TooLarge,
                format!(
                    "`{input}` is larger than the 9223372036854775807 bytes Elasticsearch can hold"
                ),
            )),
        };
    }
    let not_a_number = || {
        err(
            UnitErrorKind::NotANumber,
            format!(
                "`{input}` is not a byte size: the part before the unit `{suffix}` is not a number"
            ),
        )
    };
    if !is_number(number) {
        return Err(not_a_number());
    }
    // Elasticsearch: `(long) (Double.parseDouble(number) * unit)`.
    match decimal::scale(number, multiplier.trailing_zeros()) {
        None | Some(Scaled::Infinite) => Err(not_a_number()),
        Some(Scaled::Negative) => Err(err(
            UnitErrorKind::Negative,
            format!("`{input}` is negative; a byte size must be positive"),
        )),
        Some(Scaled::TooLarge) => Err(err(
            UnitErrorKind::TooLarge,
            format!(
                "`{input}` is larger than the 9223372036854775807 bytes Elasticsearch can hold"
            ),
        )),
        Some(Scaled::Bytes(bytes)) => Ok(ByteSize {
            bytes,
            fractional: true,
        }),
    }
}

/// Time units, in the order Elasticsearch checks the suffixes (`nanos` and
/// `micros` before `s`, `ms` before `s` and `m`).
const TIME_UNITS: &[(&str, i128)] = &[
    ("nanos", 1),
    ("micros", 1_000),
    ("ms", 1_000_000),
    ("s", 1_000_000_000),
    ("m", 60_000_000_000),
    ("h", 3_600_000_000_000),
    ("d", 86_400_000_000_000),
];

/// Nanoseconds of the special value `-1` (Elasticsearch's `TimeValue.MINUS_ONE`
/// is -1 millisecond).
pub const MINUS_ONE_NANOS: i128 = -1_000_000;

/// Parses an Elasticsearch time value such as `50ms`, `5s`, `3m`, `0`, `-1`,
/// to nanoseconds. `-1` alone is -1 ms; `-1s` is -1 s (Elasticsearch allows
/// -1 of any unit, and no other negative value).
pub fn parse_time(input: &str) -> Result<i128, UnitError> {
    let lower = input.trim().to_ascii_lowercase();
    if lower.is_empty() {
        return Err(err(
            UnitErrorKind::Empty,
            "the value is empty, so it is not a time value".into(),
        ));
    }
    let Some((suffix, nanos)) = TIME_UNITS
        .iter()
        .find(|(suffix, _)| lower.ends_with(suffix))
        .copied()
    else {
        if lower.bytes().all(|b| b == b'0') {
            return Ok(0);
        }
        if let Some(digits) = lower.strip_prefix('-') {
            // `-0*1`, as Elasticsearch matches it.
            if let Some(zeros) = digits.strip_suffix('1') {
                if zeros.bytes().all(|b| b == b'0') {
                    return Ok(MINUS_ONE_NANOS);
                }
            }
        }
        let message = if is_number(&lower) {
            format!("`{input}` has no unit, so Elasticsearch cannot tell seconds from milliseconds and rejects it")
        } else {
            format!("`{input}` does not end with a time unit Elasticsearch knows")
        };
        return Err(err(UnitErrorKind::MissingOrUnknownUnit, message));
    };
    let number = lower[..lower.len() - suffix.len()].trim();
    match number.parse::<i64>() {
        Ok(n) if n < 0 && n != -1 => Err(err(
            UnitErrorKind::Negative,
            format!("`{input}` is a negative duration; Elasticsearch accepts no negative time value except -1"),
        )),
        Ok(n) => Ok(n as i128 * nanos),
        Err(_) if is_number(number) => {
            if number.contains('.') || number.contains('e') {
                Err(err(
                    UnitErrorKind::Fractional,
                    format!("`{input}` has a fractional part; Elasticsearch rejects fractional time values"),
                ))
            } else {
                Err(err(
                    UnitErrorKind::TooLarge,
                    format!("`{input}` is too large for a time value"),
                ))
            }
        }
        Err(_) => Err(err(
            UnitErrorKind::NotANumber,
            format!("`{input}` does not start with a whole number before its unit `{suffix}`"),
        )),
    }
}

/// True for a plain decimal number such as `5`, `-1`, `1.5`, `2e3`.
fn is_number(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    if s.is_empty() {
        return false;
    }
    let mut digits = 0;
    let mut dot = false;
    let mut exp = false;
    let mut prev = ' ';
    for c in s.chars() {
        match c {
            '0'..='9' => digits += 1,
            '.' if !dot && !exp => dot = true,
            'e' if digits > 0 && !exp => exp = true,
            '-' | '+' if prev == 'e' => {}
            _ => return false,
        }
        prev = c;
    }
    digits > 0 && prev != 'e'
}

/// Formats bytes with the largest unit that divides them exactly (`5mb`, `1536b`).
pub fn format_bytes(bytes: i64) -> String {
    if bytes <= 0 {
        return bytes.to_string();
    }
    for (unit, size) in [
        ("pb", 1i64 << 50),
        ("tb", 1 << 40),
        ("gb", 1 << 30),
        ("mb", 1 << 20),
        ("kb", 1 << 10),
    ] {
        if bytes % size == 0 {
            return format!("{}{unit}", bytes / size);
        }
    }
    format!("{bytes}b")
}

/// Formats nanoseconds with the largest unit that divides them exactly (`5s`, `50ms`).
pub fn format_time(nanos: i128) -> String {
    if nanos == 0 {
        return "0ms".into();
    }
    if nanos == MINUS_ONE_NANOS {
        return "-1".into();
    }
    for (unit, size) in TIME_UNITS.iter().rev() {
        if nanos % size == 0 {
            return format!("{}{unit}", nanos / size);
        }
    }
    format!("{nanos}nanos")
}

/// How a value relates to a `[min, max]` range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeCheck {
    Ok,
    BelowMin,
    AboveMax,
}

/// Checks `value` against optional inclusive bounds.
pub fn check_range<T: PartialOrd>(value: T, min: Option<T>, max: Option<T>) -> RangeCheck {
    if let Some(min) = min {
        if value < min {
            return RangeCheck::BelowMin;
        }
    }
    if let Some(max) = max {
        if value > max {
            return RangeCheck::AboveMax;
        }
    }
    RangeCheck::Ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(s: &str) -> i64 {
        parse_bytes(s).unwrap().bytes
    }

    #[test]
    fn byte_units_are_binary_and_case_insensitive() {
        assert_eq!(bytes("5mb"), 5 * 1024 * 1024);
        assert_eq!(bytes("5MB"), 5 * 1024 * 1024);
        assert_eq!(bytes("128kb"), 131072);
        assert_eq!(bytes("128k"), 131072);
        assert_eq!(bytes("1b"), 1);
        assert_eq!(bytes("5tb"), 5_497_558_138_880);
        assert_eq!(bytes("1pb"), 1 << 50);
        assert_eq!(bytes("5 gb"), 5 << 30);
        assert_eq!(bytes("0"), 0);
        assert_eq!(bytes("-1"), -1);
        assert_eq!(bytes("0b"), 0);
    }

    #[test]
    fn fractional_bytes_are_flagged() {
        let v = parse_bytes("1.5gb").unwrap();
        assert_eq!(v.bytes, 3 << 29);
        assert!(v.fractional);
        assert!(!parse_bytes("2gb").unwrap().fractional);
    }

    #[test]
    fn bad_byte_sizes_say_why() {
        assert_eq!(
            parse_bytes("100").unwrap_err().kind,
            UnitErrorKind::MissingOrUnknownUnit
        );
        assert!(parse_bytes("100").unwrap_err().message.contains("no unit"));
        assert_eq!(
            parse_bytes("5mib").unwrap_err().kind,
            UnitErrorKind::NotANumber
        );
        assert_eq!(
            parse_bytes("5x").unwrap_err().kind,
            UnitErrorKind::MissingOrUnknownUnit
        );
        assert_eq!(
            parse_bytes("fivemb").unwrap_err().kind,
            UnitErrorKind::NotANumber
        );
        assert_eq!(
            parse_bytes("mb").unwrap_err().kind,
            UnitErrorKind::NotANumber
        );
        assert_eq!(
            parse_bytes("-5mb").unwrap_err().kind,
            UnitErrorKind::Negative
        );
        assert_eq!(parse_bytes("").unwrap_err().kind, UnitErrorKind::Empty);
        assert_eq!(
            parse_bytes("9000000pb").unwrap_err().kind,
            UnitErrorKind::TooLarge
        );
        assert_eq!(
            parse_bytes("1e30gb").unwrap_err().kind,
            UnitErrorKind::TooLarge
        );
    }

    #[test]
    fn time_units_parse_to_nanoseconds() {
        assert_eq!(parse_time("50ms").unwrap(), 50_000_000);
        assert_eq!(parse_time("5s").unwrap(), 5_000_000_000);
        assert_eq!(parse_time("3m").unwrap(), 180_000_000_000);
        assert_eq!(parse_time("1h").unwrap(), 3_600_000_000_000);
        assert_eq!(parse_time("1d").unwrap(), 86_400_000_000_000);
        assert_eq!(parse_time("7nanos").unwrap(), 7);
        assert_eq!(parse_time("7micros").unwrap(), 7_000);
        assert_eq!(parse_time("5S").unwrap(), 5_000_000_000);
        assert_eq!(parse_time("0").unwrap(), 0);
        assert_eq!(parse_time("000").unwrap(), 0);
        assert_eq!(parse_time("-1").unwrap(), MINUS_ONE_NANOS);
        assert_eq!(parse_time("-001").unwrap(), MINUS_ONE_NANOS);
        assert_eq!(parse_time("-1m").unwrap(), -60_000_000_000);
    }

    #[test]
    fn bad_time_values_say_why() {
        assert_eq!(
            parse_time("5").unwrap_err().kind,
            UnitErrorKind::MissingOrUnknownUnit
        );
        assert_eq!(
            parse_time("1.5s").unwrap_err().kind,
            UnitErrorKind::Fractional
        );
        assert_eq!(parse_time("-5s").unwrap_err().kind, UnitErrorKind::Negative);
        assert_eq!(
            parse_time("5 seconds").unwrap_err().kind,
            UnitErrorKind::NotANumber
        );
        assert_eq!(
            parse_time("5w").unwrap_err().kind,
            UnitErrorKind::MissingOrUnknownUnit
        );
        assert_eq!(parse_time(" ").unwrap_err().kind, UnitErrorKind::Empty);
        assert_eq!(parse_time("s").unwrap_err().kind, UnitErrorKind::NotANumber);
    }

    #[test]
    fn formatting_round_trips() {
        for s in ["5mb", "128kb", "5tb", "1537b", "3gb"] {
            assert_eq!(format_bytes(bytes(s)), s);
        }
        for s in ["50ms", "5s", "3m", "1h", "2d", "7nanos", "9micros"] {
            assert_eq!(format_time(parse_time(s).unwrap()), s);
        }
    }

    #[test]
    fn ranges() {
        assert_eq!(check_range(5, Some(1), Some(10)), RangeCheck::Ok);
        assert_eq!(check_range(0, Some(1), None), RangeCheck::BelowMin);
        assert_eq!(check_range(11, None, Some(10)), RangeCheck::AboveMax);
    }

    /// What `parse_bytes` computed before `decimal::scale`, with f64 as
    /// Elasticsearch does: the reference for a fractional byte size.
    fn scaled_with_f64(number: &str, shift: u32) -> Option<Scaled> {
        let value: f64 = number.parse().ok()?;
        if !value.is_finite() {
            return Some(Scaled::Infinite);
        }
        if value < 0.0 {
            return Some(Scaled::Negative);
        }
        let bytes = value * (1u64 << shift) as f64;
        Some(if bytes >= i64::MAX as f64 {
            Scaled::TooLarge
        } else {
            Scaled::Bytes(bytes as i64)
        })
    }

    /// `decimal` against f64: the scaled byte sizes, and the double itself
    /// (which JSON numbers get from `decimal::to_f64`).
    fn assert_scales_like_f64(number: &str) {
        for shift in [0, 10, 20, 30, 40, 50] {
            assert_eq!(
                decimal::scale(number, shift),
                scaled_with_f64(number, shift),
                "{number} << {shift}"
            );
        }
        let double = number.parse::<f64>().ok().filter(|v| v.is_finite());
        assert_eq!(
            decimal::to_f64(number).map(f64::to_bits),
            double.map(f64::to_bits),
            "{number} as a double"
        );
    }

    #[test]
    fn fractional_bytes_are_the_f64_product_at_the_edges() {
        let two_to_minus_1075 = {
            // 5^1075 / 10^1075, written out.
            let mut digits = vec![1u32];
            for _ in 0..1075 {
                let mut carry = 0;
                for d in digits.iter_mut() {
                    let v = *d * 5 + carry;
                    *d = v % 10;
                    carry = v / 10;
                }
                while carry > 0 {
                    digits.push(carry % 10);
                    carry /= 10;
                }
            }
            let text: String = digits
                .iter()
                .rev()
                .map(|d| char::from(b'0' + *d as u8))
                .collect();
            format!("0.{}{text}", "0".repeat(1075 - text.len()))
        };
        let long_nines = format!("0.{}", "9".repeat(2000));
        let long_tie = format!("9007199254740993{}", "0".repeat(900));
        let long_above_tie = format!("9007199254740993{}1", "0".repeat(900));
        // 8192 + 2^-40: halfway between 8192 and the next double, written
        // out (a whole byte apart once scaled by 2^50, 2048 bytes).
        let halfway = "8192.0000000000009094947017729282379150390625";
        let above_halfway = format!("{halfway}000000000001");
        let below_halfway = "8192.00000000000090949470177292823791503906249999";
        for number in [
            "0.5",
            "1.5",
            ".5",
            "1.",
            "1.e3",
            "+2.25",
            "-0.0",
            "-0.5",
            "-1e-400",
            "1e-400",
            "0.99999999999999999999",
            "0.9999999999999999",
            "8191.99999999999999",
            "9007199254740993",
            "9007199254740993.0",
            "9007199254740995",
            "4.5e15",
            "8388607.999999999",
            "8388608.0",
            "8796093022207.999",
            "9.223372036854775807e18",
            "9223372036854775295.0",
            "9223372036854775296.0",
            "1.7976931348623157e308",
            "1.7976931348623158e308",
            "1.797693134862315807e308",
            "1.7976931348623159e308",
            "1e309",
            "-1e309",
            "1e+",
            "1e-",
            "4.9406564584124654e-324",
            "2.4703282292062328e-324",
            "1e999999999999999999999",
            "1e-999999999999999999999",
            "123.456e-2",
            &two_to_minus_1075,
            &format!("-{two_to_minus_1075}"),
            &long_nines,
            &long_tie,
            &long_above_tie,
            halfway,
            &above_halfway,
            below_halfway,
        ] {
            assert_scales_like_f64(number);
        }
    }

    proptest::proptest! {
        #[test]
        fn fractional_bytes_are_the_f64_product(
            number in "[+-]?[0-9]{0,22}(\\.[0-9]{0,22})?(e[+-]?[0-9]{1,3})?"
        ) {
            proptest::prop_assume!(is_number(&number));
            assert_scales_like_f64(&number);
        }

        #[test]
        fn fractional_bytes_near_doubles_are_the_f64_product(bits in 0u64..0x7ff0_0000_0000_0000, nudge in 0usize..3) {
            // A double written out in full, and just below or above it.
            let text = format!("{:.40e}", f64::from_bits(bits));
            let (mantissa, exponent) = text.split_once('e').unwrap();
            let mantissa = match nudge {
                0 => mantissa.to_string(),
                1 => format!("{mantissa}1"),
                _ => mantissa.trim_end_matches('0').to_string(),
            };
            assert_scales_like_f64(&format!("{mantissa}e{exponent}"));
        }

        #[test]
        fn parsers_never_panic(s in "\\PC{0,20}") {
            let _ = parse_bytes(&s);
            let _ = parse_time(&s);
        }

        #[test]
        fn any_whole_number_of_any_unit_parses(n in 0i64..1_000_000, unit in "(b|kb|mb|gb|k|m|g)") {
            let v = parse_bytes(&format!("{n}{unit}")).unwrap();
            proptest::prop_assert!(!v.fractional);
            proptest::prop_assert!(v.bytes >= n);
        }
    }
}
