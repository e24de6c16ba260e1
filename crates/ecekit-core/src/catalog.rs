//! The settings catalog: every snapshot-repository type and its settings,
//! the secure client settings each storage provider keeps in the keystore,
//! and the naming rules, as typed data.
//!
//! The facts live in `data/repository-settings.json` (each entry names its
//! source) and `data/settings-rules.json` (help texts, placeholder patterns,
//! GCS/Azure naming rules, ECE platform rules). Both are embedded and parsed
//! once, on first use.

use crate::data_file::{self, section};
use crate::model::Provider;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::OnceLock;

// The sections of the file this module reads, minified by build.rs.
const CATALOG_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/repository-settings.json"));
const RULES_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/settings-rules.json"));

/// The repository types ecekit knows, in the order forms list them.
pub const REPOSITORY_TYPES: [&str; 6] = ["s3", "gcs", "azure", "fs", "url", "source"];

/// The value type of a setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SettingType {
    /// A byte size such as `5mb` (see [`crate::units::parse_bytes`]).
    Bytes,
    /// A time value such as `5s` (see [`crate::units::parse_time`]).
    Time,
    /// A 32-bit integer.
    Int,
    /// A 64-bit integer.
    Long,
    Bool,
    String,
    /// One of a fixed list of strings.
    Enum,
    Uri,
    /// A JSON document stored as a file (GCS credentials).
    Json,
    /// A list of strings (node settings such as `path.repo`).
    List,
}

impl SettingType {
    fn parse(s: &str) -> SettingType {
        match s {
            "bytes" => SettingType::Bytes,
            "time" => SettingType::Time,
            "int" => SettingType::Int,
            "long" => SettingType::Long,
            "bool" => SettingType::Bool,
            "enum" => SettingType::Enum,
            "uri" => SettingType::Uri,
            "file(json)" => SettingType::Json,
            s if s.starts_with("list") => SettingType::List,
            _ => SettingType::String,
        }
    }

    /// A short description for messages ("a byte size such as `5mb`").
    pub fn describe(self) -> &'static str {
        match self {
            SettingType::Bytes => "a byte size such as `5mb`",
            SettingType::Time => "a time value such as `5s`",
            SettingType::Int | SettingType::Long => "a whole number",
            SettingType::Bool => "`true` or `false`",
            SettingType::String => "a string",
            SettingType::Enum => "one of a fixed list of values",
            SettingType::Uri => "a URI",
            SettingType::Json => "a JSON document",
            SettingType::List => "a list of strings",
        }
    }
}

/// One setting of a repository type or of a storage client.
#[derive(Debug, Clone, Serialize)]
pub struct SettingSpec {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: SettingType,
    /// The default as Elasticsearch documents it (may be a formula, e.g.
    /// `max(5mb, min(100mb, heap/20))`).
    pub default: Option<String>,
    /// Inclusive bounds in canonical units: bytes for [`SettingType::Bytes`],
    /// nanoseconds for [`SettingType::Time`], the number itself for integers.
    pub min: Option<i128>,
    pub max: Option<i128>,
    /// A bound the docs state but the code does not enforce.
    pub documented_max: Option<i128>,
    /// Documented values of an enum (or allowed URL schemes for `url`).
    pub allowed: Vec<String>,
    /// Values the code accepts, when the source lists them apart from the docs.
    pub code_allowed: Vec<String>,
    /// Values Elasticsearch rejects explicitly (e.g. `glacier`).
    pub rejected: Vec<String>,
    pub case_insensitive: bool,
    /// One line for forms and completion.
    pub help: String,
    /// Rules and notes from the source, for detail views.
    pub notes: Option<String>,
    pub deprecated: bool,
    /// Lives in the keystore (client settings only).
    pub secure: bool,
    pub required: bool,
    /// Can change on a live repository.
    pub dynamic: bool,
    /// A repository setting that holds a credential in clear text.
    pub insecure_repo_setting: bool,
    /// Version notes such as `ga 9.5`.
    pub versions: Option<String>,
    /// The key or default is inferred, not read in a source.
    pub unverified: bool,
}

impl SettingSpec {
    /// True when `value` is an allowed enum value (honouring case rules),
    /// either documented or accepted by the code.
    pub fn allows(&self, value: &str) -> bool {
        self.is_documented_value(value) || self.is_code_value(value)
    }

    pub fn is_documented_value(&self, value: &str) -> bool {
        contains(&self.allowed, value, self.case_insensitive)
    }

    pub fn is_code_value(&self, value: &str) -> bool {
        contains(&self.code_allowed, value, self.case_insensitive)
    }

    pub fn is_rejected_value(&self, value: &str) -> bool {
        contains(&self.rejected, value, true)
    }
}

