//! Name and ARN format rules: S3 bucket names, base paths, KMS key ARNs,
//! principals, IAM user names, GCS buckets and GCP ids, Azure containers
//! and storage accounts. Each `*_problem` function returns `None` when the
//! value is fine, else one sentence saying what is wrong.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The AWS partition the ARNs are written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Partition {
    #[default]
    Aws,
    AwsCn,
    AwsUsGov,
}

impl Partition {
    pub const ALL: [Partition; 3] = [Partition::Aws, Partition::AwsCn, Partition::AwsUsGov];

    pub fn as_str(self) -> &'static str {
        match self {
            Partition::Aws => "aws",
            Partition::AwsCn => "aws-cn",
            Partition::AwsUsGov => "aws-us-gov",
        }
    }

    pub fn parse(s: &str) -> Option<Partition> {
        Partition::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// Whether `region` (e.g. `cn-north-1`) belongs to this partition.
    pub fn has_region(self, region: &str) -> bool {
        match self {
            Partition::Aws => !region.starts_with("cn-") && !region.starts_with("us-gov-"),
            Partition::AwsCn => region.starts_with("cn-"),
            Partition::AwsUsGov => region.starts_with("us-gov-"),
        }
    }
}

impl fmt::Display for Partition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

fn is_lower_alnum(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

/// `192.168.5.4`-shaped: four groups of 1 to 3 digits.
fn looks_like_ipv4(name: &str) -> bool {
    if !name.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return false;
    }
    let groups: Vec<&str> = name.split('.').collect();
    groups.len() == 4
        && groups
            .iter()
            .all(|g| !g.is_empty() && g.len() <= 3 && g.bytes().all(|b| b.is_ascii_digit()))
}

const S3_FORBIDDEN_PREFIXES: [&str; 3] = ["xn--", "sthree-", "amzn-s3-demo-"];
const S3_FORBIDDEN_SUFFIXES: [&str; 5] = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];

