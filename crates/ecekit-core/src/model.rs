//! Small shared vocabulary of the engine.

use serde::{Deserialize, Serialize};

/// Where the Elasticsearch deployment runs. It decides which API paths exist
/// (ECE has the proxy and platform repositories, Elastic Cloud has neither)
/// and some rules (ECE sets `base_path` itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Platform {
    /// Elastic Cloud Enterprise, through the coordinator (port 12443).
    #[default]
    Ece,
    /// Elastic Cloud (ESS / ECH), `https://api.elastic-cloud.com`.
    Ess,
    /// A self-managed cluster, or any plain Elasticsearch endpoint.
    SelfManaged,
}

impl Platform {
    pub const ALL: [Platform; 3] = [Platform::Ece, Platform::Ess, Platform::SelfManaged];

    /// The name serde writes (`ece`, `ess`, `self-managed`).
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Ece => "ece",
            Platform::Ess => "ess",
            Platform::SelfManaged => "self-managed",
        }
    }

    pub fn parse(s: &str) -> Option<Platform> {
        Platform::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

/// The storage service behind a snapshot repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    S3,
    Gcs,
    Azure,
}

impl Provider {
    /// The repository `type` and keystore namespace (`s3.client.…`).
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::S3 => "s3",
            Provider::Gcs => "gcs",
            Provider::Azure => "azure",
        }
    }

    pub fn parse(s: &str) -> Option<Provider> {
        match s {
            "s3" => Some(Provider::S3),
            "gcs" => Some(Provider::Gcs),
            "azure" => Some(Provider::Azure),
            _ => None,
        }
    }
}

/// The kinds of document ecekit validates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DocumentKind {
    Keystore,
    Policy,
    Repository,
    Curl,
}

impl DocumentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Keystore => "keystore",
            DocumentKind::Policy => "policy",
            DocumentKind::Repository => "repository",
            DocumentKind::Curl => "curl",
        }
    }

    pub fn parse(s: &str) -> Option<DocumentKind> {
        match s {
            "keystore" => Some(DocumentKind::Keystore),
            "policy" => Some(DocumentKind::Policy),
            "repository" => Some(DocumentKind::Repository),
            "curl" => Some(DocumentKind::Curl),
            _ => None,
        }
    }
}

/// Context a validator may use. Everything is optional: a pasted document
/// is checked on its own when nothing else is known.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValidateOptions {
    /// Where the document will be sent, when known (e.g. from a curl URL).
    pub platform: Option<Platform>,
    /// The repository name, when known (e.g. from `PUT _snapshot/<name>`).
    pub repository_name: Option<String>,
    /// True for an ECE platform-level repository
    /// (`/platform/configuration/snapshots/repositories/<name>`).
    pub platform_repository: bool,
}

#[cfg(test)]
mod tests {
    use super::Platform;

    #[test]
    fn platform_names_are_the_serde_names() {
        for platform in Platform::ALL {
            let json = serde_json::to_string(&platform).unwrap();
            assert_eq!(json, format!("\"{}\"", platform.as_str()));
            assert_eq!(Platform::parse(platform.as_str()), Some(platform));
        }
        assert_eq!(Platform::parse("ECE"), None);
    }
}
