//! Request building: every operation for every target.

use ecekit_core::api::request::{ece_base_url, elasticsearch_base_url};
use ecekit_core::api::{
    build_request, is_variable, variables_in, Auth, NoteLevel, Operation, RequestSpec, Target,
    KNOWN_VARIABLES,
};

fn ece() -> Target {
    Target::Ece { coordinator: None }
}

fn es() -> Target {
    Target::Elasticsearch { endpoint: None }
}

fn spec(op: Operation, target: Target) -> RequestSpec {
    let mut s = RequestSpec::new(op, target).repository("my-repo");
    if op.needs_body() {
        s = s.body("{\"a\": 1}");
    }
    s
}

#[test]
fn operation_names_round_trip() {
    for op in Operation::ALL {
        assert_eq!(Operation::parse(op.as_str()), Some(op));
        assert!(!op.title().is_empty());
    }
    assert_eq!(
        Operation::parse("keystore-set"),
        Some(Operation::KeystoreSet)
    );
    assert_eq!(Operation::parse("nope"), None);
    assert_eq!(Auth::parse("bearer"), Some(Auth::Bearer));
    assert_eq!(Auth::parse("apikey"), Some(Auth::ApiKey));
}

#[test]
fn ece_keystore_set_is_the_documented_request() {
    let r = build_request(&spec(Operation::KeystoreSet, ece())).unwrap();
    assert_eq!(r.method, "PATCH");
    assert_eq!(
        r.url,
        "https://$COORDINATOR_HOST:12443/api/v1/deployments/$DEPLOYMENT_ID/elasticsearch/$REF_ID/keystore"
    );
    assert_eq!(r.header("Authorization"), Some("ApiKey $ECE_API_KEY"));
    assert_eq!(r.header("Content-Type"), Some("application/json"));
    assert_eq!(r.header("X-Management-Request"), None);
    assert_eq!(r.body.as_deref(), Some("{\"a\": 1}\n"));
    assert_eq!(r.operation_id, Some("set-deployment-es-resource-keystore"));
    assert_eq!(
        r.variables,
        ["COORDINATOR_HOST", "DEPLOYMENT_ID", "REF_ID", "ECE_API_KEY"]
    );
    assert!(r.notes.iter().any(|n| n.code == "reload-needed"));
    assert!(r.notes.iter().any(|n| n.code == "shell-history"));
    assert!(!r.has_error_note());
}

#[test]
fn ece_proxy_requests_carry_the_management_header() {
    for (op, method, tail) in [
        (Operation::RepositoryPut, "PUT", "proxy/_snapshot/my-repo"),
        (
            Operation::RepositoryVerify,
            "POST",
            "proxy/_snapshot/my-repo/_verify",
        ),
        (
            Operation::ReloadSecureSettings,
            "POST",
            "proxy/_nodes/reload_secure_settings",
        ),
    ] {
        let r = build_request(
            &spec(
                op,
                Target::Ece {
                    coordinator: Some("ece.example.com".into()),
                },
            )
            .deployment_id("0123456789abcdef0123456789abcdef")
            .ref_id("main-elasticsearch"),
        )
        .unwrap();
        assert_eq!(r.method, method);
        assert_eq!(
            r.url,
            format!("https://ece.example.com:12443/api/v1/deployments/0123456789abcdef0123456789abcdef/elasticsearch/main-elasticsearch/{tail}")
        );
        assert_eq!(r.header("X-Management-Request"), Some("true"), "{op}");
        assert_eq!(
            r.es_path.as_deref(),
            Some(tail.trim_start_matches("proxy/"))
        );
        assert_eq!(r.variables, ["ECE_API_KEY"]);
        assert!(
            !r.notes.iter().any(|n| n.code == "deployment-id-length"),
            "a 32-character id is fine"
        );
    }
}

#[test]
fn ess_repository_operations_go_to_the_elasticsearch_endpoint_with_an_error_note() {
    for op in [
        Operation::RepositoryPut,
        Operation::RepositoryVerify,
        Operation::ReloadSecureSettings,
    ] {
        let r = build_request(&spec(op, Target::Ess)).unwrap();
        assert!(matches!(r.target, Target::Elasticsearch { .. }));
        assert!(r.url.starts_with("$ELASTICSEARCH_URL/_"), "{}", r.url);
        assert!(!r.url.contains("elastic-cloud.com"));
        assert_eq!(r.header("Authorization"), Some("ApiKey $ELASTIC_API_KEY"));
        assert_eq!(r.header("X-Management-Request"), None);
        let note = r.notes.iter().find(|n| n.code == "ess-no-proxy").unwrap();
        assert_eq!(note.level, NoteLevel::Error);
        assert!(note.text.contains("no API proxy"));
        assert!(r.has_error_note());
    }
}

