//! Keystore PATCH bodies: generate them, and check pasted ones.
//!
//! The body of `PATCH /api/v1/deployments/{id}/elasticsearch/{ref_id}/keystore`
//! is `{"secrets": {NAME: {"value": ..., "as_file": bool}}}`. PATCH merges:
//! a listed name is added or replaced, a name whose entry is `{}` or `null`
//! (no `value`) is removed, and names not listed are kept.
//!
//! Secret values never appear in `Debug` output nor in findings.

use crate::catalog::{self, SecureKind};
use crate::finding::{Finding, Severity};
use crate::json::{self, ast, Collector as _, JsonDoc, Range};
use crate::model::{Provider, ValidateOptions};
use jsonc_parser::common::Ranged;
use serde::ser::{Serialize, SerializeMap, SerializeStruct, Serializer};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt;

// ---------------------------------------------------------------------------
// Generator
// ---------------------------------------------------------------------------

/// A secret value: a string, or a JSON document (a GCS service-account key).
/// `Debug` never shows the value.
#[derive(Clone, PartialEq)]
pub enum SecretValue {
    Text(String),
    Json(serde_json::Value),
}

impl fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretValue::Text(s) => write!(f, "Text(<redacted, {} bytes>)", s.len()),
            SecretValue::Json(_) => f.write_str("Json(<redacted>)"),
        }
    }
}

impl SecretValue {
    /// The value of a file's contents: a JSON object becomes a JSON value
    /// (sent as the object itself), anything else stays text.
    pub fn from_file_content(text: String) -> SecretValue {
        let trimmed = text.trim_start();
        if trimmed.starts_with('{') {
            if let Ok(v @ serde_json::Value::Object(_)) = crate::json::read_value(&text) {
                return SecretValue::Json(v);
            }
        }
        SecretValue::Text(text)
    }

    pub fn is_json(&self) -> bool {
        matches!(self, SecretValue::Json(_))
    }
}

impl Serialize for SecretValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            SecretValue::Text(t) => s.serialize_str(t),
            SecretValue::Json(v) => v.serialize(s),
        }
    }
}

/// One keystore entry to set.
#[derive(Debug, Clone, PartialEq)]
pub struct Secret {
    pub name: String,
    pub value: SecretValue,
    pub as_file: bool,
}

impl Secret {
    /// A secret with `as_file` chosen from the value and the setting: true
    /// for a JSON value or a file setting (GCS `credentials_file`).
    pub fn new(name: impl Into<String>, value: SecretValue) -> Secret {
        let name = name.into();
        let as_file = default_as_file(&name, &value);
        Secret {
            name,
            value,
            as_file,
        }
    }

    pub fn with_as_file(mut self, as_file: bool) -> Secret {
        self.as_file = as_file;
        self
    }
}

/// The `as_file` a setting needs: true for JSON values and for settings the
/// catalog stores as files.
pub fn default_as_file(name: &str, value: &SecretValue) -> bool {
    value.is_json()
        || catalog::known_secure_setting(name).is_some_and(|k| k.spec.kind == SecureKind::File)
}

/// A change to the keystore.
#[derive(Debug, Clone, PartialEq)]
pub enum SecretChange {
    Set(Secret),
    Remove(String),
}

impl SecretChange {
    pub fn name(&self) -> &str {
        match self {
            SecretChange::Set(s) => &s.name,
            SecretChange::Remove(n) => n,
        }
    }
}

struct Entry<'a>(Option<(&'a SecretValue, bool)>);

impl Serialize for Entry<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Some((value, as_file)) => {
                let mut st = s.serialize_struct("KeystoreSecret", 2)?;
                st.serialize_field("value", value)?;
                st.serialize_field("as_file", &as_file)?;
                st.end()
            }
            None => s.serialize_map(Some(0))?.end(),
        }
    }
}

struct Body<'a>(BTreeMap<&'a str, Entry<'a>>);

impl Serialize for Body<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("KeystoreContents", 1)?;
        st.serialize_field("secrets", &self.0)?;
        st.end()
    }
}

fn render(body: &Body<'_>) -> String {
    // Serializing strings, bools and serde_json values cannot fail.
    let mut text = serde_json::to_string_pretty(body).unwrap_or_default();
    text.push('\n');
    text
}

/// The PATCH body for `changes`, pretty-printed, names sorted. A later
/// change to the same name replaces an earlier one. Removals are `{}`.
pub fn patch_body(changes: &[SecretChange]) -> String {
    let mut map = BTreeMap::new();
    for c in changes {
        match c {
            SecretChange::Set(s) => map.insert(s.name.as_str(), Entry(Some((&s.value, s.as_file)))),
            SecretChange::Remove(n) => map.insert(n.as_str(), Entry(None)),
        };
    }
    render(&Body(map))
}

/// The PATCH body that removes `names`.
pub fn removal_body<'a, I: IntoIterator<Item = &'a str>>(names: I) -> String {
    // Inserts rather than `collect()`, which sorts first: one sort copy fewer in the wasm.
    let mut map = BTreeMap::new();
    for name in names {
        map.insert(name, Entry(None));
    }
    render(&Body(map))
}

/// The two PATCH bodies that resync settings that are out of sync on some
/// nodes: remove them, then add them back.
#[derive(Clone, PartialEq)]
pub struct ResyncPlan {
    pub names: Vec<String>,
    /// Step 1: removes the settings.
    pub remove_body: String,
    /// Step 2: adds them back with their values.
    pub readd_body: String,
}

impl fmt::Debug for ResyncPlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResyncPlan")
            .field("names", &self.names)
            .field("remove_body", &self.remove_body)
            .field("readd_body", &"<redacted>")
            .finish()
    }
}

impl ResyncPlan {
    /// The steps in order, each with a label for humans.
    pub fn steps(&self) -> [(&'static str, &str); 2] {
        [
            (
                "Step 1 of 2: remove the settings (PATCH this body first)",
                &self.remove_body,
            ),
            (
                "Step 2 of 2: add them back (PATCH this body once step 1 succeeded)",
                &self.readd_body,
            ),
        ]
    }
}

/// The resync plan for `secrets`.
pub fn resync_plan(secrets: &[Secret]) -> ResyncPlan {
    let mut names: Vec<String> = secrets.iter().map(|s| s.name.clone()).collect();
    crate::sort::sort_dedup(&mut names);
    let changes: Vec<SecretChange> = secrets.iter().cloned().map(SecretChange::Set).collect();
    ResyncPlan {
        remove_body: removal_body(names.iter().map(String::as_str)),
        readd_body: patch_body(&changes),
        names,
    }
}

/// What the cluster needs after a keystore change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReloadAdvice {
    /// Changed settings that `POST _nodes/reload_secure_settings` applies.
    pub reloadable: Vec<String>,
    /// Changed settings that only a restart applies.
    pub restart: Vec<String>,
}

/// The path of the reload call, relative to the Elasticsearch endpoint.
pub const RELOAD_PATH: &str = "_nodes/reload_secure_settings";

impl ReloadAdvice {
    pub fn needs_restart(&self) -> bool {
        !self.restart.is_empty()
    }

