//! Elasticsearch's cron expressions (`org.elasticsearch.xpack.core.scheduler.Cron`,
//! a fork of Quartz's `CronExpression`; reference §B): seconds, minutes,
//! hours, day-of-month, month, day-of-week and an optional year, in UTC.
//!
//! Parsing follows the Java parser step by step, so that what it accepts
//! (quirks included: `5X` reads as `5`, a third name letter after a valid
//! name is ignored) and what it refuses are the same, with the same inner
//! messages (`Cron::parse` errors are `e.toString()` of the Java exception).
//! SLM shows none of them (`must be a valid cron expression or time unit`);
//! `slm.retention_schedule` shows the whole chain.

use crate::util::{civil_from_days, days_from_civil};
use std::collections::BTreeSet;

const ALL: i32 = 99; // '*'
const NO: i32 = 98; // '?'

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Field {
    Second,
    Minute,
    Hour,
    DayOfMonth,
    Month,
    DayOfWeek,
    Year,
}

const FIELDS: [Field; 7] = [
    Field::Second,
    Field::Minute,
    Field::Hour,
    Field::DayOfMonth,
    Field::Month,
    Field::DayOfWeek,
    Field::Year,
];

const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];
const DAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/// A parsed cron expression.
#[derive(Debug, Clone)]
pub struct Cron {
    sets: [BTreeSet<i32>; 7],
    lastday_of_week: bool,
    nthday_of_week: i32,
    lastday_of_month: bool,
    nearest_weekday: bool,
    lastday_offset: i32,
    max_year: i32,
}

/// Why an expression does not parse: `e.toString()` of the Java exception
/// (`java.lang.IllegalArgumentException: ...`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CronError(pub String);

impl CronError {
    /// The exception Elasticsearch throws: `invalid cron expression [<x>]`,
    /// caused by `illegal cron expression format [<inner>]`.
    pub fn outer(expression: &str) -> String {
        format!("invalid cron expression [{expression}]")
    }

    pub fn cause(&self) -> String {
        format!("illegal cron expression format [{}]", self.0)
    }
}

fn iae(message: impl Into<String>) -> CronError {
    CronError(format!(
        "java.lang.IllegalArgumentException: {}",
        message.into()
    ))
}

fn nfe(input: &str) -> CronError {
    CronError(format!(
        "java.lang.NumberFormatException: For input string: \"{input}\""
    ))
}

fn char_at(s: &[char], i: usize) -> Result<char, CronError> {
    s.get(i).copied().ok_or_else(|| {
        CronError(format!(
            "java.lang.StringIndexOutOfBoundsException: Index {i} out of bounds for length {}",
            s.len()
        ))
    })
}

fn substring(s: &[char], begin: usize, end: usize) -> Result<String, CronError> {
    if end > s.len() {
        return Err(CronError(format!(
            "java.lang.StringIndexOutOfBoundsException: begin {begin}, end {end}, length {}",
            s.len()
        )));
    }
    Ok(s[begin..end].iter().collect())
}

/// `Integer.parseInt`.
fn parse_int(text: &str) -> Result<i32, CronError> {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(nfe(text));
    }
    text.parse::<i32>().map_err(|_| nfe(text))
}

/// The `n` after `#` (from `i` to the end): 1 to 5.
fn nth_after(s: &[char], i: usize) -> Result<i32, CronError> {
    let rest: String = s[i.min(s.len())..].iter().collect();
    match parse_int(&rest) {
        Ok(n) if (1..=5).contains(&n) => Ok(n),
        _ => Err(iae(format!(
            "a numeric value between 1 and 5 must follow the '#' option at pos [{i}]"
        ))),
    }
}

/// `s.matches("^L-[0-9]*[W]?")`.
fn is_last_day_offset(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("L-") else {
        return false;
    };
    let rest = rest.strip_suffix('W').unwrap_or(rest);
    rest.chars().all(|c| c.is_ascii_digit())
}

/// The current year in UTC.
fn this_year() -> i32 {
    let days = crate::util::now_unix().div_euclid(86_400);
    civil_from_days(days).0 as i32
}

