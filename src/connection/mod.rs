//! Sending to the coordinator from the browser: the session kept in memory
//! ([`session`]), the one typed `send` over fetch ([`http`]), and the
//! extension's browser APIs and the sealed-key storage ([`ext`]).
//! The decisions (what to retry, how to explain a failure, what a PATCH
//! changes) are the engine's: `ecekit_core::api::connection`.

pub mod ext;
pub mod http;
pub mod ops;
pub mod session;