    pub fn needs_reload(&self) -> bool {
        !self.reloadable.is_empty()
    }

    /// One paragraph for humans.
    pub fn note(&self) -> String {
        match (self.needs_reload(), self.needs_restart()) {
            (false, false) => "Nothing changes in the keystore, so nothing needs reloading.".into(),
            (true, false) => format!(
                "All changed settings are reloadable: after the PATCH, run `POST {RELOAD_PATH}` (on ECE through the deployment's proxy) so the nodes use them without a restart."
            ),
            (false, true) => format!(
                "These settings are not reloadable: restart the deployment after the PATCH so the nodes read them: {}.",
                self.restart.join(", ")
            ),
            (true, true) => format!(
                "Restart the deployment after the PATCH: {} cannot be reloaded (a restart also applies the reloadable ones: {}).",
                self.restart.join(", "),
                self.reloadable.join(", ")
            ),
        }
    }
}

/// Whether changing `names` needs `POST _nodes/reload_secure_settings` or a restart.
pub fn reload_advice<'a, I: IntoIterator<Item = &'a str>>(names: I) -> ReloadAdvice {
    let mut advice = ReloadAdvice::default();
    for name in names {
        let reloadable = catalog::known_secure_setting(name).is_some_and(|k| k.spec.reloadable);
        let list = if reloadable {
            &mut advice.reloadable
        } else {
            &mut advice.restart
        };
        if !list.iter().any(|n| n == name) {
            list.push(name.to_string());
        }
    }
    advice
}

// ---------------------------------------------------------------------------
// Validator
// ---------------------------------------------------------------------------

pub const NOT_OBJECT: &str = "KS_NOT_OBJECT";
pub const MISSING_SECRETS: &str = "KS_MISSING_SECRETS";
pub const SECRETS_NOT_OBJECT: &str = "KS_SECRETS_NOT_OBJECT";
pub const UNKNOWN_FIELD: &str = "KS_UNKNOWN_FIELD";
pub const SETTING_OUTSIDE_SECRETS: &str = "KS_SETTING_OUTSIDE_SECRETS";
pub const EMPTY: &str = "KS_EMPTY";
pub const INVALID_SETTING_NAME: &str = "KS_INVALID_SETTING_NAME";
pub const RESERVED_SETTING: &str = "KS_RESERVED_SETTING";
pub const MISSING_CLIENT_NAME: &str = "KS_MISSING_CLIENT_NAME";
pub const INCOMPLETE_NAME: &str = "KS_INCOMPLETE_NAME";
pub const INVALID_CLIENT_NAME: &str = "KS_INVALID_CLIENT_NAME";
pub const PLACEHOLDER_CLIENT: &str = "KS_PLACEHOLDER_CLIENT";
pub const NOT_SECURE_SETTING: &str = "KS_NOT_SECURE_SETTING";
pub const UNKNOWN_SETTING: &str = "KS_UNKNOWN_SETTING";
pub const SECRET_NOT_OBJECT: &str = "KS_SECRET_NOT_OBJECT";
pub const REMOVES_SETTING: &str = "KS_REMOVES_SETTING";
pub const LOOKS_LIKE_GET_RESPONSE: &str = "KS_LOOKS_LIKE_GET_RESPONSE";
pub const UNKNOWN_SECRET_FIELD: &str = "KS_UNKNOWN_SECRET_FIELD";
pub const AS_FILE_TYPE: &str = "KS_AS_FILE_TYPE";
pub const VALUE_TYPE: &str = "KS_VALUE_TYPE";
pub const EMPTY_VALUE: &str = "KS_EMPTY_VALUE";
pub const AS_FILE_MISMATCH: &str = "KS_AS_FILE_MISMATCH";
pub const AS_FILE_REQUIRED: &str = "KS_AS_FILE_REQUIRED";
pub const GCS_CREDENTIALS_AS_STRING: &str = "KS_GCS_CREDENTIALS_AS_STRING";
pub const GCS_CREDENTIALS_NOT_JSON: &str = "KS_GCS_CREDENTIALS_NOT_JSON";
pub const GCS_CREDENTIALS_TYPE: &str = "KS_GCS_CREDENTIALS_TYPE";
pub const GCS_CREDENTIALS_FIELD: &str = "KS_GCS_CREDENTIALS_FIELD";
pub const GCS_PRIVATE_KEY_FORMAT: &str = "KS_GCS_PRIVATE_KEY_FORMAT";
pub const NON_ASCII: &str = "KS_NON_ASCII";
pub const VALUE_WHITESPACE: &str = "KS_VALUE_WHITESPACE";
pub const PLACEHOLDER_VALUE: &str = "KS_PLACEHOLDER_VALUE";
pub const AWS_ACCESS_KEY_FORMAT: &str = "KS_AWS_ACCESS_KEY_FORMAT";
pub const AWS_SECRET_KEY_FORMAT: &str = "KS_AWS_SECRET_KEY_FORMAT";
pub const AWS_KEYS_SWAPPED: &str = "KS_AWS_KEYS_SWAPPED";
pub const AWS_SESSION_TOKEN_MISSING: &str = "KS_AWS_SESSION_TOKEN_MISSING";
pub const AWS_SESSION_TOKEN_UNEXPECTED: &str = "KS_AWS_SESSION_TOKEN_UNEXPECTED";
pub const S3_MISSING_PAIR: &str = "KS_S3_MISSING_PAIR";
pub const S3_SESSION_TOKEN_ALONE: &str = "KS_S3_SESSION_TOKEN_ALONE";
pub const AZURE_KEY_AND_SAS: &str = "KS_AZURE_KEY_AND_SAS";
pub const AZURE_MISSING_ACCOUNT: &str = "KS_AZURE_MISSING_ACCOUNT";

/// What a body does with one client setting.
#[derive(Clone, Copy)]
enum Op<'a> {
    /// Set, with the string value when it is one.
    Set(Option<&'a str>, Range),
    Remove(Range),
}

impl Op<'_> {
    fn range(&self) -> Range {
        match self {
            Op::Set(_, r) | Op::Remove(r) => *r,
        }
    }
    fn is_set(&self) -> bool {
        matches!(self, Op::Set(..))
    }
    fn is_remove(&self) -> bool {
        matches!(self, Op::Remove(_))
    }
}

/// The credential settings a body touches for one client.
#[derive(Default)]
struct ClientOps<'a> {
    access_key: Option<Op<'a>>,
    secret_key: Option<Op<'a>>,
    session_token: Option<Op<'a>>,
    account: Option<Op<'a>>,
    key: Option<Op<'a>>,
    sas_token: Option<Op<'a>>,
    /// Name text of each setting, for messages and pointers.
    names: [&'a str; 6],
}

const SLOT_ACCESS: usize = 0;
const SLOT_SECRET: usize = 1;
const SLOT_TOKEN: usize = 2;
const SLOT_ACCOUNT: usize = 3;
const SLOT_KEY: usize = 4;
const SLOT_SAS: usize = 5;

