//! `ecekit validate --kind curl` on the reference seeds, run as a user would.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_ecekit");

fn seed(name: &str) -> String {
    format!(
        "{}/../../../shared/reference/seeds/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn validate(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN)
        .arg("validate")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn the_keystore_doc_seed_fails_with_the_findings_at_their_lines() {
    let (code, out, err) = validate(&["--kind", "curl", &seed("000_a1e246dadc9eea4b.txt")]);
    assert_eq!(code, 1, "{out}{err}");
    for prefix in [
        "20:7: warning[CURL_INSECURE]",
        "21:1: error[CURL_BODY_NOT_SENT]",
        "24:23: error[JSON_MISSING_COMMA]",
        "55:65: error[CURL_MISSPELT_VARIABLE]",
        "55:86: error[CURL_UNKNOWN_PATH]",
        "55:1: error[CURL_MISSING_MANAGEMENT_HEADER]",
        "69:118: error[CURL_BARE_PLACEHOLDER]",
        "89:1: error[CURL_BODY_NOT_SENT]",
    ] {
        assert!(
            out.lines().any(|l| l.starts_with(prefix)),
            "{prefix}\n{out}"
        );
    }
    assert!(out.contains("/proxy/_snapshot/s3-repo"), "{out}");
    assert!(err.starts_with("curl: "), "{err}");
}

#[test]
fn auto_detects_the_doc_pages_and_the_login_seed_has_warnings_only() {
    let (code, out, err) = validate(&[&seed("002_775b348623592f8b.txt")]);
    assert_eq!(code, 0, "{out}{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(
        lines[0].starts_with("68:11: warning[CURL_INSECURE]"),
        "{out}"
    );
    assert!(
        lines[1].starts_with("70:19: warning[CURL_PLACEHOLDER_VALUE]"),
        "{out}"
    );
    assert_eq!(err.trim(), "curl: 0 errors, 3 warnings, 0 suggestions");

    let (_, _, err) = validate(&[&seed("001_02a6c691f944762d.txt")]);
    assert_eq!(err.trim(), "curl: 1 error, 3 warnings, 0 suggestions");

    let (code, out, _) = validate(&["--format", "json", &seed("001_02a6c691f944762d.txt")]);
    assert_eq!(code, 1);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["kind"], "curl");
    let first = &report["findings"][0];
    assert_eq!(first["code"], "POLICY_VERSION_INVALID");
    assert_eq!(first["location"]["line"], 20);
}
