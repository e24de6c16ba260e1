//! Every operation × target × format: what renders, what says why not, and
//! the properties of each output.

mod render_common;

use ecekit_core::api::{build_request, Auth, Operation, Request, RequestSpec, Target};
use ecekit_core::render::*;
use render_common::{bash_syntax_ok, require_curl, run_bash, temp_dir};
use std::os::unix::fs::PermissionsExt;

const SECRET: &str = "wJalr'XUt\"nFEMI$K7MDENG`bPxRfi\\CYEXAMPLEKEY";

fn keystore_body() -> String {
    serde_json::to_string_pretty(&serde_json::json!({
        "secrets": {
            "s3.client.default.access_key": {"value": "AKIAIOSFODNN7EXAMPLE"},
            "s3.client.default.secret_key": {"value": SECRET, "as_file": false},
            "gcs.client.default.credentials_file": {"as_file": true, "value": {"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\nMII\n-----END PRIVATE KEY-----\n"}},
            "s3.client.old.secret_key": {}
        }
    }))
    .unwrap()
}

const REPO_BODY: &str = "{\n  \"type\": \"s3\",\n  \"settings\": {\n    \"bucket\": \"my-bucket\",\n    \"client\": \"default\"\n  }\n}\n";
const PLATFORM_REPO_BODY: &str = "{\"type\":\"s3\",\"settings\":{\"bucket\":\"b\",\"region\":\"us-east-1\",\"access_key\":\"AKIAIOSFODNN7EXAMPLE\",\"secret_key\":\"wJalr${x}%{y}SECRETKEY\"}}";

fn body_for(op: Operation) -> Option<String> {
    match op {
        Operation::KeystoreSet => Some(keystore_body()),
        Operation::RepositoryPut => Some(REPO_BODY.to_string()),
        Operation::PlatformRepositoryPut => Some(PLATFORM_REPO_BODY.to_string()),
        Operation::Login => {
            Some("{\"username\":\"admin\",\"password\":\"pa$$'w\\\"rd\"}".to_string())
        }
        _ => None,
    }
}

fn targets() -> Vec<Target> {
    vec![
        Target::Ece { coordinator: None },
        Target::Ece {
            coordinator: Some("https://ece.example.com:12443".into()),
        },
        Target::Ess,
        Target::Elasticsearch { endpoint: None },
        Target::Elasticsearch {
            endpoint: Some("https://es.example.com:9243".into()),
        },
    ]
}

fn all_requests() -> Vec<Request> {
    let mut out = Vec::new();
    for target in targets() {
        for op in Operation::ALL {
            for auth in [Auth::ApiKey, Auth::Bearer] {
                let mut spec = RequestSpec::new(op, target.clone())
                    .repository("my-repo")
                    .auth(auth);
                if let Some(b) = body_for(op) {
                    spec = spec.body(b);
                }
                if let Ok(r) = build_request(&spec) {
                    out.push(r);
                }
            }
        }
    }
    out
}

fn options() -> Vec<RenderOptions> {
    vec![
        RenderOptions::default(),
        RenderOptions {
            insecure: true,
            cacert: None,
        },
        RenderOptions {
            insecure: false,
            cacert: Some("$ECE_CA_CERT".into()),
        },
        RenderOptions {
            insecure: false,
            cacert: Some("/etc/ssl/ece ca.pem".into()),
        },
    ]
}

#[test]
fn every_operation_and_target_renders_or_says_why() {
    let requests = all_requests();
    // 9 operations: ECE all 9 (x2 coordinators, x2 auth); ESS 7 with API keys
    // plus the 3 redirected to Elasticsearch with a bearer token;
    // Elasticsearch 3 (x2 endpoints, x2 auth).
    assert_eq!(requests.len(), 9 * 2 * 2 + 7 + 3 + 3 * 2 * 2);
    for req in &requests {
        for opts in options() {
            for format in Format::ALL {
                match render(req, format, &opts) {
                    Ok(r) => {
                        assert_eq!(r.format, format);
                        assert!(!r.text.is_empty());
                        assert!(!r.filename.is_empty() && !r.filename.contains('/'));
                    }
                    Err(e) => {
                        assert!(
                            !matches!(format, Format::CurlBash | Format::CurlPowerShell),
                            "{format:?} must render {}: {e}",
                            req.operation
                        );
                        assert!(e.message.len() > 20, "{e}");
                    }
                }
            }
        }
    }
}