/// S3 general-purpose bucket naming rules (docs.aws.amazon.com, bucketnamingrules).
pub fn s3_bucket_name_problem(name: &str) -> Option<String> {
    let bytes = name.as_bytes();
    let lower_alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    // Fast path for the common, valid name: one pass over the bytes.
    let plain = (3..=63).contains(&bytes.len())
        && bytes
            .iter()
            .all(|b| lower_alnum(*b) || *b == b'.' || *b == b'-')
        && lower_alnum(bytes[0])
        && lower_alnum(bytes[bytes.len() - 1])
        && !bytes.windows(2).any(|w| w == b"..");
    if plain
        && !looks_like_ipv4(name)
        && !S3_FORBIDDEN_PREFIXES.iter().any(|p| name.starts_with(p))
        && !S3_FORBIDDEN_SUFFIXES.iter().any(|s| name.ends_with(s))
    {
        return None;
    }
    let len = name.chars().count();
    if !(3..=63).contains(&len) {
        return Some(format!(
            "an S3 bucket name has 3 to 63 characters; \"{name}\" has {len}"
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(is_lower_alnum(*c) || *c == '.' || *c == '-'))
    {
        let what = if c.is_ascii_uppercase() {
            "uppercase letters".to_string()
        } else {
            format!("'{}'", c.escape_default())
        };
        return Some(format!(
            "an S3 bucket name holds only lowercase letters, digits, '.' and '-'; \"{name}\" has {what}"
        ));
    }
    let first = name.chars().next().unwrap_or('-');
    let last = name.chars().last().unwrap_or('-');
    if !is_lower_alnum(first) || !is_lower_alnum(last) {
        return Some(format!(
            "an S3 bucket name starts and ends with a letter or digit; \"{name}\" does not"
        ));
    }
    if name.contains("..") {
        return Some(format!(
            "an S3 bucket name has no two adjacent periods; \"{name}\" has \"..\""
        ));
    }
    if looks_like_ipv4(name) {
        return Some(format!(
            "an S3 bucket name must not look like an IP address; \"{name}\" does"
        ));
    }
    if let Some(p) = S3_FORBIDDEN_PREFIXES.iter().find(|p| name.starts_with(*p)) {
        return Some(format!("S3 reserves bucket names starting with \"{p}\""));
    }
    if let Some(s) = S3_FORBIDDEN_SUFFIXES.iter().find(|s| name.ends_with(*s)) {
        return Some(format!("S3 reserves bucket names ending with \"{s}\""));
    }
    None
}

const PLACEHOLDER_BUCKETS: [&str; 14] = [
    "bucket",
    "bucket-name",
    "bucketname",
    "my-bucket",
    "mybucket",
    "my-bucket-name",
    "your-bucket",
    "your-bucket-name",
    "your-s3-bucket-name",
    "example-bucket",
    "examplebucket",
    "amzn-s3-demo-bucket",
    "s3-bucket-name",
    "bucket-name-here",
];

/// Names copied from documentation that nobody owns (`bucket-name`,
/// `YOUR_S3_BUCKET_NAME`, `<bucket>`).
pub fn is_placeholder_bucket(name: &str) -> bool {
    // Case-insensitive, with '_' read as '-'; no allocation.
    let same = |a: &str, b: &str| {
        a.len() == b.len()
            && a.bytes().zip(b.bytes()).all(|(x, y)| {
                let x = if x == b'_' {
                    b'-'
                } else {
                    x.to_ascii_lowercase()
                };
                x == y
            })
    };
    PLACEHOLDER_BUCKETS.iter().any(|p| same(name, p))
        || name.get(..5).is_some_and(|h| same(h, "your-"))
        || name.bytes().any(|b| b == b'<' || b == b'>')
        || name.contains("{{")
}

/// Normalizes a snapshot base path (`prod/cluster-1`): trailing `/` are
/// dropped, an empty path is `None`. Rejects what would not be one plain key
/// prefix in a policy: a leading `/` (Elasticsearch strips it with a
/// deprecation warning), empty, `.` or `..` segments, IAM wildcards `*` `?`,
/// policy variables `${`, and characters outside printable ASCII.
pub fn normalize_base_path(path: &str) -> Result<Option<String>, String> {
    if path.starts_with('/') {
        return Err(format!(
            "a base path has no leading '/': write \"{}\" (Elasticsearch strips it with a deprecation warning, and the policy prefix would not match)",
            path.trim_start_matches('/').trim_end_matches('/')
        ));
    }
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return Ok(None);
    }
    if trimmed.len() > 512 {
        return Err("a base path of more than 512 characters leaves no room for the snapshot files under it (S3 keys hold 1,024 bytes)".into());
    }
    if let Some(c) = trimmed
        .chars()
        .find(|c| !c.is_ascii() || c.is_ascii_control() || *c == '\\')
    {
        return Err(format!(
            "a base path holds printable ASCII characters only; '{}' is not one",
            c.escape_default()
        ));
    }
    if trimmed.contains('*') || trimmed.contains('?') {
        return Err("a base path must not contain '*' or '?': in a policy they are wildcards, so the grant would cover other paths".into());
    }
    if trimmed.contains("${") {
        return Err(
            "a base path must not contain \"${\": IAM reads it as a policy variable".into(),
        );
    }
    if trimmed.contains('"') {
        return Err("a base path must not contain '\"'".into());
    }
    for segment in trimmed.split('/') {
        if segment.is_empty() {
            return Err(format!(
                "\"{trimmed}\" has an empty segment (\"//\"): Elasticsearch and the policy would disagree on the prefix"
            ));
        }
        if segment == "." || segment == ".." {
            return Err(format!(
                "\"{trimmed}\" has a \"{segment}\" segment; use plain names"
            ));
        }
    }
    Ok(Some(trimmed.to_string()))
}

/// `us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-north-1`
/// (parliament's `^([a-z]{2}|us-gov)-[a-z]+-[0-9]$`, digits widened to `[0-9]+`).
pub fn is_region(s: &str) -> bool {
    let rest = if let Some(r) = s.strip_prefix("us-gov-") {
        r
    } else {
        let b = s.as_bytes();
        if b.len() < 3 || !b[0].is_ascii_lowercase() || !b[1].is_ascii_lowercase() || b[2] != b'-' {
            return false;
        }
        &s[3..]
    };
    match rest.rsplit_once('-') {
        Some((area, n)) => {
            !area.is_empty()
                && area.bytes().all(|b| b.is_ascii_lowercase())
                && !n.is_empty()
                && n.bytes().all(|b| b.is_ascii_digit())
        }
        None => false,
    }
}

/// A 12-digit AWS account id.
pub fn is_account(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

fn is_hex_lower(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A KMS key id: a UUID (`1234abcd-12ab-34cd-56ef-1234567890ab`) or a
/// multi-Region key id (`mrk-` and 32 hex digits).
pub fn is_kms_key_id(id: &str) -> bool {
    if let Some(hex) = id.strip_prefix("mrk-") {
        return hex.len() == 32 && is_hex_lower(hex);
    }
    let mut groups = 0;
    for (g, n) in id.split('-').zip([8, 4, 4, 4, 12]) {
        if g.len() != n || !is_hex_lower(g) {
            return false;
        }
        groups += 1;
    }
    groups == 5 && id.len() == 36
}

/// `arn:PARTITION:kms:REGION:ACCOUNT:key/KEY-ID` in `partition`.
pub fn kms_key_arn_problem(arn: &str, partition: Partition) -> Option<String> {
    let example = format!(
        "arn:{partition}:kms:{}:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        match partition {
            Partition::Aws => "eu-west-1",
            Partition::AwsCn => "cn-north-1",
            Partition::AwsUsGov => "us-gov-west-1",
        }
    );
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    if parts.len() != 6 || parts[0] != "arn" || parts[2] != "kms" {
        return Some(format!(
            "a KMS key ARN has the form {example}; \"{arn}\" does not"
        ));
    }
    if parts[1] != partition.as_str() {
        return Some(format!(
            "the key ARN is in partition \"{}\" but the policy is for \"{partition}\"",
            parts[1]
        ));
    }
    if !is_region(parts[3]) {
        return Some(format!(
            "\"{}\" is not an AWS Region such as eu-west-1 (a KMS key ARN names the key's Region)",
            parts[3]
        ));
    }
    if !partition.has_region(parts[3]) {
        return Some(format!(
            "Region \"{}\" is not in partition \"{partition}\"",
            parts[3]
        ));
    }
    if !is_account(parts[4]) {
        return Some(format!("\"{}\" is not a 12-digit AWS account id", parts[4]));
    }
    if parts[5].starts_with("alias/") {
        return Some("an alias ARN does not authorize use of the key in an IAM policy: give the key ARN (key/…), which `aws kms describe-key --key-id alias/NAME` prints".into());
    }
    match parts[5].strip_prefix("key/") {
        Some(id) if is_kms_key_id(id) => None,
        Some(id) => Some(format!(
            "\"{id}\" is not a KMS key id (a UUID such as 1234abcd-12ab-34cd-56ef-1234567890ab, or mrk- and 32 hex digits)"
        )),
        None => Some(format!(
            "a KMS key ARN ends with key/KEY-ID, as in {example}"
        )),
    }
}

/// IAM user and role names: 1 to 64 of `A-Za-z0-9+=,.@_-`.
pub fn iam_name_problem(name: &str, what: &str, max: usize) -> Option<String> {
    if name.is_empty() || name.len() > max {
        return Some(format!("an IAM {what} has 1 to {max} characters"));
    }
    name.chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "+=,.@_-".contains(*c)))
        .map(|c| {
            format!(
                "an IAM {what} holds letters, digits and +=,.@_- only; '{}' is not allowed",
                c.escape_default()
            )
        })
}

