//! THE property: a keystore body for any secret, rendered as bash curl and
//! executed by bash against a loopback listener, arrives byte for byte, with
//! the API key taken from the environment.

mod render_common;

use ecekit_core::api::{build_request, Operation, RequestSpec, Target};
use ecekit_core::keystore::{patch_body, Secret, SecretChange, SecretValue};
use ecekit_core::render::{curl_bash, heredoc_delimiter, RenderOptions};
use proptest::prelude::*;
use render_common::{require_curl, run_bash, temp_dir, Loopback};

/// Secrets built from the pieces that break naive quoting.
fn nasty_secret() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("'".to_string()),
        Just("\"".to_string()),
        Just("$".to_string()),
        Just("$HOME".to_string()),
        Just("${PATH}".to_string()),
        Just("$(id)".to_string()),
        Just("`id`".to_string()),
        Just("\\".to_string()),
        Just("\\n".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("\t".to_string()),
        Just("EOF".to_string()),
        Just("\nEOF\n".to_string()),
        Just("'EOF'".to_string()),
        Just("!".to_string()),
        Just("*".to_string()),
        Just("é".to_string()),
        Just("ß漢字".to_string()),
        Just("😀".to_string()),
        Just("\u{0}".to_string()),
        Just("\u{7f}".to_string()),
        Just("\u{2028}".to_string()),
        "[ -~]{1,6}",
        any::<char>().prop_map(|c| c.to_string()),
    ];
    prop::collection::vec(piece, 0..12).prop_map(|v| v.concat())
}

/// An API key value: anything a header can hold, at least 16 characters
/// (real keys are longer), so that it cannot turn up in the command by chance
/// (a 2-character key such as `'"` is part of any quoted command).
fn api_key() -> impl Strategy<Value = String> {
    "[!-~][ -~]{14,60}[!-~]"
}

