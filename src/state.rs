//! The app's draft: every non-secret field a user fills in, as one value
//! with a pure reducer (the function_todomvc pattern). It is what the one
//! persistence effect saves to local storage and what a share link carries.
//!
//! Secret values are deliberately NOT part of it: they live in `Secrets`,
//! which has no serde implementation, so they cannot be written to storage
//! or put in a URL by accident.

use ecekit_core::{catalog, Platform};
use percent_encoding::{percent_decode_str, utf8_percent_encode, NON_ALPHANUMERIC};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::rc::Rc;
use yew::Reducible;

pub const STORAGE_KEY: &str = "ecekit.draft.v1";
/// The fragment parameter of a share link: `#/guided?draft=<percent-encoded JSON>`.
pub const SHARE_PARAM: &str = "draft=";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Storage {
    #[default]
    S3,
    /// MinIO and other S3-compatible services: the s3 repository with an endpoint.
    S3Compatible,
    Gcs,
    Azure,
}

impl Storage {
    pub const ALL: [Storage; 4] = [
        Storage::S3,
        Storage::S3Compatible,
        Storage::Gcs,
        Storage::Azure,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Storage::S3 => "AWS S3",
            Storage::S3Compatible => "S3-compatible (MinIO…)",
            Storage::Gcs => "Google Cloud Storage",
            Storage::Azure => "Azure Blob Storage",
        }
    }

    /// The name serde writes (kebab-case).
    pub fn as_str(self) -> &'static str {
        match self {
            Storage::S3 => "s3",
            Storage::S3Compatible => "s3-compatible",
            Storage::Gcs => "gcs",
            Storage::Azure => "azure",
        }
    }

    pub fn parse(s: &str) -> Option<Storage> {
        Storage::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The repository type and keystore namespace.
    pub fn repository_type(self) -> &'static str {
        match self {
            Storage::S3 | Storage::S3Compatible => "s3",
            Storage::Gcs => "gcs",
            Storage::Azure => "azure",
        }
    }
}

/// `ty` when it is a catalog type that no storage stands for (`fs`, `url`,
/// `source`): the types the draft keeps apart from its storage.
fn storage_free_type(ty: &str) -> Option<String> {
    catalog::repository_type(ty)
        .filter(|t| t.provider.is_none())
        .map(|t| t.name.clone())
}

/// One keystore row: the setting name and how the value is given. The value
/// itself lives in `Secrets` under `id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct KeystoreRow {
    pub id: u32,
    pub name: String,
    /// The value is a file (e.g. GCS credentials JSON): sent with `as_file: true`.
    pub as_file: bool,
    /// Remove this key instead of setting it.
    pub remove: bool,
}

impl KeystoreRow {
    /// A stored row; missing fields are defaults, a wrong type rejects it.
    fn from_value(value: &Value) -> Option<KeystoreRow> {
        let mut row = KeystoreRow::default();
        for (key, value) in value.as_object()? {
            match key.as_str() {
                "id" => row.id = json_u32(value)?,
                "name" => row.name = value.as_str()?.to_string(),
                "as_file" => row.as_file = value.as_bool()?,
                "remove" => row.remove = value.as_bool()?,
                _ => {}
            }
        }
        Some(row)
    }
}

fn json_u32(value: &Value) -> Option<u32> {
    u32::try_from(value.as_u64()?).ok()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Draft {
    pub platform: Platform,
    pub storage: Storage,
    pub bucket: String,
    pub client: String,
    pub base_path: String,
    pub repository: String,
    /// ECE coordinator base URL, e.g. `https://ece.example.com:12443`.
    pub coordinator: String,
    pub deployment_id: String,
    pub ref_id: String,
    /// The Elasticsearch endpoint (Elastic Cloud, self-managed).
    pub endpoint: String,
    /// The endpoint of an S3-compatible service (MinIO…): an S3 client setting.
    pub s3_endpoint: String,
    /// The AWS region of an ECE platform-level S3 repository.
    pub region: String,
    pub kms_key_arn: String,
    /// Set for the bucket-policy form of the access policy.
    pub principal_arn: String,
    pub keystore: Vec<KeystoreRow>,
    /// Extra repository settings, key and value as typed.
    pub repository_settings: Vec<(String, String)>,
    /// A repository type chosen in the Repository area that no storage
    /// stands for (`fs`, `url`, `source`); empty: the storage's type.
    pub repository_type: String,
    pub next_row_id: u32,
}

impl Default for Draft {
    fn default() -> Self {
        Draft {
            platform: Platform::Ece,
            storage: Storage::S3,
            bucket: String::new(),
            client: "default".into(),
            base_path: String::new(),
            repository: "my-snapshots".into(),
            coordinator: String::new(),
            deployment_id: String::new(),
            ref_id: "main-elasticsearch".into(),
            endpoint: String::new(),
            s3_endpoint: String::new(),
            region: String::new(),
            kms_key_arn: String::new(),
            principal_arn: String::new(),
            keystore: Vec::new(),
            repository_settings: Vec::new(),
            repository_type: String::new(),
            next_row_id: 1,
        }
    }
}

/// The text fields of the draft, for one `Set` action instead of one per field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Bucket,
    Client,
    BasePath,
    Repository,
    Coordinator,
    DeploymentId,
    RefId,
    Endpoint,
    S3Endpoint,
    Region,
    KmsKeyArn,
    PrincipalArn,
}