#[test]
fn rendered_bash_parses() {
    for req in all_requests() {
        for opts in options() {
            let r = curl_bash(&req, &opts).unwrap();
            bash_syntax_ok(&r.text).unwrap_or_else(|e| panic!("{e}\n{}", r.text));
            assert!(r.text.contains("curl -sS --fail-with-body"));
            if let Ok(e) = ecctl(&req, &opts) {
                bash_syntax_ok(&e.text).unwrap_or_else(|err| panic!("{err}\n{}", e.text));
            }
        }
    }
}

#[test]
fn credentials_are_variables_everywhere() {
    for req in all_requests() {
        for format in Format::ALL {
            let Ok(r) = render(&req, format, &RenderOptions::default()) else {
                continue;
            };
            for line in r.text.lines() {
                if let Some(i) = line.find("Authorization: ") {
                    let rest = &line[i + "Authorization: ".len()..];
                    let cred = rest.split_whitespace().nth(1).unwrap_or("");
                    assert!(
                        cred.starts_with('$'),
                        "{format:?} {}: {line}",
                        req.operation
                    );
                }
            }
        }
    }
}

#[test]
fn bash_command_shape() {
    let req = build_request(
        &RequestSpec::new(Operation::KeystoreSet, Target::Ece { coordinator: None })
            .body(keystore_body()),
    )
    .unwrap();
    let r = curl_bash(
        &req,
        &RenderOptions {
            insecure: false,
            cacert: Some("$ECE_CA_CERT".into()),
        },
    )
    .unwrap();
    let expected_head = "# Update the keystore\n# Set first: COORDINATOR_HOST, DEPLOYMENT_ID, REF_ID, ECE_API_KEY, ECE_CA_CERT\ncurl -sS --fail-with-body -X PATCH \\\n  --cacert \"$ECE_CA_CERT\" \\\n  -H \"Authorization: ApiKey $ECE_API_KEY\" \\\n  -H 'Content-Type: application/json' \\\n  \"https://$COORDINATOR_HOST:12443/api/v1/deployments/$DEPLOYMENT_ID/elasticsearch/$REF_ID/keystore\" \\\n  --data-binary @- <<'EOF'\n";
    assert!(r.text.starts_with(expected_head), "{}", r.text);
    assert!(r
        .text
        .ends_with(&format!("{}EOF\n", req.body.as_deref().unwrap())));
    assert!(!r.text.contains(" -k "));
    assert_eq!(r.filename, "keystore-set.sh");

    let r = curl_bash(
        &req,
        &RenderOptions {
            insecure: true,
            cacert: None,
        },
    )
    .unwrap();
    assert!(r.text.contains("\n  -k \\\n"));
    assert!(r.notes.iter().any(|n| n.contains("--cacert")));

    // A GET has no -X, no Content-Type and no heredoc.
    let get = build_request(&RequestSpec::new(Operation::KeystoreGet, Target::Ess)).unwrap();
    let r = curl_bash(&get, &RenderOptions::default()).unwrap();
    assert!(!r.text.contains("-X"));
    assert!(!r.text.contains("Content-Type"));
    assert!(!r.text.contains("<<"));
    assert!(r.text.contains("\"Authorization: ApiKey $EC_API_KEY\""));

    // The proxy header.
    let verify = build_request(
        &RequestSpec::new(
            Operation::RepositoryVerify,
            Target::Ece { coordinator: None },
        )
        .repository("r"),
    )
    .unwrap();
    let r = curl_bash(&verify, &RenderOptions::default()).unwrap();
    assert!(r.text.contains("-X POST"));
    assert!(r.text.contains("-H 'X-Management-Request: true'"));

    // The Elastic Cloud redirect says why, in the command itself.
    let ess = build_request(
        &RequestSpec::new(Operation::RepositoryPut, Target::Ess)
            .repository("r")
            .body(REPO_BODY),
    )
    .unwrap();
    let r = curl_bash(&ess, &RenderOptions::default()).unwrap();
    assert!(r.text.contains("# Elastic Cloud has no API proxy"));
    assert!(r.text.contains("\"$ELASTICSEARCH_URL/_snapshot/r\""));
}