fn run_case(secret: &str, key: &str, target: Target) -> Result<(), TestCaseError> {
    let body = patch_body(&[SecretChange::Set(Secret::new(
        "s3.client.default.secret_key",
        SecretValue::Text(secret.to_string()),
    ))]);
    let req =
        build_request(&RequestSpec::new(Operation::KeystoreSet, target.clone()).body(body.clone()))
            .map_err(|e| TestCaseError::fail(e.message))?;
    // The generator's body ends with a newline: the request sends it as is.
    prop_assert_eq!(req.body.as_deref(), Some(body.as_str()));
    let rendered = curl_bash(&req, &RenderOptions::default()).unwrap();
    prop_assert!(
        !rendered.text.contains(key),
        "the key never appears in the command"
    );

    let server = Loopback::start();
    let host = format!("127.0.0.1:{}", server.port);
    let dir = temp_dir("roundtrip");
    let out = run_bash(
        &rendered.text,
        &dir,
        &[
            ("COORDINATOR_HOST", host.as_str()),
            ("DEPLOYMENT_ID", "0123456789abcdef0123456789abcdef"),
            ("REF_ID", "main-elasticsearch"),
            ("ECE_API_KEY", key),
        ],
    );
    let _ = std::fs::remove_dir_all(&dir);
    prop_assert!(
        out.status.success(),
        "bash failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        rendered.text
    );
    let got = server.received();
    prop_assert_eq!(got.method.as_str(), "PATCH");
    prop_assert_eq!(
        got.target.as_str(),
        "/api/v1/deployments/0123456789abcdef0123456789abcdef/elasticsearch/main-elasticsearch/keystore"
    );
    let auth = format!("ApiKey {key}");
    prop_assert_eq!(got.header("Authorization"), Some(auth.as_str()));
    prop_assert_eq!(got.header("Content-Type"), Some("application/json"));
    prop_assert!(
        got.body == body.as_bytes(),
        "body differs:\nsent     {:?}\nreceived {:?}",
        body,
        String::from_utf8_lossy(&got.body)
    );
    let v: serde_json::Value = serde_json::from_slice(&got.body).unwrap();
    prop_assert_eq!(
        v["secrets"]["s3.client.default.secret_key"]["value"].as_str(),
        Some(secret)
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn keystore_body_arrives_byte_identical(secret in nasty_secret(), key in api_key()) {
        require_curl();
        // http://$COORDINATOR_HOST: a scheme given keeps the host variable as is.
        run_case(&secret, &key, Target::Ece { coordinator: Some("http://$COORDINATOR_HOST".into()) })?;
    }

    /// Any body text (not only JSON: lines equal to EOF, quotes, CRs) reaches
    /// an Elasticsearch endpoint exactly, plus the final newline a heredoc adds.
    #[test]
    fn raw_bodies_arrive_exactly(
        lines in prop::collection::vec(prop_oneof![
            Just("EOF".to_string()),
            Just("EOF_1".to_string()),
            Just("'EOF'".to_string()),
            Just(" EOF".to_string()),
            Just("EOF\r".to_string()),
            "[^\u{0}\n]{0,12}",
        ], 1..8),
        trailing_newline in any::<bool>(),
    ) {
        require_curl();
        let mut body = lines.join("\n");
        if body.trim().is_empty() {
            body.push('x');
        }
        if trailing_newline {
            body.push('\n');
        }
        let req = build_request(
            &RequestSpec::new(Operation::RepositoryPut, Target::Elasticsearch { endpoint: None })
                .repository("my-repo")
                .body(body.clone()),
        ).unwrap();
        let expected = if body.ends_with('\n') { body.clone() } else { format!("{body}\n") };
        prop_assert_eq!(req.body.as_deref(), Some(expected.as_str()));
        let rendered = curl_bash(&req, &RenderOptions::default()).unwrap();
        let delimiter = heredoc_delimiter(&expected);
        prop_assert!(!expected.split('\n').any(|l| l == delimiter));

        let server = Loopback::start();
        let url = format!("http://127.0.0.1:{}", server.port);
        let dir = temp_dir("raw");
        let out = run_bash(&rendered.text, &dir, &[("ELASTICSEARCH_URL", url.as_str()), ("ELASTIC_API_KEY", "k")]);
        let _ = std::fs::remove_dir_all(&dir);
        prop_assert!(out.status.success(), "bash failed: {}", String::from_utf8_lossy(&out.stderr));
        let got = server.received();
        prop_assert_eq!(got.method.as_str(), "PUT");
        prop_assert_eq!(got.target.as_str(), "/_snapshot/my-repo");
        prop_assert!(got.body == expected.as_bytes(), "received {:?}", String::from_utf8_lossy(&got.body));
    }
}

/// Elastic Cloud repository requests are redirected to `$ELASTICSEARCH_URL`;
/// the rendered command really goes there.
#[test]
fn ess_redirected_request_runs_against_the_elasticsearch_url() {
    require_curl();
    let body = "{\"type\":\"s3\",\"settings\":{\"bucket\":\"b\",\"client\":\"default\"}}\n";
    let req = build_request(
        &RequestSpec::new(Operation::RepositoryPut, Target::Ess)
            .repository("s3-repo")
            .body(body),
    )
    .unwrap();
    let rendered = curl_bash(&req, &RenderOptions::default()).unwrap();
    let server = Loopback::start();
    let url = format!("http://127.0.0.1:{}", server.port);
    let dir = temp_dir("ess");
    let out = run_bash(
        &rendered.text,
        &dir,
        &[
            ("ELASTICSEARCH_URL", url.as_str()),
            ("ELASTIC_API_KEY", "es-key=="),
        ],
    );
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got = server.received();
    assert_eq!(got.target, "/_snapshot/s3-repo");
    assert_eq!(got.header("Authorization"), Some("ApiKey es-key=="));
    assert_eq!(got.body, body.as_bytes());
}

#[test]
fn powershell_round_trip_needs_pwsh() {
    let has_pwsh = std::process::Command::new("pwsh")
        .arg("-Version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_pwsh {
        // Allowed skip: no PowerShell on this machine. The PowerShell text is
        // checked structurally in render_outputs.rs.
        println!("note: pwsh is not installed; the PowerShell command is not executed here");
    }
}