impl<'a> ClientOps<'a> {
    fn slot(&mut self, setting: &str) -> Option<(&mut Option<Op<'a>>, usize)> {
        Some(match setting {
            "access_key" => (&mut self.access_key, SLOT_ACCESS),
            "secret_key" => (&mut self.secret_key, SLOT_SECRET),
            "session_token" => (&mut self.session_token, SLOT_TOKEN),
            "account" => (&mut self.account, SLOT_ACCOUNT),
            "key" => (&mut self.key, SLOT_KEY),
            "sas_token" => (&mut self.sas_token, SLOT_SAS),
            _ => return None,
        })
    }
}

struct Checker<'d, 'a> {
    doc: &'d JsonDoc<'a>,
    out: Vec<Finding>,
}

fn secret_pointer(name: &str) -> String {
    if name.contains(['~', '/']) {
        return json::pointer("/secrets", name);
    }
    let mut p = String::with_capacity(9 + name.len() + 16);
    p.push_str("/secrets/");
    p.push_str(name);
    p
}

fn secret_field_pointer(name: &str, field: &str) -> String {
    let mut p = secret_pointer(name);
    if field.contains(['~', '/']) {
        json::push_pointer(&mut p, field);
    } else {
        p.push('/');
        p.push_str(field);
    }
    p
}

impl<'d, 'a> json::Collector<'a> for Checker<'d, 'a> {
    fn doc(&self) -> &JsonDoc<'a> {
        self.doc
    }
    fn findings_mut(&mut self) -> &mut Vec<Finding> {
        &mut self.out
    }
}

/// Checks a keystore PATCH body. `doc` comes from [`json::parse`]; its own
/// syntax findings are not repeated here.
pub fn validate(doc: &JsonDoc<'_>, opts: &ValidateOptions) -> Vec<Finding> {
    let _ = opts;
    let Some(root) = &doc.root else {
        return Vec::new();
    };
    let mut c = Checker {
        doc,
        out: Vec::new(),
    };
    let ast::Value::Object(root_obj) = root else {
        c.push(
            Severity::Error,
            NOT_OBJECT,
            root.range(),
            "",
            format!(
                "The keystore body is {}, but the API expects an object `{{\"secrets\": {{...}}}}` and rejects anything else.",
                json::type_name(root)
            ),
            "Write the body as `{\"secrets\": {\"s3.client.default.access_key\": {\"value\": \"...\", \"as_file\": false}}}`.",
        );
        return c.out;
    };
    let mut secrets = None;
    for prop in &root_obj.properties {
        let name = prop.name.as_str();
        if name == "secrets" {
            secrets = Some(prop);
            continue;
        }
        let pointer = json::pointer("", name);
        if looks_like_setting_name(name) {
            c.push(
                Severity::Error,
                SETTING_OUTSIDE_SECRETS,
                prop.name.range(),
                &pointer,
                format!("`{name}` is at the top level of the body, outside `secrets`: the API reads only `secrets`, so this setting is not stored."),
                "Move it inside the `secrets` object: `{\"secrets\": {\"NAME\": {\"value\": ..., \"as_file\": false}}}`.",
            );
        } else {
            c.push(
                Severity::Warning,
                UNKNOWN_FIELD,
                prop.name.range(),
                &pointer,
                format!("`{name}` is not a field of a keystore body: the API knows only `secrets`, so it is ignored or rejected."),
                "Remove it, or move it inside `secrets` if it is a setting.",
            );
        }
    }
    let Some(secrets) = secrets else {
        c.push(
            Severity::Error,
            MISSING_SECRETS,
            root_obj.range,
            "",
            "The body has no `secrets` object: the API requires it and rejects the request.",
            "Wrap the settings in `{\"secrets\": {...}}`.",
        );
        return c.out;
    };
    let ast::Value::Object(obj) = &secrets.value else {
        c.push(
            Severity::Error,
            SECRETS_NOT_OBJECT,
            secrets.value.range(),
            "/secrets",
            format!(
                "`secrets` is {}, but it must be an object that maps each setting name to `{{\"value\": ..., \"as_file\": ...}}`.",
                json::type_name(&secrets.value)
            ),
            "Write `\"secrets\": {\"s3.client.default.access_key\": {\"value\": \"...\", \"as_file\": false}}`.",
        );
        return c.out;
    };
    if obj.properties.is_empty() {
        c.push(
            Severity::Suggestion,
            EMPTY,
            obj.range,
            "/secrets",
            "`secrets` is empty: this PATCH changes nothing in the keystore.",
            "Add the settings to set (`{\"value\": ..., \"as_file\": ...}`) or remove (`{}`).",
        );
        return c.out;
    }
    check_secrets(&mut c, obj);
    c.out
}

fn looks_like_setting_name(name: &str) -> bool {
    catalog::parse_client_setting(name).is_some() || name.contains(".client.")
}

fn check_secrets<'a>(c: &mut Checker<'_, 'a>, obj: &'a ast::Object<'a>) {
    // Clients in order of first appearance; the map holds their index.
    let mut clients: Vec<(Provider, &'a str, ClientOps<'a>)> = Vec::new();
    let mut index: HashMap<(Provider, &'a str), usize, FnvBuild> = HashMap::default();
    let mut removals: Vec<Finding> = Vec::new();
    let mut get_like = 0usize;
    for prop in &obj.properties {
        let name: &'a str = prop.name.as_str();
        let name_range = prop.name.range();
        let known = check_name(c, name, name_range);
        let op = check_entry(
            c,
            name,
            name_range,
            &prop.value,
            known,
            &mut removals,
            &mut get_like,
        );
        if let (Some(k), Some(op)) = (known, op) {
            let i = *index.entry((k.provider, k.client)).or_insert_with(|| {
                clients.push((k.provider, k.client, ClientOps::default()));
                clients.len() - 1
            });
            let ops = &mut clients[i].2;
            if let Some((slot, i)) = ops.slot(&k.spec.name) {
                *slot = Some(op);
                ops.names[i] = name;
            }
        }
    }
    if get_like == obj.properties.len() {
        c.push(
            Severity::Warning,
            LOOKS_LIKE_GET_RESPONSE,
            obj.range,
            "/secrets",
            "Every entry has `as_file` but no `value`: this looks like the GET response (which never returns values). Sent as a PATCH body it REMOVES every listed setting from the keystore.",
            "To change settings, give each one its `value`; to keep them, do not send this body.",
        );
    } else {
        c.out.append(&mut removals);
    }
    for (provider, client, ops) in clients {
        match provider {
            Provider::S3 => check_s3_pairs(c, client, &ops),
            Provider::Azure => check_azure(c, client, &ops),
            Provider::Gcs => {}
        }
    }
}

/// FNV-1a: the client map is keyed by short names; SipHash is needlessly slow here.
#[derive(Default, Clone, Copy)]
struct FnvBuild;

struct Fnv(u64);

impl std::hash::BuildHasher for FnvBuild {
    type Hasher = Fnv;
    fn build_hasher(&self) -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ b as u64).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// Name rules; returns the catalog entry when the name is a known secure setting.
