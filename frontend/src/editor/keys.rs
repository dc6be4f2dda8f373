//! What a key pressed on the grid (not inside a cell being edited) asks for, as
//! Excel and LibreOffice users expect it.

use leptos::ev::KeyboardEvent;
use oko_domain::forms::editing::Move;

/// One request from the keyboard.
#[derive(Clone, Debug, PartialEq)]
pub enum GridKey {
    /// A move; `true` when Shift grows the selection.
    Move(Move, bool),
    SelectAll,
    /// Esc: one cell selected again.
    Collapse,
    /// F2, Alt+↓: edit the cell keeping its text.
    Edit,
    /// A printable key: edit the cell, replacing its text with this.
    Type(String),
    /// Delete, Backspace: empty the selected cells.
    Clear,
    Undo,
    Redo,
    /// F6: the keyboard goes to the sheet tabs (and on to the buttons).
    ToTabs,
    /// Shift+F2 (Excel's «note» key): the keyboard goes to the active cell's
    /// explanation, when its value asks for one.
    ToExplanation,
}

/// The request of `ev`, or `None` for keys the grid leaves to the browser
/// (Ctrl+C / Ctrl+V / Ctrl+X raise copy and paste events instead).
/// `page` is how many rows PageUp/PageDown move.
pub fn grid_key(ev: &KeyboardEvent, page: u32) -> Option<GridKey> {
    let command = ev.ctrl_key() || ev.meta_key();
    let shift = ev.shift_key();
    let key = ev.key();
    // Letters by their position, so Ctrl+Z works on a Russian layout (Ctrl+Я).
    let code = ev.code();
    let step = |m: Move| Some(GridKey::Move(m, shift));
    match key.as_str() {
        "ArrowUp" if ev.alt_key() => None,
        "ArrowDown" if ev.alt_key() => Some(GridKey::Edit),
        "ArrowUp" if command => step(Move::PageUp(u32::MAX)),
        "ArrowDown" if command => step(Move::PageDown(u32::MAX)),
        "ArrowLeft" if command => step(Move::RowStart),
        "ArrowRight" if command => step(Move::RowEnd),
        "ArrowUp" => step(Move::Up),
        "ArrowDown" => step(Move::Down),
        "ArrowLeft" => step(Move::Left),
        "ArrowRight" => step(Move::Right),
        "Tab" if shift => Some(GridKey::Move(Move::Previous, false)),
        "Tab" => Some(GridKey::Move(Move::Next, false)),
        "Enter" if shift => Some(GridKey::Move(Move::Up, false)),
        "Enter" => Some(GridKey::Move(Move::Down, false)),
        "Home" if command => step(Move::First),
        "End" if command => step(Move::Last),
        "Home" => step(Move::RowStart),
        "End" => step(Move::RowEnd),
        "PageUp" => step(Move::PageUp(page.max(1))),
        "PageDown" => step(Move::PageDown(page.max(1))),
        "F2" if shift => Some(GridKey::ToExplanation),
        "F2" => Some(GridKey::Edit),
        "F6" => Some(GridKey::ToTabs),
        "Escape" => Some(GridKey::Collapse),
        "Delete" | "Backspace" => Some(GridKey::Clear),
        _ if command && code == "KeyZ" && shift => Some(GridKey::Redo),
        _ if command && code == "KeyZ" => Some(GridKey::Undo),
        _ if command && code == "KeyY" => Some(GridKey::Redo),
        _ if command && code == "KeyA" => Some(GridKey::SelectAll),
        _ if command || ev.alt_key() => None,
        typed if typed.chars().count() == 1 => Some(GridKey::Type(typed.to_owned())),
        _ => None,
    }
}
