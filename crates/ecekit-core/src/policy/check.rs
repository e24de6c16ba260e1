//! `policy::validate`: the IAM policy rules (IAM grammar, IAM Access Analyzer
//! policy checks, parliament's findings, and what an Elasticsearch snapshot
//! repository needs), in one walk over the positioned AST.

use super::data::{iam, FxMap, IamData, Service};
use super::names::{self, is_account, is_region, Partition};
use super::PolicyKind;
use crate::finding::{Edit, Finding, Severity};
use crate::json::{self, ast, Collector as _, JsonDoc, Range};
use crate::model::ValidateOptions;
use jsonc_parser::common::Ranged;
use std::fmt::Write as _;
use std::rc::Rc;

pub const NOT_OBJECT: &str = "POLICY_NOT_OBJECT";
pub const TYPE: &str = "POLICY_TYPE";
pub const UNKNOWN_ELEMENT: &str = "POLICY_UNKNOWN_ELEMENT";
pub const VERSION_MISSING: &str = "POLICY_VERSION_MISSING";
pub const VERSION_INVALID: &str = "POLICY_VERSION_INVALID";
pub const VERSION_OLD: &str = "POLICY_VERSION_OLD";
pub const VARIABLE_NEEDS_VERSION: &str = "POLICY_VARIABLE_NEEDS_VERSION";
pub const ID_IN_IDENTITY_POLICY: &str = "POLICY_ID_IN_IDENTITY_POLICY";
pub const STATEMENT_MISSING: &str = "POLICY_STATEMENT_MISSING";
pub const SID_INVALID: &str = "POLICY_SID_INVALID";
pub const SID_EMPTY: &str = "POLICY_SID_EMPTY";
pub const SID_DUPLICATE: &str = "POLICY_SID_DUPLICATE";
pub const EFFECT_MISSING: &str = "POLICY_EFFECT_MISSING";
pub const EFFECT_INVALID: &str = "POLICY_EFFECT_INVALID";
pub const ELEMENT_COMBINATION: &str = "POLICY_ELEMENT_COMBINATION";
pub const ACTION_MISSING: &str = "POLICY_ACTION_MISSING";
pub const RESOURCE_MISSING: &str = "POLICY_RESOURCE_MISSING";
pub const EMPTY_ARRAY: &str = "POLICY_EMPTY_ARRAY";
pub const ACTION_FORMAT: &str = "POLICY_ACTION_FORMAT";
pub const UNKNOWN_ACTION: &str = "POLICY_UNKNOWN_ACTION";
pub const ACTION_CASE: &str = "POLICY_ACTION_CASE";
pub const UNKNOWN_SERVICE: &str = "POLICY_UNKNOWN_SERVICE";
pub const UNRELATED_SERVICE: &str = "POLICY_UNRELATED_SERVICE";
pub const REDUNDANT_ACTION: &str = "POLICY_REDUNDANT_ACTION";
pub const OVERBROAD_ACTION: &str = "POLICY_OVERBROAD_ACTION";
pub const ALLOW_NOT_ACTION: &str = "POLICY_ALLOW_NOT_ACTION";
pub const ALLOW_NOT_RESOURCE: &str = "POLICY_ALLOW_NOT_RESOURCE";
pub const RESOURCE_STAR: &str = "POLICY_RESOURCE_STAR";
pub const RESOURCE_ALL_BUCKETS: &str = "POLICY_RESOURCE_ALL_BUCKETS";
pub const RESOURCE_MISMATCH: &str = "POLICY_RESOURCE_MISMATCH";
pub const RESOURCE_UNUSED: &str = "POLICY_RESOURCE_UNUSED";
pub const ARN_PREFIX: &str = "POLICY_ARN_PREFIX";
pub const ARN_FIELDS: &str = "POLICY_ARN_FIELDS";
pub const ARN_PARTITION: &str = "POLICY_ARN_PARTITION";
pub const ARN_REGION: &str = "POLICY_ARN_REGION";
pub const ARN_ACCOUNT: &str = "POLICY_ARN_ACCOUNT";
pub const ARN_RESOURCE: &str = "POLICY_ARN_RESOURCE";
pub const BUCKET_NAME: &str = "POLICY_BUCKET_NAME";
pub const PLACEHOLDER: &str = "POLICY_PLACEHOLDER";
pub const MISSING_PRINCIPAL: &str = "POLICY_MISSING_PRINCIPAL";
pub const PRINCIPAL_INVALID: &str = "POLICY_PRINCIPAL_INVALID";
pub const PRINCIPAL_PUBLIC: &str = "POLICY_PRINCIPAL_PUBLIC";
pub const PRINCIPAL_EMPTY: &str = "POLICY_PRINCIPAL_EMPTY";
pub const ALLOW_NOT_PRINCIPAL: &str = "POLICY_ALLOW_NOT_PRINCIPAL";
pub const BUCKET_POLICY_ACTION: &str = "POLICY_BUCKET_POLICY_ACTION";
pub const BUCKET_POLICY_RESOURCE: &str = "POLICY_BUCKET_POLICY_RESOURCE";
pub const CONDITION_OPERATOR: &str = "POLICY_CONDITION_OPERATOR";
pub const CONDITION_KEY_FORMAT: &str = "POLICY_CONDITION_KEY_FORMAT";
pub const CONDITION_KEY_UNKNOWN: &str = "POLICY_CONDITION_KEY_UNKNOWN";
pub const CONDITION_KEY_UNSUPPORTED: &str = "POLICY_CONDITION_KEY_UNSUPPORTED";
pub const CONDITION_WILDCARD_WITHOUT_LIKE: &str = "POLICY_CONDITION_WILDCARD_WITHOUT_LIKE";
pub const CONDITION_VALUE: &str = "POLICY_CONDITION_VALUE";
pub const PREFIX_LEADING_SLASH: &str = "POLICY_PREFIX_LEADING_SLASH";
pub const MISSING_SNAPSHOT_ACTION: &str = "POLICY_MISSING_SNAPSHOT_ACTION";
pub const SIZE_QUOTA: &str = "POLICY_SIZE_QUOTA";
pub const SIZE_INLINE_QUOTA: &str = "POLICY_SIZE_INLINE_QUOTA";
pub const CHARACTERS: &str = "POLICY_CHARACTERS";

/// Every code `validate` can report.
pub const CODES: &[&str] = &[
    NOT_OBJECT,
    TYPE,
    UNKNOWN_ELEMENT,
    VERSION_MISSING,
    VERSION_INVALID,
    VERSION_OLD,
    VARIABLE_NEEDS_VERSION,
    ID_IN_IDENTITY_POLICY,
    STATEMENT_MISSING,
    SID_INVALID,
    SID_EMPTY,
    SID_DUPLICATE,
    EFFECT_MISSING,
    EFFECT_INVALID,
    ELEMENT_COMBINATION,
    ACTION_MISSING,
    RESOURCE_MISSING,
    EMPTY_ARRAY,
    ACTION_FORMAT,
    UNKNOWN_ACTION,
    ACTION_CASE,
    UNKNOWN_SERVICE,
    UNRELATED_SERVICE,
    REDUNDANT_ACTION,
    OVERBROAD_ACTION,
    ALLOW_NOT_ACTION,
    ALLOW_NOT_RESOURCE,
    RESOURCE_STAR,
    RESOURCE_ALL_BUCKETS,
    RESOURCE_MISMATCH,
    RESOURCE_UNUSED,
    ARN_PREFIX,
    ARN_FIELDS,
    ARN_PARTITION,
    ARN_REGION,
    ARN_ACCOUNT,
    ARN_RESOURCE,
    BUCKET_NAME,
    PLACEHOLDER,
    MISSING_PRINCIPAL,
    PRINCIPAL_INVALID,
    PRINCIPAL_PUBLIC,
    PRINCIPAL_EMPTY,
    ALLOW_NOT_PRINCIPAL,
    BUCKET_POLICY_ACTION,
    BUCKET_POLICY_RESOURCE,
    CONDITION_OPERATOR,
    CONDITION_KEY_FORMAT,
    CONDITION_KEY_UNKNOWN,
    CONDITION_KEY_UNSUPPORTED,
    CONDITION_WILDCARD_WITHOUT_LIKE,
    CONDITION_VALUE,
    PREFIX_LEADING_SLASH,
    MISSING_SNAPSHOT_ACTION,
    SIZE_QUOTA,
    SIZE_INLINE_QUOTA,
    CHARACTERS,
];

use Severity::{Error, Suggestion, Warning};

/// Whether a document reads as an identity policy or a bucket policy, and why.
/// A `Principal` (or `NotPrincipal`) in any statement makes it a bucket policy.
pub fn infer_kind(doc: &JsonDoc<'_>) -> (PolicyKind, String) {
    let Some(ast::Value::Object(root)) = &doc.root else {
        return (PolicyKind::Identity, identity_note());
    };
    for prop in root.properties.iter().rev() {
        if prop.name.as_str() != "Statement" {
            continue;
        }
        let found = |o: &ast::Object<'_>| {
            o.properties
                .iter()
                .find(|p| matches!(p.name.as_str(), "Principal" | "NotPrincipal"))
                .map(|p| p.name.as_str().to_string())
        };
        let hit = match &prop.value {
            ast::Value::Object(o) => found(o).map(|name| ("/Statement".to_string(), name)),
            ast::Value::Array(a) => a.elements.iter().enumerate().find_map(|(i, e)| match e {
                ast::Value::Object(o) => found(o).map(|name| (format!("/Statement/{i}"), name)),
                _ => None,
            }),
            _ => None,
        };
        if let Some((ptr, name)) = hit {
            return (
                PolicyKind::Bucket,
                format!(
                    "This document is read as a bucket policy (a resource-based policy) because {ptr} has a {name}."
                ),
            );
        }
        break;
    }
    (PolicyKind::Identity, identity_note())
}

fn identity_note() -> String {
    "This document is read as an identity policy (attached to an IAM user or role) because no statement has a Principal.".into()
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Svc {
    S3,
    Kms,
}

enum AKind {
    Star,
    Known(Svc, usize),
    Wild(Svc, Rc<[usize]>),
    /// An action of another known service (not checked in detail).
    Other,
    Invalid,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum RClass {
    Any,
    S3(u32),
    Kms(u32),
    Other,
    Invalid,
}

struct Item<'v> {
    text: &'v str,
    range: Range,
    /// Index in the array, or `None` for a bare string.
    index: Option<usize>,
}

/// A JSON pointer not yet written out: `parent` + `/key` (no key: `parent`
/// itself). Findings are rare, so pointers are rendered only for them.
#[derive(Clone, Copy)]
struct Ptr<'p> {
    parent: &'p str,
    key: &'p str,
}

impl<'p> Ptr<'p> {
    fn new(parent: &'p str, key: &'p str) -> Self {
        Ptr { parent, key }
    }

    fn at(pointer: &'p str) -> Self {
        Ptr {
            parent: pointer,
            key: "",
        }
    }
}

impl std::fmt::Display for Ptr<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.key.is_empty() {
            f.write_str(self.parent)
        } else {
            f.write_str(&child(self.parent, self.key))
        }
    }
}

impl Item<'_> {
    fn pointer(&self, base: Ptr<'_>) -> String {
        match self.index {
            Some(i) => format!("{base}/{i}"),
            None => base.to_string(),
        }
    }
}

struct ActionRef<'v> {
    item: Item<'v>,
    kind: AKind,
}

struct ResRef<'v> {
    item: Item<'v>,
    class: RClass,
    bucket: Option<&'v str>,
}