fn check_name<'a>(
    c: &mut Checker<'_, 'a>,
    name: &'a str,
    range: Range,
) -> Option<catalog::KnownSecureSetting<'a>> {
    if let Some(bad) = catalog::invalid_keystore_name_char(name) {
        let what = match bad {
            '\0' => "it is empty".to_string(),
            ' ' => "it contains a space".to_string(),
            c => format!("it contains `{}`", c.escape_default()),
        };
        c.push(
            Severity::Error,
            INVALID_SETTING_NAME,
            range,
            &secret_pointer(name),
            format!("`{name}` is not a valid keystore setting name: {what}. Elasticsearch allows only letters, digits, `_`, `-` and `.` ([A-Za-z0-9_\\-.]+) and rejects the entry."),
            "Rename the setting using only letters, digits, `_`, `-` and `.`, e.g. `s3.client.default.access_key`.",
        );
        return None;
    }
    if catalog::catalog()
        .reserved_keystore_settings
        .iter()
        .any(|r| r == name)
    {
        c.push(
            Severity::Error,
            RESERVED_SETTING,
            range,
            &secret_pointer(name),
            format!("`{name}` is reserved: Elasticsearch generates it itself, and replacing or removing it breaks features that depend on it."),
            "Remove this entry from the body.",
        );
        return None;
    }
    let Some(parsed) = catalog::parse_client_setting(name) else {
        unknown_setting(c, name, range, None);
        return None;
    };
    let provider = parsed.provider;
    let p = provider.as_str();
    let secure = catalog::secure_settings(provider);
    if parsed.setting.is_empty() {
        if secure.iter().any(|s| s.name == parsed.client) {
            c.push(
                Severity::Error,
                MISSING_CLIENT_NAME,
                range,
                &secret_pointer(name),
                format!("`{name}` has no client name: keystore client settings are `{p}.client.<client>.<setting>`, so Elasticsearch reads `{}` as a client with no setting and the repository never gets this credential.", parsed.client),
                format!("Add the client name the repository uses, e.g. `{p}.client.default.{}`.", parsed.client),
            );
        } else {
            c.push(
                Severity::Error,
                INCOMPLETE_NAME,
                range,
                &secret_pointer(name),
                format!("`{name}` names the client `{}` but no setting: it is not a setting Elasticsearch reads.", parsed.client),
                format!("Add the setting after the client, e.g. `{p}.client.{}.{}`.", parsed.client, secure.first().map_or("access_key", |s| s.name.as_str())),
            );
        }
        return None;
    }
    if parsed.client.is_empty() {
        c.push(
            Severity::Error,
            INVALID_CLIENT_NAME,
            range,
            &secret_pointer(name),
            format!(
                "`{name}` has an empty client name (`..`): Elasticsearch reads no client from it."
            ),
            format!(
                "Put the client name between the dots, e.g. `{p}.client.default.{}`.",
                parsed.setting
            ),
        );
        return None;
    }
    if let Some(spec) = secure.iter().find(|s| s.name == parsed.setting) {
        if catalog::is_placeholder(parsed.client) {
            c.push(
                Severity::Warning,
                PLACEHOLDER_CLIENT,
                range,
                &secret_pointer(name),
                format!("The client name `{}` looks like a placeholder copied from the docs: the repository's `client` setting must name this exact client, or the repository uses other credentials.", parsed.client),
                format!("Use the client name your repository uses, e.g. `{p}.client.default.{}` (and `\"client\": \"default\"` in the repository).", spec.name),
            );
        }
        return Some(catalog::KnownSecureSetting {
            provider,
            client: parsed.client,
            spec,
        });
    }
    // `s3.client.my.client.access_key`: a dotted client name.
    if let Some(spec) = secure
        .iter()
        .find(|s| parsed.setting.ends_with(&format!(".{}", s.name)))
    {
        let full_client = &name[format!("{p}.client.").len()..name.len() - spec.name.len() - 1];
        let fixed = full_client.replace('.', "-");
        c.push(
            Severity::Error,
            INVALID_CLIENT_NAME,
            range,
            &secret_pointer(name),
            format!("The client name `{full_client}` contains a dot: client names allow only letters, digits, `_` and `-`, so Elasticsearch reads the client `{}` and an unknown setting `{}`. An unknown keystore setting can stop the nodes from starting.", parsed.client, parsed.setting),
            format!("Rename the client without dots, e.g. `{p}.client.{fixed}.{}`, and use the same name in the repository's `client` setting.", spec.name),
        );
        return None;
    }
    if let Some(setting) = catalog::client_settings(provider)
        .iter()
        .find(|s| s.name == parsed.setting && !s.secure)
    {
        c.push(
            Severity::Error,
            NOT_SECURE_SETTING,
            range,
            &secret_pointer(name),
            format!("`{}` is not a secure setting: it belongs in elasticsearch.yml (on ECE and Elastic Cloud, the user settings), and Elasticsearch refuses to start when it finds a non-secure setting in the keystore.", setting.name),
            format!("Remove it from the keystore and set `{name}` in the deployment's user settings instead."),
        );
        return None;
    }
    unknown_setting(c, name, range, Some(parsed));
    None
}

fn unknown_setting(
    c: &mut Checker<'_, '_>,
    name: &str,
    range: Range,
    parsed: Option<catalog::ClientSettingName<'_>>,
) {
    let suggestion = match parsed {
        Some(p) => catalog::suggest(
            p.setting,
            catalog::secure_settings(p.provider)
                .iter()
                .map(|s| s.name.as_str()),
        )
        .map(|s| format!("{}.client.{}.{s}", p.provider.as_str(), p.client)),
        None => suggest_full_name(name),
    };
    let (message, help) = match (&parsed, &suggestion) {
        (_, Some(s)) => (
            format!("`{name}` is not a secure setting Elasticsearch knows; did you mean `{s}`? Elasticsearch does not check keystore names when they are added, and an unsupported entry can stop the nodes from starting (a crash loop on every restart until it is removed)."),
            format!("Rename it to `{s}`."),
        ),
        (Some(p), None) => (
            format!("`{name}` is not one of the secure {} client settings ({}). Elasticsearch does not check keystore names when they are added, and an unsupported entry can stop the nodes from starting.", p.provider.as_str(), catalog::secure_settings(p.provider).iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(", ")),
            "Use one of the listed settings, or remove the entry.".to_string(),
        ),
        (None, None) => (
            format!("ecekit does not know the secure setting `{name}` (it knows the snapshot-repository client settings). Elasticsearch does not check keystore names when they are added, and an unsupported entry can stop the nodes from starting."),
            "Check the name against the documentation of the feature it belongs to; remove it if nothing uses it.".to_string(),
        ),
    };
    c.push(
        Severity::Warning,
        UNKNOWN_SETTING,
        range,
        &secret_pointer(name),
        message,
        help,
    );
}

