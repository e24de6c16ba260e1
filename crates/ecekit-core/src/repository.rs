//! Snapshot repository bodies: generate them, and check pasted ones.
//!
//! The body of `PUT _snapshot/<name>` is `{"type": T, "settings": {...}}`;
//! the ECE platform-level body (`PUT /platform/configuration/snapshots/
//! repositories/<name>`, `SnapshotRepositoryConfiguration`) has the same
//! shape. The validator also accepts the bare `settings` object (as in an
//! ecctl settings file).

use crate::catalog::{self, RepositoryTypeSpec, SettingSpec, SettingType};
use crate::finding::{Edit, Finding, Location, Severity};
use crate::json::{self, ast, Collector as _, JsonDoc, Range};
use crate::model::{Platform, Provider, ValidateOptions};
use crate::units::{self, RangeCheck};
use jsonc_parser::common::Ranged;
use std::borrow::Cow;

// ---------------------------------------------------------------------------
// Generator
// ---------------------------------------------------------------------------

/// What the user chose: a type, a name, and settings as text (typed by the
/// catalog when the body is written).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RepositorySpec {
    pub repo_type: String,
    pub name: String,
    /// Key → value text, in the order given. A later value for the same key
    /// replaces an earlier one (keeping the first position).
    pub settings: Vec<(String, String)>,
}

impl RepositorySpec {
    pub fn new(repo_type: impl Into<String>, name: impl Into<String>) -> Self {
        RepositorySpec {
            repo_type: repo_type.into(),
            name: name.into(),
            settings: Vec::new(),
        }
    }

    /// Sets `key` to `value` (replacing an earlier value of the same key).
    pub fn set(&mut self, key: impl Into<String>, value: impl Into<String>) -> &mut Self {
        let key = key.into();
        let value = value.into();
        match self.settings.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => self.settings.push((key, value)),
        }
        self
    }

    pub fn with(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.set(key, value);
        self
    }

    fn delegate(&self) -> Option<&str> {
        self.settings
            .iter()
            .rev()
            .find(|(k, _)| k == "delegate_type")
            .map(|(_, v)| v.as_str())
    }
}

/// The catalog entry of `key` for a repository of type `ty` (also the
/// delegate's settings for `source`, and client settings, which some
/// bodies carry as overrides).
pub fn lookup_setting(ty: &str, delegate: Option<&str>, key: &str) -> Option<&'static SettingSpec> {
    let t = catalog::repository_type(ty)?;
    t.setting(key)
        .or_else(|| delegate.and_then(|d| catalog::repository_setting(d, key)))
        .or_else(|| t.client_setting(key).filter(|s| !s.secure))
}

/// `value` as the JSON Elasticsearch expects for `key`: booleans and whole
/// numbers as JSON types, everything else (byte sizes, times) as strings.
pub fn typed_value(ty: &str, delegate: Option<&str>, key: &str, value: &str) -> serde_json::Value {
    match lookup_setting(ty, delegate, key).map(|s| s.ty) {
        Some(SettingType::Bool) if value == "true" || value == "false" => {
            serde_json::Value::Bool(value == "true")
        }
        Some(SettingType::Int | SettingType::Long) => match value.parse::<i64>() {
            Ok(n) => serde_json::Value::Number(n.into()),
            Err(_) => serde_json::Value::String(value.to_string()),
        },
        _ => serde_json::Value::String(value.to_string()),
    }
}

/// The repository body `{"type": T, "settings": {...}}`, pretty-printed,
/// settings in the order given, values typed.
pub fn body(spec: &RepositorySpec) -> String {
    let delegate = spec.delegate();
    let mut out = String::from("{\n  \"type\": ");
    out.push_str(&json_string(&spec.repo_type));
    out.push_str(",\n  \"settings\": {");
    let mut first = true;
    let mut seen: Vec<&str> = Vec::new();
    for (key, _) in &spec.settings {
        if seen.contains(&key.as_str()) {
            continue;
        }
        seen.push(key);
        // The last value given for a key wins.
        let value = spec
            .settings
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map_or("", |(_, v)| v.as_str());
        out.push_str(if first { "\n    " } else { ",\n    " });
        first = false;
        out.push_str(&json_string(key));
        out.push_str(": ");
        out.push_str(&typed_value(&spec.repo_type, delegate, key, value).to_string());
    }
    out.push_str(if first { "}\n}\n" } else { "\n  }\n}\n" });
    out
}

/// The ECE platform-level repository body (`SnapshotRepositoryConfiguration`,
/// `{"type", "settings"}`). For S3, `region`, `bucket`, `access_key` and
/// `secret_key` are required and belong in `settings` at this level.
pub fn platform_body(spec: &RepositorySpec) -> String {
    body(spec)
}

fn json_string(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

/// The settings a form offers for `ty`: the type's own settings and the
/// shared ones, without deprecated settings and without the clear-text
/// credentials (except on an ECE platform-level S3 repository, where
/// `access_key` and `secret_key` are required; `region` is added there).
pub fn form_settings(ty: &str, platform_repository: bool) -> Vec<&'static SettingSpec> {
    let Some(t) = catalog::repository_type(ty) else {
        return Vec::new();
    };
    let platform_s3 = platform_repository && ty == "s3";
    let mut out: Vec<&'static SettingSpec> = t
        .settings
        .iter()
        .filter(|s| {
            if s.insecure_repo_setting {
                return platform_s3;
            }
            !s.deprecated
        })
        .collect();
    if platform_s3 {
        for name in &catalog::catalog().platform.s3_client_settings_allowed {
            if let Some(s) = t.client_setting(name) {
                if !s.deprecated {
                    out.push(s);
                }
            }
        }
    }
    out
}

/// Settings an ECE platform-level repository of `ty` must have.
pub fn platform_required_settings(ty: &str) -> &'static [String] {
    if ty == "s3" {
        &catalog::catalog().platform.s3_required
    } else {
        &[]
    }
}

// ---------------------------------------------------------------------------
// Validator
// ---------------------------------------------------------------------------