#[test]
fn heredoc_delimiter_avoids_body_lines() {
    assert_eq!(heredoc_delimiter("{}\n"), "EOF");
    assert_eq!(heredoc_delimiter("a\nEOF\nb\n"), "EOF_1");
    assert_eq!(heredoc_delimiter("EOF\nEOF_1\n"), "EOF_2");
    assert_eq!(heredoc_delimiter(" EOF\nEOF \n"), "EOF");
}

#[test]
fn bash_executes_with_a_cacert_path_holding_spaces() {
    require_curl();
    // The CA path is quoted: curl gets one argument (and fails on the missing
    // file rather than on a split word).
    let req = build_request(&RequestSpec::new(Operation::DeploymentsList, Target::Ess)).unwrap();
    let r = curl_bash(
        &req,
        &RenderOptions {
            insecure: false,
            cacert: Some("/nonexistent dir/ca.pem".into()),
        },
    )
    .unwrap();
    assert!(r.text.contains("--cacert '/nonexistent dir/ca.pem'"));
    bash_syntax_ok(&r.text).unwrap();
}

#[test]
fn powershell_command_shape() {
    let req = build_request(
        &RequestSpec::new(Operation::KeystoreSet, Target::Ece { coordinator: None })
            .body(keystore_body()),
    )
    .unwrap();
    let r = curl_powershell(
        &req,
        &RenderOptions {
            insecure: true,
            cacert: Some("$ECE_CA_CERT".into()),
        },
    )
    .unwrap();
    let body = req.body.as_deref().unwrap();
    let here = format!(
        "@'\n{}\n'@ | curl.exe -sS --fail-with-body `\n",
        body.trim_end_matches('\n')
    );
    assert!(r.text.contains(&here), "{}", r.text);
    assert!(r
        .text
        .contains("$OutputEncoding = [System.Text.UTF8Encoding]::new($false)\n"));
    assert!(r
        .text
        .contains("-H \"Authorization: ApiKey ${env:ECE_API_KEY}\" `"));
    assert!(r.text.contains("--cacert \"${env:ECE_CA_CERT}\" `"));
    assert!(r.text.contains("-H 'Content-Type: application/json' `"));
    assert!(r.text.contains("--data-binary '@-' `"));
    assert!(r.text.ends_with("\"https://${env:COORDINATOR_HOST}:12443/api/v1/deployments/${env:DEPLOYMENT_ID}/elasticsearch/${env:REF_ID}/keystore\"\n"));
    assert!(r.text.contains("\n  -k `\n"));
    assert!(
        !r.text.contains("curl "),
        "never the Invoke-WebRequest alias"
    );
    assert_eq!(r.filename, "keystore-set.ps1");
    // Every continuation line ends with a backtick and nothing after it.
    let cmd_start = r.text.find("'@ | curl.exe").unwrap();
    let cmd: Vec<&str> = r.text[cmd_start..].lines().collect();
    for line in &cmd[..cmd.len() - 1] {
        assert!(line.ends_with(" `"), "{line:?}");
    }

    // A body line starting with '@ would end the here-string.
    let bad = build_request(
        &RequestSpec::new(
            Operation::RepositoryPut,
            Target::Elasticsearch { endpoint: None },
        )
        .repository("r")
        .body("x\n'@ oops\n"),
    )
    .unwrap();
    assert!(curl_powershell(&bad, &RenderOptions::default()).is_err());

    let get = build_request(&RequestSpec::new(Operation::DeploymentsList, Target::Ess)).unwrap();
    let r = curl_powershell(&get, &RenderOptions::default()).unwrap();
    assert!(r.text.contains("curl.exe -sS --fail-with-body `\n  -H \"Authorization: ApiKey ${env:EC_API_KEY}\" `\n  \"https://api.elastic-cloud.com/api/v1/deployments\"\n"));
    assert!(!r.text.contains("@'"));
}