/// For names outside a provider namespace (`S3.client.x.access_key`,
/// `s3.clients.x.secret_key`): the nearest `<provider>.client.<client>.<setting>`.
fn suggest_full_name(name: &str) -> Option<String> {
    let parts: Vec<&str> = name.splitn(4, '.').collect();
    if parts.len() < 4 {
        return None;
    }
    let client = parts[2];
    if !catalog::is_valid_client_name(client) {
        return None;
    }
    let candidates: Vec<String> = [Provider::S3, Provider::Gcs, Provider::Azure]
        .iter()
        .flat_map(|&p| catalog::secure_setting_names(p, client))
        .collect();
    catalog::suggest(name, candidates.iter().map(String::as_str)).map(str::to_string)
}

/// Checks one entry's value; returns what it does for the pairing rules.
#[allow(clippy::too_many_arguments)]
fn check_entry<'a>(
    c: &mut Checker<'_, 'a>,
    name: &str,
    name_range: Range,
    value: &'a ast::Value<'a>,
    known: Option<catalog::KnownSecureSetting<'_>>,
    removals: &mut Vec<Finding>,
    get_like: &mut usize,
) -> Option<Op<'a>> {
    let obj = match value {
        ast::Value::Object(o) => o,
        ast::Value::NullKeyword(_) => {
            removals.push(removal_finding(c.doc, name, name_range, "`null`"));
            return Some(Op::Remove(name_range));
        }
        other => {
            let help = if matches!(other, ast::Value::StringLit(_)) {
                format!("Wrap the value: `\"{name}\": {{\"value\": \"...\", \"as_file\": false}}`.")
            } else {
                format!("Write `\"{name}\": {{\"value\": \"...\", \"as_file\": false}}`, or `{{}}` to remove it.")
            };
            c.push(
                Severity::Error,
                SECRET_NOT_OBJECT,
                other.range(),
                &secret_pointer(name),
                format!(
                    "The entry for `{name}` is {}, but each secret must be an object `{{\"value\": ..., \"as_file\": ...}}`: the API rejects the body.",
                    json::type_name(other)
                ),
                help,
            );
            return None;
        }
    };
    let mut value_prop = None;
    let mut as_file_prop = None;
    for p in &obj.properties {
        match p.name.as_str() {
            "value" => value_prop = Some(p),
            "as_file" => as_file_prop = Some(p),
            other => {
                let suggestion = catalog::suggest(other, ["value", "as_file"]);
                let (message, help) = match suggestion {
                    Some(s) => (
                        format!("`{other}` is not a field of a keystore secret; did you mean `{s}`? The API knows only `value` and `as_file`, so this field is ignored or rejected."),
                        format!("Rename it to `{s}`."),
                    ),
                    None => (
                        format!("`{other}` is not a field of a keystore secret: the API knows only `value` and `as_file`, so it is ignored or rejected."),
                        "Remove it.".to_string(),
                    ),
                };
                c.push(
                    Severity::Warning,
                    UNKNOWN_SECRET_FIELD,
                    p.name.range(),
                    &secret_field_pointer(name, other),
                    message,
                    help,
                );
            }
        }
    }
    let as_file = match as_file_prop {
        None => None,
        Some(p) => match &p.value {
            ast::Value::BooleanLit(b) => Some(b.value),
            other => {
                let fix = match other {
                    ast::Value::StringLit(s) if s.value == "true" || s.value == "false" => {
                        Some(s.value == "true")
                    }
                    _ => None,
                };
                let help = match fix {
                    Some(b) => format!("Write `{b}` without quotes."),
                    None => "Write `true` (store as a file) or `false` (store as a string).".into(),
                };
                let mut f = c.doc.finding(
                    Severity::Error,
                    AS_FILE_TYPE,
                    other.range(),
                    &secret_field_pointer(name, "as_file"),
                    format!(
                        "`as_file` is {}, but the API expects a boolean and rejects the body.",
                        json::type_name(other)
                    ),
                    help,
                );
                if let Some(b) = fix {
                    let r = other.range();
                    f = f.with_fix(crate::finding::Edit {
                        start: r.start,
                        end: r.end,
                        replacement: b.to_string(),
                    });
                }
                c.out.push(f);
                fix
            }
        },
    };
    let value = match value_prop.map(|p| &p.value) {
        None | Some(ast::Value::NullKeyword(_)) => {
            let what = if obj.properties.is_empty() {
                "`{}`"
            } else if value_prop.is_some() {
                "`\"value\": null`"
            } else {
                "an entry without `value`"
            };
            if value_prop.is_none() && as_file_prop.is_some() {
                *get_like += 1;
            }
            removals.push(removal_finding(c.doc, name, name_range, what));
            return Some(Op::Remove(name_range));
        }
        Some(v) => v,
    };
    let pointer_value = || secret_field_pointer(name, "value");
    let kind = known.map(|k| k.spec.kind);
    match value {
        ast::Value::StringLit(s) => {
            let text: &'a str = match &s.value {
                Cow::Borrowed(t) => t,
                Cow::Owned(_) => "",
            };
            let owned_text: &str = &s.value;
            if kind == Some(SecureKind::File) {
                check_file_string(c, name, s.range, owned_text, as_file, known);
                return Some(Op::Set(None, name_range));
            }
            if as_file == Some(true) && kind == Some(SecureKind::String) {
                as_file_string_setting(c, name, as_file_prop, known);
            }
            let placeholder = check_string_value(c, name, s.range, owned_text);
            // Escaped strings are owned by the AST; the pairing rules only
            // need the borrowed (escape-free) ones, which all AWS keys are.
            let keep = if placeholder || matches!(s.value, Cow::Owned(_)) {
                None
            } else {
                Some(text)
            };
            Some(Op::Set(keep, name_range))
        }
        ast::Value::Object(o) => {
            match kind {
                Some(SecureKind::File) => {
                    if as_file == Some(false) {
                        c.push(
                            Severity::Error,
                            AS_FILE_MISMATCH,
                            as_file_prop.map_or(o.range, |p| p.value.range()),
                            &secret_field_pointer(name, "as_file"),
                            format!("`{name}` is a file setting and its value is a JSON object, but `as_file` is false: the keystore stores it as a string, and Elasticsearch fails to load the client credentials."),
                            "Set `\"as_file\": true`.",
                        );
                    }
                    if known.is_some_and(|k| k.provider == Provider::Gcs) {
                        check_service_account_ast(c, name, o);
                    }
                }
                Some(SecureKind::String) => {
                    c.push(
                        Severity::Error,
                        VALUE_TYPE,
                        o.range,
                        &pointer_value(),
                        format!("`{name}` is a string setting, but its value is a JSON object: the keystore stores it as a file or as JSON text, and the client credential is wrong."),
                        "Give the credential itself as a string: `\"value\": \"...\"`.",
                    );
                }
                None => {
                    if as_file == Some(false) {
                        c.push(
                            Severity::Suggestion,
                            AS_FILE_MISMATCH,
                            as_file_prop.map_or(o.range, |p| p.value.range()),
                            &secret_field_pointer(name, "as_file"),
                            format!("The value of `{name}` is a JSON object but `as_file` is false: the keystore stores it as JSON text, not as a file."),
                            "Keep it if the setting reads a string; set `\"as_file\": true` if it reads a file.",
                        );
                    }
                }
            }
            Some(Op::Set(None, name_range))
        }
        other => {
            c.push(
                Severity::Error,
                VALUE_TYPE,
                other.range(),
                &pointer_value(),
                format!(
                    "The value of `{name}` is {}: the API stores a string or a JSON object, and anything else is rejected or stored as the wrong text.",
                    json::type_name(other)
                ),
                "Put the value in double quotes: `\"value\": \"...\"`.",
            );
            Some(Op::Set(None, name_range))
        }
    }
}

