//! Query parameters as Elasticsearch's REST layer reads them: each one
//! parsed with its own message (`Failed to parse int parameter [...]`), time
//! values (`30s`) and byte sizes (`10mb`) with Elasticsearch's parsers and
//! readable forms, and a request with a parameter the endpoint does not take
//! refused with a suggestion (`contains unrecognized parameter: [blob_cont]
//! -> did you mean [blob_count]?`, from `BaseRestHandler`).

use super::reply::{EsReply, Exception};

/// Parameters every endpoint takes (`pretty` and `human` shape the output;
/// `error_trace` and `filter_path` are accepted and ignored).
const GLOBAL: &[&str] = &["pretty", "human", "error_trace", "filter_path"];

/// A duration as `TimeValue` holds it: a count of one unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeValue {
    pub nanos: i128,
}

/// Time units, in the order Elasticsearch checks the suffixes (`nanos` and
/// `micros` before `s`, `ms` before `s` and `m`). The engine has its own
/// copy on purpose: the simulator is the independent Elasticsearch it is
/// tested against, so the two must not share a parser.
const UNITS: [(&str, i128); 7] = [
    ("nanos", 1),
    ("micros", 1_000),
    ("ms", 1_000_000),
    ("s", 1_000_000_000),
    ("m", 60_000_000_000),
    ("h", 3_600_000_000_000),
    ("d", 86_400_000_000_000),
];

impl TimeValue {
    pub fn from_millis(ms: i64) -> TimeValue {
        TimeValue {
            nanos: i128::from(ms) * 1_000_000,
        }
    }

    pub fn millis(&self) -> i64 {
        (self.nanos / 1_000_000) as i64
    }

    /// Parses like `TimeValue.parseTimeValue(value, setting)`: a whole
    /// number and a unit (`nanos`, `micros`, `ms`, `s`, `m`, `h`, `d`; only
    /// `m` is case-sensitive, `M` meaning months), `-1`, or zeros.
    pub fn parse(value: &str, setting: &str) -> Result<TimeValue, Exception> {
        let normalized = value.trim().to_lowercase();
        for (suffix, nanos) in UNITS {
            // Minutes only with a lower-case m in the value as written.
            let matches = if suffix == "m" {
                value.ends_with('m')
            } else {
                normalized.ends_with(suffix)
            };
            if !matches {
                continue;
            }
            let number = normalized[..normalized.len() - suffix.len()].trim();
            return match number.parse::<i64>() {
                Ok(n) if n < -1 => Err(parse_exception(format!(
                    "failed to parse setting [{setting}] with value [{value}] as a time value: negative durations are not supported"
                ))),
                Ok(n) => Ok(TimeValue {
                    nanos: i128::from(n) * nanos,
                }),
                Err(_) if number.parse::<f64>().is_ok() => Err(parse_exception(format!(
                    "failed to parse [{value}], fractional time values are not supported"
                ))),
                Err(_) => Err(parse_exception(format!("failed to parse [{value}]"))),
            };
        }
        if normalized
            .strip_prefix('-')
            .is_some_and(|rest| rest.trim_start_matches('0') == "1")
        {
            return Ok(TimeValue { nanos: -1_000_000 });
        }
        if !normalized.is_empty() && normalized.chars().all(|c| c == '0') {
            return Ok(TimeValue { nanos: 0 });
        }
        Err(parse_exception(format!(
            "failed to parse setting [{setting}] with value [{value}] as a time value: unit is missing or unrecognized"
        )))
    }
}

/// `TimeValue.toString()`: the largest unit the value reaches, with at most
/// two decimals, truncated, trailing zeros dropped (`1.11s`, `97.5ms`,
/// `170.1micros`, as in Elasticsearch's analysis answers).
impl std::fmt::Display for TimeValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.nanos < 0 {
            return write!(f, "{}", if self.nanos == -1_000_000 { "-1" } else { "-" });
        }
        // The largest unit the value reaches.
        let (suffix, unit) = UNITS
            .iter()
            .rev()
            .find(|(_, unit)| self.nanos >= *unit)
            .copied()
            .unwrap_or(("nanos", 1));
        let whole = self.nanos / unit;
        let hundredths = (self.nanos % unit) * 100 / unit;
        if hundredths == 0 {
            write!(f, "{whole}{suffix}")
        } else {
            let frac = format!("{hundredths:02}");
            write!(f, "{whole}.{}{suffix}", frac.trim_end_matches('0'))
        }
    }
}

