//! The generators: every option combination produces a policy that
//! re-validates with zero findings, the base-path variant puts `s3:prefix`
//! only where it is supported, bad inputs get clear errors, and the
//! commands for AWS, GCS and Azure are what a user can paste.

use ecekit_core::policy::{
    self, AwsCliOptions, AzureOptions, GcsOptions, Partition, PolicyKind, PolicyOptions,
};
use ecekit_core::{json, ValidateOptions};
use proptest::prelude::*;
use serde_json::Value;

const KEY: &str = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

fn key_for(p: Partition) -> String {
    let region = match p {
        Partition::Aws => "eu-west-1",
        Partition::AwsCn => "cn-north-1",
        Partition::AwsUsGov => "us-gov-west-1",
    };
    format!("arn:{p}:kms:{region}:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab")
}

fn assert_clean(text: &str) {
    let doc = json::parse(text);
    assert!(doc.findings.is_empty(), "{text}\n{:?}", doc.findings);
    let found = policy::validate(&doc, &ValidateOptions::default());
    assert!(found.is_empty(), "{text}\n{found:#?}");
}

fn statements(json: &str) -> Vec<Value> {
    let v: Value = serde_json::from_str(json).unwrap();
    v["Statement"].as_array().unwrap().clone()
}

#[test]
fn every_option_combination_revalidates_clean() {
    let mut count = 0;
    for partition in Partition::ALL {
        for base_path in [None, Some("prod/cluster-1"), Some("snapshots/")] {
            for kms in [false, true] {
                for principal in [
                    None,
                    Some(format!(
                        "arn:{partition}:iam::111122223333:user/es-snapshots"
                    )),
                    Some("111122223333".to_string()),
                ] {
                    let opts = PolicyOptions {
                        bucket: "snaps.example.com".into(),
                        base_path: base_path.map(String::from),
                        kms_key_arn: kms.then(|| key_for(partition)),
                        bucket_policy_principal: principal.clone(),
                        partition,
                    };
                    let g = policy::generate(&opts).unwrap_or_else(|e| panic!("{opts:?}: {e:?}"));
                    assert_clean(&g.json);
                    let doc = json::parse(&g.json);
                    assert_eq!(policy::infer_kind(&doc).0, g.kind);
                    assert_eq!(g.kind == PolicyKind::Bucket, principal.is_some());
                    assert!(g
                        .json
                        .contains(&format!("arn:{partition}:s3:::snaps.example.com")));
                    assert!(!g.notes.is_empty());
                    let cmds = policy::aws_commands(&opts, &AwsCliOptions::default()).unwrap();
                    assert!(cmds.iter().any(|c| c.contains(&g.json)));
                    count += 1;
                }
            }
        }
    }
    assert_eq!(count, 3 * 3 * 2 * 3);
}

