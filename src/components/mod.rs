//! Reusable pieces of the UI. Pages compose them; they hold no domain logic.

pub mod editor;
pub mod fields;
pub mod findings;
pub mod generated;
pub mod nav;
pub mod output_panel;
pub mod rich;
pub mod secret_input;