fn contains(list: &[String], value: &str, case_insensitive: bool) -> bool {
    list.iter().any(|v| {
        if case_insensitive {
            v.eq_ignore_ascii_case(value)
        } else {
            v == value
        }
    })
}

/// How a secure setting is stored in the keystore.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SecureKind {
    /// `elasticsearch-keystore add`: a string (`as_file: false`).
    String,
    /// `elasticsearch-keystore add-file`: file contents (`as_file: true`).
    File,
}

/// A secure client setting, `<provider>.client.<client>.<name>`.
#[derive(Debug, Clone, Serialize)]
pub struct SecureSettingSpec {
    pub provider: Provider,
    /// The part after the client name, e.g. `access_key` or `proxy.password`.
    pub name: String,
    pub kind: SecureKind,
    /// Applied by `POST _nodes/reload_secure_settings` without a restart.
    pub reloadable: bool,
    /// Every client of this provider needs it (Azure `account`).
    pub required: bool,
    pub help: String,
    pub notes: Option<String>,
}

impl SecureSettingSpec {
    /// The full keystore name for `client`.
    pub fn full_name(&self, client: &str) -> String {
        format!("{}.client.{}.{}", self.provider.as_str(), client, self.name)
    }
}

/// A repository type and all the settings it reads.
#[derive(Debug, Clone, Serialize)]
pub struct RepositoryTypeSpec {
    pub name: String,
    /// The storage provider for blob-store types backed by a client.
    pub provider: Option<Provider>,
    /// Elasticsearch module (`repository-s3`), when a module provides it.
    pub module: Option<String>,
    /// Its own settings, then the blob-store settings every type shares.
    pub settings: Vec<SettingSpec>,
    /// Client settings (`<provider>.client.<client>.*`), secure and not.
    pub client_settings: Vec<SettingSpec>,
    pub secure_settings: Vec<SecureSettingSpec>,
    /// Read-only by nature (`url`).
    pub read_only: bool,
}

impl RepositoryTypeSpec {
    pub fn setting(&self, name: &str) -> Option<&SettingSpec> {
        self.settings.iter().find(|s| s.name == name)
    }

    pub fn client_setting(&self, name: &str) -> Option<&SettingSpec> {
        self.client_settings.iter().find(|s| s.name == name)
    }

    /// Names of the settings that must be set.
    pub fn required(&self) -> impl Iterator<Item = &str> {
        self.settings
            .iter()
            .filter(|s| s.required)
            .map(|s| s.name.as_str())
    }
}

/// Required fields of a GCS service-account key file.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceAccountRules {
    /// The value `type` must hold.
    pub type_value: String,
    /// Fields that must be non-null strings.
    pub required: Vec<String>,
    /// The fields of the documented template, in order.
    pub template_keys: Vec<String>,
}

/// Rules of the ECE platform-level repositories.
#[derive(Debug, Clone, Serialize)]
pub struct PlatformRepositoryRules {
    pub supported_types: Vec<String>,
    pub s3_required: Vec<String>,
    pub s3_optional: Vec<String>,
    pub s3_client_settings_allowed: Vec<String>,
}

#[derive(Debug)]
struct PlaceholderRules {
    exact: Vec<String>,
    prefixes: Vec<String>,
    suffixes: Vec<String>,
    brackets: Vec<(String, String)>,
    min_words: usize,
    words: Vec<String>,
}

#[derive(Debug)]
struct GcsBucketRules {
    min_length: usize,
    max_length: usize,
    max_length_with_dots: usize,
    max_component_length: usize,
    forbidden_prefixes: Vec<String>,
    forbidden_substrings: Vec<String>,
}

#[derive(Debug)]
struct LengthRules {
    min_length: usize,
    max_length: usize,
}

#[derive(Debug)]
struct S3BucketRules {
    min_length: usize,
    max_length: usize,
    forbidden_prefixes: Vec<String>,
    forbidden_suffixes: Vec<String>,
}

/// The whole catalog.
#[derive(Debug)]
pub struct Catalog {
    pub types: Vec<RepositoryTypeSpec>,
    /// Characters Elasticsearch forbids in repository names.
    pub repository_name_forbidden: Vec<char>,
    /// Keystore entries users must not set (`keystore.seed`).
    pub reserved_keystore_settings: Vec<String>,
    pub service_account: ServiceAccountRules,
    pub platform: PlatformRepositoryRules,
    /// Repository settings that are secrets, and the provider whose keystore holds them.
    pub secret_repository_settings: BTreeMap<String, Provider>,
    /// AWS's documented example credentials.
    pub aws_example_credentials: Vec<String>,
    placeholders: PlaceholderRules,
    s3_bucket: S3BucketRules,
    gcs_bucket: GcsBucketRules,
    azure_container: LengthRules,
}