/// The path of an IAM user or role in a principal ARN (`user/ops/es`): the
/// name rules plus `/` separators.
fn iam_path_ok(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 512
        && s.split('/')
            .all(|seg| !seg.is_empty() && iam_name_problem(seg, "name", 128).is_none())
}

/// A principal for `{"AWS": ...}` in a bucket policy: an account id, or an
/// IAM user, role or account-root ARN, or an STS assumed-role ARN, in `partition`.
pub fn principal_problem(principal: &str, partition: Partition) -> Option<String> {
    if is_account(principal) {
        return None;
    }
    let example = format!("arn:{partition}:iam::111122223333:user/es-snapshots");
    let parts: Vec<&str> = principal.splitn(6, ':').collect();
    if parts.len() != 6 || parts[0] != "arn" {
        return Some(format!(
            "a principal is a 12-digit account id or an ARN such as {example}; \"{principal}\" is neither"
        ));
    }
    if parts[1] != partition.as_str() {
        return Some(format!(
            "the principal is in partition \"{}\" but the policy is for \"{partition}\"",
            parts[1]
        ));
    }
    if !parts[3].is_empty() {
        return Some(
            "IAM and STS principal ARNs have no Region: arn:PARTITION:iam::ACCOUNT:...".into(),
        );
    }
    if !is_account(parts[4]) {
        return Some(format!("\"{}\" is not a 12-digit AWS account id", parts[4]));
    }
    let resource = parts[5];
    let ok = match parts[2] {
        "iam" => {
            resource == "root"
                || resource
                    .strip_prefix("user/")
                    .or_else(|| resource.strip_prefix("role/"))
                    .is_some_and(iam_path_ok)
        }
        "sts" => resource.strip_prefix("assumed-role/").is_some_and(|r| {
            r.split_once('/')
                .is_some_and(|(role, session)| iam_path_ok(role) && !session.is_empty())
        }),
        _ => false,
    };
    if ok {
        None
    } else {
        Some(format!(
            "\"{principal}\" is not a user, role or account principal (arn:{partition}:iam::ACCOUNT:user/NAME, role/NAME or root)"
        ))
    }
}