/// A byte size as `ByteSizeValue` holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteSize {
    pub bytes: i64,
}

impl ByteSize {
    /// Parses like `ByteSizeValue.parseBytesSizeValue(value, setting)`:
    /// `b`, `k`/`kb`, `m`/`mb`, `g`/`gb`, `t`/`tb`, `p`/`pb` (any case),
    /// `-1` or `0`; a fraction is accepted (`1.5gb`).
    pub fn parse(value: &str, setting: &str) -> Result<ByteSize, Exception> {
        let lower = value.trim().to_lowercase();
        const K: i64 = 1024;
        let units: [(&str, i64); 11] = [
            ("kb", K),
            ("k", K),
            ("mb", K * K),
            ("m", K * K),
            ("gb", K * K * K),
            ("g", K * K * K),
            ("tb", K * K * K * K),
            ("t", K * K * K * K),
            ("pb", K * K * K * K * K),
            ("p", K * K * K * K * K),
            ("b", 1),
        ];
        for (suffix, unit) in units {
            if !lower.ends_with(suffix) {
                continue;
            }
            let number = lower[..lower.len() - suffix.len()].trim();
            if let Ok(n) = number.parse::<i64>() {
                if n < -1 {
                    return Err(parse_exception(format!(
                        "failed to parse setting [{setting}] with value [{value}] as a size in bytes"
                    )));
                }
                return Ok(ByteSize {
                    bytes: n.saturating_mul(unit),
                });
            }
            return match number.parse::<f64>() {
                Ok(x) if x >= 0.0 => Ok(ByteSize {
                    bytes: (x * unit as f64) as i64,
                }),
                _ => Err(parse_exception(format!("failed to parse [{value}]"))),
            };
        }
        match lower.as_str() {
            "-1" => Ok(ByteSize { bytes: -1 }),
            "0" => Ok(ByteSize { bytes: 0 }),
            _ => Err(parse_exception(format!(
                "failed to parse setting [{setting}] with value [{value}] as a size in bytes: unit is missing or unrecognized"
            ))),
        }
    }
}

/// `ByteSizeValue.toString()`: the largest unit reached, one decimal,
/// truncated (`2.9mb`, `1gb`).
impl std::fmt::Display for ByteSize {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let units = [
            (1i64 << 50, "pb"),
            (1 << 40, "tb"),
            (1 << 30, "gb"),
            (1 << 20, "mb"),
            (1 << 10, "kb"),
        ];
        for (unit, suffix) in units {
            if self.bytes >= unit {
                let whole = self.bytes / unit;
                let tenth = (self.bytes % unit) * 10 / unit;
                return if tenth == 0 {
                    write!(f, "{whole}{suffix}")
                } else {
                    write!(f, "{whole}.{tenth}{suffix}")
                };
            }
        }
        write!(f, "{}b", self.bytes)
    }
}

fn parse_exception(reason: String) -> Exception {
    Exception::new("parse_exception", reason)
}

fn illegal_argument(reason: String) -> EsReply {
    Exception::new("illegal_argument_exception", reason).reply(400)
}

/// The query of one request, for one endpoint.
pub struct Params<'a> {
    pairs: &'a [(String, String)],
}