// ---- raw data ----
// Read with the `data_file` helpers rather than derived `Deserialize`
// structs, which cost several KB of wasm each.

fn placeholder_rules(raw: &Value) -> PlaceholderRules {
    let brackets = data_file::array(raw, "brackets")
        .iter()
        .map(|pair| match pair.as_array().map(Vec::as_slice) {
            Some([Value::String(open), Value::String(close)]) => (open.clone(), close.clone()),
            _ => panic!("embedded data: `brackets` holds a pair that is not two strings"),
        })
        .collect();
    PlaceholderRules {
        exact: data_file::strings(raw, "exact"),
        prefixes: data_file::strings(raw, "prefixes"),
        suffixes: data_file::strings(raw, "suffixes"),
        brackets,
        min_words: data_file::usize_at(raw, "min_words"),
        words: data_file::strings(raw, "words"),
    }
}

fn gcs_bucket_rules(raw: &Value) -> GcsBucketRules {
    GcsBucketRules {
        min_length: data_file::usize_at(raw, "min_length"),
        max_length: data_file::usize_at(raw, "max_length"),
        max_length_with_dots: data_file::usize_at(raw, "max_length_with_dots"),
        max_component_length: data_file::usize_at(raw, "max_component_length"),
        forbidden_prefixes: data_file::strings(raw, "forbidden_prefixes"),
        forbidden_substrings: data_file::strings(raw, "forbidden_substrings"),
    }
}

fn length_rules(raw: &Value) -> LengthRules {
    LengthRules {
        min_length: data_file::usize_at(raw, "min_length"),
        max_length: data_file::usize_at(raw, "max_length"),
    }
}

fn s3_bucket_rules(raw: &Value) -> S3BucketRules {
    S3BucketRules {
        min_length: data_file::usize_at(raw, "min_length"),
        max_length: data_file::usize_at(raw, "max_length"),
        forbidden_prefixes: data_file::strings(raw, "forbidden_prefixes"),
        forbidden_suffixes: data_file::strings(raw, "forbidden_suffixes"),
    }
}

fn platform_rules(raw: &Value) -> PlatformRepositoryRules {
    PlatformRepositoryRules {
        supported_types: data_file::strings(raw, "supported_types"),
        s3_required: data_file::strings(raw, "s3_required"),
        s3_optional: data_file::strings(raw, "s3_optional"),
        s3_client_settings_allowed: data_file::strings(raw, "s3_client_settings_allowed"),
    }
}

fn bound(ty: SettingType, value: Option<&Value>, bytes: Option<i64>) -> Option<i128> {
    if let Some(b) = bytes {
        return Some(b as i128);
    }
    match (ty, value?) {
        (_, Value::Number(n)) => n.as_i64().map(i128::from),
        (SettingType::Time, Value::String(s)) => crate::units::parse_time(s).ok(),
        (SettingType::Bytes, Value::String(s)) => {
            crate::units::parse_bytes(s).ok().map(|b| b.bytes as i128)
        }
        _ => None,
    }
}