#[test]
fn the_identity_policy_matches_the_elasticsearch_recommendation() {
    let g = policy::generate(&PolicyOptions {
        bucket: "snaps.example.com".into(),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(g.kind, PolicyKind::Identity);
    let v: Value = serde_json::from_str(&g.json).unwrap();
    assert_eq!(v["Version"], "2012-10-17");
    let s = statements(&g.json);
    assert_eq!(s.len(), 2);
    assert_eq!(
        s[0]["Action"],
        serde_json::json!([
            "s3:ListBucket",
            "s3:GetBucketLocation",
            "s3:ListBucketMultipartUploads",
            "s3:ListBucketVersions"
        ])
    );
    assert_eq!(
        s[0]["Resource"],
        serde_json::json!(["arn:aws:s3:::snaps.example.com"])
    );
    assert_eq!(
        s[1]["Action"],
        serde_json::json!([
            "s3:GetObject",
            "s3:PutObject",
            "s3:DeleteObject",
            "s3:AbortMultipartUpload",
            "s3:ListMultipartUploadParts"
        ])
    );
    assert_eq!(
        s[1]["Resource"],
        serde_json::json!(["arn:aws:s3:::snaps.example.com/*"])
    );
    for st in &s {
        assert!(st.get("Principal").is_none());
        assert!(st.get("Condition").is_none());
    }
    // Element order as people write it: Version first, Sid and Effect first.
    assert!(g.json.find("\"Version\"").unwrap() < g.json.find("\"Statement\"").unwrap());
    assert!(g.json.find("\"Sid\"").unwrap() < g.json.find("\"Effect\"").unwrap());
}

#[test]
fn the_base_path_condition_goes_only_on_actions_that_support_s3_prefix() {
    let g = policy::generate(&PolicyOptions {
        bucket: "snaps.example.com".into(),
        base_path: Some("foo/bar/".into()),
        ..Default::default()
    })
    .unwrap();
    let s = statements(&g.json);
    assert_eq!(s.len(), 3);
    assert_eq!(
        s[0]["Action"],
        serde_json::json!(["s3:ListBucket", "s3:ListBucketVersions"])
    );
    assert_eq!(
        s[0]["Condition"]["StringLike"]["s3:prefix"],
        serde_json::json!(["foo/bar/*"])
    );
    assert_eq!(
        s[1]["Action"],
        serde_json::json!(["s3:GetBucketLocation", "s3:ListBucketMultipartUploads"])
    );
    assert!(s[1].get("Condition").is_none());
    assert_eq!(
        s[2]["Resource"],
        serde_json::json!(["arn:aws:s3:::snaps.example.com/foo/bar/*"])
    );
    assert!(g
        .notes
        .iter()
        .any(|n| n.contains("base_path") && n.contains("\"foo/bar\"")));
}

#[test]
fn sids_are_alphanumeric_and_unique() {
    let g = policy::generate(&PolicyOptions {
        bucket: "snaps.example.com".into(),
        base_path: Some("a".into()),
        kms_key_arn: Some(KEY.into()),
        ..Default::default()
    })
    .unwrap();
    let sids: Vec<String> = statements(&g.json)
        .iter()
        .map(|s| s["Sid"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(sids.len(), 4);
    let unique: std::collections::HashSet<_> = sids.iter().collect();
    assert_eq!(unique.len(), sids.len());
    assert!(sids
        .iter()
        .all(|s| s.chars().all(|c| c.is_ascii_alphanumeric())));
}

#[test]
fn kms_goes_into_the_identity_policy_and_into_notes_for_a_bucket_policy() {
    let identity = policy::generate(&PolicyOptions {
        bucket: "snaps.example.com".into(),
        kms_key_arn: Some(KEY.into()),
        ..Default::default()
    })
    .unwrap();
    let last = statements(&identity.json).pop().unwrap();
    assert_eq!(
        last["Action"],
        serde_json::json!(["kms:GenerateDataKey", "kms:Decrypt"])
    );
    assert_eq!(last["Resource"], serde_json::json!([KEY]));

    let bucket = policy::generate(&PolicyOptions {
        bucket: "snaps.example.com".into(),
        kms_key_arn: Some(KEY.into()),
        bucket_policy_principal: Some("arn:aws:iam::111122223333:role/es".into()),
        ..Default::default()
    })
    .unwrap();
    assert!(!bucket.json.contains("kms:"));
    assert!(bucket
        .notes
        .iter()
        .any(|n| n.contains("kms:GenerateDataKey") && n.contains(KEY)));
    for st in statements(&bucket.json) {
        assert_eq!(
            st["Principal"],
            serde_json::json!({"AWS": "arn:aws:iam::111122223333:role/es"})
        );
    }
}

#[test]
fn bad_inputs_get_one_clear_error_per_field() {
    let err = policy::generate(&PolicyOptions {
        bucket: "My_Bucket".into(),
        base_path: Some("/prod".into()),
        kms_key_arn: Some("arn:aws:kms:eu-west-1:111122223333:alias/snaps".into()),
        bucket_policy_principal: Some("es-user".into()),
        partition: Partition::Aws,
    })
    .unwrap_err();
    let fields: Vec<_> = err.iter().map(|e| e.field).collect();
    assert_eq!(
        fields,
        vec!["bucket", "base_path", "kms_key_arn", "principal"]
    );
    assert!(err[0].message.contains("uppercase"), "{}", err[0]);
    assert!(err[1].message.contains("leading '/'"), "{}", err[1]);
    assert!(err[2].message.contains("alias"), "{}", err[2]);
    assert!(err.iter().all(|e| e.code.starts_with("POLICY_INPUT_")));

    let err = policy::generate(&PolicyOptions::default()).unwrap_err();
    assert_eq!(err[0].to_string(), "bucket: the bucket name is required");
    let err = policy::generate(&PolicyOptions {
        bucket: "bucket-name".into(),
        ..Default::default()
    })
    .unwrap_err();
    assert!(err[0].message.contains("placeholder"));
    // The key must be in the policy's partition.
    let err = policy::generate(&PolicyOptions {
        bucket: "snaps".into(),
        kms_key_arn: Some(KEY.into()),
        partition: Partition::AwsCn,
        ..Default::default()
    })
    .unwrap_err();
    assert_eq!(err[0].field, "kms_key_arn");
    // Empty optional fields count as absent.
    let g = policy::generate(&PolicyOptions {
        bucket: " snaps ".into(),
        base_path: Some("".into()),
        kms_key_arn: Some(" ".into()),
        bucket_policy_principal: Some(String::new()),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(g.kind, PolicyKind::Identity);
    assert_eq!(statements(&g.json).len(), 2);
}

#[test]
fn aws_commands_create_the_user_attach_the_policy_and_make_the_key() {
    let opts = PolicyOptions {
        bucket: "snaps.example.com".into(),
        ..Default::default()
    };
    let cmds = policy::aws_commands(&opts, &AwsCliOptions::default()).unwrap();
    let script = cmds.join("\n");
    assert!(cmds[1].starts_with("cat > snapshot-policy.json <<'EOF'\n{"));
    assert!(cmds[1].ends_with("}\nEOF"));
    assert!(script.contains("aws iam create-user --user-name elasticsearch-snapshots"));
    assert!(script.contains("aws iam put-user-policy --user-name elasticsearch-snapshots --policy-name elasticsearch-snapshots-snaps.example.com --policy-document file://snapshot-policy.json"));
    assert!(script.contains("aws iam create-access-key --user-name elasticsearch-snapshots"));
    assert!(script.contains("keystore"));
    assert!(script.contains("never into the repository settings"));
    assert!(script.contains("s3.client.default.secret_key=env:ES_S3_SECRET_KEY"));
    // Comments are whole lines.
    for c in &cmds {
        assert!(!c.is_empty());
    }

    let bucket = PolicyOptions {
        bucket_policy_principal: Some("arn:aws:iam::111122223333:user/es".into()),
        ..opts.clone()
    };
    let cmds = policy::aws_commands(&bucket, &AwsCliOptions::default()).unwrap();
    let script = cmds.join("\n");
    assert!(script.contains("aws s3api put-bucket-policy --bucket snaps.example.com --policy file://snapshot-policy.json"));
    assert!(!script.contains("create-user"));

    let err = policy::aws_commands(
        &opts,
        &AwsCliOptions {
            user_name: "es user".into(),
            client: "a.b".into(),
            policy_file: "x;rm".into(),
            ..Default::default()
        },
    )
    .unwrap_err();
    let fields: Vec<_> = err.iter().map(|e| e.field).collect();
    assert_eq!(fields, vec!["user_name", "policy_file", "client"]);
}

#[test]
fn aws_commands_run_in_bash_up_to_the_aws_calls() {
    // The heredoc writes exactly the generated JSON: run that entry in bash.
    let opts = PolicyOptions {
        bucket: "snaps.example.com".into(),
        base_path: Some("a/b".into()),
        ..Default::default()
    };
    let g = policy::generate(&opts).unwrap();
    let cmds = policy::aws_commands(&opts, &AwsCliOptions::default()).unwrap();
    let dir = std::env::temp_dir().join(format!("ecekit-policy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let status = std::process::Command::new("bash")
        .arg("-c")
        .arg(&cmds[1])
        .current_dir(&dir)
        .status()
        .expect("bash runs");
    assert!(status.success());
    let written = std::fs::read_to_string(dir.join("snapshot-policy.json")).unwrap();
    assert_eq!(written, format!("{}\n", g.json));
    let _ = std::fs::remove_dir_all(&dir);
    // Every line parses as bash.
    let script = cmds.join("\n");
    let status = std::process::Command::new("bash")
        .arg("-n")
        .arg("-c")
        .arg(&script)
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn gcs_role_text_and_commands() {
    let opts = GcsOptions {
        bucket: "acme-snapshots".into(),
        project_id: Some("acme-prod".into()),
        ..Default::default()
    };
    let text = policy::gcs_permissions(&opts).unwrap();
    assert!(text.contains(policy::GCS_ROLE));
    assert!(text.contains("gs://acme-snapshots only"));
    for p in policy::GCS_PERMISSIONS {
        assert!(text.contains(p));
    }
    assert!(text.contains("gcs.client.default.credentials_file"));
    let cmds = policy::gcs_commands(&opts).unwrap();
    let script = cmds.join("\n");
    assert!(script.contains(
        "gcloud iam service-accounts create elasticsearch-snapshots --project=acme-prod"
    ));
    assert!(script.contains("gcloud storage buckets add-iam-policy-binding gs://acme-snapshots --member=serviceAccount:elasticsearch-snapshots@acme-prod.iam.gserviceaccount.com --role=roles/storage.objectUser"));
    assert!(
        script.contains("gcloud iam service-accounts keys create elasticsearch-snapshots-key.json")
    );
    assert!(script.contains("rm -f elasticsearch-snapshots-key.json"));
    assert!(
        !script.contains("projects add-iam-policy-binding"),
        "never on the project"
    );
    let status = std::process::Command::new("bash")
        .arg("-n")
        .arg("-c")
        .arg(&script)
        .status()
        .unwrap();
    assert!(status.success());

    // The text works without a project; the commands need it.
    assert!(policy::gcs_permissions(&GcsOptions {
        project_id: None,
        ..opts.clone()
    })
    .is_ok());
    let err = policy::gcs_commands(&GcsOptions {
        project_id: None,
        ..opts.clone()
    })
    .unwrap_err();
    assert_eq!(err[0].field, "project_id");
    let err = policy::gcs_permissions(&GcsOptions {
        bucket: "Goog-Snaps".into(),
        ..opts
    })
    .unwrap_err();
    assert_eq!(err[0].field, "bucket");
}

#[test]
fn azure_sas_text_and_commands() {
    let opts = AzureOptions {
        container: "es-snapshots".into(),
        account: Some("acmesnaps".into()),
        ..Default::default()
    };
    let text = policy::azure_permissions(&opts).unwrap();
    assert!(text.contains("r, w, d, l"));
    assert!(text.contains("s, c, o"));
    assert!(text.contains("azure.client.default.sas_token"));
    assert!(text.contains(policy::AZURE_ROLE));
    let cmds = policy::azure_commands(&opts).unwrap();
    let script = cmds.join("\n");
    assert!(script.contains("az storage account generate-sas --account-name acmesnaps --services b --resource-types sco --permissions rwdl --expiry \"$SAS_EXPIRY\" --https-only"));
    assert!(
        script.contains("az storage container create --name es-snapshots --account-name acmesnaps")
    );
    assert!(script.contains("never into the repository settings"));
    let status = std::process::Command::new("bash")
        .arg("-n")
        .arg("-c")
        .arg(&script)
        .status()
        .unwrap();
    assert!(status.success());

    let err = policy::azure_commands(&AzureOptions {
        account: None,
        ..opts.clone()
    })
    .unwrap_err();
    assert_eq!(err[0].field, "account");
    let err = policy::azure_permissions(&AzureOptions {
        container: "BACKUP-CONTAINER".into(),
        ..opts
    })
    .unwrap_err();
    assert_eq!(err[0].field, "container");
}

fn bucket_name() -> impl Strategy<Value = String> {
    "[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]".prop_filter("valid S3 bucket name", |b| {
        policy::s3_bucket_name_problem(b).is_none() && !policy::is_placeholder_bucket(b)
    })
}

fn base_path() -> impl Strategy<Value = Option<String>> {
    proptest::option::of("[A-Za-z0-9_.()!'-]{1,12}(/[A-Za-z0-9_.()!'-]{1,12}){0,3}/?").prop_filter(
        "plain segments",
        |p| {
            p.as_deref()
                .is_none_or(|p| policy::normalize_base_path(p).is_ok())
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn generated_policies_for_any_valid_bucket_and_prefix_are_clean(
        bucket in bucket_name(),
        base in base_path(),
        kms in any::<bool>(),
        bucket_policy in any::<bool>(),
        partition in prop::sample::select(Partition::ALL.to_vec()),
    ) {
        let opts = PolicyOptions {
            bucket: bucket.clone(),
            base_path: base,
            kms_key_arn: kms.then(|| key_for(partition)),
            bucket_policy_principal: bucket_policy.then(|| format!("arn:{partition}:iam::111122223333:user/es")),
            partition,
        };
        let g = policy::generate(&opts).unwrap();
        let doc = json::parse(&g.json);
        prop_assert!(doc.findings.is_empty());
        let found = policy::validate(&doc, &ValidateOptions::default());
        prop_assert!(found.is_empty(), "{}\n{:#?}", g.json, found);
        let arn = format!(":s3:::{}", bucket);
        prop_assert!(g.json.contains(&arn));
    }

    #[test]
    fn generator_inputs_never_panic(bucket in ".{0,80}", base in proptest::option::of(".{0,40}"), key in proptest::option::of(".{0,90}"), principal in proptest::option::of(".{0,90}")) {
        let opts = PolicyOptions { bucket, base_path: base, kms_key_arn: key, bucket_policy_principal: principal, partition: Partition::Aws };
        if let Ok(g) = policy::generate(&opts) {
            let doc = json::parse(&g.json);
            prop_assert!(policy::validate(&doc, &ValidateOptions::default()).is_empty(), "{}", g.json);
        }
        let _ = policy::aws_commands(&opts, &AwsCliOptions::default());
    }
}
