//! Small values kept in the browser's local storage for the person using
//! it (a draft, a filter): they survive a reload and a browser restart.

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The value kept under `key`, or nothing.
pub fn get(key: &str) -> Option<String> {
    storage()?.get_item(key).ok().flatten()
}

/// Keeps `value` under `key`; an empty or blank value is removed.
pub fn set(key: &str, value: &str) {
    let Some(storage) = storage() else { return };
    let _ = if value.trim().is_empty() {
        storage.remove_item(key)
    } else {
        storage.set_item(key, value)
    };
}