#[test]
fn kibana_console_text() {
    let req = build_request(
        &RequestSpec::new(Operation::RepositoryPut, Target::Ece { coordinator: None })
            .repository("s3-repo")
            .body(REPO_BODY),
    )
    .unwrap();
    let r = kibana_console(&req).unwrap();
    assert_eq!(r.text, format!("PUT _snapshot/s3-repo\n{REPO_BODY}"));
    let verify = build_request(
        &RequestSpec::new(Operation::RepositoryVerify, Target::Ess).repository("s3-repo"),
    )
    .unwrap();
    assert_eq!(
        kibana_console(&verify).unwrap().text,
        "POST _snapshot/s3-repo/_verify\n"
    );
    let reload = build_request(&RequestSpec::new(
        Operation::ReloadSecureSettings,
        Target::Elasticsearch { endpoint: None },
    ))
    .unwrap();
    assert_eq!(
        kibana_console(&reload).unwrap().text,
        "POST _nodes/reload_secure_settings\n"
    );
    let ks = build_request(
        &RequestSpec::new(Operation::KeystoreSet, Target::Ece { coordinator: None }).body("{}"),
    )
    .unwrap();
    let err = kibana_console(&ks).unwrap_err();
    assert!(err.message.contains("ECE API call"), "{err}");
}

/// A stand-in for a program: records its arguments and the content of the
/// file given after `flag` into the directory.
fn fake_program(dir: &std::path::Path, name: &str, flag: &str) {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let path = bin.join(name);
    std::fs::write(
        &path,
        format!(
            "#!/bin/bash\nprintf '%s\\n' \"$@\" > \"$HOME/args\"\nprintf '%s' \"$EC_API_KEY\" > \"$HOME/env-key\"\nprev=\nfor a in \"$@\"; do\n  if [ \"$prev\" = {flag} ]; then f=\"${{a#file://}}\"; cp \"$f\" \"$HOME/captured\"; stat -c %a \"$f\" > \"$HOME/mode\"; fi\n  prev=\"$a\"\ndone\n"
        ),
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn ecctl_keystore_update_runs_with_the_exact_file() {
    let body = keystore_body();
    let req = build_request(
        &RequestSpec::new(
            Operation::KeystoreSet,
            Target::Ece {
                coordinator: Some("ece.example".into()),
            },
        )
        .deployment_id("0123456789abcdef0123456789abcdef")
        .ref_id("main-elasticsearch")
        .body(body.clone()),
    )
    .unwrap();
    let r = ecctl(
        &req,
        &RenderOptions {
            insecure: true,
            cacert: None,
        },
    )
    .unwrap();
    assert!(r.text.contains(
        "EC_API_KEY=\"$ECE_API_KEY\" ecctl --host https://ece.example:12443 --insecure deployment elasticsearch keystore update 0123456789abcdef0123456789abcdef --ref-id main-elasticsearch --file keystore.json\n"
    ), "{}", r.text);
    assert_eq!(r.files.len(), 1);
    assert_eq!(r.files[0].name, "keystore.json");
    assert_eq!(r.files[0].content, req.body.clone().unwrap());
    assert_eq!(r.filename, "keystore-set-ecctl.sh");

    let dir = temp_dir("ecctl");
    fake_program(&dir, "ecctl", "--file");
    let path = format!(
        "{}:{}",
        dir.join("bin").display(),
        std::env::var("PATH").unwrap()
    );
    let out = run_bash(
        &r.text,
        &dir,
        &[("PATH", &path), ("ECE_API_KEY", "the-key")],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("captured")).unwrap(),
        req.body.clone().unwrap()
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("mode")).unwrap().trim(),
        "600"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("env-key")).unwrap(),
        "the-key"
    );
    assert!(
        !dir.join("keystore.json").exists(),
        "the secrets file is removed"
    );
    let _ = std::fs::remove_dir_all(&dir);

    // Elastic Cloud: no --host, EC_API_KEY as is.
    let ess = build_request(&RequestSpec::new(Operation::KeystoreGet, Target::Ess)).unwrap();
    let r = ecctl(&ess, &RenderOptions::default()).unwrap();
    assert!(r.text.contains("\necctl deployment elasticsearch keystore show \"$DEPLOYMENT_ID\" --ref-id \"$REF_ID\"\n"), "{}", r.text);

    // ecctl has no proxy and no bearer tokens.
    let verify = build_request(
        &RequestSpec::new(
            Operation::RepositoryVerify,
            Target::Ece { coordinator: None },
        )
        .repository("r"),
    )
    .unwrap();
    assert!(ecctl(&verify, &RenderOptions::default())
        .unwrap_err()
        .message
        .contains("proxy"));
    let bearer = build_request(
        &RequestSpec::new(Operation::KeystoreGet, Target::Ece { coordinator: None })
            .auth(Auth::Bearer),
    )
    .unwrap();
    assert!(ecctl(&bearer, &RenderOptions::default()).is_err());
}

