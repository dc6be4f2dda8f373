//! The form editor: its state with autosave, and the grid of a sheet with its
//! keys, its in-place cell editor and its words.

pub mod cell_editor;
pub mod explanation;
pub mod file_cell;
pub mod grid;
pub mod keys;
pub mod state;
pub mod texts;