impl<'a> Params<'a> {
    pub fn new(pairs: &'a [(String, String)]) -> Params<'a> {
        Params { pairs }
    }

    /// Refuses a parameter the endpoint (`path`) does not take, as
    /// `BaseRestHandler` does, suggesting the closest accepted names.
    pub fn only(&self, path: &str, accepted: &[&str]) -> Result<(), EsReply> {
        let mut unknown: Vec<&str> = Vec::new();
        for (k, _) in self.pairs {
            if !accepted.contains(&k.as_str())
                && !GLOBAL.contains(&k.as_str())
                && !unknown.contains(&k.as_str())
            {
                unknown.push(k);
            }
        }
        if unknown.is_empty() {
            return Ok(());
        }
        unknown.sort_unstable();
        let candidates: Vec<&str> = accepted.iter().chain(GLOBAL).copied().collect();
        let listed: Vec<String> = unknown
            .iter()
            .map(|name| {
                let mut scored: Vec<(f32, &str)> = candidates
                    .iter()
                    .map(|c| (similarity(name, c), *c))
                    .filter(|(s, _)| *s > 0.5)
                    .collect();
                scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
                let keys: Vec<&str> = scored.iter().map(|(_, k)| *k).collect();
                match keys.as_slice() {
                    [] => format!("[{name}]"),
                    [one] => format!("[{name}] -> did you mean [{one}]?"),
                    many => format!("[{name}] -> did you mean any of [{}]?", many.join(", ")),
                }
            })
            .collect();
        let noun = if unknown.len() > 1 {
            "parameters"
        } else {
            "parameter"
        };
        Err(illegal_argument(format!(
            "request [{path}] contains unrecognized {noun}: {}",
            listed.join(", ")
        )))
    }

    /// The last value given for `key`.
    pub fn get(&self, key: &str) -> Option<&'a str> {
        self.pairs
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    pub fn int(&self, key: &str, default: i64) -> Result<i64, EsReply> {
        self.number(key, default, "int", |v| {
            v.parse::<i32>().ok().map(i64::from)
        })
    }

    pub fn long(&self, key: &str, default: i64) -> Result<i64, EsReply> {
        self.number(key, default, "long", |v| v.parse::<i64>().ok())
    }

    pub fn double(&self, key: &str, default: f64) -> Result<f64, EsReply> {
        self.number(key, default, "double", |v| v.trim().parse::<f64>().ok())
    }

    fn number<T>(
        &self,
        key: &str,
        default: T,
        kind: &str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Result<T, EsReply> {
        match self.get(key) {
            None => Ok(default),
            Some(v) => parse(v).ok_or_else(|| {
                illegal_argument(format!(
                    "Failed to parse {kind} parameter [{key}] with value [{v}]"
                ))
            }),
        }
    }

    /// `?flag` and `?flag=true` are true, `?flag=false` false; anything else
    /// is refused.
    pub fn bool(&self, key: &str, default: bool) -> Result<bool, EsReply> {
        match self.get(key) {
            None => Ok(default),
            Some("" | "true") => Ok(true),
            Some("false") => Ok(false),
            Some(v) => Err(illegal_argument(format!(
                "Failed to parse value [{v}] as only [true] or [false] are allowed."
            ))),
        }
    }

    pub fn time(&self, key: &str, default: TimeValue) -> Result<TimeValue, EsReply> {
        match self.get(key) {
            None => Ok(default),
            Some(v) => TimeValue::parse(v, key).map_err(|e| e.reply(400)),
        }
    }

    pub fn size(&self, key: &str, default: ByteSize) -> Result<ByteSize, EsReply> {
        match self.get(key) {
            None => Ok(default),
            Some(v) => ByteSize::parse(v, key).map_err(|e| e.reply(400)),
        }
    }

    /// `?human`: readable twins of raw fields (`total_size` beside
    /// `total_size_bytes`).
    pub fn human(&self, default: bool) -> bool {
        self.bool("human", default).unwrap_or(default)
    }
}

/// Lucene's `LevenshteinDistance`: 1 - edits / longest length.
fn similarity(a: &str, b: &str) -> f32 {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let longest = a.len().max(b.len());
    if longest == 0 {
        return 1.0;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut row = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            row[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(row[j] + 1);
        }
        prev = row;
    }
    1.0 - prev[b.len()] as f32 / longest as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn parses_time_values_like_elasticsearch() {
        let t = |v: &str| TimeValue::parse(v, "timeout").map(|t| t.nanos);
        assert_eq!(t("30s"), Ok(30_000_000_000));
        assert_eq!(t("1m"), Ok(60_000_000_000));
        assert_eq!(t("250ms"), Ok(250_000_000));
        assert_eq!(t("2D"), Ok(172_800_000_000_000));
        assert_eq!(t("0"), Ok(0));
        assert_eq!(t("-1"), Ok(-1_000_000));
        let reason = |v: &str| TimeValue::parse(v, "expire_after").unwrap_err().reason;
        assert_eq!(
            reason("30M"),
            "failed to parse setting [expire_after] with value [30M] as a time value: unit is missing or unrecognized"
        );
        assert_eq!(
            reason("30"),
            "failed to parse setting [expire_after] with value [30] as a time value: unit is missing or unrecognized"
        );
        assert_eq!(
            reason("1.5d"),
            "failed to parse [1.5d], fractional time values are not supported"
        );
        assert_eq!(
            reason("-5d"),
            "failed to parse setting [expire_after] with value [-5d] as a time value: negative durations are not supported"
        );
        assert_eq!(reason("xd"), "failed to parse [xd]");
    }

    #[test]
    fn formats_time_values_like_the_analysis_answer() {
        let f = |nanos: i128| TimeValue { nanos }.to_string();
        assert_eq!(f(1_112_300_374), "1.11s");
        assert_eq!(f(97_504_450), "97.5ms");
        assert_eq!(f(170_102), "170.1micros");
        assert_eq!(f(406_478_316), "406.47ms");
        assert_eq!(f(30_000_000_000), "30s");
        assert_eq!(f(90_000_000_000), "1.5m");
        assert_eq!(f(12), "12nanos");
    }

    #[test]
    fn parses_and_formats_byte_sizes() {
        let b = |v: &str| ByteSize::parse(v, "max_blob_size").map(|s| s.bytes);
        assert_eq!(b("10mb"), Ok(10 << 20));
        assert_eq!(b("1GB"), Ok(1 << 30));
        assert_eq!(b("2g"), Ok(2 << 30));
        assert_eq!(b("512b"), Ok(512));
        assert_eq!(b("1.5kb"), Ok(1536));
        assert_eq!(
            ByteSize::parse("10", "max_blob_size").unwrap_err().reason,
            "failed to parse setting [max_blob_size] with value [10] as a size in bytes: unit is missing or unrecognized"
        );
        let f = |bytes: i64| ByteSize { bytes }.to_string();
        assert_eq!(f(3_141_632), "2.9mb");
        assert_eq!(f(3_867_976), "3.6mb");
        assert_eq!(f(1 << 30), "1gb");
        assert_eq!(f(1_048_576), "1mb");
        assert_eq!(f(100), "100b");
    }

    #[test]
    fn refuses_unknown_parameters_with_a_suggestion() {
        let pairs = q(&[("blob_cont", "5")]);
        let e = Params::new(&pairs)
            .only("/_snapshot/r/_analyze", &["blob_count", "concurrency"])
            .unwrap_err();
        assert_eq!(e.status, 400);
        assert_eq!(
            e.body["error"]["reason"],
            "request [/_snapshot/r/_analyze] contains unrecognized parameter: [blob_cont] -> did you mean [blob_count]?"
        );
        let pairs = q(&[("zzz", ""), ("yyy", "")]);
        let e = Params::new(&pairs).only("/x", &["a"]).unwrap_err();
        assert_eq!(
            e.body["error"]["reason"],
            "request [/x] contains unrecognized parameters: [yyy], [zzz]"
        );
        let pairs = q(&[("pretty", ""), ("a", "1")]);
        assert!(Params::new(&pairs).only("/x", &["a"]).is_ok());
    }

    #[test]
    fn parses_typed_parameters_with_their_messages() {
        let pairs = q(&[("n", "x"), ("b", ""), ("c", "yes")]);
        let p = Params::new(&pairs);
        assert_eq!(
            p.int("n", 1).unwrap_err().body["error"]["reason"],
            "Failed to parse int parameter [n] with value [x]"
        );
        assert_eq!(p.int("missing", 7).unwrap(), 7);
        assert!(p.bool("b", false).unwrap());
        assert_eq!(
            p.bool("c", false).unwrap_err().body["error"]["reason"],
            "Failed to parse value [yes] as only [true] or [false] are allowed."
        );
    }
}
