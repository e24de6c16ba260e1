//! Reusable pieces of the UI. Pages compose them; they hold no domain logic.

pub mod nav;
