//! `ecekit validate`, run as a user would.

use std::io::Write;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_ecekit");

fn run(args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = Command::new(BIN)
        .arg("validate")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The first keystore body of the ECE keystore doc, as users copy it.
const SEED_KEYSTORE: &str = r#"{
  "secrets": {
    "s3.client.CLIENT_NAME.access_key": {
      "as_file": false
      "value": "ACCESS_KEY_VALUE"
    }
    "s3.client.CLIENT_NAME.secret_key": {
      "value": "SECRET_KEY_VALUE"
    }
  }
}
"#;

#[test]
fn the_seed_keystore_body_gets_its_missing_commas_and_placeholders() {
    let (code, out, err) = run(&[], SEED_KEYSTORE);
    assert_eq!(code, 1, "{out}{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("4:23: error[JSON_MISSING_COMMA]")),
        "{out}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("6:6: error[JSON_MISSING_COMMA]")),
        "{out}"
    );
    assert!(out.contains("KS_PLACEHOLDER_VALUE"), "{out}");
    assert!(err.starts_with("keystore: "), "{err}");
}

#[test]
fn clean_input_exits_zero_and_json_format_is_the_report() {
    let body = r#"{"secrets": {"s3.client.default.access_key": {"value": "AKIAQQQQQQQQQQQQQQQQ"}, "s3.client.default.secret_key": {"value": "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"}}}"#;
    let (code, out, _) = run(&["--format", "json"], body);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["kind"], "keystore");
    assert_eq!(report["detected"], true);
    assert_eq!(
        code,
        if report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["severity"] == "error")
        {
            1
        } else {
            0
        }
    );
}

#[test]
fn a_forced_kind_and_a_missing_file_are_handled() {
    let (code, out, _) = run(
        &["--kind", "policy"],
        r#"{"Version": "policy-language-YYYY-MM-dd", "Statement": []}"#,
    );
    assert_eq!(code, 1, "{out}");
    let (code, _, err) = run(&["/nonexistent/file.json"], "");
    assert_eq!(code, 2);
    assert!(err.contains("cannot read /nonexistent/file.json"), "{err}");
}