pub const NOT_OBJECT: &str = "REPO_NOT_OBJECT";
pub const MISSING_TYPE: &str = "REPO_MISSING_TYPE";
pub const TYPE_NOT_STRING: &str = "REPO_TYPE_NOT_STRING";
pub const UNKNOWN_TYPE: &str = "REPO_UNKNOWN_TYPE";
pub const SETTINGS_NOT_OBJECT: &str = "REPO_SETTINGS_NOT_OBJECT";
pub const UNKNOWN_FIELD: &str = "REPO_UNKNOWN_FIELD";
pub const SETTING_OUTSIDE_SETTINGS: &str = "REPO_SETTING_OUTSIDE_SETTINGS";
pub const PLATFORM_TYPE: &str = "REPO_PLATFORM_TYPE";
pub const PLATFORM_MISSING_SETTING: &str = "REPO_PLATFORM_MISSING_SETTING";
pub const INVALID_NAME: &str = "REPO_INVALID_NAME";
pub const INVALID_PLATFORM_NAME: &str = "REPO_INVALID_PLATFORM_NAME";
pub const NAME_TYPE_MISMATCH: &str = "REPO_NAME_TYPE_MISMATCH";
pub const UNKNOWN_SETTING: &str = "REPO_UNKNOWN_SETTING";
pub const SETTING_OF_OTHER_TYPE: &str = "REPO_SETTING_OF_OTHER_TYPE";
pub const CLIENT_SETTING: &str = "REPO_CLIENT_SETTING";
pub const SECRET_IN_SETTINGS: &str = "REPO_SECRET_IN_SETTINGS";
pub const DEPRECATED_SETTING: &str = "REPO_DEPRECATED_SETTING";
pub const VALUE_TYPE: &str = "REPO_VALUE_TYPE";
pub const INVALID_BOOL: &str = "REPO_INVALID_BOOL";
pub const INVALID_NUMBER: &str = "REPO_INVALID_NUMBER";
pub const INVALID_BYTES: &str = "REPO_INVALID_BYTES";
pub const INVALID_TIME: &str = "REPO_INVALID_TIME";
pub const FRACTIONAL_BYTES: &str = "REPO_FRACTIONAL_BYTES";
pub const OUT_OF_RANGE: &str = "REPO_OUT_OF_RANGE";
pub const INVALID_ENUM: &str = "REPO_INVALID_ENUM";
pub const UNDOCUMENTED_VALUE: &str = "REPO_UNDOCUMENTED_VALUE";
pub const MISSING_REQUIRED: &str = "REPO_MISSING_REQUIRED";
pub const EMPTY_VALUE: &str = "REPO_EMPTY_VALUE";
pub const INVALID_BUCKET_NAME: &str = "REPO_INVALID_BUCKET_NAME";
pub const INVALID_CONTAINER_NAME: &str = "REPO_INVALID_CONTAINER_NAME";
pub const INVALID_CLIENT_NAME: &str = "REPO_INVALID_CLIENT_NAME";
pub const PLACEHOLDER_VALUE: &str = "REPO_PLACEHOLDER_VALUE";
pub const BASE_PATH_ON_ECE: &str = "REPO_BASE_PATH_ON_ECE";
pub const BASE_PATH_SLASH: &str = "REPO_BASE_PATH_SLASH";
pub const CHUNK_BELOW_BUFFER: &str = "REPO_CHUNK_BELOW_BUFFER";
pub const CHUNK_MAY_BE_BELOW_BUFFER: &str = "REPO_CHUNK_MAY_BE_BELOW_BUFFER";
pub const INVALID_URL: &str = "REPO_INVALID_URL";
pub const INVALID_DELEGATE_TYPE: &str = "REPO_INVALID_DELEGATE_TYPE";

/// One setting as found in the body (nested objects flattened to dotted keys).
struct Entry<'a> {
    key: Cow<'a, str>,
    key_range: Range,
    value: &'a ast::Value<'a>,
    pointer: String,
}

struct Checker<'d, 'a> {
    doc: &'d JsonDoc<'a>,
    opts: &'d ValidateOptions,
    out: Vec<Finding>,
}

impl<'d, 'a> json::Collector<'a> for Checker<'d, 'a> {
    fn doc(&self) -> &JsonDoc<'a> {
        self.doc
    }
    fn findings_mut(&mut self) -> &mut Vec<Finding> {
        &mut self.out
    }
}

impl Checker<'_, '_> {
    fn on_ece(&self) -> bool {
        self.opts.platform == Some(Platform::Ece) || self.opts.platform_repository
    }
}

