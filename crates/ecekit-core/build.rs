//! Embeds `data/repository-settings.json` with only the sections the engine
//! reads, minified. The file keeps its sources, notes and the rule sets other
//! tools use; the web page need not carry them (about 5 KB of gzip).

use serde_json::{Map, Value};
use std::{env, fs, path::Path};

const FILE: &str = "repository-settings.json";

/// The sections `catalog.rs` reads (`a.b` is section `b` of `a`). One missing
/// here makes the catalog panic on load, which every test catches.
const SECTIONS: &[&str] = &[
    "common_blobstore_repository_settings",
    "repository_types",
    "repository_name_rules.forbidden_chars",
    "keystore.reserved",
    "aws.s3_bucket_naming",
    "aws.credentials.example_placeholders",
];

fn main() {
    let source = format!("data/{FILE}");
    println!("cargo:rerun-if-changed={source}");
    let text = fs::read_to_string(&source).expect("read the data file");
    let full: Value = serde_json::from_str(&text).expect("the data file is valid JSON");
    let mut kept = Map::new();
    for section in SECTIONS {
        let (path, name) = section.rsplit_once('.').unwrap_or(("", section));
        let value = full
            .pointer(&format!("/{}", section.replace('.', "/")))
            .unwrap_or_else(|| panic!("{FILE} has no `{section}`"));
        let mut parent = &mut kept;
        for part in path.split('.').filter(|p| !p.is_empty()) {
            parent = parent
                .entry(part)
                .or_insert_with(|| Value::Object(Map::new()))
                .as_object_mut()
                .expect("a section is an object");
        }
        parent.insert(name.to_string(), value.clone());
    }
    let out = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join(FILE);
    fs::write(out, Value::Object(kept).to_string()).expect("write the trimmed copy");
}
