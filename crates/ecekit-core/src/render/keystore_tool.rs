//! The `bin/elasticsearch-keystore` commands of a keystore change, for a
//! self-managed cluster (which has no HTTP API for its keystore). Values are
//! never written on the command line: text values are read from stdin (the
//! tool prompts, or takes a pipe), file values from a file the user names.

use crate::keystore::{SecretChange, SecretValue};
use std::fmt::Write;

/// A word for bash (control characters escaped); a NUL (which no command
/// line can carry) is dropped.
fn quote(text: &str) -> String {
    let clean: String = text.chars().filter(|c| *c != '\0').collect();
    super::bash::fixed(&clean).unwrap_or_default()
}

/// One command per change, to run on every node (then reload or restart).
pub fn elasticsearch_keystore_commands(changes: &[SecretChange]) -> String {
    let mut out = String::from(
        "# Run on every node of the cluster, as the user that runs Elasticsearch,\n# from the Elasticsearch home directory. Values are read from stdin or a file,\n# never from the command line (which other users can see in `ps`).\n",
    );
    for change in changes {
        let name = quote(change.name());
        match change {
            SecretChange::Remove(_) => {
                let _ = writeln!(out, "bin/elasticsearch-keystore remove {name}");
            }
            SecretChange::Set(secret) if secret.as_file => {
                let file = match secret.value {
                    SecretValue::Json(_) => "credentials.json",
                    SecretValue::Text(_) => "value-file",
                };
                let _ = writeln!(
                    out,
                    "bin/elasticsearch-keystore add-file --force {name} {}",
                    quote(&format!("/path/to/{file}"))
                );
            }
            SecretChange::Set(_) => {
                let _ = writeln!(
                    out,
                    "bin/elasticsearch-keystore add --force --stdin {name}   # type or paste the value, then Ctrl-D"
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keystore::Secret;

    #[test]
    fn commands_never_carry_values() {
        let changes = [
            SecretChange::Set(Secret::new(
                "s3.client.default.secret_key",
                SecretValue::Text("sup3r$ecret".into()),
            )),
            SecretChange::Set(Secret::new(
                "gcs.client.default.credentials_file",
                SecretValue::Json(serde_json::json!({"type": "service_account"})),
            )),
            SecretChange::Remove("s3.client.old.access_key".into()),
        ];
        let text = elasticsearch_keystore_commands(&changes);
        assert!(
            !text.contains("sup3r") && !text.contains("service_account"),
            "{text}"
        );
        assert!(text.contains("add --force --stdin s3.client.default.secret_key"));
        assert!(text.contains(
            "add-file --force gcs.client.default.credentials_file /path/to/credentials.json"
        ));
        assert!(text.contains("remove s3.client.old.access_key"));
    }
}
