//! The IAM facts the policy rules come from, loaded once from the embedded
//! data files (`data/s3-actions.json`, `data/iam-policy.json`) and indexed
//! for constant-time look-ups (case-insensitive, as IAM matches action and
//! condition-key names).

use crate::data_file::{self, section};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

/// A small, fast, non-cryptographic hasher (the Fx hash of rustc) for the
/// short keys of the look-up tables: action names, condition keys, Sids.
#[derive(Default, Clone, Copy)]
pub struct FxHasher {
    hash: u64,
}

const FX_SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(FX_SEED);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(c);
            self.add(u64::from_le_bytes(word));
        }
        for b in chunks.remainder() {
            self.add(u64::from(*b));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.hash
    }
}

pub type FxBuild = BuildHasherDefault<FxHasher>;
pub type FxMap<K, V> = HashMap<K, V, FxBuild>;
pub type FxSet<K> = HashSet<K, FxBuild>;

const S3_ACTIONS: &str = include_str!("../../data/s3-actions.json");
const IAM_POLICY: &str = include_str!("../../data/iam-policy.json");

/// One action of a service: its canonical name, access level, the resource
/// types it applies to (indexes into [`Service::resource_types`]; empty means
/// it only works on `"*"`), and the condition keys it supports.
#[derive(Debug)]
pub struct Action {
    pub name: String,
    /// `name` in lower case, for wildcard matching.
    pub lower: String,
    pub access: String,
    /// Bit `i` set: applies to resource type `i` of the service.
    pub resource_mask: u32,
    keys: FxSet<String>,
    key_prefixes: Vec<String>,
}

impl Action {
    /// Whether this action supports condition key `key_lower` (lower case).
    pub fn supports_key(&self, key_lower: &str) -> bool {
        self.keys.contains(key_lower) || self.key_prefixes.iter().any(|p| key_lower.starts_with(p))
    }
}

/// A resource type of a service, parsed from its ARN template
/// (`arn:${Partition}:s3:::${BucketName}/${ObjectName}`).
#[derive(Debug)]
pub struct ResourceType {
    pub name: String,
    /// The ARN service field (`s3`, `s3-object-lambda`, `kms`).
    pub service: String,
    /// The template's region field is a variable (true) or empty (false);
    /// a literal region is treated as a variable.
    pub has_region: bool,
    pub has_account: bool,
    /// Literal text the resource part starts with (`accesspoint/`, `key/`, or empty).
    pub resource_prefix: String,
    /// The resource part is `${A}/${B}` (an object inside a bucket).
    pub nested: bool,
}

/// A condition key table: exact keys and keys with a variable tail
/// (`aws:ResourceTag/${TagKey}`, `s3:ExistingObjectTag/<key>`), each with its type.
#[derive(Debug, Default)]
pub struct KeyTable {
    /// Lower-case key → index into `entries`.
    exact: FxMap<String, usize>,
    /// Canonical spelling and type.
    entries: Vec<(String, String)>,
    prefixes: Vec<(String, String, String)>,
}

impl KeyTable {
    fn insert(&mut self, key: &str, ty: &str) {
        let cut = key
            .find("${")
            .or_else(|| key.find('<'))
            .or_else(|| key.find('*'));
        match cut {
            Some(i) => self.prefixes.push((
                key[..i].to_ascii_lowercase(),
                key.to_string(),
                ty.to_string(),
            )),
            None => {
                let entry = (key.to_string(), ty.to_string());
                insert_indexed(
                    &mut self.exact,
                    &mut self.entries,
                    key.to_ascii_lowercase(),
                    entry,
                );
            }
        }
    }

    /// The canonical spelling and type of `key_lower`, if known.
    pub fn get(&self, key_lower: &str) -> Option<(&str, &str)> {
        if let Some(&i) = self.exact.get(key_lower) {
            let (k, t) = &self.entries[i];
            return Some((k, t));
        }
        self.prefixes
            .iter()
            .find(|(p, _, _)| key_lower.starts_with(p.as_str()) && key_lower.len() > p.len())
            .map(|(_, k, t)| (k.as_str(), t.as_str()))
    }

    /// Every key's canonical spelling (for "did you mean").
    pub fn names(&self) -> impl Iterator<Item = &str> {
        // In the map's order, as when the entries were its values.
        self.exact
            .values()
            .map(|&i| self.entries[i].0.as_str())
            .chain(self.prefixes.iter().map(|(_, k, _)| k.as_str()))
    }
}