impl Draft {
    pub fn field(&self, field: Field) -> &str {
        match field {
            Field::Bucket => &self.bucket,
            Field::Client => &self.client,
            Field::BasePath => &self.base_path,
            Field::Repository => &self.repository,
            Field::Coordinator => &self.coordinator,
            Field::DeploymentId => &self.deployment_id,
            Field::RefId => &self.ref_id,
            Field::Endpoint => &self.endpoint,
            Field::S3Endpoint => &self.s3_endpoint,
            Field::Region => &self.region,
            Field::KmsKeyArn => &self.kms_key_arn,
            Field::PrincipalArn => &self.principal_arn,
        }
    }

    fn field_mut(&mut self, field: Field) -> &mut String {
        match field {
            Field::Bucket => &mut self.bucket,
            Field::Client => &mut self.client,
            Field::BasePath => &mut self.base_path,
            Field::Repository => &mut self.repository,
            Field::Coordinator => &mut self.coordinator,
            Field::DeploymentId => &mut self.deployment_id,
            Field::RefId => &mut self.ref_id,
            Field::Endpoint => &mut self.endpoint,
            Field::S3Endpoint => &mut self.s3_endpoint,
            Field::Region => &mut self.region,
            Field::KmsKeyArn => &mut self.kms_key_arn,
            Field::PrincipalArn => &mut self.principal_arn,
        }
    }

    /// The draft as stored (JSON).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A stored draft; unknown or missing fields fall back to their defaults.
    pub fn from_json(text: &str) -> Option<Draft> {
        Draft::from_value(&ecekit_core::json::read_value(text).ok()?)
    }

    /// Read field by field rather than with a derived `Deserialize`, which
    /// costs several KB of wasm. As with serde, a field of the wrong type
    /// rejects the whole draft.
    fn from_value(value: &Value) -> Option<Draft> {
        let mut draft = Draft::default();
        for (key, value) in value.as_object()? {
            let text_field = match key.as_str() {
                "platform" => {
                    draft.platform = Platform::parse(value.as_str()?)?;
                    continue;
                }
                "storage" => {
                    draft.storage = Storage::parse(value.as_str()?)?;
                    continue;
                }
                "keystore" => {
                    draft.keystore = value
                        .as_array()?
                        .iter()
                        .map(KeystoreRow::from_value)
                        .collect::<Option<_>>()?;
                    continue;
                }
                "repository_settings" => {
                    draft.repository_settings = value
                        .as_array()?
                        .iter()
                        .map(|pair| match pair.as_array()?.as_slice() {
                            [Value::String(k), Value::String(v)] => Some((k.clone(), v.clone())),
                            _ => None,
                        })
                        .collect::<Option<_>>()?;
                    continue;
                }
                "next_row_id" => {
                    draft.next_row_id = json_u32(value)?;
                    continue;
                }
                "repository_type" => {
                    // A storage's own type is not kept (it follows the
                    // storage); an unknown type rejects the draft.
                    let ty = value.as_str()?;
                    if !ty.is_empty() {
                        catalog::repository_type(ty)?;
                    }
                    draft.repository_type = storage_free_type(ty).unwrap_or_default();
                    continue;
                }
                "bucket" => Field::Bucket,
                "client" => Field::Client,
                "base_path" => Field::BasePath,
                "repository" => Field::Repository,
                "coordinator" => Field::Coordinator,
                "deployment_id" => Field::DeploymentId,
                "ref_id" => Field::RefId,
                "endpoint" => Field::Endpoint,
                "s3_endpoint" => Field::S3Endpoint,
                "region" => Field::Region,
                "kms_key_arn" => Field::KmsKeyArn,
                "principal_arn" => Field::PrincipalArn,
                _ => continue,
            };
            *draft.field_mut(text_field) = value.as_str()?.to_string();
        }
        Some(draft)
    }