impl Cron {
    /// Parses like `new Cron(expression)`.
    pub fn parse(expression: &str) -> Result<Cron, CronError> {
        let mut c = Cron {
            sets: Default::default(),
            lastday_of_week: false,
            nthday_of_week: 0,
            lastday_of_month: false,
            nearest_weekday: false,
            lastday_offset: 0,
            max_year: this_year() + 100,
        };
        c.build(&expression.to_uppercase())?;
        Ok(c)
    }

    fn set(&mut self, f: Field) -> &mut BTreeSet<i32> {
        &mut self.sets[f as usize]
    }

    fn build(&mut self, expression: &str) -> Result<(), CronError> {
        let tokens = expression
            .split([' ', '\t'])
            .filter(|t| !t.is_empty())
            .take(FIELDS.len());
        let mut on = 0;
        for token in tokens {
            let field = FIELDS[on];
            let has_l_in_list = token.contains('L') && token.len() > 1 && token.contains(',');
            if field == Field::DayOfMonth && has_l_in_list {
                return Err(iae("support for specifying 'L' and 'LW' with other days of the month is not implemented"));
            }
            if field == Field::DayOfWeek && has_l_in_list {
                return Err(iae(
                    "support for specifying 'L' with other days of the week is not implemented",
                ));
            }
            if field == Field::DayOfWeek && token.matches('#').count() > 1 {
                return Err(iae(
                    "support for specifying multiple \"nth\" days is not implemented.",
                ));
            }
            for value in token.split(',').filter(|v| !v.is_empty()) {
                let chars: Vec<char> = value.chars().collect();
                self.store(&chars, field)?;
            }
            on += 1;
        }
        if on <= Field::DayOfWeek as usize {
            return Err(iae(format!(
                "unexpected end of expression at pos [{}].",
                expression.chars().count()
            )));
        }
        if on <= Field::Year as usize {
            self.store(&['*'], Field::Year)?;
        }
        let dom_spec = !self.sets[Field::DayOfMonth as usize].contains(&NO);
        let dow_spec = !self.sets[Field::DayOfWeek as usize].contains(&NO);
        if (!dom_spec || dow_spec) && (!dow_spec || dom_spec) {
            return Err(iae("support for specifying both a day-of-week AND a day-of-month parameter is not implemented."));
        }
        Ok(())
    }

