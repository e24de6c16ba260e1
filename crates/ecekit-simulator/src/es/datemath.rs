//! Date math in names (`<nightly-{now/d}>`), as Elasticsearch resolves it
//! for index and snapshot names (`DateMathExpressionResolver`; format
//! `yyyy.MM.dd` and UTC by default, reference §A.4). SLM resolves a policy's
//! `name` with it before it checks the generated snapshot name.

use crate::util::{civil_from_days, days_from_civil};

/// The name with every `{...}` placeholder resolved at `now_ms`, or why it
/// does not parse (the reason after `invalid dynamic name expression [...]. `).
pub fn resolve(expression: &str, now_ms: i64) -> Result<String, String> {
    let Some(text) = expression
        .strip_prefix('<')
        .and_then(|t| t.strip_suffix('>'))
    else {
        return Ok(expression.to_string());
    };
    let fail = |detail: String| format!("invalid dynamic name expression [{text}]. {detail}");
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' => {
                if let Some(c) = chars.get(i + 1) {
                    out.push(*c);
                }
                i += 2;
            }
            '}' => {
                return Err(fail(format!(
                    "invalid character at position [{i}]. `{{` and `}}` are reserved characters and should be escaped when used as part of the index name using `\\` (e.g. `\\{{text\\}}`)"
                )))
            }
            '{' => {
                let start = i + 1;
                let mut j = start;
                while j < chars.len() && chars[j] != '{' && chars[j] != '}' {
                    j += 1;
                }
                if j >= chars.len() {
                    return Err(fail("date math placeholder is open ended".into()));
                }
                let math: String = chars[start..j].iter().collect();
                let mut format = "yyyy.MM.dd".to_string();
                let mut offset_minutes = 0;
                if chars[j] == '{' {
                    let fstart = j + 1;
                    let mut k = fstart;
                    while k < chars.len() && chars[k] != '}' {
                        k += 1;
                    }
                    if k >= chars.len() {
                        return Err(fail("missing closing `}` for date math format".into()));
                    }
                    let spec: String = chars[fstart..k].iter().collect();
                    let (f, zone) = spec.split_once('|').unwrap_or((&spec, ""));
                    if f.is_empty() {
                        return Err(fail("missing date format".into()));
                    }
                    format = f.to_string();
                    offset_minutes = zone_offset(zone).ok_or_else(|| {
                        fail(format!("unknown time zone [{zone}]"))
                    })?;
                    j = k + 1;
                    if chars.get(j) != Some(&'}') {
                        return Err(fail("date math placeholder is open ended".into()));
                    }
                }
                let at = eval(&math, now_ms).map_err(&fail)?;
                out.push_str(&render(&format, at + i64::from(offset_minutes) * 60_000));
                i = j + 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Ok(out)
}

fn zone_offset(zone: &str) -> Option<i32> {
    match zone {
        "" | "UTC" | "Z" | "GMT" => Some(0),
        z => {
            let (sign, rest) = match z.as_bytes().first()? {
                b'+' => (1, &z[1..]),
                b'-' => (-1, &z[1..]),
                _ => return None,
            };
            let (h, m) = rest.split_once(':').unwrap_or((rest, "0"));
            Some(sign * (h.parse::<i32>().ok()? * 60 + m.parse::<i32>().ok()?))
        }
    }
}

/// `now`, then `+N<unit>`, `-N<unit>` and `/<unit>` (round down).
fn eval(math: &str, now_ms: i64) -> Result<i64, String> {
    let Some(mut rest) = math.strip_prefix("now") else {
        return Err(format!(
            "date math expression [{math}] must start with `now`"
        ));
    };
    let mut t = now_ms;
    while let Some(op) = rest.chars().next() {
        rest = &rest[1..];
        match op {
            '+' | '-' => {
                let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
                rest = &rest[digits.len()..];
                let n: i64 = if digits.is_empty() {
                    1
                } else {
                    digits
                        .parse()
                        .map_err(|_| format!("invalid number in [{math}]"))?
                };
                let unit = rest
                    .chars()
                    .next()
                    .ok_or_else(|| format!("missing unit in [{math}]"))?;
                rest = &rest[unit.len_utf8()..];
                let n = if op == '-' { -n } else { n };
                t = add(t, n, unit)
                    .ok_or_else(|| format!("unit [{unit}] not supported for date math [{math}]"))?;
            }
            '/' => {
                let unit = rest
                    .chars()
                    .next()
                    .ok_or_else(|| format!("missing unit in [{math}]"))?;
                rest = &rest[unit.len_utf8()..];
                t = round(t, unit)
                    .ok_or_else(|| format!("unit [{unit}] not supported for date math [{math}]"))?;
            }
            _ => return Err(format!("operator not supported for date math [{math}]")),
        }
    }
    Ok(t)
}