fn display_default(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

fn help_for(help: &Value, section: &str, name: &str) -> Option<String> {
    help.get(section)?.get(name)?.as_str().map(str::to_string)
}

/// A setting of `data/repository-settings.json`.
fn build_setting(raw: &Value, help: Option<String>) -> SettingSpec {
    let name = data_file::string(raw, "name");
    let ty = SettingType::parse(&data_file::string(raw, "type"));
    let rule = data_file::opt_string(raw, "rule");
    let notes = match (rule, data_file::opt_string(raw, "notes")) {
        (Some(r), Some(n)) => Some(format!("{r}; {n}")),
        (r, n) => r.or(n),
    };
    let help = help.unwrap_or_else(|| match &notes {
        Some(n) => n.clone(),
        None => format!("`{}`: {}.", name, ty.describe()),
    });
    let allowed = ["allowed", "allowed_documented", "allowed_schemes"]
        .into_iter()
        .find_map(|key| data_file::opt_strings(raw, key))
        .unwrap_or_default();
    let code_allowed = ["allowed_code", "allowed_code_sdk_v2"]
        .into_iter()
        .find_map(|key| data_file::opt_strings(raw, key))
        .unwrap_or_default();
    SettingSpec {
        min: bound(
            ty,
            data_file::field(raw, "min"),
            data_file::opt_i64(raw, "min_bytes"),
        ),
        max: bound(
            ty,
            data_file::field(raw, "max"),
            data_file::opt_i64(raw, "max_bytes"),
        ),
        documented_max: data_file::opt_i64(raw, "max_documented").map(i128::from),
        default: display_default(data_file::field(raw, "default")),
        allowed,
        code_allowed,
        rejected: data_file::opt_strings(raw, "rejected").unwrap_or_default(),
        case_insensitive: data_file::flag(raw, "case_insensitive"),
        help,
        notes,
        deprecated: data_file::flag(raw, "deprecated"),
        secure: data_file::flag(raw, "secure"),
        required: data_file::flag(raw, "required"),
        dynamic: data_file::flag(raw, "dynamic"),
        insecure_repo_setting: data_file::flag(raw, "insecure_repo_setting"),
        versions: data_file::opt_string(raw, "versions"),
        unverified: data_file::flag(raw, "unverified"),
        name,
        ty,
    }
}

fn load() -> Catalog {
    load_from(CATALOG_JSON, RULES_JSON)
}

/// The catalog from the trimmed copies build.rs makes, or (in a test) the
/// whole data files.
fn load_from(catalog_json: &str, rules_json: &str) -> Catalog {
    // The data is embedded and checked by the tests: a parse failure is a
    // build defect, never a user input problem.
    let raw = data_file::parse(catalog_json, "repository-settings.json");
    let rules = data_file::parse(rules_json, "settings-rules.json");
    let help = section(&rules, "help");

    let common = data_file::array(&raw, "common_blobstore_repository_settings");
    let raw_types = data_file::object(&raw, "repository_types");
    let mut types = Vec::new();
    let mut service_account = ServiceAccountRules {
        type_value: "service_account".into(),
        required: Vec::new(),
        template_keys: Vec::new(),
    };
    for name in REPOSITORY_TYPES {
        let Some(rt) = raw_types.get(name) else {
            continue;
        };
        let provider = Provider::parse(name);
        let mut settings: Vec<SettingSpec> = data_file::array(rt, "repository_settings")
            .iter()
            .map(|s| build_setting(s, help_for(help, name, &data_file::string(s, "name"))))
            .collect();
        for c in common {
            let c_name = data_file::string(c, "name");
            if settings.iter().any(|s| s.name == c_name) {
                continue;
            }
            let h = help_for(help, "common", &c_name);
            settings.push(build_setting(c, h));
        }
        let secure_section = format!("secure.{name}");
        let mut secure_settings = Vec::new();
        let mut client_settings = Vec::new();
        for s in data_file::opt_array(rt, "client_settings").unwrap_or_default() {
            let s_name = data_file::string(s, "name");
            if data_file::flag(s, "secure") {
                if let Some(p) = provider {
                    let rule = data_file::opt_string(s, "rule");
                    secure_settings.push(SecureSettingSpec {
                        provider: p,
                        name: s_name.clone(),
                        kind: if data_file::opt_string(s, "secure_kind").as_deref() == Some("file")
                        {
                            SecureKind::File
                        } else {
                            SecureKind::String
                        },
                        reloadable: data_file::flag(s, "reloadable"),
                        required: data_file::flag(s, "required"),
                        help: help_for(help, &secure_section, &s_name)
                            .or_else(|| rule.clone())
                            .unwrap_or_default(),
                        notes: rule,
                    });
                }
            }
            let h = help_for(help, &secure_section, &s_name);
            client_settings.push(build_setting(s, h));
        }
        if let Some(sa) = data_file::field(rt, "gcs_service_account_json") {
            service_account.template_keys = data_file::strings(sa, "doc_template_keys");
            for (k, v) in data_file::string_map(sa, "required") {
                if k == "type" {
                    service_account.type_value = v;
                } else {
                    service_account.required.push(k);
                }
            }
        }
        types.push(RepositoryTypeSpec {
            name: name.to_string(),
            provider,
            module: data_file::opt_string(rt, "module"),
            settings,
            client_settings,
            secure_settings,
            read_only: data_file::flag(rt, "read_only"),
        });
    }

    // Inserts rather than `collect()`, which sorts first: one sort copy fewer in the wasm.
    let mut secret_repository_settings = BTreeMap::new();
    for (key, value) in data_file::object(&rules, "secret_repository_settings") {
        if let Some(provider) = value.as_str().and_then(Provider::parse) {
            secret_repository_settings.insert(key.clone(), provider);
        }
    }
    let aws = section(&raw, "aws");

    Catalog {
        types,
        repository_name_forbidden: data_file::strings(
            section(&raw, "repository_name_rules"),
            "forbidden_chars",
        )
        .iter()
        .filter_map(|s| s.chars().next())
        .collect(),
        reserved_keystore_settings: data_file::strings(section(&raw, "keystore"), "reserved"),
        service_account,
        platform: platform_rules(section(&rules, "ece_platform_repository")),
        secret_repository_settings,
        aws_example_credentials: data_file::strings(
            section(aws, "credentials"),
            "example_placeholders",
        ),
        placeholders: placeholder_rules(section(&rules, "placeholders")),
        s3_bucket: s3_bucket_rules(section(aws, "s3_bucket_naming")),
        gcs_bucket: gcs_bucket_rules(section(&rules, "gcs_bucket_naming")),
        azure_container: length_rules(section(&rules, "azure_container_naming")),
    }
}

/// The catalog, parsed on first use.
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(load)
}