    /// One comma-separated value of a field (`storeExpressionVals`).
    fn store(&mut self, s: &[char], field: Field) -> Result<usize, CronError> {
        let len = s.len();
        let mut i = 0;
        if i >= len {
            return Ok(i);
        }
        let mut c = s[i];
        let text: String = s.iter().collect();
        if c.is_ascii_uppercase() && text != "L" && text != "LW" && !is_last_day_offset(&text) {
            let mut sub = substring(s, i, i + 3)?;
            let mut end = -1;
            let start;
            match field {
                Field::Month => {
                    start = month_number(&sub);
                    if start <= 0 {
                        return Err(iae(format!("invalid Month value [{sub}] at pos [{i}]")));
                    }
                    if len > i + 3 && s[i + 3] == '-' {
                        i += 4;
                        sub = substring(s, i, i + 3)?;
                        end = month_number(&sub);
                        if end <= 0 {
                            return Err(iae(format!("invalid Month value [{sub}] at pos [{i}]")));
                        }
                    }
                }
                Field::DayOfWeek => {
                    start = day_number(&sub);
                    if start < 0 {
                        return Err(iae(format!(
                            "invalid Day-of-Week value [{sub}] at pos [{i}]"
                        )));
                    }
                    if len > i + 3 {
                        c = s[i + 3];
                        if c == '-' {
                            i += 4;
                            sub = substring(s, i, i + 3)?;
                            end = day_number(&sub);
                            if end < 0 {
                                return Err(iae(format!(
                                    "invalid Day-of-Week value [{sub}] at pos [{i}]"
                                )));
                            }
                        } else if c == '#' {
                            i += 4;
                            self.nthday_of_week = nth_after(s, i)?;
                        } else if c == 'L' {
                            self.lastday_of_week = true;
                            i += 1;
                        }
                    }
                }
                _ => {
                    return Err(iae(format!("illegal characters [{sub}] at pos [{i}] '")));
                }
            }
            let incr = if end != -1 { 1 } else { 0 };
            self.add(start, end, incr, field)?;
            return Ok(i + 3);
        }
        if c == '?' {
            i += 1;
            if i + 1 < len && s[i] != ' ' && s[i + 1] != '\t' {
                return Err(iae(format!(
                    "illegal character [{}] after '?' at pos [{i}]",
                    s[i]
                )));
            }
            if field != Field::DayOfWeek && field != Field::DayOfMonth {
                return Err(iae(format!(
                    "'?' can only be specified for Day-of-Month or Day-of-Week. at pos [{i}]"
                )));
            }
            if field == Field::DayOfWeek && !self.lastday_of_month {
                match self.sets[Field::DayOfMonth as usize].last() {
                    Some(&NO) => {
                        return Err(iae(format!(
                        "'?' can only be specified for Day-of-Month -OR- Day-of-Week. at pos [{i}]"
                    )))
                    }
                    None => return Err(CronError("java.util.NoSuchElementException".into())),
                    _ => {}
                }
            }
            self.add(NO, -1, 0, field)?;
            return Ok(i);
        }
        if c == '*' || c == '/' {
            if c == '*' && i + 1 >= len {
                self.add(ALL, -1, 0, field)?;
                return Ok(i + 1);
            } else if c == '/' && (i + 1 >= len || s[i + 1] == ' ' || s[i + 1] == '\t') {
                return Err(iae(format!(
                    "'/' must be followed by an integer. at pos [{i}]"
                )));
            } else if c == '*' {
                i += 1;
            }
            c = s[i];
            let incr;
            if c == '/' {
                i += 1;
                if i >= len {
                    return Err(iae(format!("Unexpected end of string. at pos [{i}]")));
                }
                let rest: String = s[i..].iter().collect();
                incr = parse_int(&rest)?;
                i += 1;
                if incr > 10 {
                    i += 1;
                }
                let too_big = match field {
                    Field::Second | Field::Minute if incr > 59 => {
                        Some(format!("increment [{incr}] > 60 at pos [{i}]"))
                    }
                    Field::Hour if incr > 23 => {
                        Some(format!("increment [{incr}] > 24 at pos [{i}]"))
                    }
                    Field::DayOfMonth if incr > 31 => {
                        Some(format!("increment [{incr}] > 31 at pos [{i}] "))
                    }
                    Field::DayOfWeek if incr > 7 => {
                        Some(format!("increment [{incr}] > 7 at pos [{i}] "))
                    }
                    Field::Month if incr > 12 => {
                        Some(format!("increment [{incr}] > 12 at pos [{i}]"))
                    }
                    _ => None,
                };
                if let Some(m) = too_big {
                    return Err(iae(m));
                }
            } else {
                incr = 1;
            }
            self.add(ALL, -1, incr, field)?;
            return Ok(i);
        }
        if c == 'L' {
            i += 1;
            if field == Field::DayOfMonth {
                self.lastday_of_month = true;
            }
            if field == Field::DayOfWeek {
                self.add(7, 7, 0, field)?;
            }
            if field == Field::DayOfMonth && len > i {
                if s[i] == '-' {
                    let (offset, pos) = value_at(0, s, i + 1)?;
                    self.lastday_offset = offset;
                    if offset > 30 {
                        return Err(iae(format!(
                            "offset from last day must be <= 30 at pos [{}]",
                            i + 1
                        )));
                    }
                    i = pos;
                }
                if len > i && s[i] == 'W' {
                    self.nearest_weekday = true;
                    i += 1;
                }
            }
            return Ok(i);
        }
        if c.is_ascii_digit() {
            let mut val = c as i32 - '0' as i32;
            i += 1;
            if i >= len {
                self.add(val, -1, -1, field)?;
            } else {
                if s[i].is_ascii_digit() {
                    let (v, pos) = value_at(val, s, i)?;
                    val = v;
                    i = pos;
                }
                return self.check_next(i, s, val, field);
            }
            return Ok(i);
        }
        Err(iae(format!("Unexpected character [{c}] at pos [{i}] ")))
    }