/// The keystore client name (`default`, `secondary`): `[-\w]+`.
pub fn client_name_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("the client name is empty".into());
    }
    name.chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'))
        .map(|c| {
            format!(
                "a client name holds letters, digits, '_' and '-' only; '{}' is not allowed",
                c.escape_default()
            )
        })
}

/// Google Cloud Storage bucket names (cloud.google.com/storage/docs/buckets#naming).
pub fn gcs_bucket_name_problem(name: &str) -> Option<String> {
    let len = name.len();
    if let Some(c) = name
        .chars()
        .find(|c| !(is_lower_alnum(*c) || "-_.".contains(*c)))
    {
        return Some(format!(
            "a GCS bucket name holds lowercase letters, digits, '-', '_' and '.' only; '{}' is not allowed",
            c.escape_default()
        ));
    }
    if name.contains('.') {
        if len > 222 || name.split('.').any(|p| p.is_empty() || p.len() > 63) {
            return Some("a GCS bucket name with dots has at most 222 characters, in dot-separated parts of 1 to 63".into());
        }
    } else if !(3..=63).contains(&len) {
        return Some(format!(
            "a GCS bucket name has 3 to 63 characters; \"{name}\" has {len}"
        ));
    }
    let first = name.chars().next().unwrap_or('-');
    let last = name.chars().last().unwrap_or('-');
    if !is_lower_alnum(first) || !is_lower_alnum(last) {
        return Some("a GCS bucket name starts and ends with a letter or digit".into());
    }
    if looks_like_ipv4(name) {
        return Some("a GCS bucket name must not be an IP address".into());
    }
    if name.starts_with("goog") || name.contains("google") || name.contains("g00gle") {
        return Some(
            "GCS reserves bucket names that start with \"goog\" or contain \"google\"".into(),
        );
    }
    None
}

/// A GCP project id: 6 to 30 lowercase letters, digits and hyphens, starting
/// with a letter, not ending with a hyphen.
pub fn gcp_project_id_problem(id: &str) -> Option<String> {
    gcp_id_problem(id, "project id", 6, 30)
}

/// A service account id (the part before `@`): 6 to 30 characters, same alphabet.
pub fn gcp_service_account_problem(id: &str) -> Option<String> {
    gcp_id_problem(id, "service account id", 6, 30)
}

fn gcp_id_problem(id: &str, what: &str, min: usize, max: usize) -> Option<String> {
    let ok = (min..=max).contains(&id.len())
        && id.starts_with(|c: char| c.is_ascii_lowercase())
        && !id.ends_with('-')
        && id.chars().all(|c| is_lower_alnum(c) || c == '-');
    if ok {
        None
    } else {
        Some(format!(
            "a GCP {what} has {min} to {max} lowercase letters, digits and hyphens, starts with a letter and does not end with a hyphen; \"{id}\" does not"
        ))
    }
}

/// Azure blob container names: 3 to 63 lowercase letters, digits and
/// hyphens, starting and ending with a letter or digit, no `--`.
pub fn azure_container_name_problem(name: &str) -> Option<String> {
    let ok = (3..=63).contains(&name.len())
        && name.chars().all(|c| is_lower_alnum(c) || c == '-')
        && name.starts_with(is_lower_alnum)
        && name.ends_with(is_lower_alnum)
        && !name.contains("--");
    if ok {
        None
    } else {
        Some(format!(
            "an Azure container name has 3 to 63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit; \"{name}\" does not"
        ))
    }
}