/// A repository type by name (`s3`, `gcs`, `azure`, `fs`, `url`, `source`).
pub fn repository_type(name: &str) -> Option<&'static RepositoryTypeSpec> {
    catalog().types.iter().find(|t| t.name == name)
}

/// Every setting of a repository type (its own, then the shared blob-store
/// ones), in form order. Empty for an unknown type.
pub fn repository_settings(ty: &str) -> &'static [SettingSpec] {
    repository_type(ty).map_or(&[], |t| t.settings.as_slice())
}

/// One repository setting of a type.
pub fn repository_setting(ty: &str, name: &str) -> Option<&'static SettingSpec> {
    repository_type(ty)?.setting(name)
}

/// Every client setting of a provider (`<provider>.client.<client>.<name>`).
pub fn client_settings(provider: Provider) -> &'static [SettingSpec] {
    repository_type(provider.as_str()).map_or(&[], |t| t.client_settings.as_slice())
}

/// The secure (keystore) client settings of a provider.
pub fn secure_settings(provider: Provider) -> &'static [SecureSettingSpec] {
    repository_type(provider.as_str()).map_or(&[], |t| t.secure_settings.as_slice())
}

/// Full keystore names of a provider's secure settings for `client`, for
/// completion lists.
pub fn secure_setting_names(provider: Provider, client: &str) -> Vec<String> {
    secure_settings(provider)
        .iter()
        .map(|s| s.full_name(client))
        .collect()
}

/// A keystore name split as `<provider>.client.<client>.<setting>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientSettingName<'a> {
    pub provider: Provider,
    /// May be empty (`s3.client..access_key`): check it with [`is_valid_client_name`].
    pub client: &'a str,
    /// The rest after the client, e.g. `access_key` or `proxy.password`. May be empty.
    pub setting: &'a str,
}

/// Splits `<provider>.client.<client>.<setting>`; `None` when `name` is not
/// in a provider's client namespace. The client is the segment after
/// `.client.` up to the next dot (client names cannot hold dots).
pub fn parse_client_setting(name: &str) -> Option<ClientSettingName<'_>> {
    let (prefix, rest) = name.split_once('.')?;
    let provider = Provider::parse(prefix)?;
    let rest = rest.strip_prefix("client.")?;
    let (client, setting) = rest.split_once('.').unwrap_or((rest, ""));
    Some(ClientSettingName {
        provider,
        client,
        setting,
    })
}

/// A known secure client setting, with the client it names.
#[derive(Debug, Clone, Copy)]
pub struct KnownSecureSetting<'a> {
    pub provider: Provider,
    pub client: &'a str,
    pub spec: &'static SecureSettingSpec,
}

/// The catalog entry of a keystore name such as `s3.client.backup.access_key`.
pub fn known_secure_setting(name: &str) -> Option<KnownSecureSetting<'_>> {
    let parsed = parse_client_setting(name)?;
    if !is_valid_client_name(parsed.client) {
        return None;
    }
    let spec = secure_settings(parsed.provider)
        .iter()
        .find(|s| s.name == parsed.setting)?;
    Some(KnownSecureSetting {
        provider: parsed.provider,
        client: parsed.client,
        spec,
    })
}

/// The nearest candidate to `input` (for "did you mean"), or `None` when
/// nothing is close enough to be a likely typo. Case differences and `-`
/// for `_` count as near.
pub fn suggest<'a, I>(input: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    // One compiled copy of the search for every kind of candidate list.
    nearest(input, &mut candidates.into_iter())
}

fn nearest<'a>(input: &str, candidates: &mut dyn Iterator<Item = &'a str>) -> Option<&'a str> {
    let norm = |s: &str| s.to_ascii_lowercase().replace('-', "_");
    let wanted = norm(input);
    let mut best: Option<(&'a str, f64)> = None;
    for c in candidates {
        if c == input {
            continue;
        }
        let score = if norm(c) == wanted {
            1.0
        } else {
            strsim::normalized_damerau_levenshtein(&wanted, &norm(c))
        };
        if best.is_none_or(|(_, s)| score > s) {
            best = Some((c, score));
        }
    }
    best.filter(|(_, s)| *s >= 0.7).map(|(c, _)| c)
}

