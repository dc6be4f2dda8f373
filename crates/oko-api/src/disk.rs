//! Room on the disk for the data that matters: uploads and exports are refused
//! (507) when they would leave less than `OKO_MIN_FREE_MB` on the volume of
//! `OKO_DATA_DIR`, so files can never take the room the database needs for
//! autosave on deadline day.

use std::path::Path;

use oko_domain::error_code::ErrorCode;

use crate::{error::ApiError, state::AppState};

/// Refuses `incoming` more bytes when they would leave less than the kept room.
/// A volume whose free space cannot be read is not refused on a guess.
pub fn ensure_room(state: &AppState, incoming: u64) -> Result<(), ApiError> {
    if state.min_free_bytes == 0 {
        return Ok(());
    }
    let Some(available) = available_bytes(&state.data_dir) else {
        return Ok(());
    };
    if available.saturating_sub(incoming) >= state.min_free_bytes {
        return Ok(());
    }
    tracing::error!(
        available,
        incoming,
        "refused: the data volume is nearly full"
    );
    Err(ApiError::new(
        ErrorCode::InsufficientStorage,
        format!(
            "На сервере мало места: осталось {} МиБ, а {} МиБ оставлены базе данных. Ничего не сохранено; сообщите администратору",
            available >> 20,
            state.min_free_bytes >> 20
        ),
    ))
}

/// Bytes an unprivileged writer may still use on the volume holding `dir`.
pub fn available_bytes(dir: &Path) -> Option<u64> {
    let stats = rustix::fs::statvfs(dir).ok()?;
    Some(stats.f_bavail.saturating_mul(stats.f_frsize))
}