struct CondKey {
    key: String,
    svc: Svc,
    range: Range,
    pointer: String,
    negated: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Effect {
    Allow,
    Deny,
    Unknown,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum VersionState {
    Current,
    Old,
    Missing,
    Invalid,
}

struct Cx<'a, 'd> {
    doc: &'d JsonDoc<'a>,
    d: &'static IamData,
    out: Vec<Finding>,
    kind: PolicyKind,
    kind_note: String,
    /// Sid (borrowed from the document) → the pointer of the statement that
    /// used it first, as a range of `sid_pointers` (one buffer for all; a
    /// map to an index, like the IAM tables: one compiled hash map type).
    sids: FxMap<&'d str, (usize, usize)>,
    sid_pointers: String,
    first_bucket: Option<String>,
    expansions: FxMap<(Svc, String), Rc<[usize]>>,
    /// The over-broad description of each wildcard action, computed once.
    broad: FxMap<(Svc, String), Option<String>>,
    variable_at: Option<(Range, String)>,
    /// The snapshot actions (bucket then object ones) as S3 action indexes,
    /// and which of them an Allow statement grants.
    snapshot_actions: Vec<usize>,
    granted: Vec<bool>,
    /// Some Allow statement grants an S3 action: the policy is about S3.
    grants_s3: bool,
    /// The last least-privilege help text, by bucket and partition.
    help_cache: Option<(String, String, String)>,
    /// Resource-type bits of S3 bucket and object ARNs.
    bucket_bit: u32,
    object_bit: u32,
}

/// Checks an IAM policy (identity or bucket policy, inferred from `Principal`).
/// Returns the policy findings only: the JSON syntax and duplicate-key
/// findings are in `doc.findings`.
pub fn validate(doc: &JsonDoc<'_>, _opts: &ValidateOptions) -> Vec<Finding> {
    let Some(root) = &doc.root else {
        return Vec::new();
    };
    let ast::Value::Object(obj) = root else {
        return vec![doc.finding(
            Error,
            NOT_OBJECT,
            root.range(),
            "",
            format!(
                "A policy is a JSON object with Version and Statement; this document is {}, which IAM rejects.",
                json::type_name(root)
            ),
            "Write {\"Version\": \"2012-10-17\", \"Statement\": [ ... ]} around the statements.",
        )];
    };
    let (kind, kind_note) = infer_kind(doc);
    let mut cx = Cx {
        doc,
        d: iam(),
        out: Vec::new(),
        kind,
        kind_note,
        sids: FxMap::default(),
        sid_pointers: String::new(),
        first_bucket: None,
        expansions: FxMap::default(),
        broad: FxMap::default(),
        variable_at: None,
        snapshot_actions: Vec::new(),
        granted: Vec::new(),
        grants_s3: false,
        help_cache: None,
        bucket_bit: 0,
        object_bit: 0,
    };
    let d = cx.d;
    cx.snapshot_actions = d
        .snapshot_bucket_actions
        .iter()
        .chain(&d.snapshot_object_actions)
        .filter_map(|a| d.s3.action(a))
        .collect();
    cx.granted = vec![false; cx.snapshot_actions.len()];
    cx.bucket_bit = d.s3.mask_of(&["bucket"]);
    cx.object_bit = d.s3.mask_of(&["object"]);
    cx.text_checks(obj);
    let mut version = None;
    let mut statement = None;
    for prop in &obj.properties {
        match prop.name.as_str() {
            "Version" => version = Some(prop),
            "Statement" => statement = Some(prop),
            "Id" => cx.id(prop),
            _ => cx.unknown_element(prop, "", "policy"),
        }
    }
    let version_state = cx.version(obj, version);
    match statement {
        Some(p) => {
            cx.statements(p);
            cx.missing_snapshot_actions(p);
        }
        None => {
            let f = cx.doc.finding(
                Error,
                STATEMENT_MISSING,
                brace(obj.range),
                "",
                "The policy has no Statement, so it grants nothing and IAM rejects it (Access Analyzer: Missing statement).",
                "Add \"Statement\": [ ... ] with at least one statement.",
            );
            cx.out.push(f);
        }
    }
    if let Some((range, pointer)) = cx.variable_at.take() {
        if matches!(version_state, VersionState::Missing | VersionState::Old) {
            let f = cx.doc.finding(
                Warning,
                VARIABLE_NEEDS_VERSION,
                range,
                &pointer,
                "This value uses a policy variable (${...}), but the policy does not declare Version 2012-10-17: under 2008-10-17 (the old default) IAM reads the variable as literal text, so it matches nothing.",
                "Set \"Version\": \"2012-10-17\".",
            );
            cx.out.push(f);
        }
    }
    let mut out = cx.out;
    crate::finding::sort(&mut out);
    out
}

/// The range of an object's opening brace: where "missing element" findings point.
fn brace(range: Range) -> Range {
    Range::new(
        range.start,
        (range.start + 1).min(range.end.max(range.start)),
    )
}

fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

/// The candidate closest to `word` (case-insensitive), if close enough to suggest.
fn nearest<'n>(word: &str, candidates: impl Iterator<Item = &'n str>) -> Option<&'n str> {
    let w = word.to_ascii_lowercase();
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let cl = c.to_ascii_lowercase();
        let mut score = strsim::normalized_damerau_levenshtein(&w, &cl);
        if w.len() >= 4 && (cl.starts_with(&w) || w.starts_with(&cl)) {
            score = score.max(0.75);
        }
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    best.filter(|(s, _)| *s >= 0.6).map(|(_, c)| c)
}

/// `*` and `?` wildcard match (IAM's), on lower-case ASCII bytes.
fn glob(p: &[u8], t: &[u8]) -> bool {
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<usize> = None;
    let mut mark = 0;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == b'?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == b'*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == b'*' {
        pi += 1;
    }
    pi == p.len()
}

fn has_wildcard(s: &str) -> bool {
    s.bytes().any(|b| b == b'*' || b == b'?')
}

/// Holds a wildcard or a policy variable (`${...}`): the text is a pattern, not a name.
fn is_variable_or_wild(s: &str) -> bool {
    s.bytes().any(|b| b == b'*' || b == b'?' || b == b'$')
}

/// Per byte of UTF-8 text: bit 0 = not counted in the IAM policy size
/// (JSON whitespace, or a continuation byte of a multi-byte character),
/// bit 1 = starts a character IAM rejects (a control character other than
/// tab, LF, CR; or a character above U+00FF, whose lead byte is over 0xC3).
static BYTE_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        let skipped = matches!(byte, b' ' | b'\t' | b'\n' | b'\r') || byte & 0xC0 == 0x80;
        let bad = (byte < 0x20 && !matches!(byte, b'\t' | b'\n' | b'\r')) || byte > 0xC3;
        t[b] = (skipped as u8) | ((bad as u8) << 1);
        b += 1;
    }
    t
};

/// Counts what IAM counts toward the policy size (characters other than
/// JSON whitespace) and the characters it rejects, with the offset of the
/// first one. Eight bytes at a time (exact per-byte masks, no carries
/// between bytes); the tail through [`BYTE_CLASS`].
fn scan_text(text: &[u8]) -> (usize, usize, Option<usize>) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    // High bit of each byte of `x` that equals `c`.
    let eq = |x: u64, c: u8| {
        let y = x ^ (ONES * u64::from(c));
        !(((y & LOW7).wrapping_add(LOW7)) | y | LOW7)
    };
    // Sum of the eight byte lanes of `acc` (each at most 254).
    let lanes = |acc: u64| {
        let pairs = (acc & 0x00FF_00FF_00FF_00FF) + ((acc >> 8) & 0x00FF_00FF_00FF_00FF);
        (pairs.wrapping_mul(0x0001_0001_0001_0001) >> 48) as usize
    };
    let mut skipped = 0usize;
    let mut acc = 0u64;
    let mut in_acc = 0;
    let mut bad = 0usize;
    let mut first_bad = None;
    let mut chunks = text.chunks_exact(8);
    for (n, chunk) in (&mut chunks).enumerate() {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word);
        let (e9, e10, e13) = (eq(x, b'\t'), eq(x, b'\n'), eq(x, b'\r'));
        let ws = e9 | e10 | e13 | eq(x, b' ');
        // Continuation bytes: 10xxxxxx. A byte is never both.
        let cont = x & HIGH & !(x << 1);
        acc += (ws | cont) >> 7;
        in_acc += 1;
        if in_acc == 254 {
            skipped += lanes(acc);
            acc = 0;
            in_acc = 0;
        }
        // ASCII below 0x20, and lead bytes from 0xC4 (characters above U+00FF).
        let ge20 = ((x & LOW7).wrapping_add(ONES * 0x60)) & HIGH;
        let control = !ge20 & !x & HIGH & !(e9 | e10 | e13);
        let high = ((x & LOW7).wrapping_add(ONES * 0x3C)) & x & HIGH;
        let flagged = control | high;
        if flagged != 0 {
            bad += flagged.count_ones() as usize;
            if first_bad.is_none() {
                first_bad = Some(n * 8 + (flagged.trailing_zeros() / 8) as usize);
            }
        }
    }
    skipped += lanes(acc);
    let tail_start = text.len() - chunks.remainder().len();
    for (i, &b) in chunks.remainder().iter().enumerate() {
        let class = BYTE_CLASS[b as usize];
        skipped += (class & 1) as usize;
        if class >> 1 != 0 {
            bad += 1;
            first_bad.get_or_insert(tail_start + i);
        }
    }
    (text.len() - skipped, bad, first_bad)
}

/// `base` + `/key` as a JSON pointer (escaping only when needed).
fn child(base: &str, key: &str) -> String {
    if key.bytes().any(|b| b == b'~' || b == b'/') {
        return json::pointer(base, key);
    }
    let mut p = String::with_capacity(base.len() + key.len() + 1);
    p.push_str(base);
    p.push('/');
    p.push_str(key);
    p
}

fn describe_types(svc: &Service, mask: u32, partition: &str) -> String {
    if mask == 0 {
        return "only the resource \"*\"".into();
    }
    let mut parts = Vec::new();
    for (i, t) in svc.resource_types.iter().enumerate() {
        if mask & (1 << i) == 0 {
            continue;
        }
        parts.push(match (svc.prefix, t.name.as_str()) {
            ("s3", "bucket") => format!("bucket ARNs (arn:{partition}:s3:::BUCKET)"),
            ("s3", "object") => {
                format!("object ARNs (arn:{partition}:s3:::BUCKET/KEY, e.g. BUCKET/*)")
            }
            ("kms", "key") => format!("key ARNs (arn:{partition}:kms:REGION:ACCOUNT:key/KEY-ID)"),
            (_, name) => format!("{name} ARNs"),
        });
    }
    parts.join(" or ")
}

impl<'d, 'a> json::Collector<'a> for Cx<'a, 'd> {
    fn doc(&self) -> &JsonDoc<'a> {
        self.doc
    }
    fn findings_mut(&mut self) -> &mut Vec<Finding> {
        &mut self.out
    }
}

impl<'a, 'd> Cx<'a, 'd> {
    fn replace(range: Range, replacement: String) -> Edit {
        Edit {
            start: range.start,
            end: range.end,
            replacement,
        }
    }