    /// What may follow a number: `L`, `W`, `#n`, `-end[/incr]`, `/incr`.
    fn check_next(
        &mut self,
        pos: usize,
        s: &[char],
        val: i32,
        field: Field,
    ) -> Result<usize, CronError> {
        let len = s.len();
        let mut i = pos;
        if i >= len {
            self.add(val, -1, -1, field)?;
            return Ok(i);
        }
        let c = s[pos];
        match c {
            'L' => {
                if field != Field::DayOfWeek {
                    return Err(iae(format!("'L' option is not valid here. at pos [{i}]")));
                }
                if !(1..=7).contains(&val) {
                    return Err(iae("Day-of-Week values must be between 1 and 7"));
                }
                self.lastday_of_week = true;
                self.set(field).insert(val);
                Ok(i + 1)
            }
            'W' => {
                if field != Field::DayOfMonth {
                    return Err(iae(format!("'W' option is not valid here. at pos [{i}]")));
                }
                self.nearest_weekday = true;
                if val > 31 {
                    return Err(iae(format!(
                        "the 'W' option does not make sense with values larger than 31 (max number of days in a month) at pos [{i}]"
                    )));
                }
                self.set(field).insert(val);
                Ok(i + 1)
            }
            '#' => {
                if field != Field::DayOfWeek {
                    return Err(iae(format!("'#' option is not valid here. at pos [{i}]")));
                }
                i += 1;
                self.nthday_of_week = nth_after(s, i)?;
                self.set(field).insert(val);
                Ok(i + 1)
            }
            '-' => {
                i += 1;
                let v = parse_int(&char_at(s, i)?.to_string())?;
                let mut end = v;
                i += 1;
                if i >= len {
                    self.add(val, end, 1, field)?;
                    return Ok(i);
                }
                if s[i].is_ascii_digit() {
                    let (e, p) = value_at(v, s, i)?;
                    end = e;
                    i = p;
                }
                if i < len && s[i] == '/' {
                    i += 1;
                    let v2 = parse_int(&char_at(s, i)?.to_string())?;
                    i += 1;
                    if i >= len {
                        self.add(val, end, v2, field)?;
                        return Ok(i);
                    }
                    if s[i].is_ascii_digit() {
                        let (v3, p) = value_at(v2, s, i)?;
                        self.add(val, end, v3, field)?;
                        Ok(p)
                    } else {
                        self.add(val, end, v2, field)?;
                        Ok(i)
                    }
                } else {
                    self.add(val, end, 1, field)?;
                    Ok(i)
                }
            }
            '/' => {
                i += 1;
                let v2 = parse_int(&char_at(s, i)?.to_string())?;
                i += 1;
                if i >= len {
                    self.add(val, -1, v2, field)?;
                    return Ok(i);
                }
                let c = s[i];
                if c.is_ascii_digit() {
                    let (v3, p) = value_at(v2, s, i)?;
                    self.add(val, -1, v3, field)?;
                    Ok(p)
                } else {
                    Err(iae(format!(
                        "Unexpected character [{c}] after '/' at pos [{i}]"
                    )))
                }
            }
            _ => {
                self.add(val, -1, 0, field)?;
                Ok(i + 1)
            }
        }
    }