    /// The repository type of the Repository area: the chosen one, or the
    /// storage's.
    pub fn repository_type(&self) -> &str {
        if self.repository_type.is_empty() {
            self.storage.repository_type()
        } else {
            &self.repository_type
        }
    }

    /// The fragment query that restores this draft: `draft=<encoded JSON>`.
    pub fn to_share_param(&self) -> String {
        format!(
            "{SHARE_PARAM}{}",
            utf8_percent_encode(&self.to_json(), NON_ALPHANUMERIC)
        )
    }

    /// The draft a URL fragment carries (`#/area?draft=…`), if any.
    pub fn from_fragment(fragment: &str) -> Option<Draft> {
        let query = fragment.split_once('?')?.1;
        let encoded = query.split('&').find_map(|p| p.strip_prefix(SHARE_PARAM))?;
        Draft::from_json(&percent_decode_str(encoded).decode_utf8().ok()?)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Set(Field, String),
    SetPlatform(Platform),
    /// Sets the storage; the repository type follows it again.
    SetStorage(Storage),
    /// Chooses the repository type: `s3`, `gcs` or `azure` set the storage
    /// (S3-compatible stays as it is for `s3`); the other catalog types are
    /// kept apart from it.
    SetRepositoryType(String),
    AddKeystoreRow {
        name: String,
        as_file: bool,
    },
    SetKeystoreName(u32, String),
    SetKeystoreAsFile(u32, bool),
    SetKeystoreRemove(u32, bool),
    RemoveKeystoreRow(u32),
    /// Adds a row for each name that has none yet (a provider's client settings).
    EnsureKeystoreRows(Vec<(String, bool)>),
    /// The client settings' rows follow a new storage or client name: a row
    /// of `from` is renamed to the `to` setting it stands for (same last
    /// name part, e.g. `access_key`), keeping its id and so its value; one
    /// that `to` has no place for is dropped unless its id is in `filled`
    /// (a value was typed); then `to`'s missing rows are added.
    RetargetKeystoreRows {
        from: Vec<(String, bool)>,
        to: Vec<(String, bool)>,
        filled: Vec<u32>,
    },
    AddRepositorySetting,
    /// Sets a form setting by key: adds it, replaces it, or (empty value) drops it.
    SetNamedRepositorySetting(String, String),
    SetRepositorySetting(usize, String, String),
    RemoveRepositorySetting(usize),
    Reset,
    Replace(Box<Draft>),
}

impl Reducible for Draft {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut draft = (*self).clone();
        match action {
            Action::Set(field, value) => *draft.field_mut(field) = value,
            Action::SetPlatform(platform) => draft.platform = platform,
            Action::SetStorage(storage) => {
                draft.storage = storage;
                draft.repository_type.clear();
            }
            Action::SetRepositoryType(ty) => {
                if let Some(own) = storage_free_type(&ty) {
                    draft.repository_type = own;
                } else if let Some(storage) =
                    Storage::ALL.into_iter().find(|s| s.repository_type() == ty)
                {
                    draft.repository_type.clear();
                    if draft.storage.repository_type() != ty {
                        draft.storage = storage;
                    }
                }
            }
            Action::AddKeystoreRow { name, as_file } => {
                let id = draft.next_row_id;
                draft.next_row_id += 1;
                draft.keystore.push(KeystoreRow {
                    id,
                    name,
                    as_file,
                    remove: false,
                });
            }
            Action::SetKeystoreName(id, name) => row(&mut draft, id, |r| r.name = name),
            Action::SetKeystoreAsFile(id, on) => row(&mut draft, id, |r| r.as_file = on),
            Action::SetKeystoreRemove(id, on) => row(&mut draft, id, |r| r.remove = on),
            Action::RemoveKeystoreRow(id) => draft.keystore.retain(|r| r.id != id),
            Action::RetargetKeystoreRows { from, to, filled } => {
                let last_part =
                    |name: &str| name.rsplit('.').next().unwrap_or_default().to_string();
                for (old_name, _) in &from {
                    let Some(index) = draft.keystore.iter().position(|r| &r.name == old_name)
                    else {
                        continue;
                    };
                    let target = to.iter().find(|(n, _)| last_part(n) == last_part(old_name));
                    let taken = |name: &str| draft.keystore.iter().any(|r| r.name == name);
                    match target {
                        Some((new_name, as_file)) if !taken(new_name) => {
                            let row = &mut draft.keystore[index];
                            row.name = new_name.clone();
                            row.as_file = *as_file;
                        }
                        None if !filled.contains(&draft.keystore[index].id) => {
                            draft.keystore.remove(index);
                        }
                        _ => {}
                    }
                }
                return Rc::new(draft).reduce(Action::EnsureKeystoreRows(to));
            }
            Action::EnsureKeystoreRows(rows) => {
                for (name, as_file) in rows {
                    if !draft.keystore.iter().any(|r| r.name == name) {
                        let id = draft.next_row_id;
                        draft.next_row_id += 1;
                        draft.keystore.push(KeystoreRow {
                            id,
                            name,
                            as_file,
                            remove: false,
                        });
                    }
                }
            }
            Action::AddRepositorySetting => draft.repository_settings.push(Default::default()),
            Action::SetNamedRepositorySetting(key, value) => {
                let slot = draft
                    .repository_settings
                    .iter()
                    .position(|(k, _)| *k == key);
                match (slot, value.is_empty()) {
                    (Some(i), true) => {
                        draft.repository_settings.remove(i);
                    }
                    (Some(i), false) => draft.repository_settings[i].1 = value,
                    (None, false) => draft.repository_settings.push((key, value)),
                    (None, true) => {}
                }
            }
            Action::SetRepositorySetting(i, key, value) => {
                if let Some(slot) = draft.repository_settings.get_mut(i) {
                    *slot = (key, value);
                }
            }
            Action::RemoveRepositorySetting(i) => {
                if i < draft.repository_settings.len() {
                    draft.repository_settings.remove(i);
                }
            }
            Action::Reset => draft = Draft::default(),
            Action::Replace(other) => draft = *other,
        }
        Rc::new(draft)
    }
}