fn add(t: i64, n: i64, unit: char) -> Option<i64> {
    let ms = match unit {
        's' => 1000,
        'm' => 60_000,
        'h' | 'H' => 3_600_000,
        'd' => 86_400_000,
        'w' => 7 * 86_400_000,
        'M' | 'y' => {
            let days = t.div_euclid(86_400_000);
            let (y, m, d) = civil_from_days(days);
            let months = y * 12 + (m - 1) + if unit == 'y' { n * 12 } else { n };
            let (ny, nm) = (months.div_euclid(12), months.rem_euclid(12) + 1);
            let nd = d.min(days_in(ny, nm));
            return Some(days_from_civil(ny, nm, nd) * 86_400_000 + t.rem_euclid(86_400_000));
        }
        _ => return None,
    };
    Some(t + n * ms)
}

fn days_in(y: i64, m: i64) -> i64 {
    days_from_civil(
        if m == 12 { y + 1 } else { y },
        if m == 12 { 1 } else { m + 1 },
        1,
    ) - days_from_civil(y, m, 1)
}

fn round(t: i64, unit: char) -> Option<i64> {
    let day = t.div_euclid(86_400_000);
    let (y, m, _) = civil_from_days(day);
    Some(match unit {
        's' => t - t.rem_euclid(1000),
        'm' => t - t.rem_euclid(60_000),
        'h' | 'H' => t - t.rem_euclid(3_600_000),
        'd' => day * 86_400_000,
        // ISO weeks start on Monday; day 0 (1970-01-01) was a Thursday.
        'w' => (day - (day + 3).rem_euclid(7)) * 86_400_000,
        'M' => days_from_civil(y, m, 1) * 86_400_000,
        'y' => days_from_civil(y, 1, 1) * 86_400_000,
        _ => return None,
    })
}

/// A Java date pattern's common letters: `yyyy`, `yy`, `MM`, `dd`, `HH`,
/// `mm`, `ss` (others are kept as written).
fn render(pattern: &str, ms: i64) -> String {
    let day = ms.div_euclid(86_400_000);
    let secs = ms.rem_euclid(86_400_000) / 1000;
    let (y, m, d) = civil_from_days(day);
    let (h, min, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    let mut out = String::new();
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let run = chars[i..].iter().take_while(|x| **x == c).count();
        let value = match c {
            'y' if run == 2 => Some(format!("{:02}", y % 100)),
            'y' => Some(format!("{y:04}")),
            'M' => Some(format!("{m:0run$}")),
            'd' => Some(format!("{d:0run$}")),
            'H' => Some(format!("{h:0run$}")),
            'm' => Some(format!("{min:0run$}")),
            's' => Some(format!("{s:0run$}")),
            _ => None,
        };
        match value {
            Some(v) => out.push_str(&v),
            None => out.extend(std::iter::repeat_n(c, run)),
        }
        i += run;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i64, m: i64, d: i64, h: i64) -> i64 {
        (days_from_civil(y, m, d) * 24 + h) * 3_600_000
    }

    #[test]
    fn resolves_placeholders() {
        let now = at(2025, 1, 15, 13);
        assert_eq!(
            resolve("<nightly-{now/d}>", now).unwrap(),
            "nightly-2025.01.15"
        );
        assert_eq!(
            resolve("<snap-{now-1d/d}>", now).unwrap(),
            "snap-2025.01.14"
        );
        assert_eq!(resolve("<m-{now/M{yyyy.MM}}>", now).unwrap(), "m-2025.01");
        assert_eq!(
            resolve("<h-{now{yyyy-MM-dd-HH}}>", now).unwrap(),
            "h-2025-01-15-13"
        );
        assert_eq!(
            resolve("<z-{now/d{yyyy.MM.dd|+12:00}}>", now).unwrap(),
            "z-2025.01.15"
        );
        assert_eq!(
            resolve("<a\\{b\\}-{now/y{yyyy}}>", now).unwrap(),
            "a{b}-2025"
        );
        assert_eq!(resolve("plain-name", now).unwrap(), "plain-name");
    }

    #[test]
    fn refuses_broken_placeholders() {
        let now = at(2025, 1, 15, 0);
        assert!(resolve("<a-{now/d>", now)
            .unwrap_err()
            .contains("open ended"));
        assert!(resolve("<a-}>", now)
            .unwrap_err()
            .contains("reserved characters"));
        assert!(resolve("<a-{now/d{yyyy>", now)
            .unwrap_err()
            .contains("missing closing"));
        assert!(resolve("<a-{today}>", now)
            .unwrap_err()
            .starts_with("invalid dynamic name expression [a-{today}]. "));
    }
}
