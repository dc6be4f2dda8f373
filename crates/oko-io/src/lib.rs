//! File formats with no HTTP in them. Exports and imports grow here; for now the CSV
//! writing rules that every export shares.

pub mod csv;
