//! The CLI against hostile or broken input, run as a user would: names that
//! would inject code into an output or escape sequences into the terminal,
//! empty secrets, and input too large to read.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

const BIN: &str = env!("CARGO_BIN_EXE_ecekit");

fn run(args: &[&str], env: &[(&str, &str)], stdin: &[u8]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("ecekit runs");
    let mut input = child.stdin.take().unwrap();
    // The command may stop reading early (a limit, a usage error).
    let _ = input.write_all(stdin);
    drop(input);
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn temp_path() -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    std::env::temp_dir().join(format!(
        "ecekit-cli-security-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ))
}

fn temp_file(content: &[u8]) -> PathBuf {
    let path = temp_path();
    std::fs::write(&path, content).unwrap();
    path
}

/// A file of `len` zero bytes that takes no disk space.
fn sparse_file(len: u64) -> PathBuf {
    let path = temp_path();
    std::fs::File::create(&path).unwrap().set_len(len).unwrap();
    path
}

/// True when `text` holds a character a terminal would act on (other than
/// the line ends of the output itself).
fn has_raw_control(text: &str) -> bool {
    text.chars().any(|c| {
        (c.is_control() && c != '\n')
            || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    })
}

/// A setting name that, written raw after `#` in Terraform, declares a
/// resource that runs a program.
const INJECTION: &str = "s3.client.default.access_key\nresource \"null_resource\" \"x\" {\n  provisioner \"local-exec\" {\n    command = \"calc\"\n  }\n}\n#";

/// A setting name that retitles the terminal and clears it.
const TERMINAL: &str = "s3.client.default.secret_key\u{1b}]0;owned\u{7}\u{1b}[2J\u{9b}1m";

#[test]
fn curl_refuses_to_render_a_body_whose_setting_names_hold_control_characters() {
    for name in [INJECTION, TERMINAL] {
        let body = serde_json::json!({"secrets": {name: {}, "s3.client.default.access_key": {"value": "AKIAIOSFODNN7EXAMPLE"}}});
        let path = temp_file(body.to_string().as_bytes());
        for form in ["terraform", "curl", "ecctl"] {
            let o = run(
                &[
                    "curl",
                    "keystore-set",
                    "--target",
                    "ece",
                    "--body",
                    path.to_str().unwrap(),
                    "--as",
                    form,
                ],
                &[],
                b"",
            );
            assert_eq!(o.status.code(), Some(2), "{form}: {}", stdout(&o));
            assert!(o.stdout.is_empty(), "{form}: {}", stdout(&o));
            let err = stderr(&o);
            assert!(err.contains("control character"), "{err}");
            assert_eq!(err.lines().count(), 1, "one line: {err}");
            assert!(!has_raw_control(&err), "{err:?}");
        }
        std::fs::remove_file(path).unwrap();
    }
}

#[test]
fn validate_never_writes_a_terminal_escape_sequence_from_the_input() {
    let body = serde_json::json!({"secrets": {TERMINAL: {"value": "x"}}}).to_string();
    let o = run(&["validate", "-"], &[], body.as_bytes());
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let out = stdout(&o);
    assert!(out.contains("KS_INVALID_SETTING_NAME"), "{out}");
    assert!(!has_raw_control(&out), "{out:?}");
    assert!(out.contains("\\u{1b}]0;owned\\u{7}\\u{1b}[2J"), "{out}");
    assert!(!has_raw_control(&stderr(&o)));

    // JSON escapes control characters itself, C1 and DEL included, and
    // stays the same document.
    let o = run(&["validate", "--format", "json", "-"], &[], body.as_bytes());
    let out = stdout(&o);
    assert!(!has_raw_control(&out), "{out:?}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(report["findings"][0]["message"]
        .as_str()
        .unwrap()
        .contains(TERMINAL));
}

#[test]
fn messages_and_findings_of_every_command_escape_control_characters() {
    let cases: Vec<Vec<String>> = vec![
        // A finding about the name, then the error line.
        vec!["keystore".into(), "--remove".into(), TERMINAL.into()],
        // A message naming the environment variable.
        vec![
            "keystore".into(),
            "--secret".into(),
            format!("s3.client.default.secret_key=env:X\u{1b}[2J"),
        ],
        vec![
            "keystore".into(),
            "--remove".into(),
            TERMINAL.into(),
            "--remove".into(),
            TERMINAL.into(),
        ],
        vec![
            "repository".into(),
            "--type".into(),
            "s3".into(),
            "--name".into(),
            format!("snaps\u{1b}]0;x\u{7}"),
            "--bucket".into(),
            "b".into(),
        ],
        vec![
            "repository".into(),
            "--type".into(),
            "fs".into(),
            "--name".into(),
            "nfs".into(),
            "--setting".into(),
            format!("location=/mnt/\u{1b}[2J"),
            "--platform".into(),
            "self-managed".into(),
        ],
        vec!["policy".into(), "--bucket".into(), format!("b\u{1b}[2J")],
        vec![
            "curl".into(),
            "repository-verify".into(),
            "--target".into(),
            "es".into(),
            "--repository".into(),
            format!("r\u{1b}[2J"),
        ],
        vec!["validate".into(), format!("/nonexistent/\u{1b}]0;x\u{7}")],
    ];
    for args in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = run(&args, &[], b"");
        let err = stderr(&o);
        assert!(!err.is_empty(), "{args:?}");
        assert!(!has_raw_control(&err), "{args:?}: {err:?}");
    }
}

#[test]
fn empty_secrets_are_refused_unless_allowed() {
    let name = "s3.client.default.secret_key";
    let empty_file = temp_file(b"\n");
    let file_source = format!("{name}=file:{}", empty_file.display());
    for (spec, stdin, source) in [
        (format!("{name}=env:EMPTY"), &b""[..], "env:EMPTY"),
        (format!("{name}=stdin"), &b""[..], "standard input"),
        (format!("{name}=stdin"), &b"\n"[..], "standard input"),
        (file_source.clone(), &b""[..], "file:"),
    ] {
        for flag in ["--secret", "--resync"] {
            let o = run(&["keystore", flag, &spec], &[("EMPTY", "")], stdin);
            assert_eq!(o.status.code(), Some(2), "{spec}: {}", stdout(&o));
            assert!(o.stdout.is_empty(), "{spec}: {}", stdout(&o));
            let err = stderr(&o);
            assert!(err.contains(name) && err.contains(source), "{err}");
            assert!(err.contains("--allow-empty"), "{err}");
        }
        // Said explicitly: the blank value is written, with its warning.
        let o = run(
            &["keystore", "--secret", &spec, "--allow-empty"],
            &[("EMPTY", "")],
            stdin,
        );
        assert_eq!(o.status.code(), Some(0), "{spec}: {}", stderr(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["secrets"][name]["value"], "");
        assert!(stderr(&o).contains("KS_EMPTY_VALUE"), "{}", stderr(&o));
    }
    std::fs::remove_file(empty_file).unwrap();

    // An ECE platform repository's keys, the same.
    let mut args = vec!["repository", "--type", "s3", "--name", "ece-snapshots"];
    args.extend(["--platform-repository", "--bucket", "ece-snapshots"]);
    for setting in [
        "region=us-east-1",
        "access_key=env:EMPTY",
        "secret_key=env:SK",
    ] {
        args.extend(["--setting", setting]);
    }
    let env = [
        ("EMPTY", ""),
        ("SK", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzyxwvuTSRQ"),
    ];
    let o = run(&args, &env, b"");
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let err = stderr(&o);
    for needed in ["access_key", "env:EMPTY", "--allow-empty"] {
        assert!(err.contains(needed), "{needed}: {err}");
    }
}

const LIMIT: u64 = 64 * 1024 * 1024;

/// The commands that read a file given by path: validate FILE, curl --body
/// FILE, keystore --secret NAME=file:PATH.
fn reading_file(path: &str) -> Vec<Vec<String>> {
    let curl = "curl keystore-set --target ece --body";
    [
        format!("validate {path}"),
        format!("{curl} {path}"),
        format!("keystore --secret s3.client.default.secret_key=file:{path}"),
    ]
    .iter()
    .map(|line| line.split(' ').map(String::from).collect())
    .collect()
}

fn refused_past_the_limit(args: &[String], stdin: &[u8]) {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = run(&args, &[], stdin);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stdout(&o));
    let err = stderr(&o);
    assert!(err.contains("64 MiB"), "{args:?}: {err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn input_larger_than_64_mib_is_refused_everywhere() {
    let big = sparse_file(LIMIT + 1);
    for args in reading_file(big.to_str().unwrap()) {
        refused_past_the_limit(&args, b"");
    }
    // The same commands reading standard input.
    let zeros = vec![0u8; (LIMIT + 1) as usize];
    for args in reading_file("-") {
        let args: Vec<String> = args.iter().map(|a| a.replace("file:-", "stdin")).collect();
        refused_past_the_limit(&args, &zeros);
    }
    // Exactly 64 MiB is read (and found not to be a document).
    let at_limit = sparse_file(LIMIT);
    let o = run(&["validate", at_limit.to_str().unwrap()], &[], b"");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    std::fs::remove_file(big).unwrap();
    std::fs::remove_file(at_limit).unwrap();
}

/// Device files that never end (`/dev/zero`) stop at the limit too.
#[test]
fn endless_input_stops_at_the_limit() {
    for args in reading_file("/dev/zero") {
        refused_past_the_limit(&args, b"");
    }
}
