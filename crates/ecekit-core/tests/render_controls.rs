//! Names, paths and values holding quotes, line breaks and control
//! characters, in every format: an output either carries them exactly (read
//! back by bash, or by a reader of HCL) or is refused, and never does a line
//! break in a name end a comment and start code. (PowerShell's reader is in
//! render_roundtrip.rs.)

mod render_common;

use ecekit_core::api::{build_request, Operation, Request, RequestSpec, Target};
use ecekit_core::keystore::{patch_body, Secret, SecretChange, SecretValue};
use ecekit_core::render::*;
use proptest::prelude::*;
use render_common::hcl::{self, Token};
use render_common::{
    is_control, nasty_text, recorded_calls, recording_program, run_bash, temp_dir,
};
use std::collections::BTreeMap;

/// A setting name that, written raw after `#` in HCL, declares a resource
/// that runs a program.
const INJECTION: &str = "s3.client.default.access_key\nresource \"null_resource\" \"x\" {\n  provisioner \"local-exec\" {\n    command = \"calc\"\n  }\n}\n#";

fn keystore_set(changes: &[SecretChange], target: Target) -> Request {
    build_request(&RequestSpec::new(Operation::KeystoreSet, target).body(patch_body(changes)))
        .unwrap()
}

fn set(name: &str, value: &str) -> SecretChange {
    SecretChange::Set(Secret::new(name, SecretValue::Text(value.into())))
}

fn no_raw_controls(text: &str) -> bool {
    text.chars().all(|c| c == '\n' || !is_control(c))
}

#[test]
fn terraform_refuses_a_setting_name_that_would_end_its_comment() {
    for changes in [
        vec![SecretChange::Remove(INJECTION.into())],
        vec![set(INJECTION, "AKIAIOSFODNN7EXAMPLE")],
    ] {
        let request = keystore_set(&changes, Target::Ece { coordinator: None });
        let error = terraform(&request).unwrap_err();
        assert!(error.message.contains("control character"), "{error}");
        assert!(no_raw_controls(&error.message), "{error}");
    }
}

/// Terraform, which writes names into its file, refuses them; the other
/// formats carry the body as JSON (escaped) and never write a raw control
/// character. (The CLI refuses every form: cli_security.rs.)
#[test]
fn no_format_writes_a_setting_name_control_character_raw() {
    for name in [
        INJECTION,
        "s3.client.a\rb.secret_key",
        "s3.client.default.secret_key\u{1b}]0;owned\u{7}\u{1b}[2J",
        "s3.client.default\u{85}.access_key",
        "s3.client.default.access_key\u{2028}",
    ] {
        for changes in [
            vec![SecretChange::Remove(name.into())],
            vec![set(name, "v")],
        ] {
            for target in [Target::Ece { coordinator: None }, Target::Ess] {
                let request = keystore_set(&changes, target);
                for format in Format::ALL {
                    match render(&request, format, &RenderOptions::default()) {
                        Ok(r) => {
                            assert!(format != Format::Terraform, "{}", r.text);
                            // The body is data, in a quoted heredoc or here-string.
                            let body = request.body.as_deref().unwrap().trim_end();
                            let outside = r.text.replace(body, "");
                            assert!(no_raw_controls(&outside), "{format:?}: {:?}", r.text);
                            assert!(!r.text.contains("null_resource\" \"x\" {\n"), "{}", r.text);
                        }
                        Err(e) => assert!(no_raw_controls(&e.message), "{e}"),
                    }
                }
                let error = terraform(&request).unwrap_err();
                assert!(error.message.contains("control character"), "{error}");
            }
        }
    }
}

#[test]
fn hcl_strings_escape_every_control_character() {
    let h = hcl_value(&serde_json::json!(
        "a\u{85}\u{9b}\u{7f}\u{1b}\u{2028}\u{202e}b"
    ));
    assert_eq!(h, "\"a\\u0085\\u009B\\u007F\\u001B\\u2028\\u202Eb\"");
}