#[test]
fn ess_api_requests_use_the_cloud_api_key() {
    let r = build_request(&spec(Operation::KeystoreGet, Target::Ess)).unwrap();
    assert_eq!(
        r.url,
        "https://api.elastic-cloud.com/api/v1/deployments/$DEPLOYMENT_ID/elasticsearch/$REF_ID/keystore"
    );
    assert_eq!(r.header("Authorization"), Some("ApiKey $EC_API_KEY"));
    assert!(r.body.is_none());
    assert_eq!(r.header("Content-Type"), None);
}

#[test]
fn elasticsearch_target() {
    let r = build_request(&spec(
        Operation::RepositoryPut,
        Target::Elasticsearch {
            endpoint: Some("https://es.example.com:9243/".into()),
        },
    ))
    .unwrap();
    assert_eq!(r.url, "https://es.example.com:9243/_snapshot/my-repo");
    assert_eq!(r.header("Authorization"), Some("ApiKey $ELASTIC_API_KEY"));
    let r = build_request(&spec(Operation::ReloadSecureSettings, es()).auth(Auth::Bearer)).unwrap();
    assert_eq!(r.url, "$ELASTICSEARCH_URL/_nodes/reload_secure_settings");
    assert_eq!(r.header("Authorization"), Some("Bearer $ELASTIC_TOKEN"));
}

#[test]
fn login_and_bearer() {
    let r = build_request(&spec(Operation::Login, ece())).unwrap();
    assert_eq!(
        r.url,
        "https://$COORDINATOR_HOST:12443/api/v1/users/auth/_login"
    );
    assert_eq!(
        r.header("Authorization"),
        None,
        "login sends no credentials header"
    );
    assert_eq!(r.operation_id, Some("login"));
    let r = build_request(&spec(Operation::KeystoreGet, ece()).auth(Auth::Bearer)).unwrap();
    assert_eq!(r.header("Authorization"), Some("Bearer $ECE_TOKEN"));
}

#[test]
fn platform_repository_and_deployments() {
    let r = build_request(&spec(Operation::PlatformRepositoryPut, ece())).unwrap();
    assert_eq!(r.method, "PUT");
    assert!(r
        .url
        .ends_with("/api/v1/platform/configuration/snapshots/repositories/my-repo"));
    assert_eq!(r.operation_id, Some("set-snapshot-repository"));
    let r = build_request(&spec(Operation::DeploymentsList, ece())).unwrap();
    assert!(r.url.ends_with("/api/v1/deployments"));
    assert_eq!(r.operation_id, Some("list-deployments"));
    let r =
        build_request(&spec(Operation::DeploymentGet, Target::Ess).deployment_id("abc")).unwrap();
    assert_eq!(
        r.url,
        "https://api.elastic-cloud.com/api/v1/deployments/abc"
    );
    assert_eq!(r.operation_id, Some("get-deployment"));
}

#[test]
fn impossible_combinations_say_what_to_use() {
    let cases = [
        (Operation::KeystoreSet, es(), "elasticsearch-keystore"),
        (Operation::KeystoreGet, es(), "--target ece or ess"),
        (Operation::Login, es(), "--target ece"),
        (Operation::Login, Target::Ess, "API keys only"),
        (Operation::PlatformRepositoryPut, Target::Ess, "ECE only"),
        (Operation::PlatformRepositoryPut, es(), "ECE only"),
        (Operation::DeploymentsList, es(), "--target ece or ess"),
        (Operation::DeploymentGet, es(), "--target ece or ess"),
    ];
    for (op, target, phrase) in cases {
        let err = build_request(&spec(op, target.clone())).unwrap_err();
        assert!(
            err.message.contains(phrase),
            "{op} {target:?}: {}",
            err.message
        );
    }
    let err =
        build_request(&spec(Operation::KeystoreGet, Target::Ess).auth(Auth::Bearer)).unwrap_err();
    assert!(err.message.contains("API keys only"));
}