fn row(draft: &mut Draft, id: u32, change: impl FnOnce(&mut KeystoreRow)) {
    if let Some(r) = draft.keystore.iter_mut().find(|r| r.id == id) {
        change(r);
    }
}

/// Secret values, by keystore row id. Memory only: no serde, no storage;
/// cleared on reload. `Debug` never shows the values.
#[derive(Clone, Default, PartialEq)]
pub struct Secrets(pub BTreeMap<u32, Rc<str>>);

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secrets({} values, redacted)", self.0.len())
    }
}

impl Secrets {
    pub fn get(&self, id: u32) -> Option<&str> {
        self.0.get(&id).map(|v| &**v)
    }

    /// The rows that hold a typed value.
    pub fn filled_ids(&self) -> Vec<u32> {
        self.0
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(id, _)| *id)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reduce(draft: Draft, action: Action) -> Draft {
        (*Rc::new(draft).reduce(action)).clone()
    }

    #[test]
    fn share_param_round_trips_the_draft() {
        let draft = Draft {
            bucket: "snaps.example.com".into(),
            base_path: "a b/é&c=d".into(),
            ..Default::default()
        };
        let draft = reduce(
            draft,
            Action::AddKeystoreRow {
                name: "s3.client.default.access_key".into(),
                as_file: false,
            },
        );
        let fragment = format!("#/guided?{}", draft.to_share_param());
        assert_eq!(Draft::from_fragment(&fragment), Some(draft));
    }

    #[test]
    fn fragments_without_a_draft_restore_nothing() {
        assert_eq!(Draft::from_fragment("#/keystore"), None);
        assert_eq!(Draft::from_fragment("#/keystore?draft=%7Bnot json"), None);
    }