/// `text` as a shell expands it, `env` giving the variables (unset: empty).
fn expand(text: &str, env: &[(&str, &str)]) -> String {
    let lookup = |name: &str| {
        env.iter()
            .find(|(n, _)| *n == name)
            .map_or(String::new(), |(_, v)| v.to_string())
    };
    render_common::expand(text, &lookup)
}

fn decoded(tokens: Option<&[Token]>) -> Option<String> {
    match tokens {
        Some([Token::Str(s)]) => Some(s.clone()),
        _ => None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// curl for bash: a CA certificate path reaches curl as one argument,
    /// exactly, and the script holds no raw control character.
    #[test]
    fn bash_words_round_trip(cacert in nasty_text(), insecure in any::<bool>()) {
        let request = build_request(&RequestSpec::new(Operation::DeploymentsList, Target::Ess)).unwrap();
        let options = RenderOptions { insecure, cacert: Some(cacert.clone()) };
        let rendered = match curl_bash(&request, &options) {
            Ok(r) => r,
            Err(e) => {
                prop_assert!(cacert.contains(['$', '\0']), "{cacert:?} refused: {e}");
                return Ok(());
            }
        };
        prop_assert!(no_raw_controls(&rendered.text), "{:?}", rendered.text);
        let dir = temp_dir("bash-words");
        recording_program(&dir, "curl");
        let path = format!("{}/bin:{}", dir.display(), std::env::var("PATH").unwrap_or_default());
        let home = dir.display().to_string();
        let env = [("PATH", path.as_str()), ("HOME", home.as_str()), ("EC_API_KEY", "ec-key==")];
        let out = run_bash(&rendered.text, &dir, &env);
        let calls = recorded_calls(&dir);
        let _ = std::fs::remove_dir_all(&dir);
        prop_assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let mut expected: Vec<String> = vec!["-sS".into(), "--fail-with-body".into()];
        if insecure {
            expected.push("-k".into());
        }
        expected.extend(["--cacert".into(), expand(&cacert, &env)]);
        expected.extend([
            "-H".into(),
            "Authorization: ApiKey ec-key==".into(),
            "https://api.elastic-cloud.com/api/v1/deployments".into(),
        ]);
        prop_assert_eq!(calls, vec![expected]);
    }

    /// The self-managed keystore commands: every name reaches
    /// elasticsearch-keystore as one argument (a NUL, which no argument can
    /// carry, dropped), one command per line, no raw control character.
    #[test]
    fn keystore_tool_names_round_trip(
        names in prop::collection::vec((nasty_text(), 0..3u8), 1..5)
    ) {
        let changes: Vec<SecretChange> = names
            .iter()
            .map(|(name, kind)| match kind {
                0 => SecretChange::Remove(name.clone()),
                1 => set(name, "v"),
                _ => SecretChange::Set(Secret::new(name.as_str(), SecretValue::Text("v".into())).with_as_file(true)),
            })
            .collect();
        let text = elasticsearch_keystore_commands(&changes);
        prop_assert!(no_raw_controls(&text), "{text:?}");
        prop_assert_eq!(text.lines().count(), 3 + changes.len(), "{}", text);
        let dir = temp_dir("keystore-tool");
        recording_program(&dir, "elasticsearch-keystore");
        let out = run_bash(&text, &dir, &[]);
        let calls = recorded_calls(&dir);
        let _ = std::fs::remove_dir_all(&dir);
        prop_assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let expected: Vec<Vec<String>> = names
            .iter()
            .map(|(name, kind)| {
                let name = name.replace('\0', "");
                match kind {
                    0 => vec!["remove".into(), name],
                    1 => vec!["add".into(), "--force".into(), "--stdin".into(), name],
                    _ => vec!["add-file".into(), "--force".into(), name, "/path/to/value-file".into()],
                }
            })
            .collect();
        prop_assert_eq!(calls, expected);
    }

    /// ecctl: the repository type reaches ecctl exactly; the script holds no
    /// raw control character.
    #[test]
    fn ecctl_words_round_trip(kind in nasty_text()) {
        let body = serde_json::json!({"type": kind, "settings": {"bucket": "b"}}).to_string();
        let request = build_request(
            &RequestSpec::new(Operation::PlatformRepositoryPut, Target::Ece { coordinator: None })
                .repository("ece-snapshots")
                .body(body),
        ).unwrap();
        let rendered = match ecctl(&request, &RenderOptions::default()) {
            Ok(r) => r,
            Err(e) => {
                prop_assert!(kind.contains('\0'), "{kind:?} refused: {e}");
                return Ok(());
            }
        };
        prop_assert!(no_raw_controls(&rendered.text), "{:?}", rendered.text);
        let dir = temp_dir("ecctl-words");
        recording_program(&dir, "ecctl");
        let path = format!("{}/bin:{}", dir.display(), std::env::var("PATH").unwrap_or_default());
        let env = [("PATH", path.as_str()), ("COORDINATOR_HOST", "ece.example.com"), ("ECE_API_KEY", "k")];
        let out = run_bash(&rendered.text, &dir, &env);
        let calls = recorded_calls(&dir);
        let _ = std::fs::remove_dir_all(&dir);
        prop_assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let expected: Vec<String> = [
            "--host", "https://ece.example.com:12443", "platform", "repository", "create",
            "ece-snapshots", "--type", &kind, "--settings", "settings.json",
        ].map(String::from).to_vec();
        prop_assert_eq!(calls, vec![expected]);
    }

    /// Terraform keystore resources: read back by an HCL reader, the file
    /// declares exactly one resource per setting set, naming it exactly,
    /// and nothing else; a name with a control character is refused.
    #[test]
    fn terraform_keystore_reads_back(
        entries in prop::collection::btree_map(
            prop_oneof![nasty_text(), nasty_text().prop_map(|n| format!("s3.client.{n}.secret_key"))],
            (nasty_text(), any::<bool>()),
            1..5,
        )
    ) {
        let entries: BTreeMap<String, (String, bool)> = entries;
        let changes: Vec<SecretChange> = entries
            .iter()
            .map(|(name, (value, removed))| {
                if *removed { SecretChange::Remove(name.clone()) } else { set(name, &format!("{value}x")) }
            })
            .collect();
        let request = keystore_set(&changes, Target::Ece { coordinator: None });
        let refused = entries.keys().any(|n| n.chars().any(is_control));
        let rendered = match terraform(&request) {
            Ok(r) => r,
            Err(e) => {
                prop_assert!(refused, "refused: {e}");
                return Ok(());
            }
        };
        prop_assert!(!refused, "rendered:\n{}", rendered.text);
        let blocks = hcl::blocks(&rendered.text)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{}", rendered.text)))?;
        let set_names: Vec<&String> = entries.iter().filter(|(_, (_, r))| !r).map(|(n, _)| n).collect();
        prop_assert_eq!(&blocks[0].kind, "terraform");
        let resources: Vec<&hcl::Block> = blocks.iter().filter(|b| b.kind == "resource").collect();
        let variables: Vec<&hcl::Block> = blocks.iter().filter(|b| b.kind == "variable").collect();
        prop_assert_eq!(blocks.len(), 1 + resources.len() + variables.len());
        prop_assert_eq!(resources.len(), set_names.len());
        prop_assert_eq!(variables.len(), set_names.len() + 1, "one per value, and the deployment id");
        let mut named: Vec<String> = Vec::new();
        for r in resources {
            prop_assert_eq!(&r.labels[0], "ec_deployment_elasticsearch_keystore");
            named.push(decoded(r.attribute("setting_name")).unwrap());
            let value = r.attribute("value").unwrap();
            let var = match value {
                [Token::Ident(v), Token::Punct('.'), Token::Ident(id)] if v == "var" => id.clone(),
                other => return Err(TestCaseError::fail(format!("value = {other:?}"))),
            };
            prop_assert!(variables.iter().any(|v| v.labels == [var.clone()]));
        }
        named.sort();
        prop_assert_eq!(named.iter().collect::<Vec<_>>(), set_names);
        for (value, _) in entries.values() {
            let value = format!("{value}x");
            prop_assert!(value.len() < 4 || !rendered.text.contains(&value), "a value in the file");
        }
    }

    /// Terraform platform repository: one resource, every setting key in it,
    /// exactly (any key: keys are only written as escaped strings); secret
    /// values only as variables.
    #[test]
    fn terraform_platform_repository_reads_back(
        settings in prop::collection::btree_map(nasty_text(), nasty_text(), 0..4),
        secret in "[A-Za-z0-9/+]{40}",
    ) {
        let mut settings: serde_json::Map<String, serde_json::Value> = settings
            .into_iter()
            .map(|(k, v)| (k, serde_json::Value::String(v)))
            .collect();
        settings.insert("secret_key".into(), secret.clone().into());
        let body = serde_json::json!({"type": "s3", "settings": settings}).to_string();
        let request = build_request(
            &RequestSpec::new(Operation::PlatformRepositoryPut, Target::Ece { coordinator: None })
                .repository("ece-snapshots")
                .body(body),
        ).unwrap();
        let rendered = terraform(&request).unwrap();
        prop_assert!(!rendered.text.contains(&secret));
        let blocks = hcl::blocks(&rendered.text)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{}", rendered.text)))?;
        let resources: Vec<&hcl::Block> = blocks.iter().filter(|b| b.kind == "resource").collect();
        prop_assert_eq!(resources.len(), 1);
        prop_assert!(blocks.iter().all(|b| matches!(b.kind.as_str(), "terraform" | "variable" | "resource")));
        let r = resources[0];
        prop_assert_eq!(&r.labels, &vec!["ec_snapshot_repository".to_string(), "ece_snapshots".to_string()]);
        prop_assert_eq!(decoded(r.attribute("name")), Some("ece-snapshots".to_string()));
        let strings: Vec<String> = r
            .attribute("generic")
            .unwrap()
            .iter()
            .filter_map(|t| match t { Token::Str(s) => Some(s.clone()), _ => None })
            .collect();
        for key in settings.keys() {
            prop_assert!(strings.contains(key), "{key:?} missing from {strings:?}");
        }
    }

    /// AWS CLI and Terraform forms of an access policy: the policy file is
    /// written exactly, and the Terraform resource names the policy exactly.
    #[test]
    fn policy_outputs_round_trip(sid in nasty_text(), name in nasty_text()) {
        let policy = serde_json::to_string_pretty(&serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{"Sid": sid, "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b"}],
        })).unwrap();
        // The policy is data in a quoted heredoc: written byte for byte.
        let rendered = aws_cli_create_policy(&policy, "snapshot-policy").unwrap();
        let dir = temp_dir("aws-policy");
        recording_program(&dir, "aws");
        let path = format!("{}/bin:{}", dir.display(), std::env::var("PATH").unwrap_or_default());
        let out = run_bash(&rendered.text, &dir, &[("PATH", path.as_str())]);
        let written = std::fs::read_to_string(dir.join("policy.json")).unwrap_or_default();
        let calls = recorded_calls(&dir);
        let _ = std::fs::remove_dir_all(&dir);
        prop_assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        prop_assert_eq!(written, format!("{policy}\n"));
        prop_assert_eq!(calls.len(), 1);

        // Any name is a label made of letters and digits, and an escaped string.
        let tf = terraform_aws_iam_policy(&policy, &name).unwrap();
        let blocks = hcl::blocks(&tf.text)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{}", tf.text)))?;
        prop_assert_eq!(blocks.len(), 2);
        prop_assert_eq!(&blocks[1].labels[0], "aws_iam_policy");
        prop_assert_eq!(decoded(blocks[1].attribute("name")), Some(name.clone()));
    }
}