#[test]
fn ecctl_platform_repository() {
    let req = build_request(
        &RequestSpec::new(
            Operation::PlatformRepositoryPut,
            Target::Ece { coordinator: None },
        )
        .repository("ece-snapshots")
        .body(PLATFORM_REPO_BODY),
    )
    .unwrap();
    let r = ecctl(&req, &RenderOptions::default()).unwrap();
    assert!(r
        .text
        .contains("platform repository create ece-snapshots --type s3 --settings settings.json\n"));
    let settings: serde_json::Value = serde_json::from_str(&r.files[0].content).unwrap();
    assert_eq!(settings["bucket"], "b");
    assert!(
        settings.get("type").is_none(),
        "the file holds the settings only"
    );
}

#[test]
fn terraform_keystore_never_holds_a_secret() {
    let req = build_request(
        &RequestSpec::new(Operation::KeystoreSet, Target::Ece { coordinator: None })
            .deployment_id("0123456789abcdef0123456789abcdef")
            .body(keystore_body()),
    )
    .unwrap();
    let r = terraform(&req).unwrap();
    let t = &r.text;
    assert!(!t.contains("wJalr"), "{t}");
    assert!(!t.contains("AKIAIOSFODNN7EXAMPLE"));
    assert!(!t.contains("PRIVATE KEY"));
    assert_eq!(
        t.matches("resource \"ec_deployment_elasticsearch_keystore\"")
            .count(),
        3
    );
    assert_eq!(t.matches("sensitive   = true").count(), 3);
    assert!(t.contains("  setting_name  = \"s3.client.default.secret_key\"\n  value         = var.s3_client_default_secret_key\n  as_file       = false\n"));
    assert!(t.contains("  setting_name  = \"gcs.client.default.credentials_file\"\n  value         = var.gcs_client_default_credentials_file\n  as_file       = true\n"));
    assert!(t.contains("deployment_id = \"0123456789abcdef0123456789abcdef\""));
    assert!(!t.contains("variable \"deployment_id\""));
    assert!(t.contains("# s3.client.old.secret_key: removed by the PATCH"));
    assert!(t.contains("source = \"elastic/ec\""));
    assert_eq!(r.filename, "keystore-set.tf");
    // Balanced braces: a quick structural check (no HCL parser here).
    assert_eq!(t.matches('{').count(), t.matches('}').count());

    // Without an id, a variable.
    let req =
        build_request(&RequestSpec::new(Operation::KeystoreSet, Target::Ess).body(keystore_body()))
            .unwrap();
    let t = terraform(&req).unwrap().text;
    assert!(t.contains("variable \"deployment_id\""));
    assert!(t.contains("deployment_id = var.deployment_id"));
}

