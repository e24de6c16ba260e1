//! The contract with the validator: every bash command the renderer writes,
//! with bodies from ecekit's own generators, validates with zero findings.

use ecekit_core::api::{build_request, Auth, Operation, RequestSpec, Target};
use ecekit_core::keystore::{patch_body, Secret, SecretChange, SecretValue};
use ecekit_core::render::{curl_bash, RenderOptions};
use ecekit_core::repository::{body, platform_body, RepositorySpec};
use ecekit_core::validate::validate;
use ecekit_core::{DocumentKind, ValidateOptions};

fn keystore() -> String {
    patch_body(&[
        SecretChange::Set(Secret::new(
            "s3.client.default.access_key",
            SecretValue::Text("AKIAZ7Q3M5N2P4R6T8V1".into()),
        )),
        SecretChange::Set(Secret::new(
            "s3.client.default.secret_key",
            SecretValue::Text("q9T'x\"$Lm`3\\vR8pK2sW5yZ1aB4cD7eF0gH6jN8u".into()),
        )),
    ])
}

fn repository() -> String {
    body(
        &RepositorySpec::new("s3", "s3-repo")
            .with("bucket", "my-bucket")
            .with("client", "default"),
    )
}

fn platform_repository() -> String {
    platform_body(
        &RepositorySpec::new("s3", "ece-snapshots")
            .with("region", "us-east-1")
            .with("bucket", "ece-snapshots-bucket")
            .with("access_key", "AKIAZ7Q3M5N2P4R6T8V1")
            .with("secret_key", "q9TxLm3vR8pK2sW5yZ1aB4cD7eF0gH6jN8uQ2wE4"),
    )
}

fn body_for(op: Operation) -> Option<String> {
    match op {
        Operation::KeystoreSet => Some(keystore()),
        Operation::RepositoryPut => Some(repository()),
        Operation::PlatformRepositoryPut => Some(platform_repository()),
        Operation::Login => Some("{\"username\": \"admin\", \"password\": \"pa$$w'rd\"}\n".into()),
        _ => None,
    }
}

/// The platform body is clean where it belongs (checked as a platform
/// repository): the command's URL is what tells the validator so.
#[test]
fn generator_bodies_are_clean_on_their_own() {
    let opts = ValidateOptions {
        platform_repository: true,
        ..Default::default()
    };
    let r = validate(
        &platform_repository(),
        Some(DocumentKind::Repository),
        &opts,
    );
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
    let r = validate(&keystore(), None, &ValidateOptions::default());
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
    let r = validate(&repository(), None, &ValidateOptions::default());
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
}

#[test]
fn rendered_commands_validate_clean() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for target in [
        Target::Ece { coordinator: None },
        Target::Ece {
            coordinator: Some("https://ece.example.com:12443".into()),
        },
        Target::Ess,
        Target::Elasticsearch { endpoint: None },
    ] {
        for op in Operation::ALL {
            for auth in [Auth::ApiKey, Auth::Bearer] {
                let mut spec = RequestSpec::new(op, target.clone()).auth(auth).repository(
                    if op == Operation::PlatformRepositoryPut {
                        "ece-snapshots"
                    } else {
                        "s3-repo"
                    },
                );
                if let Some(b) = body_for(op) {
                    spec = spec.body(b);
                }
                let Ok(req) = build_request(&spec) else {
                    continue;
                };
                for options in [
                    RenderOptions::default(),
                    RenderOptions {
                        insecure: false,
                        cacert: Some(format!("${}", req.target.ca_cert_variable())),
                    },
                ] {
                    let text = curl_bash(&req, &options).unwrap().text;
                    let report = validate(&text, None, &ValidateOptions::default());
                    checked += 1;
                    if report.kind != DocumentKind::Curl || !report.findings.is_empty() {
                        failures.push(format!(
                            "{op} {target:?} {auth:?}: kind {:?}, {:#?}\n{text}",
                            report.kind, report.findings
                        ));
                    }
                }
            }
        }
    }
    assert!(checked >= 80, "{checked}");
    assert!(
        failures.is_empty(),
        "{} of {checked} rendered commands have findings:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
