//! Repository bodies: the generator, the validator rules one by one, the
//! public-docs seed, and property tests (never panics; generated bodies
//! re-validate clean).

use ecekit_core::catalog::{self, SettingType, REPOSITORY_TYPES};
use ecekit_core::json;
use ecekit_core::repository::{self, *};
use ecekit_core::{Finding, Location, Platform, Severity, ValidateOptions};
use proptest::prelude::*;

fn run(text: &str, opts: &ValidateOptions) -> Vec<Finding> {
    let doc = json::parse(text);
    let mut f = doc.findings.clone();
    f.extend(repository::validate(&doc, opts));
    f
}

fn check(text: &str) -> Vec<Finding> {
    run(text, &ValidateOptions::default())
}

fn ece(name: &str) -> ValidateOptions {
    ValidateOptions {
        platform: Some(Platform::Ece),
        repository_name: Some(name.into()),
        platform_repository: false,
    }
}

fn platform(name: &str) -> ValidateOptions {
    ValidateOptions {
        platform: Some(Platform::Ece),
        repository_name: Some(name.into()),
        platform_repository: true,
    }
}

fn codes(findings: &[Finding]) -> Vec<&'static str> {
    findings.iter().map(|f| f.code).collect()
}

fn find<'a>(findings: &'a [Finding], code: &str) -> &'a Finding {
    findings
        .iter()
        .find(|f| f.code == code)
        .unwrap_or_else(|| panic!("no {code} in {findings:#?}"))
}

fn s3(settings: &str) -> String {
    format!(r#"{{"type": "s3", "settings": {{"bucket": "my-snapshots", {settings}}}}}"#)
}

// ---- the seed ----

fn seed_bodies() -> Vec<String> {
    let dir = std::path::PathBuf::from("/work/shared/reference/seeds");
    let seed = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with("000_"))
        .unwrap();
    let text = std::fs::read_to_string(seed).unwrap();
    text.split("```sh\n")
        .skip(1)
        .map(|b| b.split("```").next().unwrap())
        .filter(|b| b.contains("\"type\""))
        .map(|b| b[b.find("\n{").unwrap() + 1..].to_string())
        .collect()
}

#[test]
fn seed_000_s3_repository_gets_a_reviewers_findings() {
    let bodies = seed_bodies();
    assert_eq!(bodies.len(), 2);
    let f = run(&bodies[0], &ece("s3-repo"));
    let bucket = find(&f, INVALID_BUCKET_NAME);
    assert_eq!(bucket.severity, Severity::Error);
    assert_eq!(bucket.location.pointer, "/settings/bucket");
    assert!(
        bucket.message.contains("upper-case") && bucket.message.contains("`_`"),
        "{}",
        bucket.message
    );
    let placeholders: Vec<&str> = f
        .iter()
        .filter(|f| f.code == PLACEHOLDER_VALUE)
        .map(|f| f.location.pointer.as_str())
        .collect();
    assert_eq!(
        placeholders,
        [
            "/settings/bucket",
            "/settings/client",
            "/settings/base_path"
        ]
    );
    assert!(codes(&f).contains(&BASE_PATH_ON_ECE));
    assert!(!codes(&f).contains(&NAME_TYPE_MISMATCH));
    assert!(!codes(&f).contains(&UNKNOWN_SETTING));
}

#[test]
fn seed_000_gcs_repository_gets_a_reviewers_findings() {
    let bodies = seed_bodies();
    let f = run(&bodies[1], &ece("s3-repo"));
    let c = codes(&f);
    assert!(c.contains(&NAME_TYPE_MISMATCH), "{c:?}");
    assert!(c.contains(&INVALID_BUCKET_NAME), "{c:?}");
    assert!(c.contains(&BASE_PATH_ON_ECE), "{c:?}");
    assert_eq!(
        c.iter().filter(|c| **c == PLACEHOLDER_VALUE).count(),
        3,
        "{c:?}"
    );
    assert!(find(&f, NAME_TYPE_MISMATCH).message.contains("replaces"));
}

