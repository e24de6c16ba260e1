//! `ecekit keystore` and `ecekit repository` run as a user would: the built
//! binary, its stdout, stderr and exit code.

use std::io::Write;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

const BIN: &str = env!("CARGO_BIN_EXE_ecekit");
const AK: &str = "AKIA2OGYBAH6QWERTY7Z";
const SK: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzyxwvuTSRQ";

fn run(args: &[&str], env: &[(&str, &str)], stdin: Option<&[u8]>) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("ecekit runs");
    if let Some(input) = stdin {
        // The command may exit before reading (a usage error): ignore a broken pipe.
        let _ = child.stdin.take().unwrap().write_all(input);
    }
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

fn temp_file(content: &[u8]) -> std::path::PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let path = std::env::temp_dir().join(format!(
        "ecekit-cli-settings-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::write(&path, content).unwrap();
    path
}

fn service_account() -> serde_json::Value {
    serde_json::json!({
        "type": "service_account",
        "project_id": "my-project",
        "private_key_id": "0123456789abcdef",
        "private_key": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n",
        "client_email": "snapshots@my-project.iam.gserviceaccount.com",
        "client_id": "123456789012345678901",
        "token_uri": "https://oauth2.googleapis.com/token"
    })
}

// ---- keystore ----

#[test]
fn keystore_body_from_environment_variables() {
    let o = run(
        &[
            "keystore",
            "--secret",
            "s3.client.default.access_key=env:T_AK",
            "--secret",
            "s3.client.default.secret_key=env:T_SK",
        ],
        &[("T_AK", AK), ("T_SK", SK)],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let expected = format!(
        "{{\n  \"secrets\": {{\n    \"s3.client.default.access_key\": {{\n      \"value\": \"{AK}\",\n      \"as_file\": false\n    }},\n    \"s3.client.default.secret_key\": {{\n      \"value\": \"{SK}\",\n      \"as_file\": false\n    }}\n  }}\n}}\n"
    );
    assert_eq!(stdout(&o), expected);
    let err = stderr(&o);
    assert!(err.contains("POST _nodes/reload_secure_settings"), "{err}");
    assert!(!err.contains(SK));
}

#[test]
fn keystore_refuses_values_on_the_command_line_without_echoing_them() {
    let o = run(
        &[
            "keystore",
            "--secret",
            "s3.client.default.secret_key=hunter2-secret",
        ],
        &[],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    let err = stderr(&o);
    assert!(
        err.contains("env:VAR") && err.contains("file:PATH") && err.contains("stdin"),
        "{err}"
    );
    assert!(err.contains("ps"), "{err}");
    assert!(!err.contains("hunter2"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn keystore_stdin_and_files_deliver_exact_bytes() {
    let tricky = "a\"b$c\\d`e'f g\ttab é😀 $(whoami) ${HOME}";
    // stdin: one trailing newline dropped, everything else exact.
    let o = run(
        &[
            "keystore",
            "--secret",
            "s3.client.default.proxy.password=stdin",
        ],
        &[],
        Some(format!("{tricky}\n").as_bytes()),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        json(&o)["secrets"]["s3.client.default.proxy.password"]["value"],
        tricky
    );
    // A text file, the same.
    let path = temp_file(format!("{tricky}\r\n").as_bytes());
    let spec = format!("s3.client.default.proxy.password=file:{}", path.display());
    let o = run(&["keystore", "--secret", &spec], &[], None);
    assert_eq!(
        json(&o)["secrets"]["s3.client.default.proxy.password"]["value"],
        tricky
    );
    // --as-file keeps every byte and sets as_file (here for a setting
    // ecekit does not know; on a known string setting it is an error).
    let spec = format!("my.plugin.secure_file=file:{}", path.display());
    let o = run(
        &[
            "keystore",
            "--secret",
            &spec,
            "--as-file",
            "my.plugin.secure_file",
        ],
        &[],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(
        v["secrets"]["my.plugin.secure_file"]["value"],
        format!("{tricky}\r\n")
    );
    assert_eq!(v["secrets"]["my.plugin.secure_file"]["as_file"], true);
    let spec = format!("s3.client.default.proxy.password=file:{}", path.display());
    let o = run(
        &[
            "keystore",
            "--secret",
            &spec,
            "--as-file",
            "s3.client.default.proxy.password",
        ],
        &[],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("KS_AS_FILE_MISMATCH"));
    std::fs::remove_file(path).unwrap();
}

#[test]
fn keystore_json_file_becomes_an_object_with_as_file() {
    let path = temp_file(
        serde_json::to_string_pretty(&service_account())
            .unwrap()
            .as_bytes(),
    );
    let spec = format!(
        "gcs.client.default.credentials_file=file:{}",
        path.display()
    );
    let o = run(&["keystore", "--secret", &spec], &[], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(
        v["secrets"]["gcs.client.default.credentials_file"]["value"],
        service_account()
    );
    assert_eq!(
        v["secrets"]["gcs.client.default.credentials_file"]["as_file"],
        true
    );
    assert!(stderr(&o).contains("reload_secure_settings"));
    std::fs::remove_file(path).unwrap();
}

#[test]
fn keystore_errors_in_the_body_exit_2_with_findings_and_no_body() {
    // An incomplete service-account key.
    let path = temp_file(br#"{"type": "service_account", "project_id": "p"}"#);
    let spec = format!(
        "gcs.client.default.credentials_file=file:{}",
        path.display()
    );
    let o = run(&["keystore", "--secret", &spec], &[], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    let err = stderr(&o);
    assert!(err.contains("error[KS_GCS_CREDENTIALS_FIELD]"), "{err}");
    assert!(
        err.contains("(at /secrets/gcs.client.default.credentials_file/value)"),
        "{err}"
    );
    std::fs::remove_file(path).unwrap();
    // A placeholder read from stdin, and an invalid name.
    let o = run(
        &[
            "keystore",
            "--secret",
            "s3.client.CLIENT_NAME.access_key=stdin",
            "--secret",
            "s3.client.CLIENT_NAME.secret_key=env:T_SK",
        ],
        &[("T_SK", SK)],
        Some(b"ACCESS_KEY_VALUE\n"),
    );
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("error[KS_PLACEHOLDER_VALUE]")
            && err.contains("warning[KS_PLACEHOLDER_CLIENT]"),
        "{err}"
    );
    let o = run(
        &[
            "keystore",
            "--secret",
            "s3.client.my client.access_key=env:T_AK",
        ],
        &[("T_AK", AK)],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("KS_INVALID_SETTING_NAME"));
}

#[test]
fn keystore_warnings_are_printed_but_the_body_is_too() {
    let o = run(
        &[
            "keystore",
            "--secret",
            "s3.client.default.acess_key=env:T_AK",
        ],
        &[("T_AK", AK)],
        None,
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(stderr(&o).contains("warning[KS_UNKNOWN_SETTING]"));
    assert!(stderr(&o).contains("s3.client.default.access_key"));
    // Unknown settings need a restart.
    assert!(
        stderr(&o).to_lowercase().contains("restart"),
        "{}",
        stderr(&o)
    );
    json(&o);
}

#[test]
fn keystore_usage_errors() {
    for (args, env, needle) in [
        (vec!["keystore"], vec![], "nothing to do"),
        (
            vec![
                "keystore",
                "--secret",
                "s3.client.a.access_key=env:T_MISSING_VAR",
            ],
            vec![],
            "T_MISSING_VAR",
        ),
        (
            vec!["keystore", "--secret", "noequals"],
            vec![],
            "NAME=SOURCE",
        ),
        (
            vec!["keystore", "--secret", "a.b=env:T_X", "--remove", "a.b"],
            vec![("T_X", "v")],
            "more than once",
        ),
        (
            vec!["keystore", "--secret", "a.b=stdin", "--secret", "a.c=stdin"],
            vec![],
            "standard input",
        ),
        (
            vec!["keystore", "--remove", "a.b=x"],
            vec![],
            "setting name only",
        ),
        (
            vec!["keystore", "--as-file", "a.b", "--remove", "a.c"],
            vec![],
            "--as-file a.b",
        ),
        (
            vec!["keystore", "--resync", "a.b"],
            vec![],
            "needs its value",
        ),
        (
            vec!["keystore", "--secret", "a.b=file:/nonexistent/ecekit-test"],
            vec![],
            "cannot read",
        ),
    ] {
        let o = run(&args, &env, Some(b"x"));
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(needle), "{args:?}: {}", stderr(&o));
        assert!(o.stdout.is_empty());
    }
}

#[test]
fn keystore_resync_prints_two_labelled_bodies_in_order() {
    let o = run(
        &[
            "keystore",
            "--resync",
            "s3.client.default.secret_key=env:T_SK",
        ],
        &[("T_SK", SK)],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let step1 = out.find("# Step 1 of 2").unwrap();
    let step2 = out.find("# Step 2 of 2").unwrap();
    assert!(step1 < step2);
    let first: serde_json::Value =
        serde_json::from_str(&out[out[step1..].find('{').unwrap() + step1..step2]).unwrap();
    assert_eq!(
        first,
        serde_json::json!({"secrets": {"s3.client.default.secret_key": {}}})
    );
    let second: serde_json::Value =
        serde_json::from_str(&out[out[step2..].find('{').unwrap() + step2..]).unwrap();
    assert_eq!(
        second["secrets"]["s3.client.default.secret_key"]["value"],
        SK
    );
    // No pairing noise for a resync.
    assert!(!stderr(&o).contains("KS_S3_MISSING_PAIR"), "{}", stderr(&o));

    for (step, has_value) in [("1", false), ("2", true)] {
        let o = run(
            &[
                "keystore",
                "--secret",
                "s3.client.default.secret_key=env:T_SK",
                "--resync",
                "s3.client.default.secret_key",
                "--step",
                step,
            ],
            &[("T_SK", SK)],
            None,
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let v = json(&o);
        assert_eq!(
            v["secrets"]["s3.client.default.secret_key"]
                .get("value")
                .is_some(),
            has_value
        );
    }
    let o = run(&["keystore", "--remove", "a.b", "--step", "1"], &[], None);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn keystore_removal() {
    let o = run(
        &[
            "keystore",
            "--remove",
            "s3.client.old.access_key",
            "--remove",
            "s3.client.old.secret_key",
        ],
        &[],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        json(&o),
        serde_json::json!({"secrets": {"s3.client.old.access_key": {}, "s3.client.old.secret_key": {}}})
    );
}

#[test]
fn help_has_examples() {
    for cmd in ["keystore", "repository"] {
        let o = run(&[cmd, "--help"], &[], None);
        assert_eq!(o.status.code(), Some(0));
        let out = stdout(&o);
        assert!(out.contains("Examples:"), "{out}");
        assert!(out.contains(&format!("ecekit {cmd} --")), "{out}");
    }
}

// ---- repository ----

#[test]
fn repository_s3_body() {
    let o = run(
        &[
            "repository",
            "--type",
            "s3",
            "--name",
            "my-snapshots",
            "--bucket",
            "acme-snapshots",
            "--client",
            "backup",
            "--setting",
            "compress=true",
            "--setting",
            "chunk_size=1gb",
            "--setting",
            "max_multipart_parts=5000",
        ],
        &[],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "{\n  \"type\": \"s3\",\n  \"settings\": {\n    \"bucket\": \"acme-snapshots\",\n    \"client\": \"backup\",\n    \"compress\": true,\n    \"chunk_size\": \"1gb\",\n    \"max_multipart_parts\": 5000\n  }\n}\n"
    );
    assert!(stderr(&o).contains("PUT _snapshot/my-snapshots"));
}

#[test]
fn repository_azure_bucket_is_the_container() {
    let o = run(
        &[
            "repository",
            "--type",
            "azure",
            "--name",
            "az",
            "--bucket",
            "snapshots",
            "--client",
            "secondary",
        ],
        &[],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        json(&o),
        serde_json::json!({"type": "azure", "settings": {"container": "snapshots", "client": "secondary"}})
    );
}

#[test]
fn repository_seed_values_are_refused_with_findings() {
    let o = run(
        &[
            "repository",
            "--type",
            "s3",
            "--name",
            "s3-repo",
            "--bucket",
            "s3_REPOSITORY_NAME",
            "--client",
            "CLIENT_NAME",
            "--base-path",
            "PATH_NAME",
            "--platform",
            "ece",
        ],
        &[],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    let err = stderr(&o);
    for needle in [
        "error[REPO_INVALID_BUCKET_NAME]",
        "warning[REPO_PLACEHOLDER_VALUE]",
        "warning[REPO_BASE_PATH_ON_ECE]",
        "(at /settings/bucket)",
    ] {
        assert!(err.contains(needle), "{needle}: {err}");
    }
    assert!(
        err.lines().last().unwrap().starts_with("ecekit: error:"),
        "{err}"
    );
}

#[test]
fn repository_warnings_keep_exit_0() {
    let o = run(
        &[
            "repository",
            "--type",
            "gcs",
            "--name",
            "s3-repo",
            "--bucket",
            "acme-snaps",
            "--setting",
            "chunksize=1gb",
        ],
        &[],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("warning[REPO_UNKNOWN_SETTING]") && err.contains("`chunk_size`"),
        "{err}"
    );
    assert!(err.contains("warning[REPO_NAME_TYPE_MISMATCH]"), "{err}");
    json(&o);
}

#[test]
fn repository_invalid_values_exit_2() {
    for (setting, code) in [
        ("chunk_size=1mb", "REPO_OUT_OF_RANGE"),
        ("compress=yes", "REPO_INVALID_BOOL"),
        ("storage_class=glacier", "REPO_INVALID_ENUM"),
        ("cooldown_period=3", "REPO_INVALID_TIME"),
    ] {
        let o = run(
            &[
                "repository",
                "--type",
                "s3",
                "--name",
                "r",
                "--bucket",
                "acme-snaps",
                "--setting",
                setting,
            ],
            &[],
            None,
        );
        assert_eq!(o.status.code(), Some(2), "{setting}");
        assert!(stderr(&o).contains(code), "{setting}: {}", stderr(&o));
    }
}

#[test]
fn repository_refuses_credentials_in_settings() {
    let o = run(
        &[
            "repository",
            "--type",
            "s3",
            "--name",
            "r",
            "--bucket",
            "acme-snaps",
            "--setting",
            "secret_key=hunter2-x",
        ],
        &[],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("ecekit keystore --secret s3.client.default.secret_key=env:VAR"),
        "{err}"
    );
    assert!(!err.contains("hunter2"));
}

#[test]
fn repository_platform_level_reads_keys_from_sources() {
    let args = [
        "repository",
        "--type",
        "s3",
        "--name",
        "ece-snapshots",
        "--platform-repository",
        "--bucket",
        "ece-snapshots",
        "--setting",
        "region=us-east-1",
        "--setting",
        "access_key=env:T_AK",
        "--setting",
        "secret_key=stdin",
    ];
    let o = run(&args, &[("T_AK", AK)], Some(format!("{SK}\n").as_bytes()));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["settings"]["access_key"], AK);
    assert_eq!(v["settings"]["secret_key"], SK);
    assert_eq!(v["settings"]["region"], "us-east-1");
    assert!(stderr(&o).contains("/platform/configuration/snapshots/repositories/ece-snapshots"));

    // A literal key is refused; a missing required setting is an error.
    let o = run(
        &[
            "repository",
            "--type",
            "s3",
            "--name",
            "ece-snapshots",
            "--platform-repository",
            "--bucket",
            "ece-snapshots",
            "--setting",
            "access_key=AKIAX",
        ],
        &[],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(!stderr(&o).contains("AKIAX"));
    let o = run(
        &[
            "repository",
            "--type",
            "s3",
            "--name",
            "ece-snapshots",
            "--platform-repository",
            "--bucket",
            "ece-snapshots",
        ],
        &[],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("REPO_PLATFORM_MISSING_SETTING"));
    let o = run(
        &[
            "repository",
            "--type",
            "s3",
            "--name",
            "x",
            "--platform-repository",
            "--platform",
            "ess",
        ],
        &[],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn repository_usage_errors() {
    for (args, needle) in [
        (
            vec!["repository", "--type", "fs", "--name", "n", "--bucket", "b"],
            "--setting location",
        ),
        (
            vec!["repository", "--type", "S3", "--name", "n"],
            "possible values",
        ),
        (
            vec![
                "repository",
                "--type",
                "s3",
                "--name",
                "n",
                "--bucket",
                "b-1",
                "--setting",
                "bucket=c",
            ],
            "more than once",
        ),
        (
            vec![
                "repository",
                "--type",
                "s3",
                "--name",
                "n",
                "--setting",
                "=x",
            ],
            "KEY=VALUE",
        ),
        (vec!["repository", "--type", "s3"], "--name"),
    ] {
        let o = run(&args, &[], None);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains(needle), "{args:?}: {}", stderr(&o));
    }
}
