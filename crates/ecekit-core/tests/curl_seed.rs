//! The broken curl examples of the reference seeds (copied doc pages) get
//! the findings a careful reviewer gives them, at their lines.

use ecekit_core::validate::validate;
use ecekit_core::{curl, json, keystore, repository, DocumentKind, Finding, Severity};
use ecekit_core::{policy::codes as policy, ValidateOptions};

fn seed(name: &str) -> String {
    let path = format!(
        "{}/../../../shared/reference/seeds/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn check(text: &str) -> Vec<Finding> {
    let report = validate(text, None, &ValidateOptions::default());
    assert_eq!(report.kind, DocumentKind::Curl);
    for f in &report.findings {
        assert!(text.is_char_boundary(f.location.start) && f.location.end <= text.len());
    }
    report.findings
}

/// The codes found on `line`.
fn at(findings: &[Finding], line: usize) -> Vec<&'static str> {
    findings
        .iter()
        .filter(|f| f.location.line == line)
        .map(|f| f.code)
        .collect()
}

fn assert_has(findings: &[Finding], line: usize, expected: &[&str]) {
    let got = at(findings, line);
    for code in expected {
        assert!(got.contains(code), "line {line}: no {code} in {got:?}");
    }
}

fn get<'a>(findings: &'a [Finding], line: usize, code: &str) -> &'a Finding {
    findings
        .iter()
        .find(|f| f.location.line == line && f.code == code)
        .unwrap_or_else(|| panic!("no {code} on line {line}"))
}

#[test]
fn seed_000_keystore_and_repository_commands() {
    let text = seed("000_a1e246dadc9eea4b.txt");
    let f = check(&text);
    for f in &f {
        println!("{}", f.to_line());
    }

    // Create the keystore: -k, the body after `\` + `{` is not sent, the
    // body's own mistakes at their lines.
    assert_has(&f, 20, &[curl::INSECURE]);
    let ns = get(&f, 21, curl::BODY_NOT_SENT);
    assert_eq!((ns.severity, ns.location.column), (Severity::Error, 1));
    assert!(ns.help.contains("Content-Type: application/json"));
    assert_has(&f, 24, &[json::MISSING_COMMA]);
    assert_has(&f, 26, &[json::MISSING_COMMA]);
    assert_has(&f, 25, &[keystore::PLACEHOLDER_VALUE]);
    assert_has(&f, 28, &[keystore::PLACEHOLDER_VALUE]);
    assert_has(&f, 23, &[keystore::PLACEHOLDER_CLIENT]);

    // "List the keys": the block is the GET response, not a body.
    assert_has(&f, 41, &[keystore::LOOKS_LIKE_GET_RESPONSE]);

    // The S3 repository: misspelt host variable, the old /clusters path
    // (proxy path suggested), the proxy header, body not sent, body checks.
    assert_has(
        &f,
        55,
        &[
            curl::INSECURE,
            curl::MISSPELT_VARIABLE,
            curl::UNKNOWN_PATH,
            curl::MISSING_MANAGEMENT_HEADER,
        ],
    );
    let var = get(&f, 55, curl::MISSPELT_VARIABLE);
    assert_eq!(
        &text[var.location.start..var.location.end],
        "COODINATOR_HOST"
    );
    assert_eq!(var.fix.as_ref().unwrap().replacement, "COORDINATOR_HOST");
    let path = get(&f, 55, curl::UNKNOWN_PATH);
    assert_eq!(path.severity, Severity::Error);
    assert_eq!(
        path.fix.as_ref().unwrap().replacement,
        "/api/v1/deployments/$DEPLOYMENT_ID/elasticsearch/$REF_ID/proxy/_snapshot/s3-repo"
    );
    assert_has(&f, 56, &[curl::BODY_NOT_SENT]);
    assert_has(&f, 59, &[repository::INVALID_BUCKET_NAME]);
    assert_has(&f, 61, &[repository::BASE_PATH_ON_ECE]);

    // The GCS repository: a bare ELASTICSEARCH_CLUSTER_ID, same path, and
    // a gcs repository named s3-repo.
    assert_has(
        &f,
        69,
        &[
            curl::INSECURE,
            curl::BARE_PLACEHOLDER,
            curl::UNKNOWN_PATH,
            curl::MISSING_MANAGEMENT_HEADER,
        ],
    );
    let bare = get(&f, 69, curl::BARE_PLACEHOLDER);
    assert_eq!(
        &text[bare.location.start..bare.location.end],
        "ELASTICSEARCH_CLUSTER_ID"
    );
    assert_eq!(bare.fix.as_ref().unwrap().replacement, "$");
    assert_has(
        &f,
        70,
        &[curl::BODY_NOT_SENT, repository::NAME_TYPE_MISMATCH],
    );
    assert_has(&f, 74, &[repository::BASE_PATH_ON_ECE]);

    // Remove keys: body not sent again.
    assert_has(&f, 88, &[curl::INSECURE]);
    assert_has(&f, 89, &[curl::BODY_NOT_SENT]);
    assert_has(&f, 91, &[keystore::REMOVES_SETTING]);

    // Prose and markdown lines get nothing.
    for line in [1, 3, 17, 34, 35, 80, 81, 99, 101] {
        assert!(at(&f, line).is_empty(), "line {line}: {:?}", at(&f, line));
    }
    // Every curl finding is on a command or body line.
    for f in f.iter().filter(|f| f.code.starts_with("CURL_")) {
        assert!(
            matches!(f.location.line, 20 | 21 | 55 | 56 | 69 | 70 | 88 | 89),
            "{}",
            f.to_line()
        );
    }
}

#[test]
fn seed_001_policy_block_in_a_doc_page() {
    let text = seed("001_02a6c691f944762d.txt");
    let f = check(&text);
    for f in &f {
        println!("{}", f.to_line());
    }
    // The `<1>` doc callout is not reported as a JSON error.
    assert!(!f.iter().any(|f| f.code.starts_with("JSON_")), "{f:#?}");
    assert_has(&f, 20, &[policy::VERSION_INVALID]);
    assert_has(&f, 24, &[policy::OVERBROAD_ACTION]);
    assert!(!f.iter().any(|f| f.code.starts_with("CURL_")));
}

#[test]
fn seed_002_login_command() {
    let text = seed("002_775b348623592f8b.txt");
    let f = check(&text);
    for f in &f {
        println!("{}", f.to_line());
    }
    let codes: Vec<(usize, &str)> = f.iter().map(|f| (f.location.line, f.code)).collect();
    assert_eq!(
        codes,
        vec![
            (68, curl::INSECURE),
            (70, curl::PLACEHOLDER_VALUE),
            (71, curl::PLACEHOLDER_VALUE),
        ]
    );
    // The password is never quoted beyond the placeholder itself.
    assert!(f[2].message.contains("`PASSWORD`"));
}