    fn least_privilege_help(&mut self, bucket: Option<&str>, partition: &str) -> String {
        let b = bucket.unwrap_or("BUCKET");
        if let Some((cb, cp, help)) = &self.help_cache {
            if cb == b && cp == partition {
                return help.clone();
            }
        }
        let s3 = |list: &[String]| {
            list.iter()
                .map(|a| format!("s3:{a}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let real = bucket.is_some_and(|b| {
            names::s3_bucket_name_problem(b).is_none() && !names::is_placeholder_bucket(b)
        });
        let command_bucket = if real { b } else { "<your-bucket>" };
        let help = format!(
            "Grant only what a snapshot repository uses: {} on arn:{partition}:s3:::{b}, and {} on arn:{partition}:s3:::{b}/* (`ecekit policy --bucket {command_bucket}` writes this policy).",
            s3(&self.d.snapshot_bucket_actions),
            s3(&self.d.snapshot_object_actions)
        );
        self.help_cache = Some((b.to_string(), partition.to_string(), help.clone()));
        help
    }

    // ----- whole-text checks -------------------------------------------------

    fn text_checks(&mut self, root: &ast::Object<'_>) {
        let (count, bad, first_bad) = scan_text(self.doc.text.as_bytes());
        if let Some(i) = first_bad {
            let c = self.doc.text[i..].chars().next().unwrap_or('?');
            let end = i + c.len_utf8();
            let curly = matches!(c, '\u{201C}' | '\u{201D}' | '\u{2018}' | '\u{2019}');
            let others = if bad > 1 {
                format!(" and {} other character(s)", bad - 1)
            } else {
                String::new()
            };
            self.push(
                Error,
                CHARACTERS,
                Range::new(i, end),
                "",
                format!(
                    "'{}' (U+{:04X}){others} is outside what IAM accepts in a policy (tab, line feed, carriage return and U+0020 to U+00FF): IAM rejects the document.",
                    c.escape_default(),
                    c as u32
                ),
                if curly {
                    "Replace curly quotes copied from a web page or word processor with straight quotes \" and '."
                } else {
                    "Replace the character with plain ASCII text."
                },
            );
        }
        let (limit, code, severity, message, help) = match self.kind {
            PolicyKind::Bucket => (
                self.d.bucket_policy_quota,
                SIZE_QUOTA,
                Warning,
                format!(
                    "The policy has {count} characters (whitespace not counted), over the {} that S3 accepts in a bucket policy.",
                    self.d.bucket_policy_quota
                ),
                "Merge statements that share Effect, Principal and Resource, or use wildcards in resources sparingly to shorten it.".to_string(),
            ),
            PolicyKind::Identity if count > self.d.managed_policy_quota => (
                self.d.managed_policy_quota,
                SIZE_QUOTA,
                Warning,
                format!(
                    "The policy has {count} characters (whitespace not counted), over the {} that IAM accepts in a managed policy (Access Analyzer: policy size exceeds identity policy quota).",
                    self.d.managed_policy_quota
                ),
                "Split it into several managed policies, or merge statements that share Effect and Resource.".to_string(),
            ),
            PolicyKind::Identity => (
                self.d.inline_user_policy_quota,
                SIZE_INLINE_QUOTA,
                Suggestion,
                format!(
                    "The policy has {count} characters (whitespace not counted): too large to attach inline with `aws iam put-user-policy`, because all inline policies of one user share {} characters.",
                    self.d.inline_user_policy_quota
                ),
                "Create it as a managed policy (`aws iam create-policy`, up to 6,144 characters) and attach it with `aws iam attach-user-policy`.".to_string(),
            ),
        };
        if count > limit {
            self.push(severity, code, brace(root.range), "", message, help);
        }
    }

    // ----- top level ----------------------------------------------------------

    fn unknown_element(&mut self, prop: &ast::ObjectProp<'_>, base: &str, place: &str) {
        let name = prop.name.as_str();
        let pointer = child(base, name);
        let known: &[String] = if place == "policy" {
            &self.d.top_level_keys
        } else {
            &self.d.statement_keys
        };
        let list = known.join(", ");
        if let Some(k) = known.iter().find(|k| k.eq_ignore_ascii_case(name)) {
            let fix = Self::replace(prop.name.range(), quoted(k));
            self.push_fix(
                Error,
                UNKNOWN_ELEMENT,
                prop.name.range(),
                &pointer,
                format!(
                    "\"{name}\" is not a {place} element: element names are case-sensitive, and IAM rejects the policy (MalformedPolicyDocument)."
                ),
                format!("Write \"{k}\"."),
                fix,
            );
            return;
        }
        let guess = nearest(name, known.iter().map(String::as_str));
        let help = match guess {
            Some(g) => format!("Did you mean \"{g}\"? A {place} holds only: {list}."),
            None => format!("Remove it: a {place} holds only: {list}."),
        };
        self.push(
            Error,
            UNKNOWN_ELEMENT,
            prop.name.range(),
            &pointer,
            format!(
                "\"{name}\" is not a {place} element, so IAM rejects the policy (MalformedPolicyDocument)."
            ),
            help,
        );
    }

    fn id(&mut self, prop: &ast::ObjectProp<'_>) {
        if !matches!(prop.value, ast::Value::StringLit(_)) {
            self.push(
                Error,
                TYPE,
                prop.value.range(),
                "/Id",
                format!(
                    "Id must be a string; it is {}.",
                    json::type_name(&prop.value)
                ),
                "Write a string such as a UUID, or remove Id.",
            );
        } else if self.kind == PolicyKind::Identity {
            self.push(
                Suggestion,
                ID_IN_IDENTITY_POLICY,
                prop.name.range(),
                "/Id",
                format!(
                    "Id is meant for resource-based policies; IAM does not use it in identity policies. {}",
                    self.kind_note
                ),
                "Remove the Id element.",
            );
        }
    }

    fn version(
        &mut self,
        root: &ast::Object<'_>,
        prop: Option<&ast::ObjectProp<'_>>,
    ) -> VersionState {
        let current = self.d.current_version.clone();
        let Some(prop) = prop else {
            let at = root.range.start + 1;
            let replacement = if root.properties.is_empty() {
                format!("\"Version\": \"{current}\"")
            } else {
                format!("\n  \"Version\": \"{current}\",")
            };
            self.push_fix(
                Warning,
                VERSION_MISSING,
                brace(root.range),
                "",
                "The policy has no Version. Without it IAM applies the old 2008-10-17 language, where policy variables such as ${aws:username} are plain text (Access Analyzer: Missing version).",
                format!("Add \"Version\": \"{current}\" as the first element."),
                Edit {
                    start: at,
                    end: at,
                    replacement,
                },
            );
            return VersionState::Missing;
        };
        let range = prop.value.range();
        let fix = Self::replace(range, quoted(&current));
        match &prop.value {
            ast::Value::StringLit(s) if s.value == current.as_str() => VersionState::Current,
            ast::Value::StringLit(s) if self.d.old_versions.iter().any(|v| *v == s.value) => {
                self.push_fix(
                    Warning,
                    VERSION_OLD,
                    range,
                    "/Version",
                    format!(
                        "Version {} is the old policy language: policy variables such as ${{aws:username}} are read as plain text under it.",
                        s.value
                    ),
                    format!("Use \"Version\": \"{current}\"."),
                    fix,
                );
                VersionState::Old
            }
            other => {
                let shown = match other {
                    ast::Value::StringLit(s) => format!("\"{}\"", s.value),
                    v => json::type_name(v).to_string(),
                };
                let placeholder = shown.contains("YYYY") || shown.contains("policy-language");
                let why = if placeholder {
                    " It is the placeholder from Elastic's documentation, not a date: IAM accepts only 2012-10-17 or 2008-10-17."
                } else {
                    " IAM accepts only 2012-10-17 or 2008-10-17."
                };
                self.push_fix(
                    Error,
                    VERSION_INVALID,
                    range,
                    "/Version",
                    format!(
                        "Invalid Version {shown}: IAM rejects the policy (MalformedPolicyDocument; Access Analyzer: Invalid version).{why}"
                    ),
                    format!("Write \"Version\": \"{current}\" (the date of the policy language, not of your policy)."),
                    fix,
                );
                VersionState::Invalid
            }
        }
    }

    fn statements(&mut self, prop: &'d ast::ObjectProp<'a>) {
        match &prop.value {
            ast::Value::Object(o) => self.statement(o, "/Statement"),
            ast::Value::Array(a) => {
                if a.elements.is_empty() {
                    self.push(
                        Error,
                        STATEMENT_MISSING,
                        a.range,
                        "/Statement",
                        "Statement is an empty array: the policy grants nothing and IAM rejects it (Access Analyzer: Missing statement).",
                        "Add at least one statement object.",
                    );
                }
                // One buffer for every statement's pointer: no allocation each.
                let mut pointer = String::with_capacity(24);
                for (i, e) in a.elements.iter().enumerate() {
                    pointer.truncate(0);
                    let _ = write!(pointer, "/Statement/{i}");
                    match e {
                        ast::Value::Object(o) => self.statement(o, &pointer),
                        other => self.push(
                            Error,
                            TYPE,
                            other.range(),
                            &pointer,
                            format!(
                                "A statement is an object with Effect, Action and Resource; this one is {}.",
                                json::type_name(other)
                            ),
                            "Write {\"Effect\": \"Allow\", \"Action\": [...], \"Resource\": [...]}.",
                        ),
                    }
                }
            }
            other => self.push(
                Error,
                TYPE,
                other.range(),
                "/Statement",
                format!(
                    "Statement must be an object or an array of objects; it is {}, which IAM rejects.",
                    json::type_name(other)
                ),
                "Write \"Statement\": [{\"Effect\": \"Allow\", \"Action\": [...], \"Resource\": [...]}].",
            ),
        }
    }

    // ----- one statement ------------------------------------------------------

    fn statement(&mut self, o: &'d ast::Object<'a>, ptr: &str) {
        let mut sid = None;
        let mut effect = None;
        let mut principal = None;
        let mut not_principal = None;
        let mut action = None;
        let mut not_action = None;
        let mut resource = None;
        let mut not_resource = None;
        let mut condition = None;
        for p in &o.properties {
            match p.name.as_str() {
                "Sid" => sid = Some(p),
                "Effect" => effect = Some(p),
                "Principal" => principal = Some(p),
                "NotPrincipal" => not_principal = Some(p),
                "Action" => action = Some(p),
                "NotAction" => not_action = Some(p),
                "Resource" => resource = Some(p),
                "NotResource" => not_resource = Some(p),
                "Condition" => condition = Some(p),
                _ => self.unknown_element(p, ptr, "statement"),
            }
        }
        if let Some(s) = sid {
            self.sid(s, ptr);
        }
        let effect = self.effect(effect, o, ptr);
        let allow = effect != Effect::Deny;

        // Principal
        for (a, b) in [
            (principal, not_principal),
            (action, not_action),
            (resource, not_resource),
        ] {
            if let (Some(a), Some(b)) = (a, b) {
                self.push(
                    Error,
                    ELEMENT_COMBINATION,
                    b.name.range(),
                    &child(ptr, b.name.as_str()),
                    format!(
                        "{} and {} cannot be used in the same statement: IAM rejects the policy (Access Analyzer: Unsupported element combination).",
                        a.name.as_str(),
                        b.name.as_str()
                    ),
                    "Keep one of them; to combine both, write two statements.",
                );
            }
        }
        match (principal, not_principal) {
            (None, None) if self.kind == PolicyKind::Bucket => {
                let note = self.kind_note.clone();
                self.push(
                    Error,
                    MISSING_PRINCIPAL,
                    brace(o.range),
                    ptr,
                    format!(
                        "This statement has no Principal, which every statement of a bucket policy needs: S3 rejects the policy (Access Analyzer: Missing principal). {note}"
                    ),
                    "Add \"Principal\": {\"AWS\": \"arn:aws:iam::ACCOUNT:user/NAME\"} naming who may use the bucket; or, if this is an identity policy for an IAM user, remove every Principal instead.",
                );
            }
            (Some(p), _) => self.principal(p, ptr, allow, false),
            (None, Some(np)) => {
                self.principal(np, ptr, allow, true);
                if effect == Effect::Allow {
                    self.push(
                        Warning,
                        ALLOW_NOT_PRINCIPAL,
                        np.name.range(),
                        &child(ptr, "NotPrincipal"),
                        "Allow with NotPrincipal grants access to every principal except the ones listed, including anonymous users: far more than intended (Access Analyzer: Allow with NotPrincipal).",
                        "Use Principal with the users or roles that need access.",
                    );
                }
            }
            _ => {}
        }

        // Action
        if action.is_none() && not_action.is_none() {
            self.push(
                Error,
                ACTION_MISSING,
                brace(o.range),
                ptr,
                "This statement has no Action, so IAM rejects the policy (Access Analyzer: Missing action).",
                "Add \"Action\": [ ... ] with the actions the repository needs.",
            );
        }
        let action_ptr = Ptr::new(ptr, "Action");
        let actions = match action {
            Some(a) => self.actions(&a.value, action_ptr, allow),
            None => Vec::new(),
        };
        if let Some(na) = not_action {
            let na_ptr = child(ptr, "NotAction");
            self.actions(&na.value, Ptr::at(&na_ptr), false);
            if effect == Effect::Allow {
                self.push(
                    Warning,
                    ALLOW_NOT_ACTION,
                    na.name.range(),
                    &na_ptr,
                    "Allow with NotAction grants every action of every AWS service except the ones listed, including actions added to AWS later.",
                    "List the allowed actions in Action instead.",
                );
            }
        }

        // Resource
        if resource.is_none() && not_resource.is_none() {
            self.push(
                Error,
                RESOURCE_MISSING,
                brace(o.range),
                ptr,
                "This statement has no Resource, so IAM rejects the policy (Access Analyzer: Missing resource).",
                "Add \"Resource\": [\"arn:aws:s3:::BUCKET\", \"arn:aws:s3:::BUCKET/*\"] naming the bucket.",
            );
        }
        let resource_ptr = Ptr::new(ptr, "Resource");
        let resources = match resource {
            Some(r) => self.resources(&r.value, resource_ptr, allow),
            None => Vec::new(),
        };
        if let Some(nr) = not_resource {
            let nr_ptr = child(ptr, "NotResource");
            self.resources(&nr.value, Ptr::at(&nr_ptr), false);
            if effect == Effect::Allow {
                self.push(
                    Warning,
                    ALLOW_NOT_RESOURCE,
                    nr.name.range(),
                    &nr_ptr,
                    "Allow with NotResource grants the actions on every resource except the ones listed, in every bucket of every account the credentials can reach.",
                    "List the bucket and its objects in Resource instead.",
                );
            }
        }

        // Condition
        let keys = match condition {
            Some(c) => self.condition(&c.value, &child(ptr, "Condition")),
            None => Vec::new(),
        };

        let partition = resources
            .iter()
            .find_map(|r| {
                r.item
                    .text
                    .strip_prefix("arn:")
                    .and_then(|t| t.split(':').next())
                    .filter(|p| !p.is_empty() && !is_variable_or_wild(p))
            })
            .unwrap_or("aws");
        let bucket = resources.iter().find_map(|r| r.bucket);

        if allow {
            self.overbroad(&actions, action_ptr, bucket, partition);
        }
        if effect == Effect::Allow {
            self.record_grants(&actions);
        }
        if action.is_some() && resource.is_some() {
            self.match_actions(&actions, &resources, action_ptr, resource_ptr, partition);
        }
        if !keys.is_empty() && action.is_some() {
            self.condition_support(&actions, &keys, effect);
        }
        if self.kind == PolicyKind::Bucket {
            self.bucket_policy_scope(&actions, action_ptr, &resources, resource_ptr);
        }
    }

    fn record_grants(&mut self, actions: &[ActionRef<'_>]) {
        for a in actions {
            match &a.kind {
                AKind::Star => {
                    self.grants_s3 = true;
                    self.granted.iter_mut().for_each(|g| *g = true);
                }
                AKind::Known(Svc::S3, i) => {
                    self.grants_s3 = true;
                    if let Some(k) = self.snapshot_actions.iter().position(|x| x == i) {
                        self.granted[k] = true;
                    }
                }
                AKind::Wild(Svc::S3, list) => {
                    self.grants_s3 = true;
                    for (k, x) in self.snapshot_actions.iter().enumerate() {
                        if list.contains(x) {
                            self.granted[k] = true;
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// After all statements: the snapshot actions no Allow statement grants.
    fn missing_snapshot_actions(&mut self, statement: &ast::ObjectProp<'_>) {
        if !self.grants_s3 || self.granted.iter().all(|g| *g) {
            return;
        }
        let missing: Vec<&str> = self
            .snapshot_actions
            .iter()
            .zip(&self.granted)
            .filter(|(_, g)| !**g)
            .map(|(i, _)| self.d.s3.actions[*i].name.as_str())
            .collect();
        let list = missing
            .iter()
            .map(|m| format!("s3:{m}"))
            .collect::<Vec<_>>()
            .join(", ");
        let reads = ["ListBucket", "GetObject"];
        let breaks_reads = missing.iter().any(|m| reads.contains(m));
        let (severity, message) = if breaks_reads {
            (
                Warning,
                format!("No Allow statement grants {list}: a snapshot repository cannot list or read its files without them, so registering and verifying it fails."),
            )
        } else {
            (
                Suggestion,
                format!("No Allow statement grants {list}, which Elasticsearch's recommended policy includes: without them snapshots fail to write, delete or clean up their files, unless the repository is registered with \"readonly\": true."),
            )
        };
        let help = self.least_privilege_help(None, "aws");
        self.push(
            severity,
            MISSING_SNAPSHOT_ACTION,
            statement.name.range(),
            "/Statement",
            message,
            help,
        );
    }

    fn sid(&mut self, prop: &'d ast::ObjectProp<'a>, ptr: &str) {
        let pointer = || child(ptr, "Sid");
        let ast::Value::StringLit(s) = &prop.value else {
            self.push(
                Error,
                TYPE,
                prop.value.range(),
                &pointer(),
                format!(
                    "Sid must be a string; it is {}.",
                    json::type_name(&prop.value)
                ),
                "Write a short name such as \"SnapshotObjects\".",
            );
            return;
        };
        let value: &str = &s.value;
        if value.is_empty() {
            self.push(
                Suggestion,
                SID_EMPTY,
                s.range,
                &pointer(),
                "The Sid is empty: it names nothing (Access Analyzer: Empty Sid value).",
                "Give the statement a name such as \"SnapshotObjects\", or remove Sid.",
            );
            return;
        }
        if !value.bytes().all(|c| c.is_ascii_alphanumeric()) {
            let cleaned: String = value
                .chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .collect();
            let message = format!(
                "Sid \"{value}\" has characters other than A-Z, a-z and 0-9, which IAM rejects in identity policies (Access Analyzer: Unsupported Sid; parliament: INVALID_SID)."
            );
            if cleaned.is_empty() {
                self.push(
                    Error,
                    SID_INVALID,
                    s.range,
                    &pointer(),
                    message,
                    "Use letters and digits only, e.g. \"SnapshotObjects\".",
                );
            } else {
                let help = format!("Write \"{cleaned}\".");
                let fix = Self::replace(s.range, quoted(&cleaned));
                self.push_fix(Error, SID_INVALID, s.range, &pointer(), message, help, fix);
            }
        }
        if let Some(&(start, end)) = self.sids.get(value) {
            let first = self.sid_pointers[start..end].to_string();
            self.push(
                Error,
                SID_DUPLICATE,
                s.range,
                &pointer(),
                format!(
                    "Sid \"{value}\" is already used by {first}: Sids must be unique within a policy, and IAM rejects duplicates (Access Analyzer: Unique Sids required)."
                ),
                "Rename one of the two statements.",
            );
        } else {
            let start = self.sid_pointers.len();
            self.sid_pointers.push_str(ptr);
            self.sids.insert(value, (start, self.sid_pointers.len()));
        }
    }

    fn effect(
        &mut self,
        prop: Option<&ast::ObjectProp<'_>>,
        o: &ast::Object<'_>,
        ptr: &str,
    ) -> Effect {
        let Some(prop) = prop else {
            self.push(
                Error,
                EFFECT_MISSING,
                brace(o.range),
                ptr,
                "This statement has no Effect, so IAM rejects the policy (Access Analyzer: Missing effect).",
                "Add \"Effect\": \"Allow\".",
            );
            return Effect::Unknown;
        };
        let pointer = || child(ptr, "Effect");
        let range = prop.value.range();
        if let ast::Value::StringLit(s) = &prop.value {
            match &*s.value {
                "Allow" => return Effect::Allow,
                "Deny" => return Effect::Deny,
                v => {
                    for canonical in ["Allow", "Deny"] {
                        if v.trim().eq_ignore_ascii_case(canonical) {
                            self.push_fix(
                                Error,
                                EFFECT_INVALID,
                                range,
                                &pointer(),
                                format!(
                                    "Effect \"{v}\" is not valid: the value is case-sensitive and IAM rejects the policy (Access Analyzer: Invalid effect)."
                                ),
                                format!("Write \"{canonical}\"."),
                                Self::replace(range, quoted(canonical)),
                            );
                            return if canonical == "Allow" {
                                Effect::Allow
                            } else {
                                Effect::Deny
                            };
                        }
                    }
                }
            }
        }
        let shown = match &prop.value {
            ast::Value::StringLit(s) => format!("\"{}\"", s.value),
            v => json::type_name(v).to_string(),
        };
        self.push(
            Error,
            EFFECT_INVALID,
            range,
            &pointer(),
            format!(
                "Effect {shown} is not valid: IAM accepts only \"Allow\" or \"Deny\" and rejects the policy (Access Analyzer: Invalid effect)."
            ),
            "Write \"Effect\": \"Allow\".",
        );
        Effect::Unknown
    }

    // ----- lists of strings ---------------------------------------------------

    fn strings<'v>(
        &mut self,
        value: &'v ast::Value<'_>,
        base: Ptr<'_>,
        element: &str,
    ) -> Vec<Item<'v>> {
        match value {
            ast::Value::StringLit(s) => vec![Item {
                text: &s.value,
                range: s.range,
                index: None,
            }],
            ast::Value::Array(a) => {
                if a.elements.is_empty() {
                    self.push(
                        Suggestion,
                        EMPTY_ARRAY,
                        a.range,
                        &base.to_string(),
                        format!("{element} is an empty array, so this statement applies to nothing (Access Analyzer: Empty array)."),
                        format!("List at least one value in {element}, or remove the statement."),
                    );
                }
                let mut items = Vec::with_capacity(a.elements.len());
                for (i, e) in a.elements.iter().enumerate() {
                    match e {
                        ast::Value::StringLit(s) => items.push(Item {
                            text: &s.value,
                            range: s.range,
                            index: Some(i),
                        }),
                        other => self.push(
                            Error,
                            TYPE,
                            other.range(),
                            &format!("{base}/{i}"),
                            format!(
                                "Each {element} value is a string; this one is {}, which IAM rejects.",
                                json::type_name(other)
                            ),
                            "Quote it as a string.",
                        ),
                    }
                }
                items
            }
            other => {
                self.push(
                    Error,
                    TYPE,
                    other.range(),
                    &base.to_string(),
                    format!(
                        "{element} must be a string or an array of strings; it is {}, which IAM rejects.",
                        json::type_name(other)
                    ),
                    format!("Write \"{element}\": [\"...\"]."),
                );
                Vec::new()
            }
        }
    }

    // ----- actions ------------------------------------------------------------

    fn service(&self, svc: Svc) -> &'static Service {
        match svc {
            Svc::S3 => &self.d.s3,
            Svc::Kms => &self.d.kms,
        }
    }

    fn expand(&mut self, svc: Svc, pattern: &str) -> Rc<[usize]> {
        let lower = pattern.to_ascii_lowercase();
        if let Some(hit) = self.expansions.get(&(svc, lower.clone())) {
            return hit.clone();
        }
        let service = self.service(svc);
        let list: Rc<[usize]> = service
            .actions
            .iter()
            .enumerate()
            .filter(|(_, a)| glob(lower.as_bytes(), a.lower.as_bytes()))
            .map(|(i, _)| i)
            .collect();
        self.expansions.insert((svc, lower), list.clone());
        list
    }

    fn actions<'v>(
        &mut self,
        value: &'v ast::Value<'_>,
        base: Ptr<'_>,
        allow: bool,
    ) -> Vec<ActionRef<'v>> {
        let element = if base.key == "NotAction" {
            "NotAction"
        } else {
            "Action"
        };
        let items = self.strings(value, base, element);
        let mut out: Vec<ActionRef<'v>> = Vec::with_capacity(items.len());
        for item in items {
            let kind = self.action(&item, base, allow);
            if let AKind::Known(svc, i) = kind {
                // Listed before: an earlier item is the same known action.
                let seen = out
                    .iter()
                    .any(|a| matches!(a.kind, AKind::Known(s, j) if s == svc && j == i));
                if seen {
                    let name = format!(
                        "{}:{}",
                        self.service(svc).prefix,
                        self.service(svc).actions[i].name
                    );
                    self.push(
                        Suggestion,
                        REDUNDANT_ACTION,
                        item.range,
                        &item.pointer(base),
                        format!("{name} is listed twice in this statement."),
                        "Remove the repeated entry.",
                    );
                }
            }
            out.push(ActionRef { item, kind });
        }
        out
    }

    fn action(&mut self, item: &Item<'_>, base: Ptr<'_>, allow: bool) -> AKind {
        let text = item.text;
        if text == "*" {
            return AKind::Star;
        }
        // Byte search: `split_once(':')`'s searcher costs more on these short strings.
        let colon = text.bytes().position(|b| b == b':');
        let Some((prefix, name)) = colon.map(|i| (&text[..i], &text[i + 1..])) else {
            self.push(
                Error,
                ACTION_FORMAT,
                item.range,
                &item.pointer(base),
                format!("\"{text}\" is not an action: IAM actions are written service:ActionName."),
                "Write it like s3:GetObject (or \"*\").",
            );
            return AKind::Invalid;
        };
        if name.is_empty() || prefix.is_empty() || name.bytes().any(|b| b == b':') {
            self.push(
                Error,
                ACTION_FORMAT,
                item.range,
                &item.pointer(base),
                format!("\"{text}\" is not an action: IAM actions are written service:ActionName."),
                "Write it like s3:GetObject.",
            );
            return AKind::Invalid;
        }
        let svc = if prefix.eq_ignore_ascii_case("s3") {
            Svc::S3
        } else if prefix.eq_ignore_ascii_case("kms") {
            Svc::Kms
        } else {
            let lower = prefix.to_ascii_lowercase();
            if self.d.is_service(&lower) {
                if allow {
                    self.push(
                        Suggestion,
                        UNRELATED_SERVICE,
                        item.range,
                        &item.pointer(base),
                        format!(
                            "{text} is an action of {lower}, which a snapshot repository does not use: the repository needs S3 actions, and KMS ones only when the bucket uses SSE-KMS."
                        ),
                        "Remove it unless these credentials also serve something else (better: give that its own user).",
                    );
                }
                return AKind::Other;
            }
            let guess = nearest(&lower, self.d.service_list.iter().map(String::as_str));
            let message = format!(
                "\"{prefix}\" is not an AWS service prefix, so {text} grants nothing (Access Analyzer: Invalid service in action)."
            );
            match guess {
                Some(g) => {
                    let fix = Self::replace(item.range, quoted(&format!("{g}:{name}")));
                    self.push_fix(
                        Error,
                        UNKNOWN_SERVICE,
                        item.range,
                        &item.pointer(base),
                        message,
                        format!("Did you mean {g}:{name}?"),
                        fix,
                    );
                }
                None => self.push(
                    Error,
                    UNKNOWN_SERVICE,
                    item.range,
                    &item.pointer(base),
                    message,
                    "Use the service prefix of the action, e.g. s3:GetObject.",
                ),
            }
            return AKind::Invalid;
        };
        let service = self.service(svc);
        if has_wildcard(name) {
            let list = self.expand(svc, name);
            if list.is_empty() {
                self.push(
                    Error,
                    UNKNOWN_ACTION,
                    item.range,
                    &item.pointer(base),
                    format!(
                        "{text} matches no {} action, so it grants nothing.",
                        service.prefix
                    ),
                    format!(
                        "Check the spelling; {} actions look like {}:{}.",
                        service.prefix,
                        service.prefix,
                        service
                            .actions
                            .first()
                            .map(|a| a.name.as_str())
                            .unwrap_or("Action")
                    ),
                );
                return AKind::Invalid;
            }
            return AKind::Wild(svc, list);
        }
        if let Some(i) = service.action(name) {
            if prefix != service.prefix || name != service.actions[i].name {
                let canonical = format!("{}:{}", service.prefix, service.actions[i].name);
                let fix = Self::replace(item.range, quoted(&canonical));
                self.push_fix(
                    Suggestion,
                    ACTION_CASE,
                    item.range,
                    &item.pointer(base),
                    format!("{text} works (IAM matches action names in any case), but it is spelt {canonical}."),
                    format!("Write {canonical}."),
                    fix,
                );
            }
            return AKind::Known(svc, i);
        }
        let message_tail = "IAM ignores an action that does not exist, so it grants nothing, and S3 rejects a bucket policy that contains it (Access Analyzer: Invalid action).";
        if svc == Svc::S3 {
            if let Some((op, targets)) = self.d.api_operation(&name.to_ascii_lowercase()) {
                let actions: Vec<String> = targets.iter().map(|t| format!("s3:{t}")).collect();
                let message = format!(
                    "s3:{op} is the name of an S3 API operation, not of an IAM action: it is authorized by {}. {message_tail}",
                    actions.join(" and ")
                );
                let help = format!("Write {}.", actions.join(" and "));
                if actions.len() == 1 {
                    let fix = Self::replace(item.range, quoted(&actions[0]));
                    self.push_fix(
                        Error,
                        UNKNOWN_ACTION,
                        item.range,
                        &item.pointer(base),
                        message,
                        help,
                        fix,
                    );
                } else {
                    self.push(
                        Error,
                        UNKNOWN_ACTION,
                        item.range,
                        &item.pointer(base),
                        message,
                        help,
                    );
                }
                return AKind::Invalid;
            }
        }
        let guess = nearest(name, service.actions.iter().map(|a| a.name.as_str()));
        let message = format!("{text} is not a {} action. {message_tail}", service.prefix);
        match guess {
            Some(g) => {
                let canonical = format!("{}:{g}", service.prefix);
                let fix = Self::replace(item.range, quoted(&canonical));
                self.push_fix(
                    Error,
                    UNKNOWN_ACTION,
                    item.range,
                    &item.pointer(base),
                    message,
                    format!("Did you mean {canonical}?"),
                    fix,
                );
            }
            None => self.push(
                Error,
                UNKNOWN_ACTION,
                item.range,
                &item.pointer(base),
                message,
                "Check the name against the Service Authorization Reference for the service.",
            ),
        }
        AKind::Invalid
    }

    /// What a wildcard grants beyond the snapshot actions, or `None` when
    /// it stays within them.
    fn broad_description(&self, svc: Svc, list: &[usize]) -> Option<String> {
        let service = self.service(svc);
        let wanted: Vec<&String> = match svc {
            Svc::S3 => self
                .d
                .snapshot_bucket_actions
                .iter()
                .chain(&self.d.snapshot_object_actions)
                .collect(),
            Svc::Kms => self.d.snapshot_kms_actions.iter().collect(),
        };
        let extras: Vec<usize> = list
            .iter()
            .copied()
            .filter(|i| !wanted.iter().any(|w| **w == service.actions[*i].name))
            .collect();
        if extras.is_empty() {
            return None;
        }
        let mut notable: Vec<&str> = Vec::new();
        if svc == Svc::S3 {
            for r in &self.d.risky_s3_actions {
                if notable.len() < 3 && extras.iter().any(|i| service.actions[*i].name == *r) {
                    notable.push(r);
                }
            }
        }
        for x in extras.iter().map(|i| &service.actions[*i]) {
            if notable.len() >= 3 {
                break;
            }
            if x.access == "Permissions management" && !notable.contains(&x.name.as_str()) {
                notable.push(&x.name);
            }
        }
        let names: Vec<String> = notable
            .iter()
            .map(|n| format!("{}:{n}", service.prefix))
            .collect();
        Some(format!(
            "{} {} actions a snapshot repository never uses{}",
            extras.len(),
            service.prefix,
            if names.is_empty() {
                String::new()
            } else {
                format!(", such as {}", names.join(", "))
            }
        ))
    }

    fn overbroad(
        &mut self,
        actions: &[ActionRef<'_>],
        base: Ptr<'_>,
        bucket: Option<&str>,
        partition: &str,
    ) {
        for a in actions {
            let what = match &a.kind {
                AKind::Star => "every action of every AWS service".to_string(),
                AKind::Wild(svc, list) => {
                    let key = (*svc, a.item.text.to_ascii_lowercase());
                    let described = match self.broad.get(&key) {
                        Some(d) => d.clone(),
                        None => {
                            let d = self.broad_description(*svc, list);
                            self.broad.insert(key, d.clone());
                            d
                        }
                    };
                    match described {
                        Some(d) => d,
                        None => continue,
                    }
                }
                _ => continue,
            };
            let help = match &a.kind {
                AKind::Wild(Svc::Kms, _) => {
                    "Grant only kms:GenerateDataKey and kms:Decrypt on the bucket's key ARN."
                        .to_string()
                }
                _ => self.least_privilege_help(bucket, partition),
            };
            self.push(
                Warning,
                OVERBROAD_ACTION,
                a.item.range,
                &a.item.pointer(base),
                format!(
                    "\"{}\" allows {what}: leaked repository credentials could then delete the bucket, change its policy or read other data (parliament: PERMISSIONS_MANAGEMENT_ACTIONS).",
                    a.item.text
                ),
                help,
            );
        }
    }

    // ----- resources ----------------------------------------------------------

    fn resources<'v>(
        &mut self,
        value: &'v ast::Value<'_>,
        base: Ptr<'_>,
        allow: bool,
    ) -> Vec<ResRef<'v>> {
        let element = if base.key == "NotResource" {
            "NotResource"
        } else {
            "Resource"
        };
        let items = self.strings(value, base, element);
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            let (class, bucket) = self.resource(&item, base, allow);
            out.push(ResRef {
                item,
                class,
                bucket,
            });
        }
        out
    }

    fn resource<'v>(
        &mut self,
        item: &Item<'v>,
        base: Ptr<'_>,
        allow: bool,
    ) -> (RClass, Option<&'v str>) {
        let text: &'v str = item.text;
        if text == "*" {
            if allow {
                self.push(
                    Warning,
                    RESOURCE_STAR,
                    item.range,
                    &item.pointer(base),
                    "Resource \"*\" applies the actions to every bucket and object the account can reach, not just the snapshot bucket (parliament: RESOURCE_STAR).",
                    "Name the bucket: arn:aws:s3:::BUCKET for bucket actions and arn:aws:s3:::BUCKET/* for object actions.",
                );
            }
            return (RClass::Any, None);
        }
        if text.contains("${") && self.variable_at.is_none() {
            self.variable_at = Some((item.range, item.pointer(base)));
        }
        let Some(rest) = text.strip_prefix("arn:") else {
            let looks_s3 = !text.contains(':') && !text.contains(' ') && !text.is_empty();
            let message = format!(
                "\"{text}\" is not an ARN: resources start with arn: (Access Analyzer: Invalid ARN prefix), so this names nothing."
            );
            if looks_s3 {
                let arn = format!("arn:aws:s3:::{}", text.trim_start_matches('/'));
                let fix = Self::replace(item.range, quoted(&arn));
                self.push_fix(
                    Error,
                    ARN_PREFIX,
                    item.range,
                    &item.pointer(base),
                    message,
                    format!("Write the S3 ARN: {arn}."),
                    fix,
                );
            } else {
                self.push(
                    Error,
                    ARN_PREFIX,
                    item.range,
                    &item.pointer(base),
                    message,
                    "Write the ARN, e.g. arn:aws:s3:::BUCKET or arn:aws:s3:::BUCKET/*.",
                );
            }
            return (RClass::Invalid, None);
        };
        let mut fields = rest.splitn(5, ':');
        let partition = fields.next().unwrap_or("");
        let service = fields.next().unwrap_or("");
        let region = fields.next();
        let account = fields.next();
        let res = fields.next();
        let (Some(region), Some(account), Some(res)) = (region, account, res) else {
            let help = if service == "s3" {
                let tail = text.rsplit(':').next().unwrap_or("BUCKET");
                format!(
                    "S3 ARNs have empty Region and account fields: arn:{partition}:s3:::{tail}."
                )
            } else {
                "Write all six fields: arn:partition:service:region:account:resource (empty fields keep their colons).".to_string()
            };
            self.push(
                Error,
                ARN_FIELDS,
                item.range,
                &item.pointer(base),
                format!(
                    "\"{text}\" has too few fields: an ARN is arn:partition:service:region:account:resource (Access Analyzer: Missing ARN field)."
                ),
                help,
            );
            return (RClass::Invalid, None);
        };
        if partition != "aws"
            && !is_variable_or_wild(partition)
            && !self.d.partitions.iter().any(|p| p == partition)
        {
            let guess =
                nearest(partition, self.d.partitions.iter().map(String::as_str)).unwrap_or("aws");
            self.push(
                Error,
                ARN_PARTITION,
                item.range,
                &item.pointer(base),
                format!("\"{partition}\" is not an AWS partition, so the ARN matches nothing."),
                format!("Use {guess} (or aws-cn, aws-us-gov)."),
            );
        }
        let svc = match service {
            "s3" | "s3-object-lambda" => Svc::S3,
            "kms" => Svc::Kms,
            "" => {
                self.push(
                    Error,
                    ARN_FIELDS,
                    item.range,
                    &item.pointer(base),
                    format!("\"{text}\" has an empty service field, so it names nothing (Access Analyzer: Missing ARN field)."),
                    "Write the service, e.g. arn:aws:s3:::BUCKET.",
                );
                return (RClass::Invalid, None);
            }
            _ => return (RClass::Other, None),
        };
        let data = self.service(svc);
        let wild = |s: &str| is_variable_or_wild(s);
        let (bucket_bit, object_bit) = (self.bucket_bit, self.object_bit);
        let (strict, loose) = if svc == Svc::S3
            && service == "s3"
            && region.is_empty()
            && account.is_empty()
            && !res.is_empty()
        {
            // The common case, bucket and object ARNs: no scan of the other types.
            let mask = if res.contains('/') {
                object_bit
            } else if wild(res) {
                bucket_bit | object_bit
            } else {
                bucket_bit
            };
            (mask, mask)
        } else {
            let cut = res
                .bytes()
                .position(|b| b == b'*' || b == b'?' || b == b'$')
                .unwrap_or(res.len());
            let mut strict = 0u32;
            let mut loose = 0u32;
            for (i, t) in data.resource_types.iter().enumerate() {
                if t.service != service {
                    continue;
                }
                let res_ok = if !t.resource_prefix.is_empty() {
                    res.starts_with(&t.resource_prefix)
                        || (cut < res.len() && t.resource_prefix.starts_with(&res[..cut]))
                } else if t.nested {
                    res.contains('/') || wild(res)
                } else {
                    !res.is_empty() && !res.contains('/')
                };
                if !res_ok {
                    continue;
                }
                loose |= 1 << i;
                let region_ok = wild(region) || t.has_region != region.is_empty();
                let account_ok = wild(account) || t.has_account != account.is_empty();
                if region_ok && account_ok {
                    strict |= 1 << i;
                }
            }
            (strict, loose)
        };
        let pointer = || item.pointer(base);
        let mask = if strict != 0 {
            strict
        } else if loose != 0 {
            let t = &data.resource_types[loose.trailing_zeros() as usize];
            let mut fix = if !t.has_region && !t.has_account {
                Some(Self::replace(
                    item.range,
                    quoted(&format!("arn:{partition}:{service}:::{res}")),
                ))
            } else {
                None
            };
            let region_ok = wild(region) || t.has_region != region.is_empty();
            let account_ok = wild(account) || t.has_account != account.is_empty();
            if !region_ok {
                let (message, help) = if t.has_region {
                    (
                        format!(
                            "\"{text}\" has no Region, but {service} {} ARNs need one.",
                            t.name
                        ),
                        format!("Write arn:{partition}:{service}:REGION:ACCOUNT:{res}."),
                    )
                } else {
                    (
                        format!(
                            "\"{text}\" has a Region, but {service} does not support a Region in {} ARNs, so this ARN matches nothing (Access Analyzer: ARN Region not allowed).",
                            t.name
                        ),
                        format!("Leave the Region empty: arn:{partition}:{service}:::{res}."),
                    )
                };
                match fix.take() {
                    Some(f) => {
                        self.push_fix(Error, ARN_REGION, item.range, &pointer(), message, help, f)
                    }
                    None => self.push(Error, ARN_REGION, item.range, &pointer(), message, help),
                }
            }
            if !account_ok {
                let (message, help) = if t.has_account {
                    (
                        format!(
                            "\"{text}\" has no account id, but {service} {} ARNs need one.",
                            t.name
                        ),
                        format!("Write arn:{partition}:{service}:REGION:ACCOUNT:{res}."),
                    )
                } else {
                    (
                        format!(
                            "\"{text}\" has an account id, but {service} does not support an account in {} ARNs (bucket names are global), so this ARN matches nothing (Access Analyzer: ARN account not allowed).",
                            t.name
                        ),
                        format!("Leave the account empty: arn:{partition}:{service}:::{res}."),
                    )
                };
                match fix.take() {
                    Some(f) => {
                        self.push_fix(Error, ARN_ACCOUNT, item.range, &pointer(), message, help, f)
                    }
                    None => self.push(Error, ARN_ACCOUNT, item.range, &pointer(), message, help),
                }
            }
            loose
        } else {
            let help = match svc {
                Svc::S3 => {
                    format!("Write arn:{partition}:s3:::BUCKET or arn:{partition}:s3:::BUCKET/*.")
                }
                Svc::Kms => format!("Write arn:{partition}:kms:REGION:ACCOUNT:key/KEY-ID."),
            };
            self.push(
                Error,
                ARN_RESOURCE,
                item.range,
                &pointer(),
                format!("The resource part of \"{text}\" does not match any {service} ARN format (Access Analyzer: Invalid ARN resource)."),
                help,
            );
            return (RClass::Invalid, None);
        };
        // Field formats where the type needs them.
        let t = &data.resource_types[mask.trailing_zeros() as usize];
        if t.has_region && !region.is_empty() && !wild(region) && !is_region(region) {
            self.push(
                Error,
                ARN_REGION,
                item.range,
                &pointer(),
                format!("\"{region}\" in \"{text}\" is not an AWS Region such as eu-west-1, so the ARN matches nothing."),
                "Write the Region the resource lives in.",
            );
        }
        if t.has_account && !account.is_empty() && !wild(account) && !is_account(account) {
            self.push(
                Error,
                ARN_ACCOUNT,
                item.range,
                &pointer(),
                format!("\"{account}\" in \"{text}\" is not a 12-digit account id, so the ARN matches nothing."),
                "Write the 12-digit id of the account that owns the resource.",
            );
        }
        match svc {
            Svc::Kms => {
                if let Some(id) = res.strip_prefix("key/") {
                    if !wild(id) && !names::is_kms_key_id(id) {
                        self.push(
                            Error,
                            ARN_RESOURCE,
                            item.range,
                            &pointer(),
                            format!("\"{id}\" is not a KMS key id (a UUID such as 1234abcd-12ab-34cd-56ef-1234567890ab, or mrk- and 32 hex digits), so the ARN matches no key."),
                            "Copy the key ARN from `aws kms describe-key --key-id alias/NAME`.",
                        );
                    }
                }
                (RClass::Kms(mask), None)
            }
            Svc::S3 => {
                let plain = self.bucket_bit | self.object_bit;
                let mut bucket = None;
                if mask & plain != 0 && service == "s3" && region.is_empty() && account.is_empty() {
                    let name = res.split('/').next().unwrap_or("");
                    if name == "*" {
                        if allow {
                            self.push(
                                Warning,
                                RESOURCE_ALL_BUCKETS,
                                item.range,
                                &pointer(),
                                format!("\"{text}\" matches every bucket (and, with its wildcard, their objects), not just the snapshot bucket (parliament: RESOURCE_EFFECTIVELY_STAR)."),
                                "Name the bucket: arn:aws:s3:::BUCKET and arn:aws:s3:::BUCKET/*.",
                            );
                        }
                    } else if !wild(name) {
                        bucket = Some(name);
                        self.bucket_name(name, item, base);
                    }
                }
                (RClass::S3(mask), bucket)
            }
        }
    }