/// Checks a repository body (`{"type", "settings"}` or the bare settings
/// object). `doc` comes from [`json::parse`]; its own syntax findings are
/// not repeated here. The name, when known, comes from `opts`.
pub fn validate(doc: &JsonDoc<'_>, opts: &ValidateOptions) -> Vec<Finding> {
    let Some(root) = &doc.root else {
        return Vec::new();
    };
    let mut c = Checker {
        doc,
        opts,
        out: Vec::new(),
    };
    let ast::Value::Object(root_obj) = root else {
        c.push(
            Severity::Error,
            NOT_OBJECT,
            root.range(),
            "",
            format!(
                "The repository body is {}, but Elasticsearch expects an object `{{\"type\": ..., \"settings\": {{...}}}}`.",
                json::type_name(root)
            ),
            "Write the body as `{\"type\": \"s3\", \"settings\": {\"bucket\": \"my-bucket\"}}`.",
        );
        return c.out;
    };
    // `{}` is no bare settings object either: it misses the type.
    let wrapped = root_obj.properties.is_empty()
        || root_obj
            .properties
            .iter()
            .any(|p| matches!(p.name.as_str(), "type" | "settings"));

    let mut ty: Option<&'static RepositoryTypeSpec> = None;
    let mut type_known = false;
    let mut settings_obj: Option<&ast::Object<'_>> = None;
    let mut settings_base = String::new();
    if wrapped {
        settings_base.push_str("/settings");
        let mut type_prop = None;
        for prop in &root_obj.properties {
            match prop.name.as_str() {
                "type" => type_prop = Some(prop),
                "settings" => match &prop.value {
                    ast::Value::Object(o) => settings_obj = Some(o),
                    other => c.push(
                        Severity::Error,
                        SETTINGS_NOT_OBJECT,
                        other.range(),
                        "/settings",
                        format!(
                            "`settings` is {}, but it must be an object of repository settings.",
                            json::type_name(other)
                        ),
                        "Write `\"settings\": {\"bucket\": \"my-bucket\"}`.",
                    ),
                },
                other => outside_field(&mut c, other, prop),
            }
        }
        match type_prop {
            None => c.push(
                Severity::Error,
                MISSING_TYPE,
                root_obj.range,
                "",
                "The body has no `type`: Elasticsearch cannot create a repository without knowing its kind and rejects the request.",
                "Add `\"type\": \"s3\"` (or `gcs`, `azure`, `fs`, `url`, `source`).",
            ),
            Some(p) => match &p.value {
                ast::Value::StringLit(s) => {
                    ty = check_type(&mut c, &s.value, s.range);
                    type_known = ty.is_some();
                }
                other => c.push(
                    Severity::Error,
                    TYPE_NOT_STRING,
                    other.range(),
                    "/type",
                    format!("`type` is {}, but it must be a string such as `\"s3\"`.", json::type_name(other)),
                    "Write `\"type\": \"s3\"` (or `gcs`, `azure`, `fs`, `url`, `source`).",
                ),
            },
        }
    } else {
        settings_obj = Some(root_obj);
    }

    let mut entries = Vec::new();
    if let Some(o) = settings_obj {
        flatten(o, &mut String::new(), &settings_base, &mut entries);
    }
    if !wrapped {
        ty = infer_type(&entries, opts);
    }

    if opts.platform_repository {
        if let Some(t) = ty {
            let supported = &catalog::catalog().platform.supported_types;
            if !supported.contains(&t.name) {
                let range = root_obj
                    .properties
                    .iter()
                    .find(|p| p.name.as_str() == "type")
                    .map_or(root_obj.range, |p| p.value.range());
                c.push(
                    Severity::Error,
                    PLATFORM_TYPE,
                    range,
                    "/type",
                    format!("ECE platform-level repositories support only {}; a `{}` repository cannot be configured there.", supported.join(", "), t.name),
                    "Use an s3, gcs or azure repository, or register this one on the deployment itself.",
                );
            }
        }
    }

    if let Some(name) = &opts.repository_name {
        let loc = doc.location(Range::new(0, 0), "");
        c.out.extend(name_findings(
            name,
            ty.map(|t| t.name.as_str()),
            opts.platform_repository,
            loc,
        ));
    }

    let delegate = entries
        .iter()
        .rev()
        .find(|e| e.key == "delegate_type")
        .and_then(|e| e.value.as_string_lit())
        .and_then(|s| catalog::repository_type(&s.value))
        .filter(|d| d.name != "source");
    for e in &entries {
        check_entry(&mut c, ty, type_known || !wrapped, delegate, &entries, e);
    }
    if let Some(t) = ty {
        check_required(
            &mut c,
            t,
            delegate,
            &entries,
            settings_obj.map_or(root_obj.range, |o| o.range),
            &settings_base,
        );
        if t.name == "s3" {
            check_chunk_vs_buffer(&mut c, &entries);
        }
    }
    c.out
}

fn outside_field(c: &mut Checker<'_, '_>, name: &str, prop: &ast::ObjectProp<'_>) {
    let pointer = json::pointer("", name);
    let is_setting = catalog::REPOSITORY_TYPES
        .iter()
        .any(|t| catalog::repository_setting(t, name).is_some());
    if is_setting {
        c.push(
            Severity::Error,
            SETTING_OUTSIDE_SETTINGS,
            prop.name.range(),
            &pointer,
            format!("`{name}` is a repository setting but sits at the top level, outside `settings`: Elasticsearch reads only `type` and `settings`, so it is ignored."),
            format!("Move `{name}` inside the `settings` object."),
        );
    } else {
        c.push(
            Severity::Warning,
            UNKNOWN_FIELD,
            prop.name.range(),
            &pointer,
            format!("`{name}` is not part of a repository body: Elasticsearch reads only `type` and `settings`, so it is ignored."),
            "Remove it, or move it inside `settings` if it is a setting.",
        );
    }
}

fn check_type(
    c: &mut Checker<'_, '_>,
    name: &str,
    range: Range,
) -> Option<&'static RepositoryTypeSpec> {
    if let Some(t) = catalog::repository_type(name) {
        return Some(t);
    }
    let suggestion = catalog::suggest(name, catalog::REPOSITORY_TYPES);
    let (message, help) = match suggestion {
        Some(s) => (
            format!("`{name}` is not a repository type; did you mean `{s}`? Elasticsearch rejects an unknown type (\"repository type [{name}] does not exist\")."),
            format!("Write `\"type\": \"{s}\"`."),
        ),
        None => (
            format!("`{name}` is not a repository type Elasticsearch knows (s3, gcs, azure, fs, url, source), so it rejects the request."),
            "Use s3 (also MinIO and other S3-compatible stores), gcs, azure, fs, url or source.".to_string(),
        ),
    };
    c.push(Severity::Error, UNKNOWN_TYPE, range, "/type", message, help);
    None
}

/// Flattens nested objects into dotted keys, as Elasticsearch reads settings.
fn flatten<'a>(
    obj: &'a ast::Object<'a>,
    prefix: &mut String,
    base: &str,
    out: &mut Vec<Entry<'a>>,
) {
    for prop in &obj.properties {
        let name = prop.name.as_str();
        let pointer = {
            let mut p = base.to_string();
            if !prefix.is_empty() {
                for seg in prefix.split('.') {
                    json::push_pointer(&mut p, seg);
                }
            }
            json::push_pointer(&mut p, name);
            p
        };
        match &prop.value {
            ast::Value::Object(inner) if !inner.properties.is_empty() && prefix.len() < 256 => {
                let len = prefix.len();
                if !prefix.is_empty() {
                    prefix.push('.');
                }
                prefix.push_str(name);
                flatten(inner, prefix, base, out);
                prefix.truncate(len);
            }
            value => out.push(Entry {
                key: if prefix.is_empty() {
                    Cow::Borrowed(name)
                } else {
                    Cow::Owned(format!("{prefix}.{name}"))
                },
                key_range: prop.name.range(),
                value,
                pointer,
            }),
        }
    }
}