#[test]
fn terraform_platform_repository_uses_variables_for_keys() {
    let req = build_request(
        &RequestSpec::new(
            Operation::PlatformRepositoryPut,
            Target::Ece { coordinator: None },
        )
        .repository("ece-snapshots")
        .body(PLATFORM_REPO_BODY),
    )
    .unwrap();
    let t = terraform(&req).unwrap().text;
    assert!(!t.contains("SECRETKEY") && !t.contains("AKIA"), "{t}");
    assert!(t.contains("resource \"ec_snapshot_repository\" \"ece_snapshots\""));
    assert!(t.contains("\"secret_key\" = var.ece_snapshots_secret_key"));
    assert!(t.contains("\"access_key\" = var.ece_snapshots_access_key"));
    assert!(t.contains("\"bucket\" = \"b\""));
    assert!(t.contains("type     = \"s3\""));
}

#[test]
fn terraform_refuses_one_off_requests() {
    for op in [
        Operation::KeystoreGet,
        Operation::RepositoryVerify,
        Operation::Login,
        Operation::RepositoryPut,
    ] {
        let mut spec = RequestSpec::new(op, Target::Ece { coordinator: None }).repository("r");
        if let Some(b) = body_for(op) {
            spec = spec.body(b);
        }
        let req = build_request(&spec).unwrap();
        assert!(terraform(&req).is_err(), "{op}");
    }
}

#[test]
fn hcl_values_escape_interpolation() {
    let v = serde_json::json!({"a": "${aws:username} %{if} \"q\" \\ \n\t\u{1}", "n": [1, true, null], "o": {}});
    let h = hcl_value(&v);
    assert!(
        h.contains(r#""a" = "$${aws:username} %%{if} \"q\" \\ \n\t\u0001""#),
        "{h}"
    );
    assert!(
        h.contains("\"n\" = [\n    1,\n    true,\n    null,\n  ]"),
        "{h}"
    );
    assert!(h.contains("\"o\" = {}"));
}

const POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Bucket", "Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": "arn:aws:s3:::my-bucket",
     "Condition": {"StringLike": {"s3:prefix": ["${aws:username}/*"]}}},
    {"Sid": "Objects", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::my-bucket/*"}
  ]
}"#;

#[test]
fn terraform_aws_iam_policy_keeps_policy_variables_literal() {
    let r = terraform_aws_iam_policy(POLICY, "ecekit-snapshots").unwrap();
    assert!(r.text.contains("resource \"aws_iam_policy\" \"ecekit_snapshots\" {\n  name   = \"ecekit-snapshots\"\n  policy = jsonencode({\n"), "{}", r.text);
    assert!(r.text.contains("\"$${aws:username}/*\""));
    assert!(r.text.contains("source = \"hashicorp/aws\""));
    assert_eq!(r.filename, "ecekit_snapshots.tf");
    assert!(terraform_aws_iam_policy("{", "x").is_err());
}

#[test]
fn aws_cli_create_policy_writes_the_exact_document() {
    let r = aws_cli_create_policy(POLICY, "ecekit-snapshots").unwrap();
    bash_syntax_ok(&r.text).unwrap();
    assert!(r.text.contains("aws iam create-policy \\\n  --policy-name ecekit-snapshots \\\n  --policy-document file://policy.json\n"));
    assert_eq!(r.files[0].name, "policy.json");
    assert_eq!(r.files[0].content, format!("{POLICY}\n"));

    let dir = temp_dir("aws");
    fake_program(&dir, "aws", "--policy-document");
    let path = format!(
        "{}:{}",
        dir.join("bin").display(),
        std::env::var("PATH").unwrap()
    );
    let out = run_bash(&r.text, &dir, &[("PATH", &path)]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("captured")).unwrap(),
        format!("{POLICY}\n")
    );
    let _ = std::fs::remove_dir_all(&dir);

    assert!(aws_cli_create_policy(POLICY, "bad name").is_err());
    assert!(aws_cli_create_policy("not json", "x").is_err());
    let req = build_request(&RequestSpec::new(Operation::DeploymentsList, Target::Ess)).unwrap();
    assert!(render(&req, Format::AwsCli, &RenderOptions::default()).is_err());
}

#[test]
fn format_names_round_trip() {
    for f in Format::ALL {
        assert_eq!(Format::parse(f.as_str()), Some(f));
        assert!(!f.label().is_empty());
    }
}