/// The actions, resource types and condition keys of one service.
#[derive(Debug)]
pub struct Service {
    pub prefix: &'static str,
    pub actions: Vec<Action>,
    /// Canonical and lower-case names → index.
    by_lower: FxMap<String, usize>,
    pub resource_types: Vec<ResourceType>,
    pub keys: KeyTable,
}

impl Service {
    /// The action named `name` (any case; the canonical spelling needs no allocation).
    pub fn action(&self, name: &str) -> Option<usize> {
        if let Some(i) = self.by_lower.get(name) {
            return Some(*i);
        }
        self.by_lower.get(&name.to_ascii_lowercase()).copied()
    }

    /// Index of resource type `name`.
    pub fn resource_type(&self, name: &str) -> Option<usize> {
        self.resource_types.iter().position(|r| r.name == name)
    }

    /// The mask of resource types `names`.
    pub fn mask_of(&self, names: &[&str]) -> u32 {
        names
            .iter()
            .filter_map(|n| self.resource_type(n))
            .fold(0, |m, i| m | (1 << i))
    }
}

/// Condition operator: canonical name and value type.
#[derive(Debug)]
pub struct Operator {
    pub name: String,
    pub value_type: String,
}

/// Everything the policy rules need.
#[derive(Debug)]
pub struct IamData {
    pub s3: Service,
    pub kms: Service,
    /// S3 API operation names (lower case) that are not IAM actions → index
    /// into `api_operation_list`: the name and the actions that authorize it.
    api_operations: FxMap<String, usize>,
    api_operation_list: Vec<(String, Vec<String>)>,
    pub snapshot_bucket_actions: Vec<String>,
    pub snapshot_object_actions: Vec<String>,
    pub snapshot_kms_actions: Vec<String>,
    /// S3 actions to name when a wildcard grants too much (bucket deletion, policy changes).
    pub risky_s3_actions: Vec<String>,
    pub current_version: String,
    pub old_versions: Vec<String>,
    pub top_level_keys: Vec<String>,
    pub statement_keys: Vec<String>,
    pub principal_keys: Vec<String>,
    pub partitions: Vec<String>,
    pub inline_user_policy_quota: usize,
    pub managed_policy_quota: usize,
    pub bucket_policy_quota: usize,
    /// Lower-case name → index into `operator_list`.
    operators: FxMap<String, usize>,
    operator_list: Vec<Operator>,
    pub global_keys: KeyTable,
    services: FxSet<String>,
    pub service_list: Vec<String>,
}

impl IamData {
    /// The operator named `base_lower` (lower case, without `IfExists` and set prefix).
    pub fn operator(&self, base_lower: &str) -> Option<&Operator> {
        self.operators
            .get(base_lower)
            .map(|&i| &self.operator_list[i])
    }

    /// In the map's order, as when the operators were its values.
    pub fn operator_names(&self) -> impl Iterator<Item = &str> {
        self.operators
            .values()
            .map(|&i| self.operator_list[i].name.as_str())
    }

    /// The S3 API operation named `name_lower` (lower case) that is not an
    /// IAM action: its name and the actions that authorize it.
    pub fn api_operation(&self, name_lower: &str) -> Option<&(String, Vec<String>)> {
        self.api_operations
            .get(name_lower)
            .map(|&i| &self.api_operation_list[i])
    }

    pub fn is_service(&self, prefix_lower: &str) -> bool {
        self.services.contains(prefix_lower)
    }
}

/// Inserts `value` under `key`, or replaces the value already there, like
/// `FxMap::insert`: the tables map names to indices so that every one of
/// them shares one compiled copy of the hash map (a few KB of wasm each).
fn insert_indexed<V>(index: &mut FxMap<String, usize>, values: &mut Vec<V>, key: String, value: V) {
    match index.get(&key) {
        Some(&i) => values[i] = value,
        None => {
            index.insert(key, values.len());
            values.push(value);
        }
    }
}

fn parse_template(name: &str, arn: &str) -> ResourceType {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let field = |i: usize| parts.get(i).copied().unwrap_or("");
    let resource = field(5);
    let prefix_end = resource.find("${").unwrap_or(resource.len());
    ResourceType {
        name: name.to_string(),
        service: field(2).to_string(),
        has_region: !field(3).is_empty(),
        has_account: !field(4).is_empty(),
        resource_prefix: resource[..prefix_end].to_string(),
        nested: resource.starts_with("${") && resource[2..].contains("/${"),
    }
}

