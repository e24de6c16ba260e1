//! Reusable pieces of the UI. Pages compose them; they hold no domain logic.

pub mod editor;
pub mod findings;
pub mod nav;
pub mod output_panel;
