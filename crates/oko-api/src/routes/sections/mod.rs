//! `/api/sections`: the tabs of «Обмен данными».

pub mod list;
pub mod save;