fn removal_finding(doc: &JsonDoc<'_>, name: &str, range: Range, what: &str) -> Finding {
    doc.finding(
        Severity::Suggestion,
        REMOVES_SETTING,
        range,
        &secret_pointer(name),
        format!(
            "{what} removes `{name}` from the keystore (PATCH removes a setting given no `value`)."
        ),
        "Keep it if removing is what you want; to set the setting instead, give it a `value`.",
    )
}

fn as_file_string_setting(
    c: &mut Checker<'_, '_>,
    name: &str,
    as_file_prop: Option<&ast::ObjectProp<'_>>,
    known: Option<catalog::KnownSecureSetting<'_>>,
) {
    let range = as_file_prop.map_or(Range::new(0, 0), |p| p.value.range());
    let setting = known.map_or(name, |k| k.spec.name.as_str());
    c.push(
        Severity::Error,
        AS_FILE_MISMATCH,
        range,
        &secret_field_pointer(name, "as_file"),
        format!("`{name}` is a string setting, but `as_file` is true: Elasticsearch reads `{setting}` as a string and fails to load a file entry for it."),
        "Set `\"as_file\": false`.",
    );
}

/// Content checks of a string value; returns true when it is a placeholder.
fn check_string_value(c: &mut Checker<'_, '_>, name: &str, range: Range, text: &str) -> bool {
    if text.is_empty() {
        c.push(
            Severity::Warning,
            EMPTY_VALUE,
            range,
            &secret_field_pointer(name, "value"),
            format!("The value of `{name}` is empty: the credential cannot work."),
            "Give the real value, or use `{}` to remove the setting.",
        );
        return false;
    }
    if catalog::is_placeholder(text) {
        c.push(
            Severity::Error,
            PLACEHOLDER_VALUE,
            range,
            &secret_field_pointer(name, "value"),
            format!("The value of `{name}` is a placeholder copied from the docs, not a real credential: the keystore would store it as is and the repository fails to authenticate."),
            "Replace it with the real value (ecekit can read it from an environment variable, a file or stdin).",
        );
        return true;
    }
    let bytes = text.as_bytes();
    if bytes[0].is_ascii_whitespace() || bytes[bytes.len() - 1].is_ascii_whitespace() {
        c.push(
            Severity::Warning,
            VALUE_WHITESPACE,
            range,
            &secret_field_pointer(name, "value"),
            format!("The value of `{name}` starts or ends with whitespace (often a newline from a file or a paste): the keystore keeps it, and the credential no longer matches."),
            "Remove the leading and trailing spaces or newlines, unless they truly belong to the secret.",
        );
    }
    if !text.is_ascii() {
        c.push(
            Severity::Warning,
            NON_ASCII,
            range,
            &secret_field_pointer(name, "value"),
            format!("The value of `{name}` has non-ASCII characters: Elasticsearch 6.x and older keystores reject or corrupt them, and access keys are ASCII, so this is often a pasted typographic quote or dash."),
            "Check the value; replace look-alike characters (’ “ – …) with their ASCII forms if they are not part of the secret.",
        );
    }
    false
}

/// A GCS `credentials_file` given as a string.
fn check_file_string(
    c: &mut Checker<'_, '_>,
    name: &str,
    range: Range,
    text: &str,
    as_file: Option<bool>,
    known: Option<catalog::KnownSecureSetting<'_>>,
) {
    let vptr = secret_field_pointer(name, "value");
    if text.trim().is_empty() {
        check_string_value(c, name, range, text);
        return;
    }
    if catalog::is_placeholder(text) {
        check_string_value(c, name, range, text);
        return;
    }
    let gcs = known.is_some_and(|k| k.provider == Provider::Gcs);
    match crate::json::read_value(text) {
        Ok(serde_json::Value::Object(map)) => {
            c.push(
                Severity::Warning,
                GCS_CREDENTIALS_AS_STRING,
                range,
                &vptr,
                format!("The value of `{name}` is the key file's JSON written as a string: it works only with `as_file: true`, and escaping the whole file by hand is where copies break."),
                "Send the JSON object itself as the value: `\"value\": {\"type\": \"service_account\", ...}, \"as_file\": true`.",
            );
            if gcs {
                let fields = |f: &str| {
                    map.get(f).map(|v| match v {
                        serde_json::Value::String(s) => Field::Str(s.as_str()),
                        serde_json::Value::Null => Field::Null,
                        other => Field::Other(value_type_name(other)),
                    })
                };
                check_service_account(c, name, &fields, &|_| (range, vptr.clone()), range, &vptr);
            }
        }
        _ => {
            if gcs {
                c.push(
                    Severity::Error,
                    GCS_CREDENTIALS_NOT_JSON,
                    range,
                    &vptr,
                    format!("The value of `{name}` is not a JSON object: it must be the service-account key file (JSON), or Elasticsearch fails with \"failed to load GCS client credentials\"."),
                    "Use the whole JSON key file downloaded for the service account, sent as the object itself with `\"as_file\": true`.",
                );
            }
        }
    }
    if as_file != Some(true) {
        c.push(
            Severity::Error,
            AS_FILE_REQUIRED,
            range,
            &secret_field_pointer(name, "as_file"),
            format!("`{name}` is a file setting, but this entry is stored as a string (`as_file` is {}): Elasticsearch cannot load the client credentials from a string entry.", if as_file.is_some() { "false" } else { "missing and defaults to false for a string value" }),
            "Set `\"as_file\": true`, and send the key file as a JSON object value.",
        );
    }
}

