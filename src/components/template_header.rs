//! A template's header: none, a text, or a photo, video or PDF. The editor
//! chooses and uploads it; previews show it as the customer will see it.

use handover_core::media::{Media, MediaKind, MediaState};
use handover_core::templates::{limits, HeaderMedia, TemplateDraft};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::thread::ready_media;
use crate::api::{self, ApiError};

/// The header kinds a manager chooses from: the select's value and label.
const CHOICES: [(&str, &str); 5] = [
    ("none", "No header"),
    ("text", "Text"),
    ("image", "Photo"),
    ("video", "Video"),
    ("document", "Document (PDF)"),
];

/// What each file kind may be, for the file chooser.
fn accepted(kind: &str) -> &'static str {
    match kind {
        "image" => "image/jpeg,image/png",
        "video" => "video/mp4,video/3gpp",
        _ => "application/pdf",
    }
}

/// The header of a draft as the select shows it.
pub fn choice_of(draft: &TemplateDraft, file: Option<&HeaderMedia>) -> &'static str {
    match (&draft.header, file) {
        (Some(_), _) => "text",
        (None, Some(file)) => file.kind.as_str(),
        (None, None) if draft.header_media_id.is_some() => "image",
        _ => "none",
    }
}

/// A header file shown as the thread shows files.
pub fn header_view(file: &HeaderMedia) -> AnyView {
    let media = Media {
        id: file.id,
        kind: file.kind,
        url: file.url.clone(),
        mime_type: file.mime_type.clone(),
        size: Some(file.size),
        filename: file.filename.clone(),
        caption: None,
        state: MediaState::Ready,
        failure: None,
    };
    view! { <div class="wa-header-media">{ready_media(media)}</div> }.into_any()
}

/// Chooses the header of `draft`: a text, or a file uploaded at once
/// (`file` keeps what it is, for the preview).
#[component]
pub fn HeaderEditor(
    draft: RwSignal<TemplateDraft>,
    file: RwSignal<Option<HeaderMedia>>,
    choice: RwSignal<&'static str>,
    #[prop(into)] problem: Signal<Option<String>>,
) -> impl IntoView {
    let failure = RwSignal::new(None::<String>);
    let upload =
        Action::new_local(|chosen: &web_sys::File| api::upload_template_header(chosen.clone()));
    Effect::new(move |_| match upload.value().get() {
        Some(Ok(uploaded)) => {
            failure.set(None);
            draft.update(|d| d.header_media_id = Some(uploaded.id));
            file.set(Some(uploaded));
        }
        Some(Err(error)) => failure.set(Some(ApiError::message(&error))),
        None => {}
    });
    let choose = move |event: leptos::ev::Event| {
        let value = event_target_value(&event);
        let picked = CHOICES
            .iter()
            .map(|(value, _)| *value)
            .find(|known| *known == value)
            .unwrap_or("none");
        choice.set(picked);
        failure.set(None);
        let keeps_file = file.with(|f| f.as_ref().is_some_and(|f| f.kind.as_str() == picked));
        draft.update(|d| {
            if picked != "text" {
                d.header = None;
            }
            if !keeps_file {
                d.header_media_id = None;
            }
        });
        if !keeps_file {
            file.set(None);
        }
    };
    let is_file = move || matches!(choice.get(), "image" | "video" | "document");
    let noun = move || {
        MediaKind::parse(choice.get())
            .map(|kind| kind.noun())
            .unwrap_or("file")
    };
    view! {
        <div class="field header-field">
            <span class="field-label">"Header (optional)"</span>
            <div class="header-choice">
                <select aria-label="Header type" prop:value=move || choice.get() on:change=choose>
                    {CHOICES.map(|(value, label)| view! { <option value=value>{label}</option> }).collect_view()}
                </select>
                <Show when=move || choice.get() == "text">
                    <input aria-label="Header" placeholder=format!("Up to {} characters", limits::HEADER)
                        prop:value=move || draft.with(|d| d.header.clone().unwrap_or_default())
                        on:input=move |event| {
                            let value = event_target_value(&event);
                            draft.update(|d| d.header = Some(value).filter(|v| !v.trim().is_empty()));
                        } />
                </Show>
                <Show when=is_file>
                    <label class="button header-upload">
                        {move || if upload.pending().get() {
                            "Uploading…".to_owned()
                        } else if file.with(Option::is_some) {
                            format!("Replace the {}", noun())
                        } else {
                            format!("Choose a {}", noun())
                        }}
                        <input type="file" class="file-input" aria-label="Header file" accept=move || accepted(choice.get())
                            on:change=move |event| {
                                let element = event.target().and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok());
                                if let Some(chosen) = element.as_ref().and_then(|e| e.files()).and_then(|files| files.get(0)) {
                                    upload.dispatch(chosen);
                                }
                                if let Some(element) = element {
                                    element.set_value("");
                                }
                            } />
                    </label>
                    {move || file.get().map(|f| view! {
                        <span class="muted header-file-name">{format!("{} · {}", f.filename.clone().unwrap_or_else(|| f.kind.noun().to_owned()), handover_core::media::size_in_words(f.size))}</span>
                    })}
                </Show>
            </div>
            <Show when=is_file>
                <span class="field-hint">"WhatsApp takes a JPEG or PNG photo up to 5 MB, an MP4 video up to 16 MB, or a PDF up to 100 MB. It is reviewed with the template and sent with it."</span>
            </Show>
            {move || failure.get().or_else(|| problem.get()).map(|message| view! { <span class="field-error" role="alert">{message}</span> })}
        </div>
    }
}