/// True when `value` looks like a documentation placeholder such as
/// `ACCESS_KEY_VALUE`, `CLIENT_NAME`, `<bucket>`, `YOUR_KEY` or
/// `AKIAIOSFODNN7EXAMPLE`, rather than a real value.
pub fn is_placeholder(value: &str) -> bool {
    // Byte-level checks: this runs on every secret value of a large body.
    let t = value.trim_ascii();
    if t.is_empty() || t.len() > 200 {
        return false;
    }
    let rules = &catalog().placeholders;
    if rules.exact.iter().any(|e| e.eq_ignore_ascii_case(t)) {
        return true;
    }
    let bytes = t.as_bytes();
    if rules
        .prefixes
        .iter()
        .any(|p| bytes.len() > p.len() && bytes[..p.len()].eq_ignore_ascii_case(p.as_bytes()))
    {
        return true;
    }
    if rules
        .suffixes
        .iter()
        .any(|s| t.len() > s.len() && t.ends_with(s.as_str()))
    {
        return true;
    }
    if rules.brackets.iter().any(|(open, close)| {
        t.len() > open.len() + close.len()
            && t.starts_with(open.as_str())
            && t.ends_with(close.as_str())
    }) {
        return true;
    }
    let mut words = 0;
    for seg in bytes.split(|b| matches!(b, b'_' | b'-' | b'.')) {
        if seg.len() >= 2
            && seg.iter().all(u8::is_ascii_uppercase)
            && rules.words.iter().any(|w| w.as_bytes() == seg)
        {
            words += 1;
            if words >= rules.min_words {
                return true;
            }
        }
    }
    false
}

/// The first character not allowed in a keystore setting name
/// (`[A-Za-z0-9_\-.]+`), or `None` when the name is valid. An empty name
/// gives `Some('\0')`.
pub fn invalid_keystore_name_char(name: &str) -> Option<char> {
    if name.is_empty() {
        return Some('\0');
    }
    let pos = name
        .bytes()
        .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')))?;
    name[pos..].chars().next()
}

/// True for a valid client name (`[-\w]+`: letters, digits, `_`, `-`; no dots).
pub fn is_valid_client_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// What is wrong with a repository name for Elasticsearch (empty, or a
/// forbidden character). Empty when it is valid.
pub fn repository_name_problems(name: &str) -> Vec<String> {
    if name.is_empty() {
        return vec!["it is empty".into()];
    }
    let mut out = Vec::new();
    for &c in &catalog().repository_name_forbidden {
        if name.contains(c) {
            out.push(match c {
                ' ' => "it contains a space".to_string(),
                c => format!("it contains `{c}`"),
            });
        }
    }
    out
}

fn describe_chars(name: &str, allowed: impl Fn(char) -> bool, out: &mut Vec<String>) {
    if name.chars().any(|c| c.is_ascii_uppercase()) {
        out.push("it has upper-case letters".into());
    }
    if name.contains('_') && !allowed('_') {
        out.push("it has `_` (underscores)".into());
    }
    let mut others: Vec<char> = name
        .chars()
        .filter(|&c| !allowed(c) && !c.is_ascii_uppercase() && c != '_')
        .collect();
    others.dedup();
    if !others.is_empty() {
        let list: Vec<String> = others.iter().take(5).map(|c| format!("`{c}`")).collect();
        out.push(format!(
            "it has characters that are not allowed: {}",
            list.join(" ")
        ));
    }
}

fn is_ip_like(name: &str) -> bool {
    let parts: Vec<&str> = name.split('.').collect();
    parts.len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()))
}

fn length_problem(name: &str, min: usize, max: usize, out: &mut Vec<String>) {
    let n = name.chars().count();
    if n < min {
        out.push(format!("it is {n} characters long, shorter than {min}"));
    } else if n > max {
        out.push(format!("it is {n} characters long, longer than {max}"));
    }
}

fn start_end_problem(name: &str, out: &mut Vec<String>) {
    // Upper-case letters are reported on their own.
    let ok = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    if !name.is_empty() && (!ok(name.chars().next()) || !ok(name.chars().last())) {
        out.push("it must start and end with a letter or a digit".into());
    }
}

/// What is wrong with an S3 general-purpose bucket name (3-63 characters,
/// lower-case letters, digits, `.` and `-`, and the AWS prefix/suffix rules).
/// Empty when it is valid.
pub fn s3_bucket_name_problems(name: &str) -> Vec<String> {
    let rules = &catalog().s3_bucket;
    let mut out = Vec::new();
    length_problem(name, rules.min_length, rules.max_length, &mut out);
    describe_chars(
        name,
        |c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-',
        &mut out,
    );
    start_end_problem(name, &mut out);
    if name.contains("..") {
        out.push("it has two periods in a row".into());
    }
    if is_ip_like(name) {
        out.push("it is formatted as an IP address".into());
    }
    for p in &rules.forbidden_prefixes {
        if name.starts_with(p.as_str()) {
            out.push(format!("it starts with the reserved prefix `{p}`"));
        }
    }
    for s in &rules.forbidden_suffixes {
        if name.ends_with(s.as_str()) {
            out.push(format!("it ends with the reserved suffix `{s}`"));
        }
    }
    out
}