fn value_type_name(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

enum Field<'v> {
    Str(&'v str),
    Null,
    Other(&'static str),
}

fn check_service_account_ast(c: &mut Checker<'_, '_>, name: &str, obj: &ast::Object<'_>) {
    let vptr = secret_field_pointer(name, "value");
    let fields = |f: &str| {
        obj.properties
            .iter()
            .rev()
            .find(|p| p.name.as_str() == f)
            .map(|p| match &p.value {
                ast::Value::StringLit(s) => Field::Str(s.value.as_ref()),
                ast::Value::NullKeyword(_) => Field::Null,
                other => Field::Other(json::type_name(other)),
            })
    };
    let locate = |f: &str| {
        let range = obj
            .properties
            .iter()
            .rev()
            .find(|p| p.name.as_str() == f)
            .map_or(obj.range, |p| p.value.range());
        (range, json::pointer(&vptr, f))
    };
    check_service_account(c, name, &fields, &locate, obj.range, &vptr);
}

/// The GCS service-account key rules (Google's ServiceAccountCredentials).
fn check_service_account<'v>(
    c: &mut Checker<'_, '_>,
    name: &str,
    fields: &dyn Fn(&str) -> Option<Field<'v>>,
    locate: &dyn Fn(&str) -> (Range, String),
    whole: Range,
    whole_ptr: &str,
) {
    let rules = &catalog::catalog().service_account;
    match fields("type") {
        None | Some(Field::Null) => c.push(
            Severity::Error,
            GCS_CREDENTIALS_FIELD,
            whole,
            whole_ptr,
            format!("The credentials in `{name}` have no `type`: Google's library fails with \"Error reading credentials from stream, 'type' field not specified.\""),
            format!("Use the JSON key file of a service account, which has `\"type\": \"{}\"`.", rules.type_value),
        ),
        Some(Field::Str(t)) if t == rules.type_value => {}
        Some(Field::Str(t)) => {
            let (r, p) = locate("type");
            let why = if t == "authorized_user" {
                " (these are a person's gcloud login credentials)".to_string()
            } else {
                String::new()
            };
            c.push(
                Severity::Error,
                GCS_CREDENTIALS_TYPE,
                r,
                &p,
                format!("The credentials in `{name}` have `type` `{t}`{why}: Elasticsearch needs a service-account key (`{}`), and fails to load anything else.", rules.type_value),
                "Create a key for a service account (IAM > Service accounts > Keys > Add key > JSON) and use that file.",
            );
        }
        Some(Field::Other(ty)) => {
            let (r, p) = locate("type");
            c.push(
                Severity::Error,
                GCS_CREDENTIALS_TYPE,
                r,
                &p,
                format!("`type` in the credentials of `{name}` is {ty}, but it must be the string `{}`.", rules.type_value),
                format!("Write `\"type\": \"{}\"`.", rules.type_value),
            );
        }
    }
    let missing: Vec<&str> = rules
        .required
        .iter()
        .map(String::as_str)
        .filter(|f| !matches!(fields(f), Some(Field::Str(s)) if !s.is_empty()))
        .collect();
    if !missing.is_empty() {
        let list: Vec<String> = missing.iter().map(|m| format!("`{m}`")).collect();
        c.push(
            Severity::Error,
            GCS_CREDENTIALS_FIELD,
            whole,
            whole_ptr,
            format!("The credentials in `{name}` lack {} (or they are not strings): Google's library needs `client_id`, `client_email`, `private_key` and `private_key_id`, and Elasticsearch fails to load the client.", list.join(", ")),
            "Use the complete JSON key file exactly as downloaded, without removing fields.",
        );
    }
    for f in rules
        .required
        .iter()
        .chain(std::iter::once(&"project_id".to_string()))
    {
        if let Some(Field::Str(s)) = fields(f) {
            if catalog::is_placeholder(s) {
                let (r, p) = locate(f);
                c.push(
                    Severity::Error,
                    PLACEHOLDER_VALUE,
                    r,
                    &p,
                    format!("`{f}` in the credentials of `{name}` is a placeholder from the docs, not the real key file's value."),
                    "Use the real JSON key file of the service account.",
                );
                return;
            }
        }
    }
    if let Some(Field::Str(key)) = fields("private_key") {
        let problem = if key.contains("-----BEGIN PRIVATE KEY-----") {
            if key.contains("\\n") && !key.contains('\n') {
                Some("has `\\n` written as two characters instead of line breaks (escaped twice), so the PEM cannot be read")
            } else {
                None
            }
        } else if key.contains("BEGIN RSA PRIVATE KEY") {
            Some("is a PKCS#1 key (`BEGIN RSA PRIVATE KEY`); Google's library reads only PKCS#8 (`BEGIN PRIVATE KEY`)")
        } else if !key.is_empty() {
            Some("is not a PEM private key (`-----BEGIN PRIVATE KEY-----`)")
        } else {
            None
        };
        if let Some(problem) = problem {
            let (r, p) = locate("private_key");
            c.push(
                Severity::Error,
                GCS_PRIVATE_KEY_FORMAT,
                r,
                &p,
                format!("`private_key` in the credentials of `{name}` {problem}: Elasticsearch fails to load the client."),
                "Use the key file exactly as Google Cloud produced it; do not re-escape or convert the key.",
            );
        }
    }
    if let Some(Field::Str(email)) = fields("client_email") {
        if !email.contains('@') {
            let (r, p) = locate("client_email");
            c.push(
                Severity::Warning,
                GCS_CREDENTIALS_FIELD,
                r,
                &p,
                format!("`client_email` in the credentials of `{name}` is not an e-mail address: a service account's is `NAME@PROJECT.iam.gserviceaccount.com`."),
                "Use the key file exactly as downloaded.",
            );
        }
    }
    match fields("token_uri") {
        Some(Field::Str(uri)) if !(uri.starts_with("https://") || uri.starts_with("http://")) => {
            let (r, p) = locate("token_uri");
            c.push(
                Severity::Warning,
                GCS_CREDENTIALS_FIELD,
                r,
                &p,
                format!("`token_uri` in the credentials of `{name}` is not an http(s) URL: Google's library fails when it cannot parse it."),
                "Use `https://oauth2.googleapis.com/token`, as in a downloaded key file.",
            );
        }
        _ => {}
    }
}

fn is_aws_access_key_prefix(s: &str) -> bool {
    // Bytes, not `&s[..4]`: byte 4 may fall inside a multi-byte character.
    let head = s.as_bytes().get(..4).unwrap_or_default();
    head.eq_ignore_ascii_case(b"AKIA") || head.eq_ignore_ascii_case(b"ASIA")
}

fn is_aws_access_key(s: &str) -> bool {
    s.len() == 20
        && (s.starts_with("AKIA") || s.starts_with("ASIA"))
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

fn is_aws_secret_key(s: &str) -> bool {
    s.len() == 40
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'+' | b'='))
}

