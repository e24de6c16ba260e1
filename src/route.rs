//! The areas of the app and their addresses (`#/keystore`, ...).
//!
//! Pure data, tested natively: the components only render it.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Area {
    Guided,
    Keystore,
    Policy,
    Repository,
    Validate,
    Connection,
}

impl Area {
    pub const ALL: [Area; 6] = [
        Area::Guided,
        Area::Keystore,
        Area::Policy,
        Area::Repository,
        Area::Validate,
        Area::Connection,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Area::Guided => "guided",
            Area::Keystore => "keystore",
            Area::Policy => "policy",
            Area::Repository => "repository",
            Area::Validate => "validate",
            Area::Connection => "connection",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Area::Guided => "Guided setup",
            Area::Keystore => "Keystore",
            Area::Policy => "Access policy",
            Area::Repository => "Repository",
            Area::Validate => "Validate",
            Area::Connection => "Connection",
        }
    }

    /// The one line that says what the area does.
    pub fn summary(self) -> &'static str {
        match self {
            Area::Guided => "Connect this deployment to this bucket: policy, keystore, reload, repository and verify, in order.",
            Area::Keystore => "Write the keystore PATCH body that stores the storage client's secrets, remove keys or resync one.",
            Area::Policy => "Build the least-privilege IAM policy (or GCS role, Azure SAS) that opens one bucket and nothing else.",
            Area::Repository => "Write the snapshot repository body for S3, GCS, Azure, fs, url or source, every setting typed.",
            Area::Validate => "Paste a keystore body, a policy, a repository body or a whole curl command: every problem, with where and how to fix it.",
            Area::Connection => "Hold an API key for one coordinator and send the requests from the extension.",
        }
    }

    /// The URL fragment of the area, e.g. `#/keystore`.
    pub fn href(self) -> String {
        format!("#/{}", self.slug())
    }

    /// The area a URL fragment names; the guided setup when it names none.
    /// Anything after the slug (`#/keystore?x=1`, `#/keystore/…`) is ignored here.
    pub fn from_hash(hash: &str) -> Area {
        let path = hash.trim_start_matches('#').trim_start_matches('/');
        let slug = path.split(['/', '?']).next().unwrap_or("");
        Area::ALL
            .into_iter()
            .find(|area| area.slug() == slug)
            .unwrap_or(Area::Guided)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_area_round_trips_through_its_href() {
        for area in Area::ALL {
            assert_eq!(Area::from_hash(&area.href()), area);
        }
    }

    #[test]
    fn unknown_or_empty_hash_opens_the_guided_setup() {
        assert_eq!(Area::from_hash(""), Area::Guided);
        assert_eq!(Area::from_hash("#/nope"), Area::Guided);
        assert_eq!(Area::from_hash("#/validate?kind=curl"), Area::Validate);
    }

    #[test]
    fn slugs_are_unique() {
        let mut slugs: Vec<_> = Area::ALL.iter().map(|a| a.slug()).collect();
        slugs.sort();
        slugs.dedup();
        assert_eq!(slugs.len(), Area::ALL.len());
    }
}