/// The type of a bare settings object, from the settings only one type has.
fn infer_type(
    entries: &[Entry<'_>],
    opts: &ValidateOptions,
) -> Option<&'static RepositoryTypeSpec> {
    let mut voted: Option<&'static RepositoryTypeSpec> = None;
    for e in entries {
        let owners: Vec<&'static RepositoryTypeSpec> = catalog::catalog()
            .types
            .iter()
            .filter(|t| t.setting(&e.key).is_some())
            .collect();
        if owners.len() == 1 {
            match voted {
                None => voted = Some(owners[0]),
                Some(v) if v.name == owners[0].name => {}
                Some(_) => return None,
            }
        }
    }
    voted.or_else(|| {
        if opts.platform_repository
            && entries
                .iter()
                .any(|e| e.key == "access_key" || e.key == "region")
        {
            catalog::repository_type("s3")
        } else {
            None
        }
    })
}

fn scalar_text<'v>(v: &'v ast::Value<'_>) -> Option<Cow<'v, str>> {
    match v {
        ast::Value::StringLit(s) => Some(Cow::Borrowed(s.value.as_ref())),
        ast::Value::NumberLit(n) => Some(Cow::Borrowed(n.value)),
        ast::Value::BooleanLit(b) => Some(Cow::Borrowed(if b.value { "true" } else { "false" })),
        _ => None,
    }
}

fn client_of(entries: &[Entry<'_>]) -> String {
    entries
        .iter()
        .rev()
        .find(|e| e.key == "client")
        .and_then(|e| e.value.as_string_lit())
        .map(|s| s.value.to_string())
        .filter(|s| catalog::is_valid_client_name(s) && !catalog::is_placeholder(s))
        .unwrap_or_else(|| "default".to_string())
}

fn check_entry(
    c: &mut Checker<'_, '_>,
    ty: Option<&'static RepositoryTypeSpec>,
    type_checked: bool,
    delegate: Option<&'static RepositoryTypeSpec>,
    entries: &[Entry<'_>],
    e: &Entry<'_>,
) {
    let key: &str = &e.key;
    let platform_s3 = c.opts.platform_repository && ty.is_none_or(|t| t.name == "s3");
    let rules = catalog::catalog();

    // Credentials in clear text.
    if let Some(provider) = rules.secret_repository_settings.get(key) {
        let platform_key = platform_s3 && rules.platform.s3_required.iter().any(|r| r == key);
        if !platform_key {
            secret_in_settings(c, ty, *provider, entries, e);
            return;
        }
        check_value_text(c, key, e);
        return;
    }

    let spec = match ty {
        Some(t) => t
            .setting(key)
            .or_else(|| delegate.and_then(|d| d.setting(key))),
        None => catalog::catalog().types.iter().find_map(|t| t.setting(key)),
    };
    if let Some(spec) = spec {
        if spec.deprecated {
            deprecated(c, key, spec, e);
        }
        check_value(c, ty, spec, entries, e);
        return;
    }
    if !type_checked && ty.is_none() {
        // Unknown type: its settings cannot be checked.
        return;
    }
    // A client setting used as a repository setting.
    let client_spec = match ty {
        Some(t) => t.client_setting(key),
        None => catalog::catalog()
            .types
            .iter()
            .find_map(|t| t.client_setting(key)),
    };
    let platform_allowed = platform_s3
        && (rules
            .platform
            .s3_client_settings_allowed
            .iter()
            .any(|s| s == key)
            || rules.platform.s3_optional.iter().any(|s| s == key));
    if platform_allowed {
        if let Some(spec) = client_spec {
            check_value(c, ty, spec, entries, e);
        }
        return;
    }
    if let (Some(spec), Some(t)) = (client_spec, ty) {
        let p = t.provider.map_or(t.name.as_str(), Provider::as_str);
        let client = client_of(entries);
        c.push(
            Severity::Warning,
            CLIENT_SETTING,
            e.key_range,
            &e.pointer,
            format!("`{key}` is a client setting: as a repository setting it is a deprecated override that newer Elasticsearch versions may reject, and other repositories using the client do not get it."),
            format!("Set `{p}.client.{client}.{}` in the node settings instead (on ECE and Elastic Cloud, the deployment's user settings), and remove it here.", spec.name),
        );
        check_value(c, ty, spec, entries, e);
        return;
    }
    let own_names = || -> Vec<&'static str> {
        match ty {
            Some(t) => t.settings.iter().map(|s| s.name.as_str()).collect(),
            None => rules
                .types
                .iter()
                .flat_map(|t| t.settings.iter().map(|s| s.name.as_str()))
                .collect(),
        }
    };
    if let Some(t) = ty {
        let others: Vec<&str> = rules
            .types
            .iter()
            .filter(|o| o.name != t.name && o.setting(key).is_some())
            .map(|o| o.name.as_str())
            .collect();
        if !others.is_empty() {
            let near = analog(key, t).or_else(|| catalog::suggest(key, own_names()));
            let mut message = format!(
                "`{key}` is a setting of {} repositories, not of `{}` ones: this repository ignores it.",
                others.join(" and "),
                t.name
            );
            if let Some(n) = near {
                message.push_str(&format!(" Did you mean `{n}`?"));
            }
            c.push(
                Severity::Warning,
                SETTING_OF_OTHER_TYPE,
                e.key_range,
                &e.pointer,
                message,
                match near {
                    Some(n) => format!("Rename it to `{n}`, or check the repository `type`."),
                    None => "Remove it, or check the repository `type`.".into(),
                },
            );
            return;
        }
    }
    let names = own_names();
    let suggestion = catalog::suggest(key, names.iter().copied());
    let kind = ty.map_or("a repository setting".to_string(), |t| {
        format!("a setting of `{}` repositories", t.name)
    });
    let (message, help) = match suggestion {
        Some(s) => (
            format!("`{key}` is not {kind}; did you mean `{s}`? A misspelt setting is silently ignored, so the repository runs with the default instead."),
            format!("Rename it to `{s}`."),
        ),
        None => (
            format!("`{key}` is not {kind} that Elasticsearch documents: it is ignored (or rejected by newer versions)."),
            "Remove it, or check the spelling against the repository settings reference.".to_string(),
        ),
    };
    c.push(
        Severity::Warning,
        UNKNOWN_SETTING,
        e.key_range,
        &e.pointer,
        message,
        help,
    );
}

/// The setting of `t` that plays the role of another type's `key`.
fn analog(key: &str, t: &RepositoryTypeSpec) -> Option<&'static str> {
    let n = match (key, t.name.as_str()) {
        ("container", "s3" | "gcs") => "bucket",
        ("bucket", "azure") => "container",
        _ => return None,
    };
    Some(n)
}