fn check_s3_pairs(c: &mut Checker<'_, '_>, client: &str, ops: &ClientOps<'_>) {
    let quick_ok = matches!(
        (ops.access_key, ops.secret_key),
        (Some(Op::Set(..)), Some(Op::Set(..)))
            | (Some(Op::Remove(_)), Some(Op::Remove(_)))
            | (None, None)
    );
    if quick_ok && ops.session_token.is_none() {
        // The common case: both keys set (or both removed) and no token.
        let aws_like = |op: Option<Op<'_>>| matches!(op, Some(Op::Set(Some(v), _)) if is_aws_access_key_prefix(v));
        let needs_format_checks = aws_like(ops.access_key) || aws_like(ops.secret_key);
        if !needs_format_checks {
            return;
        }
    }
    let access_name = format!("s3.client.{client}.access_key");
    let secret_name = format!("s3.client.{client}.secret_key");
    let pair = [
        (
            ops.access_key,
            ops.secret_key,
            SLOT_ACCESS,
            &secret_name,
            "Missing secret key",
        ),
        (
            ops.secret_key,
            ops.access_key,
            SLOT_SECRET,
            &access_name,
            "Missing access key",
        ),
    ];
    for (this, other, slot, other_name, es_error) in pair {
        let Some(this) = this else { continue };
        let this_name = ops.names[slot];
        let ptr = || secret_pointer(this_name);
        match (this, other) {
            (Op::Set(..), None) => c.push(
                Severity::Warning,
                S3_MISSING_PAIR,
                this.range(),
                &ptr(),
                format!("`{this_name}` is set but `{other_name}` is not in this body: unless the keystore already holds it, the S3 client fails with \"{es_error} for s3 client [{client}]\"."),
                format!("Set `{other_name}` in the same PATCH, so the two keys always match."),
            ),
            (Op::Set(..), Some(o)) if o.is_remove() => c.push(
                Severity::Error,
                S3_MISSING_PAIR,
                this.range(),
                &ptr(),
                format!("`{this_name}` is set while `{other_name}` is removed: the S3 client then fails with \"{es_error} for s3 client [{client}]\"."),
                "Set both keys, or remove both.".to_string(),
            ),
            (Op::Remove(_), None) => c.push(
                Severity::Warning,
                S3_MISSING_PAIR,
                this.range(),
                &ptr(),
                format!("`{this_name}` is removed but `{other_name}` is kept: if the keystore holds it, the S3 client fails with \"{}\" at the next reload or restart.", if slot == SLOT_ACCESS { "Missing access key" } else { "Missing secret key" }),
                format!("Remove `{other_name}` in the same PATCH."),
            ),
            _ => {}
        }
    }
    if let Some(token) = ops.session_token.filter(|t| t.is_set()) {
        let both = ops.access_key.is_some_and(|o| o.is_set())
            && ops.secret_key.is_some_and(|o| o.is_set());
        if !both {
            c.push(
                Severity::Warning,
                S3_SESSION_TOKEN_ALONE,
                token.range(),
                &secret_pointer(ops.names[SLOT_TOKEN]),
                format!("`{}` is set without both `access_key` and `secret_key` in this body: unless the keystore holds them, the S3 client fails with \"Missing access key and secret key for s3 client [{client}]\".", ops.names[SLOT_TOKEN]),
                "Set the session token together with the access key and secret key it belongs to.",
            );
        }
    }
    let access = match ops.access_key {
        Some(Op::Set(Some(v), r)) => Some((v, r)),
        _ => None,
    };
    let secret = match ops.secret_key {
        Some(Op::Set(Some(v), r)) => Some((v, r)),
        _ => None,
    };
    if let (Some((a, ar)), Some((s, _))) = (access, secret) {
        if !is_aws_access_key_prefix(a) && is_aws_access_key(s) && a.len() == 40 {
            c.push(
                Severity::Warning,
                AWS_KEYS_SWAPPED,
                ar,
                &secret_pointer(ops.names[SLOT_ACCESS]),
                "The access key and the secret key look swapped: the secret key holds an access key ID (AKIA…/ASIA…, 20 characters) and the access key holds a 40-character secret. S3 rejects the signature.",
                format!("Swap the two values of `{access_name}` and `{secret_name}`."),
            );
            return;
        }
    }
    let mut aws = false;
    if let Some((a, ar)) = access {
        if is_aws_access_key_prefix(a) {
            aws = true;
            if !is_aws_access_key(a) {
                c.push(
                    Severity::Warning,
                    AWS_ACCESS_KEY_FORMAT,
                    ar,
                    &secret_field_pointer(ops.names[SLOT_ACCESS], "value"),
                    format!("The value of `{access_name}` starts like an AWS access key ID but is not one: AWS key IDs are `AKIA` or `ASIA` followed by 16 upper-case letters and digits (20 characters). A truncated or mistyped ID fails with InvalidAccessKeyId."),
                    "Copy the access key ID again from the AWS console or the `aws iam create-access-key` output.",
                );
            }
            let temporary = a.len() >= 4 && a[..4].eq_ignore_ascii_case("ASIA");
            let token_set = ops.session_token.is_some_and(|t| t.is_set());
            if temporary && !token_set {
                c.push(
                    Severity::Warning,
                    AWS_SESSION_TOKEN_MISSING,
                    ar,
                    &secret_pointer(ops.names[SLOT_ACCESS]),
                    format!("The value of `{access_name}` is a temporary (STS, `ASIA…`) access key, which only works with its session token, and this body sets no `s3.client.{client}.session_token`."),
                    format!("Add `s3.client.{client}.session_token` with the token issued with these keys (and renew all three before they expire), or use a long-term `AKIA…` key."),
                );
            }
            if !temporary && token_set {
                if let Some(t) = ops.session_token {
                    c.push(
                        Severity::Warning,
                        AWS_SESSION_TOKEN_UNEXPECTED,
                        t.range(),
                        &secret_pointer(ops.names[SLOT_TOKEN]),
                        format!("`s3.client.{client}.session_token` is set with a long-term (`AKIA…`) access key: only temporary `ASIA…` keys have a session token, and AWS rejects requests with a token that does not belong to the key."),
                        format!("Remove `s3.client.{client}.session_token`, or use the temporary keys the token was issued with."),
                    );
                }
            }
        }
    }
    if let Some((s, sr)) = secret {
        if aws && !is_aws_secret_key(s) {
            c.push(
                Severity::Warning,
                AWS_SECRET_KEY_FORMAT,
                sr,
                &secret_field_pointer(ops.names[SLOT_SECRET], "value"),
                format!("The value of `{secret_name}` does not look like an AWS secret access key (40 characters of letters, digits, `/`, `+` and `=`): S3 will reject the signature (SignatureDoesNotMatch)."),
                "Copy the secret access key again; it is shown only once, when the key is created.",
            );
        }
    }
}

fn check_azure(c: &mut Checker<'_, '_>, client: &str, ops: &ClientOps<'_>) {
    let key = ops.key.filter(|o| o.is_set());
    let sas = ops.sas_token.filter(|o| o.is_set());
    if let (Some(_), Some(s)) = (key, sas) {
        c.push(
            Severity::Error,
            AZURE_KEY_AND_SAS,
            s.range(),
            &secret_pointer(ops.names[SLOT_SAS]),
            format!("Both `azure.client.{client}.key` and `azure.client.{client}.sas_token` are set: Elasticsearch refuses the client (\"Both a secret as well as a shared access token were set\")."),
            "Keep one of the two: the account key, or the SAS token.",
        );
    }
    if let Some(first) = key.or(sas) {
        if !ops.account.is_some_and(|a| a.is_set()) {
            let slot = if key.is_some() { SLOT_KEY } else { SLOT_SAS };
            c.push(
                Severity::Warning,
                AZURE_MISSING_ACCOUNT,
                first.range(),
                &secret_pointer(ops.names[slot]),
                format!("This body sets a credential for the Azure client `{client}` but not `azure.client.{client}.account`: every Azure client needs its storage account name, and without it the client does not exist (\"Unable to find client with name [{client}]\")."),
                format!("Add `azure.client.{client}.account` with the storage account name, unless the keystore already holds it."),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_access_key_prefix_check_survives_multi_byte_text() {
        assert!(!super::is_aws_access_key_prefix("&\u{9bc72}V"));
        assert!(super::is_aws_access_key_prefix("akiaXYZ"));
        assert!(!super::is_aws_access_key_prefix("AKI"));
    }
}