    fn bucket_name(&mut self, name: &str, item: &Item<'_>, base: Ptr<'_>) {
        if names::is_placeholder_bucket(name) {
            self.push(
                Warning,
                PLACEHOLDER,
                item.range,
                &item.pointer(base),
                format!("\"{name}\" looks like a placeholder copied from documentation, not your bucket: the policy would grant access to a bucket someone else may own, and none to yours."),
                "Replace it with the name of the snapshot bucket.",
            );
        } else if let Some(problem) = names::s3_bucket_name_problem(name) {
            self.push(
                Warning,
                BUCKET_NAME,
                item.range,
                &item.pointer(base),
                format!("\"{name}\" is not a valid S3 bucket name ({problem}), so unless it is a legacy bucket this ARN matches no bucket."),
                "Copy the bucket name exactly as the S3 console or `aws s3 ls` shows it.",
            );
        }
        if self.kind == PolicyKind::Bucket {
            match &self.first_bucket {
                None => self.first_bucket = Some(name.to_string()),
                Some(first) if first != name => {
                    let first = first.clone();
                    self.push(
                        Error,
                        BUCKET_POLICY_RESOURCE,
                        item.range,
                        &item.pointer(base),
                        format!("This bucket policy names bucket \"{first}\" and \"{name}\": a bucket policy may only name the bucket it is attached to, and S3 rejects it otherwise (Policy has invalid resource)."),
                        "Keep one bucket per bucket policy.",
                    );
                }
                _ => {}
            }
        }
    }