/// A service of the data files: `resource_types`, `condition_keys`,
/// `common_condition_keys` and `actions` (read as the derived structs did).
fn build_service(prefix: &'static str, raw: &Value) -> Service {
    let types: Vec<ResourceType> = data_file::string_map(raw, "resource_types")
        .iter()
        .map(|(n, arn)| parse_template(n, arn))
        .collect();
    let mut keys = KeyTable::default();
    for (k, t) in data_file::string_map(raw, "condition_keys") {
        keys.insert(&k, &t);
    }
    let common = data_file::strings(raw, "common_condition_keys");
    let actions = data_file::object(raw, "actions");
    let mut list = Vec::with_capacity(actions.len());
    let mut by_lower = FxMap::default();
    for (name, action) in actions {
        let resources = data_file::strings(action, "resources");
        let conditions = data_file::opt_strings(action, "conditions").unwrap_or_default();
        let without = data_file::opt_strings(action, "without").unwrap_or_default();
        let mut mask = 0u32;
        for r in &resources {
            let r = r.trim_end_matches('*');
            if let Some(i) = types.iter().position(|t| t.name == r) {
                mask |= 1 << i;
            }
        }
        let mut exact = FxSet::default();
        let mut key_prefixes = Vec::new();
        let all = common
            .iter()
            .filter(|k| !without.contains(k))
            .chain(conditions.iter());
        for k in all {
            let cut = k.find("${").or_else(|| k.find('<'));
            match cut {
                Some(i) => key_prefixes.push(k[..i].to_ascii_lowercase()),
                None => {
                    exact.insert(k.to_ascii_lowercase());
                }
            }
        }
        by_lower.insert(name.to_ascii_lowercase(), list.len());
        by_lower.insert(name.clone(), list.len());
        list.push(Action {
            name: name.clone(),
            lower: name.to_ascii_lowercase(),
            access: data_file::string(action, "access"),
            resource_mask: mask,
            keys: exact,
            key_prefixes,
        });
    }
    Service {
        prefix,
        actions: list,
        by_lower,
        resource_types: types,
        keys,
    }
}

fn load() -> IamData {
    // The data files are part of the build: a parse failure is a build defect
    // that every test catches, never a user input problem.
    let s3 = data_file::parse(S3_ACTIONS, "data/s3-actions.json");
    let iam = data_file::parse(IAM_POLICY, "data/iam-policy.json");
    let s3_service = build_service("s3", &s3);
    let kms_service = build_service("kms", section(&iam, "kms"));
    let mut api_operations = FxMap::default();
    let mut api_operation_list = Vec::new();
    for (op, targets) in data_file::object(&s3, "api_operations") {
        if let Some(list) = targets.as_array() {
            let names = list
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect();
            let entry = (op.clone(), names);
            insert_indexed(
                &mut api_operations,
                &mut api_operation_list,
                op.to_ascii_lowercase(),
                entry,
            );
        }
    }
    let mut operators = FxMap::default();
    let mut operator_list = Vec::new();
    for (name, ty) in data_file::string_map(&iam, "condition_operators") {
        let lower = name.to_ascii_lowercase();
        let operator = Operator {
            name,
            value_type: ty,
        };
        insert_indexed(&mut operators, &mut operator_list, lower, operator);
    }
    let mut global_keys = KeyTable::default();
    for (k, t) in data_file::string_map(&iam, "global_condition_keys") {
        global_keys.insert(&k, &t);
    }
    let service_list = data_file::strings(&iam, "services");
    let services: FxSet<String> = service_list
        .iter()
        .map(|s| s.to_ascii_lowercase())
        .collect();
    let snapshot = section(&s3, "snapshot");
    let versions = section(&iam, "versions");
    let quotas = section(&iam, "quotas");
    IamData {
        s3: s3_service,
        kms: kms_service,
        api_operations,
        api_operation_list,
        snapshot_bucket_actions: data_file::strings(snapshot, "bucket_actions"),
        snapshot_object_actions: data_file::strings(snapshot, "object_actions"),
        snapshot_kms_actions: data_file::strings(snapshot, "kms_actions"),
        risky_s3_actions: data_file::strings(snapshot, "risky_actions"),
        current_version: data_file::string(versions, "current"),
        old_versions: data_file::strings(versions, "old"),
        top_level_keys: data_file::strings(&iam, "top_level_keys"),
        statement_keys: data_file::strings(&iam, "statement_keys"),
        principal_keys: data_file::strings(&iam, "principal_keys"),
        partitions: data_file::strings(&iam, "partitions"),
        inline_user_policy_quota: data_file::usize_at(quotas, "inline_user_policy"),
        managed_policy_quota: data_file::usize_at(quotas, "managed_policy"),
        bucket_policy_quota: data_file::usize_at(quotas, "bucket_policy"),
        operators,
        operator_list,
        global_keys,
        services,
        service_list,
    }
}

