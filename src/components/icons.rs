//! Small line icons drawn inline, so that tools read the same on every
//! machine, with or without an emoji font.

use leptos::prelude::*;

/// One 16×16 icon from its SVG path data, in the text's colour.
fn icon(path: &'static str) -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" width="16" height="16" aria-hidden="true"
            fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
            <path d=path></path>
        </svg>
    }
}

pub fn paperclip() -> impl IntoView {
    icon("M21 11.5l-8.6 8.6a5 5 0 0 1-7.1-7.1l8.6-8.6a3.3 3.3 0 0 1 4.7 4.7l-8.6 8.6a1.7 1.7 0 0 1-2.4-2.4l7.9-7.9")
}

pub fn smile() -> impl IntoView {
    icon("M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20zM8 14s1.5 2 4 2 4-2 4-2M9 9h.01M15 9h.01")
}

pub fn lock() -> impl IntoView {
    icon("M5 11h14v10H5zM8 11V7a4 4 0 0 1 8 0v4")
}

pub fn file() -> impl IntoView {
    icon("M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8zM14 2v6h6M8 13h8M8 17h5")
}

pub fn pin() -> impl IntoView {
    icon("M12 22s7-6.1 7-12a7 7 0 0 0-14 0c0 5.9 7 12 7 12zM12 12.5a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5z")
}