#[test]
fn missing_or_unusable_inputs() {
    let err = build_request(&RequestSpec::new(Operation::KeystoreSet, ece())).unwrap_err();
    assert!(err.message.contains("needs a body"), "{err}");
    let err = build_request(&RequestSpec::new(Operation::Login, ece())).unwrap_err();
    assert!(
        err.message.contains("never taken from the command line"),
        "{err}"
    );
    let err = build_request(&RequestSpec::new(Operation::RepositoryVerify, ece())).unwrap_err();
    assert!(err.message.contains("repository name"), "{err}");
    let err = build_request(&spec(Operation::KeystoreSet, ece()).body("  \n")).unwrap_err();
    assert!(err.message.contains("empty"), "{err}");
    let err =
        build_request(&spec(Operation::KeystoreSet, ece()).body("{\"a\":\"\0\"}")).unwrap_err();
    assert!(err.message.contains("NUL"), "{err}");

    for bad in ["a b", "x\"y", "$(id)", "a/b", "`id`", ".."] {
        let err = build_request(&spec(Operation::KeystoreGet, ece()).deployment_id(bad));
        assert!(err.is_err(), "deployment id {bad:?} accepted");
        let err = build_request(&spec(Operation::RepositoryVerify, ece()).repository(bad));
        assert!(err.is_err(), "repository {bad:?} accepted");
    }
    for bad in ["https://x\"y", "ece host", "$(id)", "https://$", "host;rm"] {
        let err = build_request(&spec(
            Operation::KeystoreGet,
            Target::Ece {
                coordinator: Some(bad.into()),
            },
        ));
        assert!(err.is_err(), "coordinator {bad:?} accepted");
    }
    // Variables are fine wherever an id goes.
    let r = build_request(
        &spec(Operation::KeystoreGet, ece())
            .deployment_id("${MY_DEP}")
            .ref_id("$R"),
    )
    .unwrap();
    assert!(r
        .url
        .contains("/deployments/${MY_DEP}/elasticsearch/$R/keystore"));
    assert_eq!(
        r.variables,
        ["COORDINATOR_HOST", "MY_DEP", "R", "ECE_API_KEY"]
    );
}

#[test]
fn short_deployment_id_gets_a_warning() {
    let r =
        build_request(&spec(Operation::KeystoreGet, ece()).deployment_id("my-deployment")).unwrap();
    let n = r
        .notes
        .iter()
        .find(|n| n.code == "deployment-id-length")
        .unwrap();
    assert_eq!(n.level, NoteLevel::Warning);
}

#[test]
fn coordinator_forms() {
    let cases = [
        (None, "https://$COORDINATOR_HOST:12443"),
        (Some("ece.example"), "https://ece.example:12443"),
        (Some("ece.example:443"), "https://ece.example:443"),
        (Some("https://ece.example"), "https://ece.example"),
        (
            Some("http://ece.example:12400/"),
            "http://ece.example:12400",
        ),
        (
            Some("https://ece.example:12443/api/v1/"),
            "https://ece.example:12443",
        ),
        (Some("$COORDINATOR_HOST"), "https://$COORDINATOR_HOST:12443"),
        (Some("http://$COORDINATOR_HOST"), "http://$COORDINATOR_HOST"),
        (Some("[::1]"), "https://[::1]:12443"),
        (Some("[::1]:8443"), "https://[::1]:8443"),
        (
            Some("ece.example/prefix"),
            "https://ece.example:12443/prefix",
        ),
        (
            Some("ece.example:9443/prefix/"),
            "https://ece.example:9443/prefix",
        ),
    ];
    for (given, want) in cases {
        assert_eq!(ece_base_url(given).unwrap(), want, "{given:?}");
    }
    assert_eq!(elasticsearch_base_url(None).unwrap(), "$ELASTICSEARCH_URL");
    assert_eq!(
        elasticsearch_base_url(Some("es.example:9200")).unwrap(),
        "https://es.example:9200"
    );
    assert_eq!(elasticsearch_base_url(Some("$MY_ES")).unwrap(), "$MY_ES");
}

#[test]
fn variables_helpers() {
    assert!(is_variable("$A_1"));
    assert!(is_variable("${A_1}"));
    assert!(!is_variable("$1A"));
    assert!(!is_variable("$A-B"));
    assert!(!is_variable("A"));
    assert_eq!(
        variables_in("https://$H:1/${D}/$H/$$/${}"),
        vec!["H".to_string(), "D".to_string()]
    );
    for v in KNOWN_VARIABLES {
        assert!(is_variable(&format!("${v}")));
    }
}

/// No request, whatever the inputs, carries anything but variables in its
/// Authorization header.
#[test]
fn authorization_is_always_a_variable() {
    for target in [ece(), Target::Ess, es()] {
        for op in Operation::ALL {
            for auth in [Auth::ApiKey, Auth::Bearer] {
                let Ok(r) = build_request(&spec(op, target.clone()).auth(auth)) else {
                    continue;
                };
                if let Some(v) = r.header("Authorization") {
                    let (scheme, cred) = v.split_once(' ').unwrap();
                    assert!(scheme == "ApiKey" || scheme == "Bearer");
                    assert!(is_variable(cred), "{v}");
                    assert!(KNOWN_VARIABLES.contains(&cred.trim_start_matches('$')));
                }
            }
        }
    }
}