/// What the policy generator needs: the S3 tables for the snapshot actions
/// only (trimmed by build.rs), so the page's first load does not carry the
/// checker's full tables.
#[derive(Debug)]
pub struct SnapshotData {
    pub bucket_actions: Vec<String>,
    /// The bucket actions that take the `s3:prefix` condition key.
    pub prefix_bucket_actions: Vec<String>,
    pub object_actions: Vec<String>,
    pub kms_actions: Vec<String>,
    pub current_version: String,
}

const SNAPSHOT_S3: &str = include_str!(concat!(env!("OUT_DIR"), "/snapshot-s3.json"));

/// The generator's data (build.rs derives it from the full tables), parsed on first use.
pub fn snapshot() -> &'static SnapshotData {
    static DATA: OnceLock<SnapshotData> = OnceLock::new();
    DATA.get_or_init(|| {
        let raw = data_file::parse(SNAPSHOT_S3, "snapshot-s3.json");
        SnapshotData {
            bucket_actions: data_file::strings(&raw, "bucket_actions"),
            prefix_bucket_actions: data_file::strings(&raw, "prefix_bucket_actions"),
            object_actions: data_file::strings(&raw, "object_actions"),
            kms_actions: data_file::strings(&raw, "kms_actions"),
            current_version: data_file::string(&raw, "current_version"),
        }
    })
}

/// The IAM data, parsed on first use.
pub fn iam() -> &'static IamData {
    static DATA: OnceLock<IamData> = OnceLock::new();
    DATA.get_or_init(load)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generator_data_agrees_with_the_full_tables() {
        let (small, full) = (snapshot(), iam());
        assert_eq!(small.bucket_actions, full.snapshot_bucket_actions);
        assert_eq!(small.object_actions, full.snapshot_object_actions);
        assert_eq!(small.kms_actions, full.snapshot_kms_actions);
        assert_eq!(small.current_version, full.current_version);
        let prefix = "s3:prefix";
        let takes_prefix: Vec<&String> = full
            .snapshot_bucket_actions
            .iter()
            .filter(|a| {
                let i = full.s3.action(a).expect("a snapshot action");
                full.s3.actions[i].supports_key(prefix)
            })
            .collect();
        assert_eq!(
            small.prefix_bucket_actions.iter().collect::<Vec<_>>(),
            takes_prefix
        );
        assert_eq!(takes_prefix, ["ListBucket", "ListBucketVersions"]);
    }

    #[test]
    fn data_loads_and_indexes_the_snapshot_actions() {
        let d = iam();
        assert!(d.s3.actions.len() > 100);
        let list = d.s3.action("listbucket").map(|i| &d.s3.actions[i]).unwrap();
        assert_eq!(list.name, "ListBucket");
        assert!(list.supports_key("s3:prefix"));
        assert!(list.supports_key("s3:signatureage"));
        let loc = &d.s3.actions[d.s3.action("GetBucketLocation").unwrap()];
        assert!(!loc.supports_key("s3:prefix"));
        let bucket = d.s3.resource_type("bucket").unwrap();
        let object = d.s3.resource_type("object").unwrap();
        assert_eq!(list.resource_mask, 1 << bucket);
        let get = &d.s3.actions[d.s3.action("GetObject").unwrap()];
        assert_eq!(get.resource_mask, 1 << object);
        assert!(d.s3.resource_types[object].nested);
        assert!(!d.s3.resource_types[bucket].has_region);
        for a in d
            .snapshot_bucket_actions
            .iter()
            .chain(&d.snapshot_object_actions)
        {
            assert!(d.s3.action(a).is_some(), "{a}");
        }
        for a in &d.snapshot_kms_actions {
            assert!(d.kms.action(a).is_some(), "{a}");
        }
        assert!(d.is_service("kms") && d.is_service("iam") && !d.is_service("s4"));
        assert_eq!(d.operator("stringlike").unwrap().name, "StringLike");
        assert!(d.global_keys.get("aws:resourcetag/team").is_some());
        assert!(d.s3.keys.get("s3:prefix").is_some());
        let decrypt = &d.kms.actions[d.kms.action("Decrypt").unwrap()];
        assert!(decrypt.supports_key("kms:viaservice"));
        assert!(decrypt.supports_key("kms:recipientattestation:pcr7"));
        assert!(decrypt.supports_key("kms:encryptioncontext:bucket"));
        assert!(d.kms.keys.get("kms:recipientattestation:pcr12").is_some());
        assert_eq!(
            d.api_operation("listobjectsv2").unwrap().1,
            vec!["ListBucket"]
        );
    }
}