// ---- shape and type ----

#[test]
fn clean_bodies_have_no_findings() {
    for body in [
        r#"{"type": "s3", "settings": {"bucket": "my-snapshots", "client": "backup", "compress": true, "chunk_size": "1gb", "buffer_size": "100mb", "storage_class": "standard_ia", "max_restore_bytes_per_sec": "0"}}"#,
        r#"{"type": "gcs", "settings": {"bucket": "my_snapshots", "client": "default", "chunk_size": "5tb"}}"#,
        r#"{"type": "azure", "settings": {"container": "snapshots", "client": "secondary", "location_mode": "primary_only"}}"#,
        r#"{"type": "fs", "settings": {"location": "/mnt/backups", "readonly": "true"}}"#,
        r#"{"type": "url", "settings": {"url": "https://snapshots.example.com/repo/"}}"#,
        r#"{"type": "source", "settings": {"delegate_type": "fs", "location": "/mnt/src"}}"#,
        r#"{"bucket": "my-snapshots", "canned_acl": "private"}"#,
    ] {
        assert!(check(body).is_empty(), "{body}: {:#?}", check(body));
    }
}

#[test]
fn shape_errors() {
    assert_eq!(codes(&check("[]")), [NOT_OBJECT]);
    assert_eq!(codes(&check("{}")), [MISSING_TYPE]);
    assert_eq!(
        codes(&check(r#"{"settings": {"bucket": "b-1"}}"#)),
        [MISSING_TYPE]
    );
    assert_eq!(
        codes(&check(r#"{"type": 3, "settings": {}}"#)),
        [TYPE_NOT_STRING]
    );
    assert_eq!(
        codes(&check(r#"{"type": "s3", "settings": []}"#)),
        [SETTINGS_NOT_OBJECT, MISSING_REQUIRED]
    );
    let f = check(r#"{"type": "S3", "settings": {"bucket": "b-1"}}"#);
    assert_eq!(codes(&f), [UNKNOWN_TYPE]);
    assert!(f[0].message.contains("did you mean `s3`"));
    let f = check(r#"{"type": "s3", "bucket": "b-1", "settings": {}}"#);
    assert_eq!(codes(&f), [SETTING_OUTSIDE_SETTINGS, MISSING_REQUIRED]);
    let f = check(r#"{"type": "s3", "verify": true, "settings": {"bucket": "b-1"}}"#);
    assert_eq!(codes(&f), [UNKNOWN_FIELD]);
}

#[test]
fn required_settings_per_type() {
    let f = check(r#"{"type": "s3", "settings": {}}"#);
    assert_eq!(codes(&f), [MISSING_REQUIRED]);
    assert!(f[0].message.contains("`bucket`"));
    assert_eq!(f[0].location.pointer, "/settings");
    assert_eq!(
        codes(&check(r#"{"type": "fs", "settings": {}}"#)),
        [MISSING_REQUIRED]
    );
    assert_eq!(
        codes(&check(r#"{"type": "url", "settings": {}}"#)),
        [MISSING_REQUIRED]
    );
    assert!(check(r#"{"type": "azure", "settings": {}}"#).is_empty());
    let f = check(r#"{"type": "source", "settings": {"delegate_type": "fs"}}"#);
    assert!(find(&f, MISSING_REQUIRED).message.contains("`location`"));
    assert_eq!(
        codes(&check(r#"{"type": "s3", "settings": {"bucket": ""}}"#)),
        [EMPTY_VALUE]
    );
}

// ---- names and suggestions ----

#[test]
fn unknown_and_misspelt_settings_suggest_the_nearest() {
    let f = check(&s3(r#""chunksize": "1gb""#));
    let u = find(&f, UNKNOWN_SETTING);
    assert_eq!(u.severity, Severity::Warning);
    assert!(u.message.contains("`chunk_size`"), "{}", u.message);
    assert_eq!(u.location.pointer, "/settings/chunksize");
    let f = check(&s3(r#""zzz_qqq": 1"#));
    assert_eq!(codes(&f), [UNKNOWN_SETTING]);
    let f = check(&s3(r#""container": "x""#));
    let o = find(&f, SETTING_OF_OTHER_TYPE);
    assert!(
        o.message.contains("azure") && o.message.contains("`bucket`"),
        "{}",
        o.message
    );
    let f = check(
        r#"{"type": "s3", "settings": {"bucket": "b-1", "resumable_write_buffer_size": "1mb"}}"#,
    );
    assert_eq!(codes(&f), [SETTING_OF_OTHER_TYPE]);
    let f = check(&s3(r#""endpoint": "https://minio:9000""#));
    let cs = find(&f, CLIENT_SETTING);
    assert!(
        cs.help.contains("s3.client.default.endpoint"),
        "{}",
        cs.help
    );
}

#[test]
fn secrets_in_repository_settings_are_errors() {
    for (ty, key, keystore) in [
        ("s3", "access_key", "s3.client.backup.access_key"),
        ("s3", "secret_key", "s3.client.backup.secret_key"),
        ("s3", "session_token", "s3.client.backup.session_token"),
        ("azure", "sas_token", "azure.client.backup.sas_token"),
        ("azure", "key", "azure.client.backup.key"),
        (
            "gcs",
            "credentials_file",
            "gcs.client.backup.credentials_file",
        ),
    ] {
        let body = format!(
            r#"{{"type": "{ty}", "settings": {{"bucket": "b-1", "container": "c-1", "client": "backup", "{key}": "hunter2"}}}}"#
        );
        let f = check(&body);
        let s = find(&f, SECRET_IN_SETTINGS);
        assert_eq!(s.severity, Severity::Error);
        assert!(s.help.contains(keystore), "{}", s.help);
        assert!(f.iter().all(|f| !f.message.contains("hunter2")));
    }
}

#[test]
fn deprecated_settings_warn() {
    let f = check(r#"{"type": "azure", "settings": {"account": "acct"}}"#);
    assert_eq!(codes(&f), [DEPRECATED_SETTING]);
    assert!(f[0].help.contains("client"));
    assert_eq!(
        codes(&check(&s3(r#""cache_repository_data": false"#))),
        [DEPRECATED_SETTING]
    );
}

// ---- values ----

#[test]
fn typed_values_ranges_and_enums() {
    assert_eq!(codes(&check(&s3(r#""compress": "yes""#))), [INVALID_BOOL]);
    assert_eq!(codes(&check(&s3(r#""compress": 1"#))), [INVALID_BOOL]);
    assert_eq!(
        codes(&check(&s3(r#""max_multipart_parts": 20000"#))),
        [OUT_OF_RANGE]
    );
    assert_eq!(
        codes(&check(&s3(r#""max_multipart_parts": "ten""#))),
        [INVALID_NUMBER]
    );
    assert_eq!(
        codes(&check(&s3(r#""max_multipart_parts": 1.5"#))),
        [INVALID_NUMBER]
    );
    assert_eq!(
        codes(&check(&s3(r#""chunk_size": 1000000"#))),
        [INVALID_BYTES]
    );
    assert_eq!(codes(&check(&s3(r#""chunk_size": "1mb""#))), [OUT_OF_RANGE]);
    let f = check(&s3(r#""chunk_size": "6tb""#));
    assert!(
        find(&f, OUT_OF_RANGE).message.contains("from 5mb to 5tb"),
        "{f:#?}"
    );
    assert_eq!(
        codes(&check(&s3(r#""io_buffer_size": "1.5mb""#))),
        [FRACTIONAL_BYTES]
    );
    assert_eq!(
        codes(&check(&s3(r#""cooldown_period": "3""#))),
        [INVALID_TIME]
    );
    assert_eq!(
        codes(&check(&s3(r#""cooldown_period": "-5s""#))),
        [INVALID_TIME]
    );
    assert_eq!(
        codes(&check(&s3(r#""storage_class": "glacier""#))),
        [INVALID_ENUM]
    );
    let f = check(&s3(r#""storage_class": "standrd_ia""#));
    assert!(find(&f, INVALID_ENUM).help.contains("`standard_ia`"));
    assert_eq!(
        codes(&check(&s3(r#""canned_acl": "log-delivery-write""#))),
        [UNDOCUMENTED_VALUE]
    );
    assert_eq!(
        codes(&check(&s3(r#""canned_acl": "aws-exec-read""#))),
        [UNDOCUMENTED_VALUE]
    );
    assert!(check(&s3(r#""canned_acl": "BUCKET-OWNER-FULL-CONTROL""#)).is_empty());
    assert_eq!(codes(&check(&s3(r#""compress": ["x"]"#))), [VALUE_TYPE]);
    assert_eq!(codes(&check(&s3(r#""compress": null"#))), [VALUE_TYPE]);
    let f = check(r#"{"type": "azure", "settings": {"max_concurrent_batch_deletes": 500}}"#);
    assert_eq!(find(&f, OUT_OF_RANGE).severity, Severity::Warning);
}

#[test]
fn nested_settings_are_flattened() {
    assert!(check(&s3(r#""throttled_delete_retry": {"maximum_delay": "10s"}"#)).is_empty());
    let f = check(&s3(r#""throttled_delete_retry": {"maximum_delay": "ten"}"#));
    assert_eq!(
        find(&f, INVALID_TIME).location.pointer,
        "/settings/throttled_delete_retry/maximum_delay"
    );
}

#[test]
fn chunk_size_must_not_be_below_buffer_size() {
    let f = check(&s3(r#""chunk_size": "10mb", "buffer_size": "50mb""#));
    assert_eq!(codes(&f), [CHUNK_BELOW_BUFFER]);
    assert_eq!(
        codes(&check(&s3(r#""chunk_size": "10mb""#))),
        [CHUNK_MAY_BE_BELOW_BUFFER]
    );
    assert!(check(&s3(r#""chunk_size": "10mb", "buffer_size": "10mb""#)).is_empty());
    assert!(check(&s3(r#""chunk_size": "1gb""#)).is_empty());
}

#[test]
fn bucket_container_client_base_path_url_rules() {
    let f = check(r#"{"type": "s3", "settings": {"bucket": "My_Bucket"}}"#);
    assert_eq!(codes(&f), [INVALID_BUCKET_NAME]);
    assert_eq!(
        codes(&check(
            r#"{"type": "gcs", "settings": {"bucket": "google-snaps"}}"#
        )),
        [INVALID_BUCKET_NAME]
    );
    assert_eq!(
        codes(&check(
            r#"{"type": "azure", "settings": {"container": "Snap--x"}}"#
        )),
        [INVALID_CONTAINER_NAME]
    );
    let f = check(r#"{"type": "azure", "settings": {"container": "BACKUP-CONTAINER"}}"#);
    assert_eq!(codes(&f), [PLACEHOLDER_VALUE, INVALID_CONTAINER_NAME]);
    assert_eq!(
        codes(&check(&s3(r#""client": "my.client""#))),
        [INVALID_CLIENT_NAME]
    );
    let f = check(&s3(r#""base_path": "/snapshots/prod/""#));
    let b = find(&f, BASE_PATH_SLASH);
    assert_eq!(b.fix.as_ref().unwrap().replacement, "\"snapshots/prod\"");
    assert!(check(&s3(r#""base_path": "snapshots/prod""#)).is_empty());
    let f = run(&s3(r#""base_path": "snapshots""#), &ece("my-repo"));
    assert_eq!(codes(&f), [BASE_PATH_ON_ECE]);
    let ess = ValidateOptions {
        platform: Some(Platform::Ess),
        ..Default::default()
    };
    assert!(run(&s3(r#""base_path": "snapshots""#), &ess).is_empty());
    assert_eq!(
        codes(&check(
            r#"{"type": "url", "settings": {"url": "snapshots.example.com"}}"#
        )),
        [INVALID_URL]
    );
    assert_eq!(
        codes(&check(
            r#"{"type": "source", "settings": {"delegate_type": "source"}}"#
        )),
        [INVALID_DELEGATE_TYPE]
    );
}

// ---- names ----

#[test]
fn repository_name_rules() {
    let f = run(&s3(r#""client": "default""#), &ece("my repo"));
    assert_eq!(codes(&f), [INVALID_NAME]);
    let f = run(&s3(r#""client": "default""#), &ece("REPOSITORY_NAME"));
    assert_eq!(codes(&f), [PLACEHOLDER_VALUE]);
    let loc = Location {
        line: 3,
        column: 9,
        start: 40,
        end: 47,
        pointer: String::new(),
    };
    let f = name_findings("azure-backups", Some("gcs"), false, loc.clone());
    assert_eq!(codes(&f), [NAME_TYPE_MISMATCH]);
    assert_eq!(f[0].location, loc);
    assert!(name_findings("gcs-backups", Some("gcs"), false, loc.clone()).is_empty());
    assert!(name_findings("Snaps_1", None, false, loc.clone()).is_empty());
    assert_eq!(
        codes(&name_findings("Snaps_1", None, true, loc)),
        [INVALID_PLATFORM_NAME]
    );
}

// ---- ECE platform-level ----

#[test]
fn platform_repositories_keep_keys_in_settings() {
    let good = r#"{"type": "s3", "settings": {"region": "us-east-1", "bucket": "ece-snapshots", "access_key": "AKIA2OGYBAH6QWERTY7Z", "secret_key": "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", "path_style_access": true}}"#;
    assert!(
        run(good, &platform("ece-snapshots")).is_empty(),
        "{:#?}",
        run(good, &platform("ece-snapshots"))
    );
    let f = run(
        r#"{"type": "s3", "settings": {"bucket": "ece-snapshots"}}"#,
        &platform("ece-snapshots"),
    );
    assert_eq!(codes(&f), [PLATFORM_MISSING_SETTING; 3]);
    let f = run(
        r#"{"type": "fs", "settings": {"location": "/x"}}"#,
        &platform("ece-snapshots"),
    );
    assert!(codes(&f).contains(&PLATFORM_TYPE));
    let f = run(good, &platform("ECE_Snapshots"));
    assert_eq!(codes(&f), [INVALID_PLATFORM_NAME]);
    let f = run(
        r#"{"type": "s3", "settings": {"region": "us-east-1", "bucket": "ece-snapshots", "access_key": "ACCESS_KEY_VALUE", "secret_key": ""}}"#,
        &platform("ece-snapshots"),
    );
    assert_eq!(codes(&f), [PLACEHOLDER_VALUE, EMPTY_VALUE]);
    // Bare settings (an ecctl settings file) are read as s3.
    let bare = r#"{"region": "us-east-1", "bucket": "ece-snapshots", "access_key": "AKIA2OGYBAH6QWERTY7Z", "secret_key": "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"}"#;
    assert!(run(bare, &platform("ece-snapshots")).is_empty());
}

// ---- generator ----

#[test]
fn body_is_typed_and_ordered() {
    let spec = RepositorySpec::new("s3", "my-snapshots")
        .with("bucket", "my-snapshots")
        .with("client", "backup")
        .with("compress", "true")
        .with("max_multipart_parts", "5000")
        .with("chunk_size", "1gb")
        .with("compress", "false");
    let text = body(&spec);
    assert_eq!(
        text,
        "{\n  \"type\": \"s3\",\n  \"settings\": {\n    \"bucket\": \"my-snapshots\",\n    \"client\": \"backup\",\n    \"compress\": false,\n    \"max_multipart_parts\": 5000,\n    \"chunk_size\": \"1gb\"\n  }\n}\n"
    );
    assert_eq!(
        body(&RepositorySpec::new("azure", "x")),
        "{\n  \"type\": \"azure\",\n  \"settings\": {}\n}\n"
    );
    // source: the delegate's settings are typed too.
    let src = RepositorySpec::new("source", "s")
        .with("delegate_type", "fs")
        .with("location", "/x")
        .with("readonly", "true");
    let v: serde_json::Value = serde_json::from_str(&body(&src)).unwrap();
    assert_eq!(v["settings"]["readonly"], true);
}

#[test]
fn platform_body_for_s3_validates_clean() {
    let spec = RepositorySpec::new("s3", "ece-snapshots")
        .with("region", "us-east-1")
        .with("bucket", "ece-snapshots")
        .with("access_key", "AKIA2OGYBAH6QWERTY7Z")
        .with("secret_key", "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");
    let text = platform_body(&spec);
    assert!(run(&text, &platform("ece-snapshots")).is_empty());
    assert_eq!(
        platform_required_settings("s3"),
        ["region", "bucket", "access_key", "secret_key"]
    );
}

#[test]
fn form_settings_hide_deprecated_and_clear_text_credentials() {
    let names: Vec<&str> = form_settings("s3", false)
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert!(
        names.contains(&"bucket") && names.contains(&"chunk_size") && names.contains(&"compress")
    );
    assert!(!names.contains(&"access_key") && !names.contains(&"cache_repository_data"));
    let names: Vec<&str> = form_settings("s3", true)
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert!(names.contains(&"access_key") && names.contains(&"region"));
    assert!(form_settings("nope", false).is_empty());
}

/// A sample value of every documented setting validates clean in a
/// generated body: defaults where they parse, typed samples otherwise.
#[test]
fn every_setting_with_a_sample_value_validates_clean() {
    for ty in REPOSITORY_TYPES {
        for s in form_settings(ty, false) {
            let sample = match (s.ty, s.default.as_deref()) {
                (SettingType::Bool, _) => "true".to_string(),
                (SettingType::Enum, _) => s.allowed[0].clone(),
                (SettingType::Int | SettingType::Long, Some(d)) if d.parse::<i64>().is_ok() => {
                    d.to_string()
                }
                (SettingType::Int | SettingType::Long, _) => s.min.unwrap_or(1).max(1).to_string(),
                (SettingType::Bytes, _) => match (s.min, s.max) {
                    (Some(min), _) => ecekit_core::units::format_bytes(
                        min.max(100 << 20).min(s.max.unwrap_or(i64::MAX as i128)) as i64,
                    ),
                    (None, Some(max)) => ecekit_core::units::format_bytes(max as i64),
                    _ => "100mb".into(),
                },
                (SettingType::Time, _) => "5s".into(),
                _ => match s.name.as_str() {
                    "bucket" => "my-snapshots".into(),
                    "container" => "my-snapshots".into(),
                    "client" => "backup".into(),
                    "base_path" => "prod/cluster-1".into(),
                    "url" => "https://snapshots.example.com/".into(),
                    "location" => "/mnt/backups".into(),
                    "delegate_type" => "fs".into(),
                    _ => "value".into(),
                },
            };
            let mut spec = RepositorySpec::new(ty, format!("{ty}-snapshots"));
            for r in catalog::repository_type(ty).unwrap().required() {
                let v = match r {
                    "bucket" => "my-snapshots",
                    "location" => "/mnt/b",
                    "url" => "https://h/",
                    _ => "fs",
                };
                spec.set(r, v);
            }
            if ty == "source" {
                spec.set("location", "/mnt/b");
            }
            spec.set(s.name.clone(), sample.clone());
            let text = body(&spec);
            let opts = ValidateOptions {
                platform: Some(Platform::SelfManaged),
                repository_name: Some(spec.name.clone()),
                platform_repository: false,
            };
            let f = run(&text, &opts);
            assert!(f.is_empty(), "{ty}.{} = {sample}: {f:#?}", s.name);
        }
    }
}

// ---- properties ----

fn arb_json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(|n| serde_json::Value::Number(n.into())),
        any::<f64>().prop_map(|n| serde_json::json!(n)),
        ".{0,12}".prop_map(serde_json::Value::String),
        "[0-9]{1,4}(b|kb|mb|gb|tb|ms|s|m|h|d|nanos)?".prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(serde_json::Value::Array),
            proptest::collection::btree_map(
                "(type|settings|bucket|client|base_path|chunk_size|buffer_size|compress|storage_class|container|location|url|delegate_type|access_key|[a-z._]{0,10})",
                inner,
                0..6
            )
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn validator_never_panics_on_any_text(s in "\\PC{0,200}", name in "\\PC{0,20}", plat in any::<bool>()) {
        let opts = ValidateOptions { platform: Some(Platform::Ece), repository_name: Some(name), platform_repository: plat };
        let _ = run(&s, &opts);
    }

    #[test]
    fn validator_never_panics_on_any_json(v in arb_json(), ty in "(s3|gcs|azure|fs|url|source|x)", plat in any::<bool>()) {
        let opts = ValidateOptions { platform: Some(Platform::Ece), repository_name: Some("n".into()), platform_repository: plat };
        let _ = run(&v.to_string(), &opts);
        let _ = run(&serde_json::json!({"type": ty, "settings": v}).to_string(), &opts);
    }

    #[test]
    fn generated_bodies_validate_clean(
        ty in "(s3|gcs)",
        bucket in "[a-z0-9][a-z0-9-]{1,30}[a-z0-9]",
        client in "[a-z][a-z0-9_-]{0,12}",
        base in "[a-z0-9]{1,8}(/[a-z0-9]{1,8}){0,3}",
        chunk in 100u32..5000,
        compress in any::<bool>(),
    ) {
        prop_assume!(!catalog::is_placeholder(&client) && !catalog::is_placeholder(&bucket));
        prop_assume!(!bucket.contains("goog") && !bucket.starts_with("xn--") && !bucket.starts_with("sthree-"));
        let spec = RepositorySpec::new(ty.clone(), format!("{ty}-snapshots"))
            .with("bucket", bucket)
            .with("client", client)
            .with("base_path", base)
            .with("chunk_size", format!("{chunk}mb"))
            .with("compress", compress.to_string());
        let text = body(&spec);
        let opts = ValidateOptions { platform: Some(Platform::SelfManaged), repository_name: Some(spec.name.clone()), platform_repository: false };
        let f = run(&text, &opts);
        prop_assert!(f.is_empty(), "{}: {:#?}", text, f);
    }

    #[test]
    fn generated_bodies_escape_any_value(value in any::<String>()) {
        let spec = RepositorySpec::new("fs", "r").with("location", value.clone());
        let v: serde_json::Value = serde_json::from_str(&body(&spec)).unwrap();
        prop_assert_eq!(v["settings"]["location"].as_str().unwrap(), value.as_str());
    }
}

#[test]
fn client_must_match_the_keystore_clients() {
    let doc = json::parse(r#"{"type": "s3", "settings": {"bucket": "b-1", "client": "backpu"}}"#);
    let f = client_findings(
        &doc,
        &[
            "s3.client.backup.access_key",
            "s3.client.backup.secret_key",
            "gcs.client.other.credentials_file",
        ],
    );
    assert_eq!(codes(&f), [CLIENT_NOT_IN_KEYSTORE]);
    assert_eq!(f[0].location.pointer, "/settings/client");
    assert!(
        f[0].help.contains("\"client\": \"backup\""),
        "{}",
        f[0].help
    );
    let doc = json::parse(r#"{"type": "s3", "settings": {"bucket": "b-1"}}"#);
    let f = client_findings(&doc, &["s3.client.backup.access_key"]);
    assert!(f[0].message.contains("`default`"));
    assert!(client_findings(&doc, &["s3.client.default.access_key"]).is_empty());
    assert!(client_findings(&doc, &["gcs.client.x.credentials_file"]).is_empty());
    assert!(client_findings(&json::parse("[1]"), &["s3.client.a.access_key"]).is_empty());
}
