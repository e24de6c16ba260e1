//! Trimmed, minified copies of data files for the parts of the engine the
//! web page loads at once (the validators get the whole files):
//! - `repository-settings.json` with only the sections and the keys the
//!   engine reads. The file keeps its sources, notes and the rule sets other
//!   tools use; the web page need not carry them (about 6.5 KB of gzip).
//! - `settings-rules.json` without its comments.
//! - `snapshot-s3.json` for the policy generator: the actions a snapshot
//!   repository needs, which of them take `s3:prefix`, and the current policy
//!   version, instead of `s3-actions.json` and `iam-policy.json` (the S3
//!   service tables and the code that indexes them).
//! - `request-endpoints.json` for the request builder: the endpoints of the
//!   paths it sends to, out of the whole API table (`api-paths.json`, about
//!   12 KB of gzip with its matching code).

use serde_json::{Map, Value};
use std::{env, fs, path::Path};

const FILE: &str = "repository-settings.json";

/// The sections `catalog.rs` reads (`a.b` is section `b` of `a`). One missing
/// here makes the catalog panic on load, which every test catches.
const SECTIONS: &[&str] = &[
    "common_blobstore_repository_settings",
    "repository_types",
    "repository_name_rules.forbidden_chars",
    "keystore.reserved",
    "aws.s3_bucket_naming",
    "aws.credentials.example_placeholders",
];

/// The keys `catalog.rs` reads from a setting and from a repository type. A
/// test there checks the catalog from this copy equals the one from the file.
const SETTING_KEYS: &[&str] = &[
    "name",
    "type",
    "rule",
    "notes",
    "default",
    "min",
    "min_bytes",
    "max",
    "max_bytes",
    "max_documented",
    "allowed",
    "allowed_documented",
    "allowed_schemes",
    "allowed_code",
    "allowed_code_sdk_v2",
    "rejected",
    "case_insensitive",
    "deprecated",
    "secure",
    "secure_kind",
    "reloadable",
    "required",
    "dynamic",
    "insecure_repo_setting",
    "versions",
    "unverified",
];
const TYPE_KEYS: &[&str] = &[
    "repository_settings",
    "client_settings",
    "gcs_service_account_json",
    "module",
    "read_only",
];
const SERVICE_ACCOUNT_KEYS: &[&str] = &["doc_template_keys", "required"];

fn read(name: &str) -> Value {
    let source = format!("data/{name}");
    println!("cargo:rerun-if-changed={source}");
    let text = fs::read_to_string(&source).expect("read the data file");
    serde_json::from_str(&text).expect("the data file is valid JSON")
}

fn write(name: &str, value: Value) {
    let out = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join(name);
    fs::write(out, value.to_string()).expect("write the trimmed copy");
}

fn main() {
    repository_settings();
    settings_rules();
    snapshot_s3();
    request_endpoints();
}

/// The path templates of `Operation::api_template` (src/api/request.rs); a
/// test there checks each operation's template is kept.
const REQUEST_PATHS: &[&str] = &[
    "/deployments",
    "/deployments/{deployment_id}",
    "/deployments/{deployment_id}/elasticsearch/{ref_id}/keystore",
    "/deployments/{deployment_id}/{resource_kind}/{ref_id}/proxy/{proxy_path}",
    "/platform/configuration/snapshots/repositories/{repository_name}",
    "/users/auth/_login",
];

fn request_endpoints() {
    let table = read("api-paths.json");
    let kept: Vec<Value> = table["endpoints"]
        .as_array()
        .expect("api-paths.json has endpoints")
        .iter()
        .filter(|e| REQUEST_PATHS.contains(&e["path"].as_str().unwrap_or("")))
        .cloned()
        .collect();
    for path in REQUEST_PATHS {
        assert!(
            kept.iter().any(|e| e["path"] == *path),
            "api-paths.json has no {path}"
        );
    }
    let mut out = Map::new();
    out.insert("endpoints".into(), Value::Array(kept));
    write("request-endpoints.json", Value::Object(out));
}

/// `policy::data::snapshot` reads this: the snapshot action lists, the bucket
/// actions that take the `s3:prefix` condition key (to limit listing to the
/// base path), and the current policy version. A test there checks them
/// against the full tables.
fn snapshot_s3() {
    let s3 = read("s3-actions.json");
    let iam = read("iam-policy.json");
    let mut kept = Map::new();
    for list in ["bucket_actions", "object_actions", "kms_actions"] {
        kept.insert(list.into(), s3["snapshot"][list].clone());
    }
    let takes_prefix: Vec<Value> = kept["bucket_actions"]
        .as_array()
        .expect("a list of actions")
        .iter()
        .filter(|name| {
            let action = &s3["actions"][name.as_str().expect("an action name")];
            assert!(action.is_object(), "s3-actions.json has no {name}");
            action["conditions"]
                .as_array()
                .is_some_and(|keys| keys.iter().any(|k| k == "s3:prefix"))
        })
        .cloned()
        .collect();
    kept.insert("prefix_bucket_actions".into(), Value::Array(takes_prefix));
    kept.insert("current_version".into(), iam["versions"]["current"].clone());
    write("snapshot-s3.json", Value::Object(kept));
}

fn repository_settings() {
    let full = read(FILE);
    let mut kept = Map::new();
    for section in SECTIONS {
        let (path, name) = section.rsplit_once('.').unwrap_or(("", section));
        let value = full
            .pointer(&format!("/{}", section.replace('.', "/")))
            .unwrap_or_else(|| panic!("{FILE} has no `{section}`"));
        let mut parent = &mut kept;
        for part in path.split('.').filter(|p| !p.is_empty()) {
            parent = parent
                .entry(part)
                .or_insert_with(|| Value::Object(Map::new()))
                .as_object_mut()
                .expect("a section is an object");
        }
        parent.insert(name.to_string(), value.clone());
    }
    for settings in kept["common_blobstore_repository_settings"]
        .as_array_mut()
        .expect("a list of settings")
    {
        keep_keys(settings, SETTING_KEYS);
    }
    for repository_type in kept["repository_types"]
        .as_object_mut()
        .expect("an object of repository types")
        .values_mut()
    {
        keep_keys(repository_type, TYPE_KEYS);
        for list in ["repository_settings", "client_settings"] {
            for setting in repository_type
                .get_mut(list)
                .and_then(Value::as_array_mut)
                .into_iter()
                .flatten()
            {
                keep_keys(setting, SETTING_KEYS);
            }
        }
        if let Some(account) = repository_type.get_mut("gcs_service_account_json") {
            keep_keys(account, SERVICE_ACCOUNT_KEYS);
        }
    }
    write(FILE, Value::Object(kept));
}

/// `settings-rules.json` without its `$comment`s (and minified, as every copy).
fn settings_rules() {
    fn drop_comments(value: &mut Value) {
        match value {
            Value::Object(map) => {
                map.remove("$comment");
                map.values_mut().for_each(drop_comments);
            }
            Value::Array(list) => list.iter_mut().for_each(drop_comments),
            _ => {}
        }
    }
    let mut rules = read("settings-rules.json");
    drop_comments(&mut rules);
    write("settings-rules.json", rules);
}

fn keep_keys(object: &mut Value, keys: &[&str]) {
    object
        .as_object_mut()
        .expect("an object")
        .retain(|key, _| keys.contains(&key.as_str()));
}
