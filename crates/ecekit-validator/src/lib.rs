//! The Validate area's engine, built as a second wasm module that the page
//! loads into a Web Worker when Validate first opens: checking a large
//! document never blocks typing, and the page's first load does not carry
//! the validators (policy checker, curl and shell parsing, the API table).
//!
//! `www/validator-worker.js` calls [`validate`] and posts the JSON back;
//! the page reads it with `Report::from_json`.

use ecekit_core::validate::validate as run;
use ecekit_core::{DocumentKind, Platform, ValidateOptions};
use wasm_bindgen::prelude::wasm_bindgen;

/// The allocator of the wasm module (see Cargo.toml): single-threaded, as the
/// module is built without atomics.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// Checks `text` as `kind` (detected when empty) for `platform` (any when
/// empty) and returns the report as JSON.
#[wasm_bindgen]
pub fn validate(text: &str, kind: &str, platform: &str) -> String {
    let options = ValidateOptions {
        platform: Platform::parse(platform),
        ..Default::default()
    };
    run(text, DocumentKind::parse(kind), &options).to_json()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ecekit_core::validate::Report;

    #[test]
    fn an_empty_kind_detects_and_a_kind_forces() {
        let text = r#"{"secrets": {}}"#;
        let detected = Report::from_json(&validate(text, "", "")).unwrap();
        assert!(detected.detected);
        assert_eq!(detected.kind, DocumentKind::Keystore);
        let forced = Report::from_json(&validate(text, "policy", "ece")).unwrap();
        assert!(!forced.detected);
        assert_eq!(forced.kind, DocumentKind::Policy);
    }

    #[test]
    fn the_platform_reaches_the_validator() {
        let body = r#"{"type": "s3", "settings": {"bucket": "b", "base_path": "x"}}"#;
        let codes = |platform| {
            Report::from_json(&validate(body, "repository", platform))
                .unwrap()
                .findings
                .iter()
                .map(|f| f.code)
                .collect::<Vec<_>>()
        };
        assert_ne!(codes("ece"), codes("self-managed"));
    }
}