    /// `addToSet`: checks the range, then adds `val`, or `val..=end` every
    /// `incr` (wrapping around, as in `22-2`).
    fn add(&mut self, val: i32, end: i32, incr: i32, field: Field) -> Result<(), CronError> {
        let out_of = |lo: i32, hi: i32| val < lo || val > hi || end > hi;
        let refused = match field {
            Field::Second | Field::Minute if out_of(0, 59) && val != ALL => {
                Some("Minute and Second values must be between 0 and 59")
            }
            Field::Hour if out_of(0, 23) && val != ALL => {
                Some("Hour values must be between 0 and 23")
            }
            Field::DayOfMonth if out_of(1, 31) && val != ALL && val != NO => {
                Some("Day of month values must be between 1 and 31")
            }
            Field::Month if out_of(1, 12) && val != ALL => {
                Some("Month values must be between 1 and 12")
            }
            Field::DayOfWeek if (val == 0 || val > 7 || end > 7) && val != ALL && val != NO => {
                Some("Day-of-Week values must be between 1 and 7")
            }
            _ => None,
        };
        if let Some(m) = refused {
            return Err(iae(m));
        }
        if (incr == 0 || incr == -1) && val != ALL {
            self.set(field).insert(if val != -1 { val } else { NO });
            return Ok(());
        }
        let mut incr = incr;
        if val == ALL && incr <= 0 {
            incr = 1;
            self.set(field).insert(ALL);
        }
        let (lo, hi) = match field {
            Field::Second | Field::Minute => (0, 59),
            Field::Hour => (0, 23),
            Field::DayOfMonth => (1, 31),
            Field::Month => (1, 12),
            Field::DayOfWeek => (1, 7),
            Field::Year => (1970, self.max_year),
        };
        let start = if val == -1 || val == ALL { lo } else { val };
        let mut stop = if end == -1 { hi } else { end };
        let mut max = -1;
        if stop < start {
            max = match field {
                Field::Second | Field::Minute => 60,
                Field::Hour => 24,
                Field::Month => 12,
                Field::DayOfWeek => 7,
                Field::DayOfMonth => 31,
                Field::Year => return Err(CronError(
                    "java.lang.IllegalArgumentException: Start year must be less than stop year"
                        .into(),
                )),
            };
            stop += max;
        }
        let one_based = matches!(field, Field::Month | Field::DayOfWeek | Field::DayOfMonth);
        let mut i = start;
        while i <= stop {
            let v = if max == -1 {
                i
            } else {
                let m = i % max;
                if m == 0 && one_based {
                    max
                } else {
                    m
                }
            };
            self.set(field).insert(v);
            i += incr;
        }
        Ok(())
    }

