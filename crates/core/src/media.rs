//! Photos, voice notes, videos, documents and stickers in a chat, and the
//! cards for shared locations and contacts: what a thread message carries,
//! and WhatsApp's limits for each kind of file.

use serde::{Deserialize, Serialize};

/// The kinds of file a WhatsApp message carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum MediaKind {
    Image,
    Sticker,
    Audio,
    Video,
    Document,
}

impl MediaKind {
    pub const ALL: [MediaKind; 5] = [
        MediaKind::Image,
        MediaKind::Sticker,
        MediaKind::Audio,
        MediaKind::Video,
        MediaKind::Document,
    ];

    /// WhatsApp's message type for it (`image`, `audio`, …).
    pub const fn as_str(self) -> &'static str {
        match self {
            MediaKind::Image => "image",
            MediaKind::Sticker => "sticker",
            MediaKind::Audio => "audio",
            MediaKind::Video => "video",
            MediaKind::Document => "document",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text)
    }

    /// The largest file of this kind WhatsApp carries, in bytes.
    pub const fn max_bytes(self) -> u64 {
        const MB: u64 = 1024 * 1024;
        match self {
            MediaKind::Image => 5 * MB,
            // Animated stickers are up to 500 KB, static ones 100 KB.
            MediaKind::Sticker => 500 * 1024,
            MediaKind::Audio | MediaKind::Video => 16 * MB,
            MediaKind::Document => 100 * MB,
        }
    }

    /// Whether a browser shows it in the page (an image, a player) rather
    /// than saving it as a file.
    pub const fn shown_inline(self) -> bool {
        !matches!(self, MediaKind::Document)
    }

    /// What an agent may send from the dashboard or the API, by content
    /// type: an image (JPEG or PNG, as WhatsApp takes them), or any of the
    /// document types WhatsApp takes. `None`: not something we send.
    pub fn for_sending(mime_type: &str) -> Option<Self> {
        let mime_type = essence(mime_type);
        match mime_type.as_str() {
            "image/jpeg" | "image/png" => Some(MediaKind::Image),
            "application/pdf"
            | "text/plain"
            | "application/msword"
            | "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            | "application/vnd.ms-excel"
            | "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            | "application/vnd.ms-powerpoint"
            | "application/vnd.openxmlformats-officedocument.presentationml.presentation" => {
                Some(MediaKind::Document)
            }
            _ => None,
        }
    }

    /// A word for it in a sentence ("a photo").
    pub const fn noun(self) -> &'static str {
        match self {
            MediaKind::Image => "photo",
            MediaKind::Sticker => "sticker",
            MediaKind::Audio => "audio message",
            MediaKind::Video => "video",
            MediaKind::Document => "document",
        }
    }
}

/// Where a file is on its way to being shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum MediaState {
    /// Being fetched from WhatsApp (or, ours, waiting to be sent).
    Pending,
    /// Stored here: `url` serves it.
    Ready,
    /// Could not be fetched; `failure` says why. A retry may be asked.
    Failed,
}

/// The file of a thread message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Media {
    pub id: i64,
    pub kind: MediaKind,
    /// Our own address for the file (`/api/media/{id}`), for signed-in
    /// people only.
    pub url: String,
    pub mime_type: String,
    /// In bytes, once known.
    pub size: Option<u64>,
    pub filename: Option<String>,
    pub caption: Option<String>,
    pub state: MediaState,
    /// Why it could not be fetched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<String>,
}

/// A shared location.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Location {
    pub latitude: f64,
    pub longitude: f64,
    pub name: Option<String>,
    pub address: Option<String>,
}

// Coordinates come from JSON, which has no NaN: equality is total.
impl Eq for Location {}

impl Location {
    /// A link that opens the place in a map.
    pub fn map_link(&self) -> String {
        format!(
            "https://www.openstreetmap.org/?mlat={:.6}&mlon={:.6}#map=17/{:.6}/{:.6}",
            self.latitude, self.longitude, self.latitude, self.longitude
        )
    }
}

/// A contact card a customer shared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SharedContact {
    pub name: String,
    #[serde(default)]
    pub phones: Vec<String>,
    #[serde(default)]
    pub emails: Vec<String>,
}

/// A content type without its parameters, in lowercase: `image/png` for
/// `Image/PNG; name=x`.
pub fn essence(mime_type: &str) -> String {
    mime_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// "2.4 MB", "830 KB", "512 bytes".
pub fn size_in_words(bytes: u64) -> String {
    const KB: u64 = 1024;
    const MB: u64 = 1024 * KB;
    match bytes {
        0..KB => format!("{bytes} bytes"),
        KB..MB => format!("{} KB", (bytes + KB / 2) / KB),
        _ if bytes % MB == 0 => format!("{} MB", bytes / MB),
        _ => format!("{:.1} MB", bytes as f64 / MB as f64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_whatsapp_takes_is_sent_and_limits_follow_its_rules() {
        assert_eq!(MediaKind::for_sending("image/png"), Some(MediaKind::Image));
        assert_eq!(
            MediaKind::for_sending("Application/PDF; name=x"),
            Some(MediaKind::Document)
        );
        assert_eq!(MediaKind::for_sending("image/gif"), None);
        assert_eq!(MediaKind::for_sending("text/html"), None);
        assert_eq!(MediaKind::Image.max_bytes(), 5 * 1024 * 1024);
        assert_eq!(MediaKind::Document.max_bytes(), 100 * 1024 * 1024);
        assert!(!MediaKind::Document.shown_inline());
        assert_eq!(MediaKind::parse("sticker"), Some(MediaKind::Sticker));
    }

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(size_in_words(512), "512 bytes");
        assert_eq!(size_in_words(830 * 1024), "830 KB");
        assert_eq!(size_in_words(2_516_582), "2.4 MB");
        assert_eq!(size_in_words(16 * 1024 * 1024), "16 MB");
    }
}
