//! The form editor: its state with autosave, and the grid of a sheet.

pub mod grid;
pub mod state;