    fn values(&self, field: Field, lo: i32, hi: i32) -> impl Iterator<Item = i32> + '_ {
        self.sets[field as usize]
            .iter()
            .copied()
            .filter(move |v| (lo..=hi).contains(v))
    }

    fn day_matches(&self, y: i32, m: i32, d: i32) -> bool {
        let dom_spec = !self.sets[Field::DayOfMonth as usize].contains(&NO);
        let dow_spec = !self.sets[Field::DayOfWeek as usize].contains(&NO);
        let ldom = last_day(m, y);
        if dom_spec && !dow_spec {
            if self.lastday_of_month {
                let target = ldom - self.lastday_offset;
                if target < 1 {
                    return false;
                }
                if self.nearest_weekday {
                    d == nearest_weekday(y, m, target, ldom)
                } else {
                    d == target
                }
            } else if self.nearest_weekday {
                match self.values(Field::DayOfMonth, 1, 31).next() {
                    Some(target) if target <= ldom => d == nearest_weekday(y, m, target, ldom),
                    _ => false,
                }
            } else {
                d <= ldom && self.sets[Field::DayOfMonth as usize].contains(&d)
            }
        } else if dow_spec && !dom_spec {
            let weekday = java_weekday(y, m, d);
            let first = self.values(Field::DayOfWeek, 1, 7).next();
            if self.lastday_of_week {
                first == Some(weekday) && d + 7 > ldom
            } else if self.nthday_of_week != 0 {
                first == Some(weekday) && (d - 1) / 7 + 1 == self.nthday_of_week
            } else {
                self.sets[Field::DayOfWeek as usize].contains(&weekday)
            }
        } else {
            false
        }
    }

    /// The first fire time after `after_ms` (epoch milliseconds, UTC), or -1
    /// when there is none before year 2999 or `MAX_YEAR` (this year + 100),
    /// as `getNextValidTimeAfter`.
    pub fn next_after(&self, after_ms: i64) -> i64 {
        let start = (after_ms + 1000).div_euclid(1000);
        let first_day = start.div_euclid(86_400);
        let first_second = start.rem_euclid(86_400) as i32;
        let last_year = self.max_year.min(2999);
        let mut day = first_day;
        loop {
            let (y, m, d) = civil_from_days(day);
            let (y, m, d) = (y as i32, m as i32, d as i32);
            if y > last_year {
                return -1;
            }
            if !self.sets[Field::Year as usize].contains(&y) {
                match self.values(Field::Year, y + 1, last_year).next() {
                    Some(next) => day = days_from_civil(i64::from(next), 1, 1),
                    None => return -1,
                }
                continue;
            }
            if !self.sets[Field::Month as usize].contains(&m) {
                day = if m == 12 {
                    days_from_civil(i64::from(y) + 1, 1, 1)
                } else {
                    days_from_civil(i64::from(y), i64::from(m) + 1, 1)
                };
                continue;
            }
            if self.day_matches(y, m, d) {
                let from = if day == first_day { first_second } else { 0 };
                if let Some(second) = self.first_time_of_day(from) {
                    return (day * 86_400 + i64::from(second)) * 1000;
                }
            }
            day += 1;
        }
    }

    fn first_time_of_day(&self, from: i32) -> Option<i32> {
        for h in self.values(Field::Hour, 0, 23) {
            if (h + 1) * 3600 <= from {
                continue;
            }
            for m in self.values(Field::Minute, 0, 59) {
                if h * 3600 + (m + 1) * 60 <= from {
                    continue;
                }
                for s in self.values(Field::Second, 0, 59) {
                    let t = h * 3600 + m * 60 + s;
                    if t >= from {
                        return Some(t);
                    }
                }
            }
        }
        None
    }
}

fn month_number(name: &str) -> i32 {
    MONTHS
        .iter()
        .position(|m| *m == name)
        .map_or(0, |i| i as i32 + 1)
}

fn day_number(name: &str) -> i32 {
    DAYS.iter()
        .position(|d| *d == name)
        .map_or(-1, |i| i as i32 + 1)
}

