//! ecekit-core: the engine behind every ecekit face (web page, extension, CLI).
//!
//! Plain Rust with no web dependencies: models, generators, validators,
//! renderers, and API request building and response parsing.

pub mod controls;
pub mod finding;
pub mod json;
pub mod model;
pub mod sort;
// Field access for the embedded data files.
mod data_file;

// The settings domain: the catalog data, units, keystore bodies, repository bodies.
pub mod catalog;
pub mod keystore;
pub mod repository;
pub mod units;
// Decimal text to doubles without std's float parsing (JSON numbers, byte sizes).
mod decimal;

// Access policies (AWS IAM, GCS roles, Azure SAS).
pub mod policy;

// Requests: the API table, bash parsing, curl checking, renderers.
pub mod api;
pub mod curl;
pub mod render;
pub mod shell;

// Kind detection and the one entry point every face calls.
pub mod validate;

pub use finding::{Edit, Finding, Location, Severity};
pub use model::{DocumentKind, Platform, Provider, ValidateOptions};