fn secret_in_settings(
    c: &mut Checker<'_, '_>,
    ty: Option<&'static RepositoryTypeSpec>,
    provider: Provider,
    entries: &[Entry<'_>],
    e: &Entry<'_>,
) {
    let key: &str = &e.key;
    let p = ty.and_then(|t| t.provider).unwrap_or(provider);
    let client = client_of(entries);
    let keystore_name = format!("{}.client.{client}.{key}", p.as_str());
    let why = if key == "access_key" || key == "secret_key" {
        "Elasticsearch rejects it unless the JVM runs with `-Des.allow_insecure_settings=true`, and even then the credential is stored in clear text in the cluster state, readable through `GET _snapshot`"
    } else {
        "repository settings are stored in clear text in the cluster state, readable through `GET _snapshot`, and Elasticsearch does not read this credential from there"
    };
    c.push(
        Severity::Error,
        SECRET_IN_SETTINGS,
        e.key_range,
        &e.pointer,
        format!("`{key}` is a credential placed in the repository settings: {why}."),
        format!("Remove it here and store it in the keystore as `{keystore_name}` (e.g. `ecekit keystore --secret {keystore_name}=env:VAR`), then reload secure settings."),
    );
}

fn deprecated(c: &mut Checker<'_, '_>, key: &str, spec: &SettingSpec, e: &Entry<'_>) {
    let when = spec
        .versions
        .as_deref()
        .map(|v| format!(" ({v})"))
        .unwrap_or_default();
    let (message, help) = if key == "account" {
        (
            format!("`account` is deprecated{when}: it was replaced by `client`."),
            "Use `client` with the name of the Azure client (`azure.client.<client>.account` in the keystore).".to_string(),
        )
    } else {
        (
            format!(
                "`{key}` is deprecated{when}: Elasticsearch logs a deprecation warning{}, and a future version removes it.",
                spec.notes.as_deref().map(|n| format!(" ({n})")).unwrap_or_default()
            ),
            "Remove it unless you rely on it.".to_string(),
        )
    };
    c.push(
        Severity::Warning,
        DEPRECATED_SETTING,
        e.key_range,
        &e.pointer,
        message,
        help,
    );
}

/// Checks the text of a value that has no typed spec (credentials at platform level).
fn check_value_text(c: &mut Checker<'_, '_>, key: &str, e: &Entry<'_>) {
    if let ast::Value::StringLit(s) = e.value {
        if catalog::is_placeholder(&s.value) {
            c.push(
                Severity::Warning,
                PLACEHOLDER_VALUE,
                s.range,
                &e.pointer,
                format!("The value of `{key}` looks like a placeholder copied from the docs, not a real value."),
                "Replace it with the real value.",
            );
        } else if s.value.is_empty() {
            c.push(
                Severity::Error,
                EMPTY_VALUE,
                s.range,
                &e.pointer,
                format!("`{key}` is empty: the platform repository cannot authenticate."),
                "Give the real value.",
            );
        }
    }
}

fn check_value(
    c: &mut Checker<'_, '_>,
    ty: Option<&'static RepositoryTypeSpec>,
    spec: &SettingSpec,
    entries: &[Entry<'_>],
    e: &Entry<'_>,
) {
    let key: &str = &e.key;
    let range = e.value.range();
    let ptr = e.pointer.as_str();
    if matches!(e.value, ast::Value::NullKeyword(_)) {
        c.push(
            Severity::Warning,
            VALUE_TYPE,
            range,
            ptr,
            format!(
                "`{key}` is null: Elasticsearch treats it as not set and uses the default ({}).",
                spec.default.as_deref().unwrap_or("none")
            ),
            format!("Give `{key}` a value, or remove it."),
        );
        return;
    }
    let Some(text) = scalar_text(e.value) else {
        c.push(
            Severity::Error,
            VALUE_TYPE,
            range,
            ptr,
            format!(
                "`{key}` is {}, but it must be {}.",
                json::type_name(e.value),
                spec.ty.describe()
            ),
            example_help(key, spec),
        );
        return;
    };
    let text: &str = &text;
    match spec.ty {
        SettingType::Bool => {
            if text != "true" && text != "false" {
                c.push(
                    Severity::Error,
                    INVALID_BOOL,
                    range,
                    ptr,
                    format!("`{key}` is `{text}`, but it must be `true` or `false`: Elasticsearch accepts no other spelling and rejects the repository."),
                    format!("Write `\"{key}\": true` or `\"{key}\": false`."),
                );
            }
        }
        SettingType::Int | SettingType::Long => {
            let limit = if spec.ty == SettingType::Int {
                i32::MAX as i128
            } else {
                i64::MAX as i128
            };
            match text.trim().parse::<i128>() {
                Ok(n) if n.abs() <= limit => range_check(c, key, spec, n, range, ptr, |v| v.to_string()),
                _ => c.push(
                    Severity::Error,
                    INVALID_NUMBER,
                    range,
                    ptr,
                    format!("`{key}` is `{text}`, but it must be a whole number{}: Elasticsearch rejects the repository.", if spec.ty == SettingType::Int { " (32-bit)" } else { "" }),
                    example_help(key, spec),
                ),
            }
        }
        SettingType::Bytes => match units::parse_bytes(text) {
            Ok(b) => {
                if b.fractional {
                    c.push(
                        Severity::Warning,
                        FRACTIONAL_BYTES,
                        range,
                        ptr,
                        format!("`{key}` is `{text}`, a fractional byte size: Elasticsearch accepts it with a deprecation warning, and a future version rejects it."),
                        format!("Use a whole number of a smaller unit, e.g. `{}`.", units::format_bytes(b.bytes)),
                    );
                }
                range_check(c, key, spec, b.bytes as i128, range, ptr, |v| {
                    units::format_bytes(v as i64)
                });
            }
            Err(err) => c.push(
                Severity::Error,
                INVALID_BYTES,
                range,
                ptr,
                format!(
                    "`{key}` must be a byte size, but {}: Elasticsearch rejects the repository.",
                    err.message
                ),
                units::BYTES_HELP,
            ),
        },
        SettingType::Time => match units::parse_time(text) {
            Ok(n) => range_check(c, key, spec, n, range, ptr, units::format_time),
            Err(err) => c.push(
                Severity::Error,
                INVALID_TIME,
                range,
                ptr,
                format!(
                    "`{key}` must be a time value, but {}: Elasticsearch rejects the repository.",
                    err.message
                ),
                units::TIME_HELP,
            ),
        },
        SettingType::Enum => check_enum(c, key, spec, text, range, ptr),
        _ => check_string(c, ty, key, text, e, entries),
    }
}

fn example_help(key: &str, spec: &SettingSpec) -> String {
    match spec.default.as_deref() {
        Some(d) if !d.contains('(') && !d.contains('<') && !d.is_empty() => {
            let v = match spec.ty {
                SettingType::Int | SettingType::Long | SettingType::Bool => d.to_string(),
                _ => format!("\"{d}\""),
            };
            format!(
                "Write it as {}, e.g. `\"{key}\": {v}` (the default).",
                spec.ty.describe()
            )
        }
        _ => format!("Write it as {}.", spec.ty.describe()),
    }
}

fn range_check(
    c: &mut Checker<'_, '_>,
    key: &str,
    spec: &SettingSpec,
    value: i128,
    range: Range,
    ptr: &str,
    fmt: impl Fn(i128) -> String,
) {
    let bounds = match (spec.min, spec.max) {
        (Some(a), Some(b)) => format!("from {} to {}", fmt(a), fmt(b)),
        (Some(a), None) => format!("at least {}", fmt(a)),
        (None, Some(b)) => format!("at most {}", fmt(b)),
        (None, None) => String::new(),
    };
    match units::check_range(value, spec.min, spec.max) {
        RangeCheck::Ok => {
            if let Some(m) = spec.documented_max {
                if value > m {
                    c.push(
                        Severity::Warning,
                        OUT_OF_RANGE,
                        range,
                        ptr,
                        format!("`{key}` is {}, above the documented maximum of {}: Elasticsearch may accept it, but it is untested territory.", fmt(value), fmt(m)),
                        format!("Use at most {}.", fmt(m)),
                    );
                }
            }
        }
        RangeCheck::BelowMin | RangeCheck::AboveMax => c.push(
            Severity::Error,
            OUT_OF_RANGE,
            range,
            ptr,
            format!(
                "`{key}` is {}, but it must be {bounds}: Elasticsearch rejects the repository.",
                fmt(value)
            ),
            format!("Choose a value {bounds}."),
        ),
    }
}

fn check_enum(
    c: &mut Checker<'_, '_>,
    key: &str,
    spec: &SettingSpec,
    text: &str,
    range: Range,
    ptr: &str,
) {
    let documented = spec.allowed.join(", ");
    if spec.is_rejected_value(text) {
        c.push(
            Severity::Error,
            INVALID_ENUM,
            range,
            ptr,
            format!("`{key}` is `{text}`, which Elasticsearch rejects: objects in archive classes cannot be read back without a restore, so the repository would be unreadable."),
            format!("Use one of: {documented}."),
        );
        return;
    }
    if spec.is_documented_value(text) {
        if !spec.code_allowed.is_empty() && !spec.is_code_value(text) {
            c.push(
                Severity::Warning,
                UNDOCUMENTED_VALUE,
                range,
                ptr,
                format!("`{key}` is `{text}`: documented, but recent Elasticsearch versions (AWS SDK v2) do not accept it and may reject the repository."),
                format!("Prefer one of: {}.", spec.code_allowed.join(", ")),
            );
        }
        return;
    }
    if spec.is_code_value(text) {
        c.push(
            Severity::Warning,
            UNDOCUMENTED_VALUE,
            range,
            ptr,
            format!("`{key}` is `{text}`: Elasticsearch accepts it, but the documentation does not list it ({documented})."),
            "Keep it only if you know you need it.",
        );
        return;
    }
    let lower_matches = spec.allowed.iter().any(|a| a.eq_ignore_ascii_case(text));
    let suggestion = catalog::suggest(text, spec.allowed.iter().map(String::as_str));
    let mut message = format!("`{key}` is `{text}`, which is not one of the allowed values ({documented}): Elasticsearch rejects the repository.");
    if lower_matches {
        message.push_str(" The value is case-sensitive.");
    }
    let help = match suggestion {
        Some(s) => format!("Did you mean `{s}`? Use one of: {documented}."),
        None => format!("Use one of: {documented}."),
    };
    c.push(Severity::Error, INVALID_ENUM, range, ptr, message, help);
}

fn check_string(
    c: &mut Checker<'_, '_>,
    ty: Option<&'static RepositoryTypeSpec>,
    key: &str,
    text: &str,
    e: &Entry<'_>,
    entries: &[Entry<'_>],
) {
    let range = e.value.range();
    let ptr = e.pointer.as_str();
    let _ = entries;
    let placeholder = catalog::is_placeholder(text);
    if placeholder {
        c.push(
            Severity::Warning,
            PLACEHOLDER_VALUE,
            range,
            ptr,
            format!("`{key}` is `{text}`, which looks like a placeholder copied from the docs rather than a real value."),
            format!(
                "Replace it with your real {}{}.",
                key.replace('_', " "),
                if matches!(key, "bucket" | "client" | "container") { " name" } else { "" }
            ),
        );
    }
    let type_name = ty.map(|t| t.name.as_str());
    match key {
        "bucket" if text.is_empty() => c.push(
            Severity::Error,
            EMPTY_VALUE,
            range,
            ptr,
            "`bucket` is empty: Elasticsearch refuses the repository (\"Invalid S3 bucket name, cannot be null or empty\" / \"Setting [bucket] is empty\").",
            "Give the name of the existing bucket.",
        ),
        "bucket" => {
            let problems = match type_name {
                Some("s3") => catalog::s3_bucket_name_problems(text),
                Some("gcs") => catalog::gcs_bucket_name_problems(text),
                _ => Vec::new(),
            };
            if !problems.is_empty() {
                let service = if type_name == Some("s3") { "S3" } else { "Google Cloud Storage" };
                let extra = if type_name == Some("s3") {
                    " S3-compatible stores such as MinIO follow the same rules."
                } else {
                    ""
                };
                c.push(
                    Severity::Error,
                    INVALID_BUCKET_NAME,
                    range,
                    ptr,
                    format!("`{text}` is not a valid {service} bucket name: {}. No such bucket can exist, so registering or verifying the repository fails.{extra}", problems.join("; ")),
                    format!("Use the exact name of your existing bucket: 3 to 63 characters, lower-case letters, digits, `-`{}, starting and ending with a letter or digit.", if type_name == Some("s3") { " and `.`" } else { ", `_` and `.`" }),
                );
            }
        }
        "container" if type_name == Some("azure") => {
            let problems = catalog::azure_container_name_problems(text);
            if !problems.is_empty() {
                c.push(
                    Severity::Error,
                    INVALID_CONTAINER_NAME,
                    range,
                    ptr,
                    format!("`{text}` is not a valid Azure container name: {}. No such container can exist, so verifying the repository fails.", problems.join("; ")),
                    "Use the exact name of your container: 3 to 63 characters, lower-case letters, digits and single `-`, starting and ending with a letter or digit.",
                );
            }
        }
        "client" if !placeholder && !catalog::is_valid_client_name(text) => c.push(
            Severity::Error,
            INVALID_CLIENT_NAME,
            range,
            ptr,
            format!("`{text}` is not a valid client name: client names allow only letters, digits, `_` and `-` (no dots or spaces), so no keystore setting can belong to it and the repository finds no credentials."),
            "Use a name such as `default` or `backup-1`, and the same name in the keystore (`s3.client.<client>.access_key`).",
        ),
        "base_path" => {
            if c.on_ece() && !text.is_empty() {
                c.push(
                    Severity::Warning,
                    BASE_PATH_ON_ECE,
                    e.key_range,
                    ptr,
                    "`base_path` is set, but ECE sets each deployment's base path itself: a custom one can make snapshots land where ECE does not look (or collide with another deployment's).",
                    "Remove `base_path` on ECE.",
                );
            }
            if text.starts_with('/') || text.ends_with('/') {
                let trimmed = text.trim_matches('/');
                c.out.push(
                    c.doc
                        .finding(
                            Severity::Warning,
                            BASE_PATH_SLASH,
                            range,
                            ptr,
                            format!("`base_path` `{text}` starts or ends with `/`: the documentation says not to, because the extra `/` becomes part of every object key (an empty folder name) and other tools will not find the snapshots."),
                            format!("Write `\"base_path\": \"{trimmed}\"`."),
                        )
                        .with_fix(Edit {
                            start: range.start,
                            end: range.end,
                            replacement: json_string(trimmed),
                        }),
                );
            }
        }
        "url" if type_name == Some("url") => {
            let allowed = &ty.and_then(|t| t.setting("url")).map(|s| s.allowed.clone()).unwrap_or_default();
            let scheme = text.split_once(':').map(|(s, _)| s.to_ascii_lowercase());
            let ok = scheme.as_deref().is_some_and(|s| allowed.iter().any(|a| a == s));
            if !ok {
                c.push(
                    Severity::Error,
                    INVALID_URL,
                    range,
                    ptr,
                    format!("`{text}` is not a URL with a scheme a url repository supports ({}): Elasticsearch rejects the repository.", allowed.join(", ")),
                    "Write the full URL, e.g. `https://snapshots.example.com/repo/` (listed in repositories.url.allowed_urls).",
                );
            }
        }
        "delegate_type" => {
            let ok = catalog::repository_type(text).is_some_and(|t| t.name != "source");
            if !ok {
                let near = catalog::suggest(text, catalog::REPOSITORY_TYPES.iter().copied().filter(|t| *t != "source"));
                c.push(
                    Severity::Error,
                    INVALID_DELEGATE_TYPE,
                    range,
                    ptr,
                    format!("`delegate_type` is `{text}`, which is not a repository type a source repository can delegate to (s3, gcs, azure, fs, url)."),
                    match near {
                        Some(n) => format!("Did you mean `{n}`?"),
                        None => "Use the type of the repository that stores the data, e.g. `fs` or `s3`.".into(),
                    },
                );
            }
        }
        _ => {}
    }
}

fn check_required(
    c: &mut Checker<'_, '_>,
    t: &'static RepositoryTypeSpec,
    delegate: Option<&'static RepositoryTypeSpec>,
    entries: &[Entry<'_>],
    range: Range,
    pointer: &str,
) {
    let has = |k: &str| entries.iter().any(|e| e.key == k);
    let mut required: Vec<&str> = t.required().collect();
    if let Some(d) = delegate {
        required.extend(d.required());
    }
    for k in required {
        if has(k) {
            continue;
        }
        let example = match k {
            "bucket" => "\"bucket\": \"my-snapshots\"",
            "location" => "\"location\": \"/mnt/backups\"",
            "url" => "\"url\": \"https://snapshots.example.com/repo/\"",
            "delegate_type" => "\"delegate_type\": \"fs\"",
            _ => "",
        };
        c.push(
            Severity::Error,
            MISSING_REQUIRED,
            range,
            pointer,
            format!("A `{}` repository needs `{k}`, and this body has none: Elasticsearch refuses to register it.", t.name),
            if example.is_empty() {
                format!("Add `{k}` to the settings.")
            } else {
                format!("Add it to the settings, e.g. `{example}`.")
            },
        );
    }
    if c.opts.platform_repository {
        for k in platform_required_settings(&t.name) {
            if t.required().any(|r| r == k) || has(k) {
                continue;
            }
            c.push(
                Severity::Error,
                PLATFORM_MISSING_SETTING,
                range,
                pointer,
                format!("An ECE platform-level S3 repository needs `{k}` in its settings: ECE passes these settings to every deployment that uses it, and there is no deployment keystore at this level."),
                format!("Add `{k}` to the settings (`region`, `bucket`, `access_key` and `secret_key` are all required)."),
            );
        }
    }
}

fn bytes_of(entries: &[Entry<'_>], key: &str) -> Option<(i64, Range, String)> {
    let e = entries.iter().rev().find(|e| e.key == key)?;
    let text = scalar_text(e.value)?;
    let b = units::parse_bytes(&text).ok()?;
    Some((b.bytes, e.value.range(), e.pointer.clone()))
}

fn check_chunk_vs_buffer(c: &mut Checker<'_, '_>, entries: &[Entry<'_>]) {
    let Some((chunk, range, ptr)) = bytes_of(entries, "chunk_size") else {
        return;
    };
    let min = catalog::repository_setting("s3", "chunk_size")
        .and_then(|s| s.min)
        .unwrap_or(0);
    if (chunk as i128) < min {
        return; // reported as out of range
    }
    match bytes_of(entries, "buffer_size") {
        Some((buffer, _, _)) if chunk < buffer => c.push(
            Severity::Error,
            CHUNK_BELOW_BUFFER,
            range,
            &ptr,
            format!("`chunk_size` ({}) is lower than `buffer_size` ({}): Elasticsearch refuses the repository (\"chunk_size can't be lower than buffer_size\").", units::format_bytes(chunk), units::format_bytes(buffer)),
            format!("Raise `chunk_size` to at least {}, or lower `buffer_size`.", units::format_bytes(buffer)),
        ),
        Some(_) => {}
        None if chunk < 100 << 20 => c.push(
            Severity::Warning,
            CHUNK_MAY_BE_BELOW_BUFFER,
            range,
            &ptr,
            format!("`chunk_size` ({}) may be lower than the default `buffer_size`, which is 5% of the heap between 5mb and 100mb: on nodes with a heap above {}, Elasticsearch refuses the repository (\"chunk_size can't be lower than buffer_size\").", units::format_bytes(chunk), units::format_bytes(chunk.saturating_mul(20))),
            format!("Set `buffer_size` explicitly to at most {} as well, or raise `chunk_size` to 100mb or more.", units::format_bytes(chunk)),
        ),
        None => {}
    }
}

/// Findings about a repository name: Elasticsearch's rules, the S3 bucket
/// rules for ECE platform-level repositories, placeholders, and a name that
/// names another storage type (e.g. a GCS repository called `s3-repo`).
/// `location` is where the name appears (in a URL, a form field, ...).
pub fn name_findings(
    name: &str,
    repo_type: Option<&str>,
    platform_repository: bool,
    location: Location,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let f = |severity, code, message: String, help: String| {
        Finding::new(severity, code, message, help, location.clone())
    };
    let problems = catalog::repository_name_problems(name);
    if !problems.is_empty() {
        out.push(f(
            Severity::Error,
            INVALID_NAME,
            format!("The repository name `{name}` is not valid: {}. Elasticsearch rejects it.", problems.join("; ")),
            "Use a name without spaces, `,`, `#`, `\\`, `/`, `*`, `?`, `\"`, `<`, `>` or `|`, e.g. `my-snapshots`.".into(),
        ));
    } else if platform_repository {
        let problems = catalog::s3_bucket_name_problems(name);
        if !problems.is_empty() {
            out.push(f(
                Severity::Error,
                INVALID_PLATFORM_NAME,
                format!("The platform repository name `{name}` does not meet the S3 bucket naming rules that ECE requires for platform repositories: {}.", problems.join("; ")),
                "Use 3 to 63 lower-case letters, digits, `-` and `.`, starting and ending with a letter or digit, e.g. `ece-snapshots`.".into(),
            ));
        }
    }
    if catalog::is_placeholder(name) {
        out.push(f(
            Severity::Warning,
            PLACEHOLDER_VALUE,
            format!("The repository name `{name}` looks like a placeholder copied from the docs."),
            "Choose a real name, e.g. `my-snapshots`.".into(),
        ));
    }
    if let Some(t) = repo_type {
        let lower = name.to_ascii_lowercase();
        let other = ["s3", "gcs", "azure"].into_iter().find(|p| {
            *p != t
                && lower
                    .split(|c: char| !c.is_ascii_alphanumeric())
                    .any(|seg| seg == *p)
        });
        if let Some(other) = other {
            out.push(f(
                Severity::Warning,
                NAME_TYPE_MISMATCH,
                format!("The repository `{name}` is of type `{t}` but its name says `{other}`: confusing for whoever restores from it, and if a repository of type `{other}` is already registered under this name, this PUT replaces it."),
                format!("Name it after what it is, e.g. `{t}-snapshots`."),
            ));
        }
    }
    out
}

pub const CLIENT_NOT_IN_KEYSTORE: &str = "REPO_CLIENT_NOT_IN_KEYSTORE";

/// Cross-document check for a guided flow: the repository body `doc` uses a
/// client (its `client` setting, or `default`); when `keystore_names` (the
/// keystore's setting names, e.g. from GET .../keystore or the body being
/// prepared) hold credentials for the repository's provider but none for
/// that client, the repository will not find them.
pub fn client_findings(doc: &JsonDoc<'_>, keystore_names: &[&str]) -> Vec<Finding> {
    let mut out = Vec::new();
    let Some(ast::Value::Object(root)) = &doc.root else {
        return out;
    };
    let Some(provider) = root
        .get_string("type")
        .and_then(|t| Provider::parse(&t.value))
    else {
        return out;
    };
    let settings = root.get_object("settings");
    let client_lit = settings.and_then(|s| s.get_string("client"));
    let client: &str = client_lit.map_or("default", |c| c.value.as_ref());
    let mut clients: Vec<&str> = Vec::new();
    for name in keystore_names {
        if let Some(p) = catalog::parse_client_setting(name) {
            if p.provider == provider && !p.client.is_empty() && !clients.contains(&p.client) {
                clients.push(p.client);
            }
        }
    }
    if clients.is_empty() || clients.contains(&client) {
        return out;
    }
    let (range, pointer) = match (client_lit, settings) {
        (Some(c), _) => (c.range, "/settings/client"),
        (None, Some(s)) => (s.range, "/settings"),
        (None, None) => (root.range, ""),
    };
    let listed: Vec<String> = clients.iter().map(|c| format!("`{c}`")).collect();
    let p = provider.as_str();
    let near = catalog::suggest(client, clients.iter().copied());
    let implicit = if client_lit.is_none() {
        " (no `client` setting, so `default`)"
    } else {
        ""
    };
    out.push(doc.finding(
        Severity::Warning,
        CLIENT_NOT_IN_KEYSTORE,
        range,
        pointer,
        format!("The repository uses the {p} client `{client}`{implicit}, but the keystore holds {p} credentials only for {}: the repository will not use them, and registering or verifying it fails (or runs with other credentials).", listed.join(", ")),
        match near.or(clients.first().copied()) {
            Some(n) => format!("Set `\"client\": \"{n}\"` in the repository settings, or store the credentials as `{p}.client.{client}.*`."),
            None => format!("Store the credentials as `{p}.client.{client}.*`."),
        },
    ));
    out
}
