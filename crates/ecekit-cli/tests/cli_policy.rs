//! `ecekit policy` as a user runs it: the built binary, its stdout, stderr
//! and exit code.

use ecekit_core::{json, policy, ValidateOptions};
use std::process::{Command, Output, Stdio};

const KEY: &str = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

fn ecekit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ecekit"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("ecekit runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn policy_ok(args: &[&str]) -> (String, String) {
    let o = ecekit(&[&["policy"], args].concat());
    assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
    (stdout(&o), stderr(&o))
}

/// Exit 2, nothing on stdout, and exactly one line on stderr.
fn usage_error(args: &[&str]) -> String {
    let o = ecekit(&[&["policy"], args].concat());
    assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stdout(&o));
    assert!(o.stdout.is_empty(), "{args:?}");
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    assert!(err.starts_with("ecekit: error: "), "{err}");
    err
}

fn assert_clean_policy(text: &str) {
    let doc = json::parse(text);
    assert!(doc.findings.is_empty(), "{text}");
    let found = policy::validate(&doc, &ValidateOptions::default());
    assert!(found.is_empty(), "{text}\n{found:#?}");
}

#[test]
fn prints_the_identity_policy_as_json_with_notes_on_stderr() {
    let (out, err) = policy_ok(&["--bucket", "snaps.example.com"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["Version"], "2012-10-17");
    assert_eq!(
        v["Statement"][0]["Resource"][0],
        "arn:aws:s3:::snaps.example.com"
    );
    assert_eq!(
        v["Statement"][1]["Resource"][0],
        "arn:aws:s3:::snaps.example.com/*"
    );
    assert!(out.ends_with("}\n"));
    assert_clean_policy(&out);
    assert!(
        err.contains("ecekit: note: This is an identity policy"),
        "{err}"
    );
    let (_, quiet) = policy_ok(&["--bucket", "snaps.example.com", "-q"]);
    assert!(quiet.is_empty());
}

#[test]
fn every_s3_variant_prints_a_clean_policy() {
    let cases: [&[&str]; 5] = [
        &[
            "--bucket",
            "snaps.example.com",
            "--base-path",
            "prod/cluster-1",
        ],
        &["--bucket", "snaps.example.com", "--kms-key-arn", KEY],
        &[
            "--bucket",
            "snaps.example.com",
            "--bucket-policy",
            "--principal",
            "arn:aws:iam::111122223333:role/es",
        ],
        &[
            "--bucket",
            "snaps.example.com",
            "--base-path",
            "p",
            "--kms-key-arn",
            KEY,
            "--bucket-policy",
            "--principal",
            "111122223333",
        ],
        &["--bucket", "snaps", "--partition", "aws-cn"],
    ];
    for args in cases {
        let (out, _) = policy_ok(args);
        assert_clean_policy(&out);
    }
    let (out, _) = policy_ok(&["--bucket", "snaps.example.com", "--base-path", "prod/c1/"]);
    assert!(out.contains("\"s3:prefix\""));
    assert!(out.contains("arn:aws:s3:::snaps.example.com/prod/c1/*"));
    let (out, err) = policy_ok(&[
        "--bucket",
        "snaps.example.com",
        "--bucket-policy",
        "--principal",
        "111122223333",
        "--kms-key-arn",
        KEY,
    ]);
    assert!(out.contains("\"Principal\""));
    assert!(
        !out.contains("kms:"),
        "a bucket policy cannot hold KMS actions"
    );
    assert!(err.contains("kms:GenerateDataKey"), "{err}");
    let (out, _) = policy_ok(&["--bucket", "snaps", "--partition", "aws-us-gov"]);
    assert!(out.contains("arn:aws-us-gov:s3:::snaps"));
}

#[test]
fn the_printed_policy_passes_ecekit_validate() {
    let (out, _) = policy_ok(&[
        "--bucket",
        "snaps.example.com",
        "--base-path",
        "a/b",
        "--kms-key-arn",
        KEY,
    ]);
    let dir = std::env::temp_dir().join(format!("ecekit-cli-policy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("policy.json");
    std::fs::write(&file, &out).unwrap();
    let o = ecekit(&["validate", "--kind", "policy", file.to_str().unwrap()]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
}

#[test]
fn commands_for_aws_are_a_bash_script() {
    let (out, err) = policy_ok(&[
        "--bucket",
        "snaps.example.com",
        "--commands",
        "--user-name",
        "es-snaps",
        "--client",
        "backup",
    ]);
    assert!(err.is_empty());
    assert!(out.contains("cat > snapshot-policy.json <<'EOF'"));
    assert!(out.contains("aws iam create-user --user-name es-snaps"));
    assert!(out.contains("aws iam put-user-policy --user-name es-snaps --policy-name elasticsearch-snapshots-snaps.example.com --policy-document file://snapshot-policy.json"));
    assert!(out.contains("aws iam create-access-key --user-name es-snaps"));
    assert!(out.contains("s3.client.backup.secret_key"));
    assert!(out.contains("never into the repository settings"));
    let status = Command::new("bash")
        .args(["-n", "-c", &out])
        .status()
        .unwrap();
    assert!(status.success());
    let (out, _) = policy_ok(&[
        "--bucket",
        "snaps.example.com",
        "--commands",
        "--bucket-policy",
        "--principal",
        "111122223333",
    ]);
    assert!(out.contains("aws s3api put-bucket-policy --bucket snaps.example.com"));
}

#[test]
fn gcs_prints_the_role_and_the_gcloud_commands() {
    let (out, _) = policy_ok(&["--provider", "gcs", "--bucket", "acme-snapshots"]);
    assert!(out.contains("roles/storage.objectUser"));
    assert!(out.contains("storage.objects.create"));
    assert!(out.contains("gs://acme-snapshots"));
    let (out, _) = policy_ok(&[
        "--provider",
        "gcs",
        "--bucket",
        "acme-snapshots",
        "--project",
        "acme-prod",
        "--commands",
    ]);
    assert!(out.contains(
        "gcloud iam service-accounts create elasticsearch-snapshots --project=acme-prod"
    ));
    assert!(out.contains("gcloud storage buckets add-iam-policy-binding gs://acme-snapshots"));
    assert!(out.contains("gcloud iam service-accounts keys create"));
    let status = Command::new("bash")
        .args(["-n", "-c", &out])
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn azure_prints_the_sas_permissions_and_the_az_commands() {
    let (out, _) = policy_ok(&["--provider", "azure", "--bucket", "es-snapshots"]);
    assert!(out.contains("r, w, d, l"));
    assert!(out.contains("azure.client.default.sas_token"));
    let (out, _) = policy_ok(&[
        "--provider",
        "azure",
        "--bucket",
        "es-snapshots",
        "--account",
        "acmesnaps",
        "--commands",
    ]);
    assert!(out.contains("--permissions rwdl"));
    assert!(out.contains("--services b --resource-types sco"));
    let status = Command::new("bash")
        .args(["-n", "-c", &out])
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn bad_input_is_one_clear_line_and_exit_2() {
    assert!(usage_error(&[]).contains("--bucket is required"));
    assert!(usage_error(&["--bucket", "My_Bucket"]).contains("--bucket: an S3 bucket name"));
    assert!(usage_error(&["--bucket", "bucket-name"]).contains("placeholder"));
    assert!(usage_error(&["--bucket", "snaps", "--base-path", "/prod"])
        .contains("--base-path: a base path has no leading '/'"));
    assert!(
        usage_error(&["--bucket", "snaps", "--kms-key-arn", "alias/snaps"])
            .contains("--kms-key-arn")
    );
    assert!(usage_error(&["--bucket", "snaps", "--bucket-policy"])
        .contains("--bucket-policy needs --principal"));
    assert!(
        usage_error(&["--bucket", "snaps", "--principal", "111122223333"])
            .contains("add --bucket-policy")
    );
    assert!(
        usage_error(&["--bucket", "snaps", "--bucket-policy", "--principal", "bob"])
            .contains("--principal:")
    );
    assert!(usage_error(&["--bucket", "snaps", "--provider", "s4"])
        .contains("--provider s4: expected s3, gcs or azure"));
    assert!(
        usage_error(&["--bucket", "snaps", "--partition", "aws-eu"]).contains("--partition aws-eu")
    );
    assert!(usage_error(&[
        "--bucket",
        "snaps",
        "--provider",
        "gcs",
        "--kms-key-arn",
        KEY
    ])
    .contains("applies to --provider s3 only"));
    assert!(usage_error(&["--bucket", "snaps", "--account", "x"])
        .contains("--account applies to --provider azure only"));
    assert!(usage_error(&["--bucket", "snaps", "--user-name", "x"]).contains("add --commands"));
    assert!(
        usage_error(&["--provider", "gcs", "--bucket", "snaps", "--commands"])
            .contains("--project")
    );
    assert!(usage_error(&[
        "--provider",
        "azure",
        "--bucket",
        "es-snapshots",
        "--commands"
    ])
    .contains("--account"));
    assert!(
        usage_error(&["--provider", "azure", "--bucket", "BACKUP-CONTAINER"])
            .contains("Azure container")
    );
    // Several bad fields: still one line.
    let err = usage_error(&["--bucket", "Bad_Bucket", "--base-path", "a//b"]);
    assert!(
        err.contains("--bucket") && err.contains("--base-path"),
        "{err}"
    );
}

#[test]
fn help_has_examples() {
    let o = ecekit(&["policy", "--help"]);
    assert_eq!(o.status.code(), Some(0));
    let help = stdout(&o);
    assert!(help.contains("Examples:"));
    assert!(help.contains("--bucket-policy"));
    assert!(help.contains("--provider gcs"));
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ecekit"))
        .args(["policy", "--bucket", "snaps.example.com", "-q"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
    assert_eq!(o.status.code(), Some(0));
}