    // ----- cross checks -------------------------------------------------------

    fn match_actions(
        &mut self,
        actions: &[ActionRef<'_>],
        resources: &[ResRef<'_>],
        action_ptr: Ptr<'_>,
        resource_ptr: Ptr<'_>,
        partition: &str,
    ) {
        if resources.is_empty() || resources.iter().any(|r| r.class == RClass::Invalid) {
            return;
        }
        // No allocation for the usual few resources.
        let mut used_few = [false; 8];
        let mut used_many = Vec::new();
        let used: &mut [bool] = if resources.len() <= used_few.len() {
            &mut used_few[..resources.len()]
        } else {
            used_many.resize(resources.len(), false);
            &mut used_many
        };
        let matches = |svc: Svc, mask: u32, class: RClass| match class {
            RClass::Any => true,
            RClass::S3(m) => svc == Svc::S3 && mask & m != 0,
            RClass::Kms(m) => svc == Svc::Kms && mask & m != 0,
            RClass::Other | RClass::Invalid => false,
        };
        for a in actions {
            let (svc, mask, index) = match &a.kind {
                AKind::Known(svc, i) => (*svc, self.service(*svc).actions[*i].resource_mask, *i),
                AKind::Wild(svc, list) => {
                    let service = self.service(*svc);
                    let mask = list
                        .iter()
                        .fold(0, |m, i| m | service.actions[*i].resource_mask);
                    // `s3:List*` includes ListAllMyBuckets, which needs "*".
                    let needs_star = list.iter().any(|i| service.actions[*i].resource_mask == 0);
                    for (j, r) in resources.iter().enumerate() {
                        if matches(*svc, mask, r.class) || (needs_star && r.class == RClass::Any) {
                            used[j] = true;
                        }
                    }
                    if !resources.iter().any(|r| matches(*svc, mask, r.class)) {
                        let what = describe_types(service, mask, partition);
                        self.push(
                            Error,
                            RESOURCE_MISMATCH,
                            a.item.range,
                            &a.item.pointer(action_ptr),
                            format!("{} applies to {what}, but no Resource of this statement is one, so the statement allows none of them (parliament: RESOURCE_MISMATCH).", a.item.text),
                            "Add the matching ARN to Resource, or move the action to the statement that has it.",
                        );
                    }
                    continue;
                }
                AKind::Star | AKind::Other | AKind::Invalid => {
                    for (j, r) in resources.iter().enumerate() {
                        if matches!(a.kind, AKind::Star) || r.class == RClass::Other {
                            used[j] = true;
                        }
                    }
                    continue;
                }
            };
            let mut any = false;
            for (j, r) in resources.iter().enumerate() {
                if matches(svc, mask, r.class) {
                    used[j] = true;
                    any = true;
                }
            }
            if !any {
                let service = self.service(svc);
                // Built only for the finding: this loop runs for every action.
                let label = format!("{}:{}", service.prefix, service.actions[index].name);
                let what = describe_types(service, mask, partition);
                let alias = resources.iter().any(
                    |r| matches!(r.class, RClass::Kms(m) if m & service.mask_of(&["alias"]) != 0),
                );
                let help = if svc == Svc::Kms && alias {
                    "An alias ARN does not authorize using the key: use the key ARN (arn:aws:kms:REGION:ACCOUNT:key/KEY-ID), which `aws kms describe-key --key-id alias/NAME` prints.".to_string()
                } else if svc == Svc::S3
                    && service
                        .resource_type("bucket")
                        .is_some_and(|b| mask == 1 << b)
                {
                    format!("Move {label} to a statement whose Resource is the bucket itself (arn:{partition}:s3:::BUCKET, without /*).")
                } else if svc == Svc::S3
                    && service
                        .resource_type("object")
                        .is_some_and(|b| mask == 1 << b)
                {
                    format!("Move {label} to a statement whose Resource is the objects (arn:{partition}:s3:::BUCKET/*).")
                } else {
                    "Add the matching ARN to Resource, or move the action to the statement that has it.".to_string()
                };
                self.push(
                    Error,
                    RESOURCE_MISMATCH,
                    a.item.range,
                    &a.item.pointer(action_ptr),
                    format!("{label} applies to {what}, but no Resource of this statement is one, so the statement never allows it (parliament: RESOURCE_MISMATCH)."),
                    help,
                );
            }
        }
        if actions.is_empty() {
            return;
        }
        for (j, r) in resources.iter().enumerate() {
            if !used[j] && r.class != RClass::Other {
                self.push(
                    Suggestion,
                    RESOURCE_UNUSED,
                    r.item.range,
                    &r.item.pointer(resource_ptr),
                    format!("No action of this statement applies to \"{}\", so listing it here has no effect.", r.item.text),
                    match r.class {
                        RClass::S3(_) => "Remove it, or add the actions meant for it (bucket ARNs take bucket actions such as s3:ListBucket; BUCKET/* takes object actions such as s3:GetObject).",
                        _ => "Remove it, or add the actions meant for it.",
                    },
                );
            }
        }
    }

    fn bucket_policy_scope(
        &mut self,
        actions: &[ActionRef<'_>],
        action_ptr: Ptr<'_>,
        resources: &[ResRef<'_>],
        resource_ptr: Ptr<'_>,
    ) {
        for a in actions {
            let foreign = matches!(
                &a.kind,
                AKind::Known(Svc::Kms, _) | AKind::Wild(Svc::Kms, _) | AKind::Other
            );
            if foreign {
                self.push(
                    Error,
                    BUCKET_POLICY_ACTION,
                    a.item.range,
                    &a.item.pointer(action_ptr),
                    format!(
                        "{} is not an S3 action: S3 rejects a bucket policy with actions of other services (Policy has invalid action). {}",
                        a.item.text, self.kind_note
                    ),
                    "Grant KMS permissions in the key policy or in the principal's identity policy, and keep only s3: actions here.",
                );
            }
        }
        for r in resources {
            if matches!(r.class, RClass::Kms(_) | RClass::Other) {
                self.push(
                    Error,
                    BUCKET_POLICY_RESOURCE,
                    r.item.range,
                    &r.item.pointer(resource_ptr),
                    format!(
                        "\"{}\" is not this bucket or one of its objects: S3 rejects a bucket policy whose resources are outside the bucket (Policy has invalid resource). {}",
                        r.item.text, self.kind_note
                    ),
                    "Keep only arn:aws:s3:::BUCKET and arn:aws:s3:::BUCKET/* in a bucket policy.",
                );
            }
        }
    }

    // ----- principal ----------------------------------------------------------

    fn principal(&mut self, prop: &ast::ObjectProp<'_>, ptr: &str, allow: bool, negated: bool) {
        let element = prop.name.as_str();
        let base = child(ptr, element);
        match &prop.value {
            ast::Value::StringLit(s) if s.value == "*" => {
                if allow && !negated {
                    self.push(
                        Warning,
                        PRINCIPAL_PUBLIC,
                        s.range,
                        &base,
                        "Principal \"*\" allows anyone, including anonymous users, to use this statement: the snapshot bucket becomes public.",
                        "Name the IAM user or role: \"Principal\": {\"AWS\": \"arn:aws:iam::ACCOUNT:user/NAME\"}.",
                    );
                }
            }
            ast::Value::Object(o) => {
                if o.properties.is_empty() {
                    self.push(
                        Suggestion,
                        PRINCIPAL_EMPTY,
                        o.range,
                        &base,
                        format!("{element} is an empty object: it names nobody, so the statement applies to no one (Access Analyzer: Empty object principal)."),
                        "Add \"AWS\": \"arn:aws:iam::ACCOUNT:user/NAME\".",
                    );
                }
                for p in &o.properties {
                    let key = p.name.as_str();
                    let key_ptr = child(&base, key);
                    if !self.d.principal_keys.iter().any(|k| k == key) {
                        let list = self.d.principal_keys.join(", ");
                        match self.d.principal_keys.iter().find(|k| k.eq_ignore_ascii_case(key)) {
                            Some(k) => {
                                let fix = Self::replace(p.name.range(), quoted(k));
                                self.push_fix(
                                    Error,
                                    PRINCIPAL_INVALID,
                                    p.name.range(),
                                    &key_ptr,
                                    format!("\"{key}\" is not a principal type: the names are case-sensitive."),
                                    format!("Write \"{k}\"."),
                                    fix,
                                );
                            }
                            None => self.push(
                                Error,
                                PRINCIPAL_INVALID,
                                p.name.range(),
                                &key_ptr,
                                format!("\"{key}\" is not a principal type, so the policy is rejected."),
                                format!("Use one of {list}."),
                            ),
                        }
                        continue;
                    }
                    let items = self.strings(&p.value, Ptr::at(&key_ptr), key);
                    for item in items {
                        self.principal_value(key, &item, Ptr::at(&key_ptr), allow && !negated);
                    }
                }
            }
            other => self.push(
                Error,
                PRINCIPAL_INVALID,
                other.range(),
                &base,
                format!("{element} must be \"*\" or an object such as {{\"AWS\": \"arn:aws:iam::ACCOUNT:user/NAME\"}}; it is {}.", match other {
                    ast::Value::StringLit(s) => format!("\"{}\"", s.value),
                    v => json::type_name(v).to_string(),
                }),
                "Write \"Principal\": {\"AWS\": \"arn:aws:iam::ACCOUNT:user/NAME\"}.",
            ),
        }
    }

    fn principal_value(&mut self, key: &str, item: &Item<'_>, base: Ptr<'_>, allow: bool) {
        let v = item.text;
        let pointer = item.pointer(base);
        match key {
            "AWS" => {
                if v == "*" {
                    if allow {
                        self.push(
                            Warning,
                            PRINCIPAL_PUBLIC,
                            item.range,
                            &pointer,
                            "{\"AWS\": \"*\"} allows every AWS principal of every account, and anonymous users: the snapshot bucket becomes public.",
                            "Name the IAM user or role: arn:aws:iam::ACCOUNT:user/NAME.",
                        );
                    }
                    return;
                }
                if is_variable_or_wild(v) {
                    return;
                }
                let partition = v
                    .split(':')
                    .nth(1)
                    .and_then(Partition::parse)
                    .unwrap_or_default();
                let other_partition = v.starts_with("arn:")
                    && v.split(':').nth(1).is_some_and(|p| {
                        Partition::parse(p).is_none() && self.d.partitions.iter().any(|x| x == p)
                    });
                if other_partition {
                    return;
                }
                if let Some(problem) = names::principal_problem(v, partition) {
                    self.push(
                        Error,
                        PRINCIPAL_INVALID,
                        item.range,
                        &pointer,
                        format!("{problem}: S3 rejects the bucket policy (Invalid principal in policy)."),
                        "Use the ARN of the IAM user or role (arn:aws:iam::ACCOUNT:user/NAME), or a 12-digit account id.",
                    );
                }
            }
            "Service" if !(v.ends_with(".amazonaws.com") || v.ends_with(".amazonaws.com.cn")) => {
                self.push(
                        Error,
                        PRINCIPAL_INVALID,
                        item.range,
                        &pointer,
                        format!("\"{v}\" is not a service principal (they look like service.amazonaws.com)."),
                        "Use the service's principal name, e.g. s3.amazonaws.com.",
                    );
            }
            "CanonicalUser" if !(v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit())) => {
                self.push(
                    Error,
                    PRINCIPAL_INVALID,
                    item.range,
                    &pointer,
                    format!("\"{v}\" is not a canonical user id (64 hex digits)."),
                    "Copy the id from `aws s3api list-buckets --query Owner.ID`.",
                );
            }
            _ => {}
        }
    }

    // ----- conditions ---------------------------------------------------------

    fn condition(&mut self, value: &ast::Value<'_>, base: &str) -> Vec<CondKey> {
        let mut keys = Vec::new();
        let ast::Value::Object(o) = value else {
            self.push(
                Error,
                TYPE,
                value.range(),
                base,
                format!("Condition must be an object such as {{\"StringLike\": {{\"s3:prefix\": [\"path/*\"]}}}}; it is {}.", json::type_name(value)),
                "Write \"Condition\": {\"OPERATOR\": {\"KEY\": [\"VALUE\"]}}.",
            );
            return keys;
        };
        for op_prop in &o.properties {
            let op = op_prop.name.as_str();
            let op_ptr = child(base, op);
            let (set_prefix, rest) = ["ForAllValues:", "ForAnyValue:"]
                .iter()
                .find_map(|p| {
                    op.get(..p.len())
                        .is_some_and(|head| head.eq_ignore_ascii_case(p))
                        .then(|| (*p, &op[p.len()..]))
                })
                .unwrap_or(("", op));
            let (base_name, if_exists) = match rest.len().checked_sub(8) {
                Some(cut)
                    if rest.is_char_boundary(cut)
                        && rest[cut..].eq_ignore_ascii_case("IfExists") =>
                {
                    (&rest[..cut], true)
                }
                _ => (rest, false),
            };
            let Some(operator) = self.d.operator(&base_name.to_ascii_lowercase()) else {
                let guess = nearest(base_name, self.d.operator_names());
                let message = format!("\"{op}\" is not an IAM condition operator, so IAM rejects the policy (parliament: UNKNOWN_OPERATOR).");
                match guess {
                    Some(g) => {
                        let canonical = format!("{set_prefix}{g}{}", if if_exists { "IfExists" } else { "" });
                        let fix = Self::replace(op_prop.name.range(), quoted(&canonical));
                        self.push_fix(Error, CONDITION_OPERATOR, op_prop.name.range(), &op_ptr, message, format!("Did you mean {canonical}?"), fix);
                    }
                    None => self.push(Error, CONDITION_OPERATOR, op_prop.name.range(), &op_ptr, message, "Use an operator such as StringLike, StringEquals, ArnLike, Bool or IpAddress."),
                }
                continue;
            };
            let canonical_base = operator.name.as_str();
            let value_type = operator.value_type.as_str();
            if canonical_base != base_name || (set_prefix.is_empty() && op.contains(':')) {
                let canonical = format!(
                    "{set_prefix}{canonical_base}{}",
                    if if_exists { "IfExists" } else { "" }
                );
                if canonical != op {
                    let fix = Self::replace(op_prop.name.range(), quoted(&canonical));
                    self.push_fix(
                        Warning,
                        CONDITION_OPERATOR,
                        op_prop.name.range(),
                        &op_ptr,
                        format!("Condition operator \"{op}\" is spelt {canonical} in the IAM documentation; write it that way so every tool reads it the same."),
                        format!("Write {canonical}."),
                        fix,
                    );
                }
            }
            let lower = canonical_base.to_ascii_lowercase();
            let negated = lower.contains("not");
            let skip_support = if_exists || lower == "null";
            let ast::Value::Object(block) = &op_prop.value else {
                self.push(
                    Error,
                    TYPE,
                    op_prop.value.range(),
                    &op_ptr,
                    format!(
                        "The value of {op} must be an object of condition keys; it is {}.",
                        json::type_name(&op_prop.value)
                    ),
                    format!("Write \"{op}\": {{\"KEY\": [\"VALUE\"]}}."),
                );
                continue;
            };
            for kp in &block.properties {
                let key = kp.name.as_str();
                let key_ptr = child(&op_ptr, key);
                let key_range = kp.name.range();
                let svc = self.condition_key(key, key_range, &key_ptr);
                let values = self.condition_values(&kp.value, &key_ptr, op);
                // Wildcards with an Equals operator are literal characters.
                if value_type == "String" && !lower.contains("like") {
                    if let Some((_, range, index)) = values
                        .iter()
                        .find(|(v, _, _)| has_wildcard(&strip_variables(v)))
                    {
                        let like = match canonical_base {
                            "StringEquals" => Some("StringLike"),
                            "StringNotEquals" => Some("StringNotLike"),
                            _ => None,
                        };
                        let pointer = match index {
                            Some(i) => format!("{key_ptr}/{i}"),
                            None => key_ptr.clone(),
                        };
                        let message = format!("{op} compares literally, so the * or ? in this value is not a wildcard and the condition only matches that exact text (Access Analyzer: Wildcard without like operator).");
                        match like {
                            Some(l) => {
                                let canonical = format!(
                                    "{set_prefix}{l}{}",
                                    if if_exists { "IfExists" } else { "" }
                                );
                                let fix = Self::replace(op_prop.name.range(), quoted(&canonical));
                                self.push_fix(
                                    Warning,
                                    CONDITION_WILDCARD_WITHOUT_LIKE,
                                    *range,
                                    &pointer,
                                    message,
                                    format!("Use {canonical} to match a pattern."),
                                    fix,
                                );
                            }
                            None => self.push(
                                Warning,
                                CONDITION_WILDCARD_WITHOUT_LIKE,
                                *range,
                                &pointer,
                                message,
                                "Use StringLike or StringNotLike to match a pattern.",
                            ),
                        }
                    }
                }
                if value_type == "Bool" {
                    for (v, range, index) in &values {
                        if !v.eq_ignore_ascii_case("true") && !v.eq_ignore_ascii_case("false") {
                            let pointer = index
                                .map(|i| format!("{key_ptr}/{i}"))
                                .unwrap_or_else(|| key_ptr.clone());
                            self.push(Warning, CONDITION_VALUE, *range, &pointer, format!("{op} compares with true or false; \"{v}\" is neither, so the condition never matches."), "Write true or false.");
                        }
                    }
                }
                if value_type == "Numeric" {
                    for (v, range, index) in &values {
                        if v.parse::<f64>().is_err() {
                            let pointer = index
                                .map(|i| format!("{key_ptr}/{i}"))
                                .unwrap_or_else(|| key_ptr.clone());
                            self.push(Warning, CONDITION_VALUE, *range, &pointer, format!("{op} compares numbers; \"{v}\" is not one, so the condition never matches."), "Write a number.");
                        }
                    }
                }
                if key.eq_ignore_ascii_case("s3:prefix") {
                    for (v, range, index) in &values {
                        if v.starts_with('/') {
                            let pointer = index
                                .map(|i| format!("{key_ptr}/{i}"))
                                .unwrap_or_else(|| key_ptr.clone());
                            let fixed = v.trim_start_matches('/').to_string();
                            let fix = Self::replace(*range, quoted(&fixed));
                            self.push_fix(
                                Warning,
                                PREFIX_LEADING_SLASH,
                                *range,
                                &pointer,
                                format!("s3:prefix \"{v}\" starts with '/', but S3 keys and Elasticsearch's base_path do not, so listings under the base path never match."),
                                format!("Write \"{fixed}\"."),
                                fix,
                            );
                        }
                    }
                }
                if let Some(svc) = svc {
                    if !skip_support {
                        keys.push(CondKey {
                            key: key.to_ascii_lowercase(),
                            svc,
                            range: key_range,
                            pointer: key_ptr,
                            negated,
                        });
                    }
                }
            }
        }
        keys
    }

    /// Checks a condition key's format and existence; returns its service when
    /// it is an S3 or KMS key (whose support depends on the action).
    fn condition_key(&mut self, key: &str, range: Range, pointer: &str) -> Option<Svc> {
        let Some((prefix, name)) = key
            .split_once(':')
            .filter(|(p, n)| !p.is_empty() && !n.is_empty())
        else {
            self.push(
                Error,
                CONDITION_KEY_FORMAT,
                range,
                pointer,
                format!("\"{key}\" is not a condition key: keys are written service:name, such as s3:prefix or aws:SourceIp (Access Analyzer: Invalid condition key format)."),
                "Write the key with its service prefix, e.g. s3:prefix.",
            );
            return None;
        };
        let _ = name;
        let lower = key.to_ascii_lowercase();
        let (table, svc, severity) = if prefix.eq_ignore_ascii_case("aws") {
            (&self.d.global_keys, None, Warning)
        } else if prefix.eq_ignore_ascii_case("s3") {
            (&self.d.s3.keys, Some(Svc::S3), Error)
        } else if prefix.eq_ignore_ascii_case("kms") {
            (&self.d.kms.keys, Some(Svc::Kms), Error)
        } else {
            return None;
        };
        if table.get(&lower).is_some() {
            return svc;
        }
        let guess = nearest(key, table.names());
        let message = format!(
            "\"{key}\" is not a condition key of {}, so the condition can never match (Access Analyzer: Invalid service condition key).",
            prefix.to_ascii_lowercase()
        );
        let help = match guess {
            Some(g) => format!("Did you mean {g}?"),
            None => "Check the key in the Service Authorization Reference.".to_string(),
        };
        self.push(
            severity,
            CONDITION_KEY_UNKNOWN,
            range,
            pointer,
            message,
            help,
        );
        None
    }

    fn condition_values<'v>(
        &mut self,
        value: &'v ast::Value<'_>,
        base: &str,
        op: &str,
    ) -> Vec<(std::borrow::Cow<'v, str>, Range, Option<usize>)> {
        let mut out = Vec::new();
        let mut one = |this: &mut Self, v: &'v ast::Value<'_>, index: Option<usize>| match v {
            ast::Value::StringLit(s) => {
                if s.value.contains("${") && this.variable_at.is_none() {
                    let pointer = index
                        .map(|i| format!("{base}/{i}"))
                        .unwrap_or_else(|| base.to_string());
                    this.variable_at = Some((s.range, pointer));
                }
                out.push((std::borrow::Cow::Borrowed(&*s.value), s.range, index));
            }
            ast::Value::BooleanLit(b) => {
                out.push((std::borrow::Cow::Owned(b.value.to_string()), b.range, index))
            }
            ast::Value::NumberLit(n) => {
                out.push((std::borrow::Cow::Borrowed(n.value), n.range, index))
            }
            other => {
                let pointer = index
                    .map(|i| format!("{base}/{i}"))
                    .unwrap_or_else(|| base.to_string());
                this.push(
                    Error,
                    TYPE,
                    other.range(),
                    &pointer,
                    format!("A value under {op} must be a string, number or boolean (or an array of them); this one is {}.", json::type_name(other)),
                    "Write the value as a string.",
                );
            }
        };
        match value {
            ast::Value::Array(a) => {
                for (i, e) in a.elements.iter().enumerate() {
                    one(self, e, Some(i));
                }
            }
            v => one(self, v, None),
        }
        out
    }

    fn condition_support(&mut self, actions: &[ActionRef<'_>], keys: &[CondKey], effect: Effect) {
        for k in keys {
            // Cheap pre-check: most conditions fit every action of their statement.
            let all_fit = actions.iter().all(|a| match &a.kind {
                AKind::Known(s, i) => {
                    *s == k.svc && self.service(*s).actions[*i].supports_key(&k.key)
                }
                AKind::Wild(..) => false,
                _ => true,
            });
            if all_fit {
                continue;
            }
            let key_service = self.service(k.svc);
            let canonical = key_service
                .keys
                .get(&k.key)
                .map(|(c, _)| c.to_string())
                .unwrap_or_else(|| k.key.clone());
            let supporting: Vec<String> = actions
                .iter()
                .filter_map(|a| match &a.kind {
                    AKind::Known(s, i)
                        if *s == k.svc && self.service(*s).actions[*i].supports_key(&k.key) =>
                    {
                        Some(format!(
                            "{}:{}",
                            self.service(*s).prefix,
                            self.service(*s).actions[*i].name
                        ))
                    }
                    _ => None,
                })
                .collect();
            for a in actions {
                let (label, unsupported_note) = match &a.kind {
                    AKind::Known(s, i) => {
                        let action = &self.service(*s).actions[*i];
                        if *s == k.svc && action.supports_key(&k.key) {
                            continue;
                        }
                        (
                            format!("{}:{}", self.service(*s).prefix, action.name),
                            String::new(),
                        )
                    }
                    AKind::Wild(s, list) => {
                        let service = self.service(*s);
                        let missing = if *s == k.svc {
                            list.iter()
                                .filter(|i| !service.actions[**i].supports_key(&k.key))
                                .count()
                        } else {
                            list.len()
                        };
                        if missing == 0 {
                            continue;
                        }
                        (
                            a.item.text.to_string(),
                            format!(" ({missing} of the {} actions it matches)", list.len()),
                        )
                    }
                    _ => continue,
                };
                let consequence = match (effect, k.negated) {
                    (_, true) => "the condition is always true for it, so it does not restrict it"
                        .to_string(),
                    (Effect::Deny, false) => format!("this Deny never applies to {label}"),
                    _ => format!("this Allow statement silently never allows {label}"),
                };
                let help = if supporting.is_empty() {
                    format!("Move {label} to a statement without this condition, or remove the condition.")
                } else {
                    format!(
                        "Put {label} in its own statement without this condition; of this statement's actions only {} {} {canonical}.",
                        supporting.join(", "),
                        if supporting.len() == 1 { "supports" } else { "support" }
                    )
                };
                let f = self.doc.finding(
                    Warning,
                    CONDITION_KEY_UNSUPPORTED,
                    k.range,
                    &k.pointer,
                    format!(
                        "{label}{unsupported_note} does not support the condition key {canonical}: the key is absent from its requests, so {consequence} (parliament: UNKNOWN_CONDITION_FOR_ACTION)."
                    ),
                    help,
                );
                self.out.push(f);
            }
        }
    }
}

/// The value with `${...}` policy variables removed (their `*` is not a wildcard).
fn strip_variables(v: &str) -> std::borrow::Cow<'_, str> {
    if !v.contains("${") {
        return std::borrow::Cow::Borrowed(v);
    }
    let mut out = String::with_capacity(v.len());
    let mut rest = v;
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        match rest[i..].find('}') {
            Some(j) => rest = &rest[i + j + 1..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_matches_like_iam() {
        assert!(glob(b"get*", b"getobject"));
        assert!(glob(b"*", b""));
        assert!(glob(b"list?ucket", b"listbucket"));
        assert!(!glob(b"put*", b"getobject"));
        assert!(glob(b"*object*", b"getobjectacl"));
        assert!(!glob(b"a*b", b"acd"));
    }

    fn scan_bytewise(text: &[u8]) -> (usize, usize, Option<usize>) {
        let mut skipped = 0;
        let mut bad = 0;
        let mut first = None;
        for (i, &b) in text.iter().enumerate() {
            let class = BYTE_CLASS[b as usize];
            skipped += (class & 1) as usize;
            if class >> 1 != 0 {
                bad += 1;
                first.get_or_insert(i);
            }
        }
        (text.len() - skipped, bad, first)
    }

    #[test]
    fn word_scan_matches_the_bytewise_scan() {
        let samples = [
            "{\"a\": \"b\"}\n",
            "\t\r\n \u{1}x\u{1f}é€“ü\u{7f}ÿĀ",
            "0123456789abcdef  \n\n\t\t\r\r€",
            "",
            "€€€€€€€€€€€€€€€€€€€€",
        ];
        for s in samples {
            for start in 0..s.len() {
                let bytes = &s.as_bytes()[start..];
                assert_eq!(scan_text(bytes), scan_bytewise(bytes), "{s:?} from {start}");
            }
        }
        let all: Vec<u8> = (0..=255u8).cycle().take(256 * 9 + 5).collect();
        for start in 0..9 {
            assert_eq!(scan_text(&all[start..]), scan_bytewise(&all[start..]));
        }
    }

    #[test]
    fn variables_are_not_wildcards() {
        assert_eq!(strip_variables("home/${aws:username}/*"), "home//*");
        assert_eq!(strip_variables("${*}"), "");
    }

    #[test]
    fn nearest_suggests_close_names() {
        let names = ["GetObject", "PutObject", "ListBucket"];
        assert_eq!(
            nearest("GetObjet", names.iter().copied()),
            Some("GetObject")
        );
        assert_eq!(nearest("Zzzzzzz", names.iter().copied()), None);
    }
}