/// Azure storage account names: 3 to 24 lowercase letters and digits.
pub fn azure_account_name_problem(name: &str) -> Option<String> {
    if (3..=24).contains(&name.len()) && name.chars().all(is_lower_alnum) {
        None
    } else {
        Some(format!(
            "an Azure storage account name has 3 to 24 lowercase letters and digits; \"{name}\" does not"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s3_bucket_names() {
        for ok in ["snaps.example.com", "abc", "my-bucket-1", &"a".repeat(63)] {
            assert_eq!(s3_bucket_name_problem(ok), None, "{ok}");
        }
        for bad in [
            "ab",
            &"a".repeat(64),
            "My-Bucket",
            "my_bucket",
            "-abc",
            "abc-",
            "a..b",
            "192.168.5.4",
            "xn--abc",
            "sthree-abc",
            "amzn-s3-demo-x",
            "abc-s3alias",
            "abc--ol-s3",
            "abc.mrap",
            "abc--x-s3",
            "abc--table-s3",
        ] {
            assert!(s3_bucket_name_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn base_paths() {
        assert_eq!(normalize_base_path(""), Ok(None));
        assert_eq!(normalize_base_path("a/b/"), Ok(Some("a/b".into())));
        for bad in [
            "/a", "a//b", "a/*", "a/?", "${x}", "a/./b", "a/../b", "é", "a\"b",
        ] {
            assert!(normalize_base_path(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn regions_accounts_and_key_arns() {
        for r in [
            "us-east-1",
            "eu-central-2",
            "us-gov-west-1",
            "cn-north-1",
            "ap-southeast-5",
        ] {
            assert!(is_region(r), "{r}");
        }
        for r in ["us-west", "useast-1", "", "us-east-", "US-EAST-1"] {
            assert!(!is_region(r), "{r}");
        }
        let good = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        assert_eq!(kms_key_arn_problem(good, Partition::Aws), None);
        let mrk = "arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab";
        assert_eq!(kms_key_arn_problem(mrk, Partition::AwsUsGov), None);
        assert!(kms_key_arn_problem(good, Partition::AwsCn).is_some());
        assert!(kms_key_arn_problem(
            "arn:aws:kms:eu-west-1:111122223333:alias/snaps",
            Partition::Aws
        )
        .unwrap()
        .contains("alias"));
        assert!(kms_key_arn_problem("arn:aws:kms:eu-west-1:1111:key/x", Partition::Aws).is_some());
        assert!(kms_key_arn_problem(
            "arn:aws:kms:cn-north-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            Partition::Aws
        )
        .is_some());
        assert!(
            kms_key_arn_problem("1234abcd-12ab-34cd-56ef-1234567890ab", Partition::Aws).is_some()
        );
    }

    #[test]
    fn principals() {
        for ok in [
            "111122223333",
            "arn:aws:iam::111122223333:root",
            "arn:aws:iam::111122223333:user/es-snapshots",
            "arn:aws:iam::111122223333:role/ops/es",
            "arn:aws:sts::111122223333:assumed-role/es/session",
        ] {
            assert_eq!(principal_problem(ok, Partition::Aws), None, "{ok}");
        }
        for bad in [
            "es-snapshots",
            "arn:aws:iam::111122223333:group/ops",
            "arn:aws:iam:us-east-1:111122223333:user/x",
            "arn:aws-cn:iam::111122223333:user/x",
            "arn:aws:iam::1111:user/x",
            "arn:aws:iam::111122223333:user/",
        ] {
            assert!(principal_problem(bad, Partition::Aws).is_some(), "{bad}");
        }
    }

    #[test]
    fn other_providers_names() {
        assert_eq!(gcs_bucket_name_problem("my_snaps.example"), None);
        assert!(gcs_bucket_name_problem("goog-snaps").is_some());
        assert!(gcs_bucket_name_problem("Snaps").is_some());
        assert_eq!(gcp_project_id_problem("my-project-1"), None);
        assert!(gcp_project_id_problem("1project").is_some());
        assert_eq!(azure_container_name_problem("es-snapshots"), None);
        assert!(azure_container_name_problem("BACKUP-CONTAINER").is_some());
        assert!(azure_container_name_problem("a--b").is_some());
        assert_eq!(azure_account_name_problem("snapstore01"), None);
        assert!(azure_account_name_problem("snap-store").is_some());
        assert!(is_placeholder_bucket("bucket-name"));
        assert!(is_placeholder_bucket("YOUR_S3_BUCKET_NAME"));
        assert!(!is_placeholder_bucket("snaps.example.com"));
    }
}