/// What is wrong with a Google Cloud Storage bucket name. Empty when valid.
pub fn gcs_bucket_name_problems(name: &str) -> Vec<String> {
    let rules = &catalog().gcs_bucket;
    let mut out = Vec::new();
    if name.contains('.') {
        length_problem(name, rules.min_length, rules.max_length_with_dots, &mut out);
        if name
            .split('.')
            .any(|c| c.chars().count() > rules.max_component_length)
        {
            out.push(format!(
                "a dot-separated part is longer than {} characters",
                rules.max_component_length
            ));
        }
    } else {
        length_problem(name, rules.min_length, rules.max_length, &mut out);
    }
    describe_chars(
        name,
        |c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_'),
        &mut out,
    );
    start_end_problem(name, &mut out);
    if is_ip_like(name) {
        out.push("it is formatted as an IP address".into());
    }
    let lower = name.to_ascii_lowercase();
    for p in &rules.forbidden_prefixes {
        if lower.starts_with(p.as_str()) {
            out.push(format!("it starts with the reserved prefix `{p}`"));
        }
    }
    for s in &rules.forbidden_substrings {
        if lower.contains(s.as_str()) {
            out.push(format!("it contains the reserved word `{s}`"));
        }
    }
    out
}

/// What is wrong with an Azure blob container name. Empty when valid.
pub fn azure_container_name_problems(name: &str) -> Vec<String> {
    let rules = &catalog().azure_container;
    let mut out = Vec::new();
    length_problem(name, rules.min_length, rules.max_length, &mut out);
    describe_chars(
        name,
        |c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-',
        &mut out,
    );
    start_end_problem(name, &mut out);
    if name.contains("--") {
        out.push("it has two hyphens in a row".into());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_trimmed_copies_give_the_catalog_of_the_whole_files() {
        let whole = load_from(
            include_str!("../data/repository-settings.json"),
            include_str!("../data/settings-rules.json"),
        );
        assert_eq!(format!("{whole:?}"), format!("{:?}", catalog()));
        assert!(CATALOG_JSON.len() < 20_000, "build.rs trims the copy");
        assert!(
            !RULES_JSON.contains("$comment"),
            "build.rs drops the comments"
        );
    }

    #[test]
    fn the_embedded_data_loads_with_every_type() {
        let c = catalog();
        let names: Vec<&str> = c.types.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, REPOSITORY_TYPES);
        assert_eq!(c.reserved_keystore_settings, ["keystore.seed"]);
        assert!(c.repository_name_forbidden.contains(&'#'));
        assert!(c
            .service_account
            .required
            .contains(&"private_key".to_string()));
        assert_eq!(c.service_account.type_value, "service_account");
    }

    #[test]
    fn s3_settings_are_typed_with_ranges_in_canonical_units() {
        let chunk = repository_setting("s3", "chunk_size").unwrap();
        assert_eq!(chunk.ty, SettingType::Bytes);
        assert_eq!(chunk.min, Some(5 * 1024 * 1024));
        assert_eq!(chunk.max, Some(5 * (1i128 << 40)));
        let parts = repository_setting("s3", "max_multipart_parts").unwrap();
        assert_eq!(
            (parts.ty, parts.min, parts.max),
            (SettingType::Int, Some(1), Some(10000))
        );
        let delay = repository_setting("s3", "throttled_delete_retry.maximum_delay").unwrap();
        assert_eq!((delay.ty, delay.min), (SettingType::Time, Some(0)));
        assert!(repository_setting("s3", "bucket").unwrap().required);
        assert!(!repository_setting("s3", "bucket").unwrap().help.is_empty());
        let storage = repository_setting("s3", "storage_class").unwrap();
        assert!(storage.allows("STANDARD_IA"));
        assert!(storage.is_rejected_value("glacier"));
    }

    #[test]
    fn common_settings_are_shared_and_overridable() {
        for ty in REPOSITORY_TYPES {
            assert!(repository_setting(ty, "compress").is_some(), "{ty}");
            let io = repository_setting(ty, "io_buffer_size").unwrap();
            assert_eq!(io.min, Some(8192));
        }
        // azure has its own readonly (default depends on location_mode).
        let ro = repository_setting("azure", "readonly").unwrap();
        assert!(ro.default.as_deref().unwrap().contains("secondary"));
        assert_eq!(
            repository_settings("azure")
                .iter()
                .filter(|s| s.name == "readonly")
                .count(),
            1
        );
    }

    #[test]
    fn secure_settings_per_provider() {
        let s3: Vec<&str> = secure_settings(Provider::S3)
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        assert_eq!(
            s3,
            [
                "access_key",
                "secret_key",
                "session_token",
                "proxy.username",
                "proxy.password"
            ]
        );
        let gcs = secure_settings(Provider::Gcs);
        assert_eq!(gcs.len(), 1);
        assert_eq!(gcs[0].kind, SecureKind::File);
        assert!(gcs[0].reloadable);
        let az = secure_settings(Provider::Azure);
        assert!(az.iter().find(|s| s.name == "account").unwrap().required);
        assert_eq!(
            secure_setting_names(Provider::Azure, "backup"),
            [
                "azure.client.backup.account",
                "azure.client.backup.key",
                "azure.client.backup.sas_token"
            ]
        );
    }

    #[test]
    fn known_secure_setting_handles_client_names() {
        let k = known_secure_setting("s3.client.my-client_1.proxy.password").unwrap();
        assert_eq!(k.provider, Provider::S3);
        assert_eq!(k.client, "my-client_1");
        assert_eq!(k.spec.name, "proxy.password");
        assert!(known_secure_setting("s3.client.default.endpoint").is_none());
        assert!(known_secure_setting("s3.client..access_key").is_none());
        assert!(known_secure_setting("hdfs.client.x.access_key").is_none());
        let p = parse_client_setting("gcs.client.a.b.credentials_file").unwrap();
        assert_eq!((p.client, p.setting), ("a", "b.credentials_file"));
    }

    #[test]
    fn suggestions_find_typos_but_not_unrelated_names() {
        let names = repository_settings("s3").iter().map(|s| s.name.as_str());
        assert_eq!(suggest("bukcet", names.clone()), Some("bucket"));
        assert_eq!(suggest("chunksize", names.clone()), Some("chunk_size"));
        assert_eq!(suggest("Base-Path", names.clone()), Some("base_path"));
        assert_eq!(suggest("zzzzzz", names), None);
    }

    #[test]
    fn placeholders_from_the_docs_are_recognised() {
        for p in [
            "ACCESS_KEY_VALUE",
            "SECRET_KEY_VALUE",
            "CLIENT_NAME",
            "s3_REPOSITORY_NAME",
            "BUCKET_NAME",
            "PATH_NAME",
            "BASE_PATH_NAME",
            "KEY_TO_REMOVE",
            "BACKUP-CONTAINER",
            "<your bucket>",
            "YOUR_SECRET",
            "AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "${SECRET}",
            "changeme",
        ] {
            assert!(is_placeholder(p), "{p}");
        }
        for real in [
            "AKIA2OGYBAH6QWERTY7Z",
            "my-snapshots",
            "default",
            "backup",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzyxwvuTSRQ",
            "BUCKET",
            "",
        ] {
            assert!(!is_placeholder(real), "{real}");
        }
    }

    #[test]
    fn keystore_and_client_name_patterns() {
        assert_eq!(
            invalid_keystore_name_char("s3.client.a-b_c.access_key"),
            None
        );
        assert_eq!(invalid_keystore_name_char("s3.client.a b.key"), Some(' '));
        assert_eq!(invalid_keystore_name_char(""), Some('\0'));
        assert!(is_valid_client_name("Backup-1_x"));
        assert!(!is_valid_client_name("a.b"));
        assert!(!is_valid_client_name(""));
    }

    #[test]
    fn bucket_and_container_names() {
        assert!(s3_bucket_name_problems("my-snapshots.example").is_empty());
        let p = s3_bucket_name_problems("s3_REPOSITORY_NAME");
        assert!(p.iter().any(|m| m.contains("upper-case")), "{p:?}");
        assert!(p.iter().any(|m| m.contains("underscores")), "{p:?}");
        assert!(!s3_bucket_name_problems("192.168.5.4").is_empty());
        assert!(!s3_bucket_name_problems("a..b").is_empty());
        assert!(!s3_bucket_name_problems("xn--abc").is_empty());
        assert!(!s3_bucket_name_problems("abc-s3alias").is_empty());
        assert!(!s3_bucket_name_problems("ab").is_empty());
        assert!(!s3_bucket_name_problems("-abc").is_empty());
        assert!(gcs_bucket_name_problems("my_bucket-1").is_empty());
        assert!(!gcs_bucket_name_problems("BUCKET_NAME").is_empty());
        assert!(!gcs_bucket_name_problems("google-backups").is_empty());
        assert!(azure_container_name_problems("elasticsearch-snapshots").is_empty());
        assert!(!azure_container_name_problems("BACKUP-CONTAINER").is_empty());
        assert!(!azure_container_name_problems("a--b").is_empty());
        assert!(repository_name_problems("s3-repo").is_empty());
        assert_eq!(repository_name_problems("my repo#1").len(), 2);
        assert_eq!(repository_name_problems(""), ["it is empty"]);
    }
}