    #[test]
    fn stored_drafts_from_older_versions_fill_missing_fields_with_defaults() {
        let draft = Draft::from_json(r#"{"bucket":"b","unknown":1}"#).unwrap();
        assert_eq!(draft.bucket, "b");
        assert_eq!(draft.ref_id, "main-elasticsearch");
        // Drafts saved before the repository type could be chosen.
        let draft = Draft::from_json(r#"{"storage":"gcs","bucket":"b"}"#).unwrap();
        assert_eq!(draft.repository_type, "");
        assert_eq!(draft.repository_type(), "gcs");
    }

    #[test]
    fn the_repository_type_follows_the_storage_unless_another_is_chosen() {
        let d = reduce(Draft::default(), Action::SetStorage(Storage::S3Compatible));
        assert_eq!(d.repository_type(), "s3");
        for ty in ["fs", "url", "source"] {
            let chosen = reduce(d.clone(), Action::SetRepositoryType(ty.into()));
            assert_eq!(chosen.repository_type(), ty);
            assert_eq!(chosen.storage, Storage::S3Compatible);
            let back = Draft::from_json(&chosen.to_json()).unwrap();
            assert_eq!(back, chosen, "{ty} is saved and read back");
            let link = format!("#/repository?{}", chosen.to_share_param());
            assert_eq!(Draft::from_fragment(&link), Some(chosen.clone()));
            // Choosing a storage makes the type follow it again.
            let storage = reduce(chosen, Action::SetStorage(Storage::Azure));
            assert_eq!(storage.repository_type(), "azure");
        }
        let fs = reduce(d, Action::SetRepositoryType("fs".into()));
        // A storage's type sets the storage; S3-compatible stays for s3.
        let s3 = reduce(fs.clone(), Action::SetRepositoryType("s3".into()));
        assert_eq!(
            (s3.storage, s3.repository_type()),
            (Storage::S3Compatible, "s3")
        );
        let gcs = reduce(fs.clone(), Action::SetRepositoryType("gcs".into()));
        assert_eq!((gcs.storage, gcs.repository_type()), (Storage::Gcs, "gcs"));
        assert_eq!(gcs.repository_type, "");
        let s3 = reduce(gcs, Action::SetRepositoryType("s3".into()));
        assert_eq!(s3.storage, Storage::S3);
        // Not a catalog type: nothing changes.
        assert_eq!(
            reduce(fs.clone(), Action::SetRepositoryType("ftp".into())),
            fs
        );
    }

    #[test]
    fn a_stored_repository_type_is_checked_against_the_catalog() {
        assert_eq!(Draft::from_json(r#"{"repository_type":"ftp"}"#), None);
        assert_eq!(Draft::from_json(r#"{"repository_type":1}"#), None);
        // A storage's own type follows the storage.
        let d = Draft::from_json(r#"{"storage":"azure","repository_type":"gcs"}"#).unwrap();
        assert_eq!(d.repository_type(), "azure");
        let d = Draft::from_json(r#"{"repository_type":"source"}"#).unwrap();
        assert_eq!(d.repository_type(), "source");
    }

    #[test]
    fn every_field_round_trips_through_json() {
        let draft = Draft {
            platform: Platform::SelfManaged,
            storage: Storage::S3Compatible,
            bucket: "b".into(),
            client: "c".into(),
            base_path: "p".into(),
            repository: "r".into(),
            coordinator: "https://ece:12443".into(),
            deployment_id: "d".into(),
            ref_id: "ref".into(),
            endpoint: "https://es".into(),
            s3_endpoint: "http://minio:9000".into(),
            region: "eu-west-1".into(),
            kms_key_arn: "arn:k".into(),
            principal_arn: "arn:p".into(),
            keystore: vec![KeystoreRow {
                id: 7,
                name: "s3.client.c.secret_key".into(),
                as_file: true,
                remove: true,
            }],
            repository_settings: vec![("chunk_size".into(), "1gb".into())],
            repository_type: "fs".into(),
            next_row_id: 8,
        };
        assert_eq!(Draft::from_json(&draft.to_json()), Some(draft));
        for storage in Storage::ALL {
            let json = serde_json::to_string(&storage).unwrap();
            assert_eq!(json, format!("\"{}\"", storage.as_str()));
        }
    }

    #[test]
    fn every_stored_key_is_read_back() {
        // Guards the hand-written reader: a member added to Draft (and so to
        // its JSON) fails here until Draft::from_value reads it too.
        let stored: Value = serde_json::from_str(&Draft::default().to_json()).unwrap();
        for (key, value) in stored.as_object().unwrap() {
            let new_value = match (key.as_str(), value) {
                ("platform", _) => Value::from("self-managed"),
                ("storage", _) => Value::from("gcs"),
                ("keystore", _) => serde_json::json!([
                    {"id": 3, "name": "n", "as_file": true, "remove": true}
                ]),
                ("repository_settings", _) => serde_json::json!([["a", "b"]]),
                ("repository_type", _) => Value::from("url"),
                (_, Value::String(_)) => Value::from(format!("changed {key}")),
                (_, Value::Number(_)) => Value::from(9),
                (_, other) => panic!("no test value for `{key}` ({other})"),
            };
            let mut changed = stored.clone();
            changed[key] = new_value;
            let draft = Draft::from_json(&changed.to_string()).unwrap();
            let back: Value = serde_json::from_str(&draft.to_json()).unwrap();
            assert_eq!(back, changed, "`{key}` is not read back");
        }
    }

    #[test]
    fn stored_drafts_with_a_field_of_the_wrong_type_are_refused() {
        for json in [
            r#"{"bucket":1}"#,
            r#"{"platform":"cloud"}"#,
            r#"{"storage":null}"#,
            r#"{"next_row_id":-1}"#,
            r#"{"keystore":[{"id":"1"}]}"#,
            r#"{"repository_settings":[["a"]]}"#,
        ] {
            assert_eq!(Draft::from_json(json), None, "{json}");
        }
        let row = Draft::from_json(r#"{"keystore":[{"name":"n"}]}"#).unwrap();
        assert_eq!(row.keystore[0].name, "n");
        assert_eq!(row.keystore[0].id, 0);
    }

    #[test]
    fn keystore_rows_are_edited_by_id() {
        let d = reduce(
            Draft::default(),
            Action::AddKeystoreRow {
                name: "a".into(),
                as_file: false,
            },
        );
        let d = reduce(
            d,
            Action::AddKeystoreRow {
                name: "b".into(),
                as_file: false,
            },
        );
        let id = d.keystore[1].id;
        let d = reduce(d, Action::SetKeystoreRemove(id, true));
        assert!(d.keystore[1].remove && !d.keystore[0].remove);
        let first = d.keystore[0].id;
        let d = reduce(d, Action::RemoveKeystoreRow(first));
        assert_eq!(d.keystore.len(), 1);
        assert_eq!(d.keystore[0].name, "b");
    }

    #[test]
    fn client_rows_follow_the_client_name_and_the_storage() {
        let s3 = |client: &str| {
            vec![
                (format!("s3.client.{client}.access_key"), false),
                (format!("s3.client.{client}.secret_key"), false),
            ]
        };
        let gcs = vec![("gcs.client.b.credentials_file".to_string(), true)];
        let d = reduce(Draft::default(), Action::EnsureKeystoreRows(s3("default")));
        let ids: Vec<u32> = d.keystore.iter().map(|r| r.id).collect();
        // Typing a client name letter by letter renames the same two rows.
        let mut d = d;
        let mut previous = s3("default");
        for client in ["b", "ba", "backup"] {
            d = reduce(
                d,
                Action::RetargetKeystoreRows {
                    from: previous,
                    to: s3(client),
                    filled: vec![],
                },
            );
            previous = s3(client);
        }
        let names: Vec<&str> = d.keystore.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(
            names,
            ["s3.client.backup.access_key", "s3.client.backup.secret_key"]
        );
        assert_eq!(d.keystore.iter().map(|r| r.id).collect::<Vec<_>>(), ids);
        // Another storage: the S3 row with a typed value stays, the empty one goes.
        let d = reduce(
            d,
            Action::RetargetKeystoreRows {
                from: s3("backup"),
                to: gcs.clone(),
                filled: vec![ids[0]],
            },
        );
        let names: Vec<&str> = d.keystore.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "s3.client.backup.access_key",
                "gcs.client.b.credentials_file"
            ]
        );
        assert!(d.keystore[1].as_file);
    }

    #[test]
    fn client_rows_are_added_once() {
        let rows = vec![("s3.client.default.access_key".to_string(), false)];
        let d = reduce(Draft::default(), Action::EnsureKeystoreRows(rows.clone()));
        let d = reduce(d, Action::EnsureKeystoreRows(rows));
        assert_eq!(d.keystore.len(), 1);
        assert_eq!(d.next_row_id, 2);
    }

    #[test]
    fn named_repository_settings_are_added_replaced_and_dropped() {
        let set = |d, v: &str| {
            reduce(
                d,
                Action::SetNamedRepositorySetting("chunk_size".into(), v.into()),
            )
        };
        let d = set(Draft::default(), "1gb");
        let d = set(d, "2gb");
        assert_eq!(
            d.repository_settings,
            vec![("chunk_size".to_string(), "2gb".to_string())]
        );
        assert!(set(d, "").repository_settings.is_empty());
    }

    #[test]
    fn reset_restores_the_defaults() {
        let d = reduce(Draft::default(), Action::Set(Field::Bucket, "x".into()));
        assert_eq!(reduce(d, Action::Reset), Draft::default());
    }

    #[test]
    fn secrets_never_show_in_debug_output() {
        let mut s = Secrets::default();
        s.0.insert(1, Rc::from("hunter2"));
        assert!(!format!("{s:?}").contains("hunter2"));
    }
}
