pub mod curl;
pub mod keystore;
pub mod policy;
pub mod repository;
pub mod simulator;
pub mod validate;
