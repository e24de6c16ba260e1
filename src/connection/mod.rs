//! Sending to the coordinator from the browser: the session kept in memory
//! ([`session`]), the one typed `send` over fetch ([`http`]), and the
//! extension's browser APIs and the sealed-key storage ([`ext`]). The area
//! is a wasm module of its own, loaded when it first opens ([`host`] on the
//! app's side, `module` on its own).
//! The decisions (what to retry, how to explain a failure, what a PATCH
//! changes) are the engine's: `ecekit_core::api::connection`.

pub mod ext;
pub mod host;
pub mod http;
#[cfg(feature = "connection-module")]
pub mod module;
pub mod ops;
pub mod session;