/// `getValue`: `v` followed by the digits at `i`, and where they end.
fn value_at(v: i32, s: &[char], i: usize) -> Result<(i32, usize), CronError> {
    let mut c = char_at(s, i)?;
    let mut digits = v.to_string();
    let mut i = i;
    while c.is_ascii_digit() {
        digits.push(c);
        i += 1;
        if i >= s.len() {
            break;
        }
        c = s[i];
    }
    let pos = if i < s.len() { i } else { i + 1 };
    Ok((parse_int(&digits)?, pos))
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn last_day(month: i32, year: i32) -> i32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Java's day of week: 1 = Sunday ... 7 = Saturday.
fn java_weekday(y: i32, m: i32, d: i32) -> i32 {
    let days = days_from_civil(i64::from(y), i64::from(m), i64::from(d));
    // 1970-01-01 was a Thursday (5).
    ((days + 4).rem_euclid(7) + 1) as i32
}

/// The weekday nearest `target` in the month, not crossing its ends (`W`).
fn nearest_weekday(y: i32, m: i32, target: i32, last: i32) -> i32 {
    match java_weekday(y, m, target) {
        7 if target == 1 => target + 2,
        7 => target - 1,
        1 if target == last => target - 2,
        1 => target + 1,
        _ => target,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(y: i64, m: i64, d: i64, h: i64, min: i64, s: i64) -> i64 {
        (days_from_civil(y, m, d) * 86_400 + h * 3600 + min * 60 + s) * 1000
    }

    fn next(expr: &str, after: i64) -> i64 {
        Cron::parse(expr)
            .unwrap_or_else(|e| panic!("{expr}: {e:?}"))
            .next_after(after)
    }

    fn err(expr: &str) -> String {
        Cron::parse(expr).expect_err(expr).0
    }

    #[test]
    fn computes_the_next_fire_time_in_utc() {
        let t = ms(2025, 1, 15, 0, 0, 0);
        assert_eq!(next("0 30 1 * * ?", t), ms(2025, 1, 15, 1, 30, 0));
        assert_eq!(
            next("0 30 1 * * ?", ms(2025, 1, 15, 1, 30, 0)),
            ms(2025, 1, 16, 1, 30, 0)
        );
        // Saturday 2025-01-18 -> Monday 20th.
        assert_eq!(
            next("0 0 12 ? * MON-FRI", ms(2025, 1, 18, 0, 0, 0)),
            ms(2025, 1, 20, 12, 0, 0)
        );
        assert_eq!(
            next("0 */15 * * * ?", ms(2025, 1, 15, 0, 7, 0)),
            ms(2025, 1, 15, 0, 15, 0)
        );
        assert_eq!(
            next("0 0 0 L * ?", ms(2024, 2, 10, 0, 0, 0)),
            ms(2024, 2, 29, 0, 0, 0)
        );
        assert_eq!(
            next("0 0 0 L-3 * ?", ms(2025, 1, 1, 0, 0, 0)),
            ms(2025, 1, 28, 0, 0, 0)
        );
        assert_eq!(
            next("0 0 0 ? * 6L", ms(2025, 1, 1, 0, 0, 0)),
            ms(2025, 1, 31, 0, 0, 0)
        );
        assert_eq!(
            next("0 0 0 ? * 2#1", ms(2025, 1, 10, 0, 0, 0)),
            ms(2025, 2, 3, 0, 0, 0)
        );
        // 2025-03-15 is a Saturday: the nearest weekday is Friday the 14th.
        assert_eq!(
            next("0 0 0 15W * ?", ms(2025, 3, 1, 0, 0, 0)),
            ms(2025, 3, 14, 0, 0, 0)
        );
        // 2025-05-31 is a Saturday: the last weekday is Friday the 30th.
        assert_eq!(
            next("0 0 0 LW * ?", ms(2025, 5, 1, 0, 0, 0)),
            ms(2025, 5, 30, 0, 0, 0)
        );
        assert_eq!(
            next("0 0 22-2 ? * *", ms(2025, 1, 15, 3, 0, 0)),
            ms(2025, 1, 15, 22, 0, 0)
        );
        assert_eq!(
            next("0 0 0 1 NOV-FEB ?", ms(2025, 3, 1, 0, 0, 0)),
            ms(2025, 11, 1, 0, 0, 0)
        );
        assert_eq!(
            next("0 0 0 1 1 ? 2030", ms(2025, 3, 1, 0, 0, 0)),
            ms(2030, 1, 1, 0, 0, 0)
        );
        assert_eq!(next("* * * 31 FEB ? *", ms(2025, 1, 1, 0, 0, 0)), -1);
        assert_eq!(next("0 1 2 3 4 ? 2020", ms(2025, 1, 1, 0, 0, 0)), -1);
        // Lower case is upper-cased; a tab separates too.
        assert_eq!(
            next("0 0 12 ?\t* mon", ms(2025, 1, 18, 0, 0, 0)),
            ms(2025, 1, 20, 12, 0, 0)
        );
    }

    #[test]
    fn refuses_with_elasticsearch_messages() {
        let iae = |m: &str| format!("java.lang.IllegalArgumentException: {m}");
        assert_eq!(
            err("0 0 * * * *"),
            iae("support for specifying both a day-of-week AND a day-of-month parameter is not implemented.")
        );
        assert_eq!(err("* * * * * L"), err("0 0 * * * *"));
        assert_eq!(
            err("0 0 12"),
            iae("unexpected end of expression at pos [6].")
        );
        assert_eq!(
            err("0 0 0 ? * ?"),
            iae("'?' can only be specified for Day-of-Month -OR- Day-of-Week. at pos [1]")
        );
        assert_eq!(
            err("? 0 0 * * ?"),
            iae("'?' can only be specified for Day-of-Month or Day-of-Week. at pos [1]")
        );
        assert_eq!(
            err("0 0 25 * * ?"),
            iae("Hour values must be between 0 and 23")
        );
        assert_eq!(
            err("0 60 0 * * ?"),
            iae("Minute and Second values must be between 0 and 59")
        );
        assert_eq!(
            err("0 0 0 32 * ?"),
            iae("Day of month values must be between 1 and 31")
        );
        assert_eq!(
            err("0 0 0 ? 13 *"),
            iae("Month values must be between 1 and 12")
        );
        assert_eq!(
            err("0 0 0 ? * 8"),
            iae("Day-of-Week values must be between 1 and 7")
        );
        assert_eq!(err("0 */75 * * * ?"), iae("increment [75] > 60 at pos [4]"));
        assert_eq!(err("0 0 */30 * * ?"), iae("increment [30] > 24 at pos [4]"));
        assert_eq!(
            err("0 0 0 */40 * ?"),
            iae("increment [40] > 31 at pos [4] ")
        );
        assert_eq!(
            err("0 0 0 ? FOO *"),
            iae("invalid Month value [FOO] at pos [0]")
        );
        assert_eq!(
            err("0 0 0 ? * MON-FOO"),
            iae("invalid Day-of-Week value [FOO] at pos [4]")
        );
        assert_eq!(
            err("0 0 0 ? * MON#6"),
            iae("a numeric value between 1 and 5 must follow the '#' option at pos [4]")
        );
        assert_eq!(
            err("ABC 0 0 * * ?"),
            iae("illegal characters [ABC] at pos [0] '")
        );
        assert_eq!(err("0 0 0 L,5 * ?"), iae("support for specifying 'L' and 'LW' with other days of the month is not implemented"));
        assert_eq!(
            err("0 0 0 ? * 1#1,2#2"),
            iae("support for specifying multiple \"nth\" days is not implemented.")
        );
        assert_eq!(
            err("0 0 0 L-31 * ?"),
            iae("offset from last day must be <= 30 at pos [2]")
        );
        assert_eq!(
            err("0 0 0 ? * 5W"),
            iae("'W' option is not valid here. at pos [1]")
        );
        assert_eq!(
            err("0 0 5L * * ?"),
            iae("'L' option is not valid here. at pos [1]")
        );
        assert_eq!(
            err("0 5/x * * * ?"),
            "java.lang.NumberFormatException: For input string: \"X\""
        );
        assert_eq!(
            err("*/ 0 0 * * ?"),
            iae("Unexpected end of string. at pos [2]")
        );
        assert_eq!(
            err("0 0 0 ? * MO"),
            "java.lang.StringIndexOutOfBoundsException: begin 0, end 3, length 2"
        );
        assert_eq!(
            err("0 0 0 1 1 ? 2030-2020"),
            iae("Start year must be less than stop year")
        );
        assert_eq!(
            err("0 0 0 1 1 ? ?"),
            iae("'?' can only be specified for Day-of-Month or Day-of-Week. at pos [1]")
        );
        assert_eq!(
            err("0 & 0 * * ?"),
            iae("Unexpected character [&] at pos [0] ")
        );
    }

    #[test]
    fn accepts_what_the_java_parser_accepts() {
        for ok in [
            "0 0 12 ? * MON-FRI",
            "0 0/5 14,18 * * ?",
            "0 15 10 ? * 6L 2002-2005",
            "0 0 0 5X * ?",
            "0 0 0 ? JANX *",
            "0 0 0 LW * ?",
            "0 0 0 ? * FRI#3",
            "0 0 0 ? * L",
            "0 0 0 1 1 ? 2030 extra fields",
        ] {
            assert!(Cron::parse(ok).is_ok(), "{ok}: {:?}", Cron::parse(ok).err());
        }
        let e = Cron::parse("0 0 * * * *").unwrap_err();
        assert_eq!(
            e.cause(),
            format!("illegal cron expression format [{}]", e.0)
        );
        assert_eq!(CronError::outer("x"), "invalid cron expression [x]");
    }
}
