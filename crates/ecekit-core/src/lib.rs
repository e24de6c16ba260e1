//! ecekit-core: the engine behind every ecekit face (web page, extension, CLI).
//!
//! Plain Rust with no web dependencies: models, generators, validators,
//! renderers, and API request building and response parsing.

pub mod finding;
pub mod json;
pub mod model;

pub use finding::{Edit, Finding, Location, Severity};
pub use model::{DocumentKind, Platform, Provider};
