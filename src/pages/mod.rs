//! One module per area of the app.

pub mod connection;
pub mod guided;
pub mod keystore;
pub mod policy;
pub mod repository;
pub mod validate;
