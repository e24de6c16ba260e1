//! Secure settings: one keystore entry, the settings each repository client
//! reads, and which names Elasticsearch knows (a node's reload names an
//! unknown one, elastic/elasticsearch#103176).

use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

/// One keystore entry. Its `Debug` never shows the value.
#[derive(Clone, PartialEq)]
pub struct Secret {
    /// A string, or a JSON object stored as a JSON string.
    pub value: Value,
    pub as_file: bool,
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Secret")
            .field("value", &"<redacted>")
            .field("as_file", &self.as_file)
            .finish()
    }
}

impl Secret {
    pub fn string(value: &str) -> Secret {
        Secret {
            value: Value::String(value.into()),
            as_file: false,
        }
    }

    /// The bytes the keystore would hold: the string itself, or the object as JSON.
    pub fn stored_bytes(&self) -> Vec<u8> {
        match &self.value {
            Value::String(s) => s.as_bytes().to_vec(),
            other => other.to_string().into_bytes(),
        }
    }
}

/// Setting name -> entry.
pub type Keystore = BTreeMap<String, Secret>;

/// The secure settings of each repository client, after
/// `<type>.client.<client>.` (the S3, GCS and Azure plugin docs; all reloadable).
const CLIENT_SETTINGS: &[(&str, &[&str])] = &[
    (
        "s3",
        &[
            "access_key",
            "secret_key",
            "session_token",
            "proxy.username",
            "proxy.password",
        ],
    ),
    ("gcs", &["credentials_file"]),
    ("azure", &["account", "key", "sas_token"]),
];

/// The keystore settings a repository's client reads, as alternatives: every
/// group must have at least one key present.
pub fn credential_groups(typ: &str, client: &str) -> Vec<Vec<String>> {
    let k = |s: &str| format!("{typ}.client.{client}.{s}");
    match typ {
        "s3" => vec![vec![k("access_key")], vec![k("secret_key")]],
        "gcs" => vec![vec![k("credentials_file")]],
        "azure" => vec![vec![k("account")], vec![k("key"), k("sas_token")]],
        _ => vec![],
    }
}

/// The groups of `groups` with no key in `store`, each as `a or b`.
pub fn missing_groups(groups: &[Vec<String>], store: &Keystore) -> Vec<String> {
    groups
        .iter()
        .filter(|g| !g.iter().any(|k| store.contains_key(k)))
        .map(|g| g.join(" or "))
        .collect()
}

/// Whether a node would call this name an unknown secure setting. Only the
/// repository plugins' namespaces are judged (`s3.`, `gcs.`, `azure.`):
/// other secure settings (`xpack.notification...`) are beyond the simulator
/// and pass.
pub fn is_unknown(name: &str) -> bool {
    let Some((typ, rest)) = name.split_once('.') else {
        return false;
    };
    let Some((_, settings)) = CLIENT_SETTINGS.iter().find(|(t, _)| *t == typ) else {
        return false;
    };
    let Some(after_client) = rest.strip_prefix("client.") else {
        return true;
    };
    match after_client.split_once('.') {
        Some((client, setting)) if !client.is_empty() => !settings.contains(&setting),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_debug_hides_the_value() {
        assert!(!format!("{:?}", Secret::string("hunter2")).contains("hunter2"));
    }

    #[test]
    fn knows_the_repository_client_settings() {
        assert!(!is_unknown("s3.client.default.access_key"));
        assert!(!is_unknown("s3.client.backup.proxy.password"));
        assert!(!is_unknown("gcs.client.default.credentials_file"));
        assert!(!is_unknown("azure.client.x.sas_token"));
        assert!(!is_unknown("xpack.notification.slack.account.a.secure_url"));
        assert!(is_unknown("s3.client.default.acess_key"));
        assert!(is_unknown("s3.access_key"));
        assert!(is_unknown("gcs.client.default.credentials"));
    }
}
