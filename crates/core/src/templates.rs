//! Message templates (PRODUCT.md §3): what a manager writes, WhatsApp's
//! limits for it, its parameters `{{1}}`…`{{n}}`, and the preview.

use serde::{Deserialize, Serialize};

use crate::error::FieldError;
use crate::ids::TemplateName;
use crate::media::MediaKind;

/// WhatsApp's limits for templates.
pub mod limits {
    pub const BODY: usize = 1024;
    pub const HEADER: usize = 60;
    pub const FOOTER: usize = 60;
    pub const QUICK_REPLIES: usize = 3;
    pub const CALLS_TO_ACTION: usize = 2;
    pub const BUTTON_TEXT: usize = 25;
    pub const URL: usize = 2000;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum TemplateCategory {
    Marketing,
    Utility,
    Authentication,
}

impl TemplateCategory {
    pub const ALL: [TemplateCategory; 3] = [
        TemplateCategory::Marketing,
        TemplateCategory::Utility,
        TemplateCategory::Authentication,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            TemplateCategory::Marketing => "marketing",
            TemplateCategory::Utility => "utility",
            TemplateCategory::Authentication => "authentication",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|category| category.as_str().eq_ignore_ascii_case(text))
    }
}

/// Where WhatsApp's review of a template stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum TemplateStatus {
    Pending,
    Approved,
    Rejected,
}

impl TemplateStatus {
    pub const ALL: [TemplateStatus; 3] = [
        TemplateStatus::Pending,
        TemplateStatus::Approved,
        TemplateStatus::Rejected,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            TemplateStatus::Pending => "pending",
            TemplateStatus::Approved => "approved",
            TemplateStatus::Rejected => "rejected",
        }
    }

    /// Reads ours (`approved`) and the Cloud API's (`APPROVED`); statuses
    /// the Cloud API adds later (`PAUSED`, `DISABLED`, …) are not ours.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|status| status.as_str().eq_ignore_ascii_case(text))
    }
}

/// A template's button. Quick replies and calls to action are not mixed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum TemplateButton {
    QuickReply { text: String },
    Url { text: String, url: String },
    PhoneNumber { text: String, phone_number: String },
}

impl TemplateButton {
    pub fn text(&self) -> &str {
        match self {
            TemplateButton::QuickReply { text }
            | TemplateButton::Url { text, .. }
            | TemplateButton::PhoneNumber { text, .. } => text,
        }
    }

    pub const fn is_quick_reply(&self) -> bool {
        matches!(self, TemplateButton::QuickReply { .. })
    }
}

/// What a manager writes: `POST /api/templates`, `PUT /api/templates/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TemplateDraft {
    pub name: String,
    pub language: String,
    pub category: TemplateCategory,
    /// A text header; or, instead, a media header:
    #[serde(default)]
    pub header: Option<String>,
    /// The photo, video or document at the top, uploaded first with
    /// `POST /api/templates/media`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header_media_id: Option<i64>,
    pub body: String,
    #[serde(default)]
    pub footer: Option<String>,
    #[serde(default)]
    pub buttons: Vec<TemplateButton>,
}

/// A template's media header: a photo, a video or a PDF that WhatsApp
/// reviews with the template and each send carries (unless the send names
/// another file of the same kind).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HeaderMedia {
    pub id: i64,
    pub kind: MediaKind,
    /// `/api/templates/media/{id}`, for signed-in people.
    pub url: String,
    pub mime_type: String,
    pub filename: Option<String>,
    pub size: u64,
}

impl HeaderMedia {
    /// The kind of header a file can be, by its type (WhatsApp takes JPEG
    /// and PNG photos, MP4 and 3GPP videos, and PDF documents).
    pub fn kind_for(mime_type: &str) -> Option<MediaKind> {
        match crate::media::essence(mime_type).as_str() {
            "image/jpeg" | "image/png" => Some(MediaKind::Image),
            "video/mp4" | "video/3gpp" => Some(MediaKind::Video),
            "application/pdf" => Some(MediaKind::Document),
            _ => None,
        }
    }
}

/// A stored template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Template {
    pub id: i64,
    pub name: String,
    pub language: String,
    pub category: TemplateCategory,
    pub header: Option<String>,
    #[serde(default)]
    pub header_media: Option<HeaderMedia>,
    pub body: String,
    pub footer: Option<String>,
    pub buttons: Vec<TemplateButton>,
    /// How many `{{n}}` parameters the body takes.
    pub params: usize,
    pub status: TemplateStatus,
    /// Why WhatsApp (or the manager, in sandbox mode) rejected it.
    pub rejection_reason: Option<String>,
}

impl Template {
    /// Whether `params` fill this template as WhatsApp takes them: one per
    /// `{{n}}`, none empty, none with a line break, a tab or more than four
    /// spaces in a row, and the filled body within WhatsApp's length.
    /// Refused: the error code and what to fix.
    pub fn check_params(&self, params: &[String]) -> Result<(), (&'static str, String)> {
        if self.params != params.len() {
            return Err((
                "wrong_parameter_count",
                format!(
                    "{} takes {} parameter(s); {} given",
                    self.name,
                    self.params,
                    params.len()
                ),
            ));
        }
        for (n, value) in params.iter().enumerate() {
            let which = format!("parameter {{{{{}}}}}", n + 1);
            if value.trim().is_empty() {
                return Err(("empty_parameter", format!("{which} is empty")));
            }
            if value.contains(['\n', '\r', '\t']) || value.contains("     ") {
                return Err((
                    "invalid_parameter",
                    format!(
                        "{which} has a line break, a tab or more than four spaces in a row, which WhatsApp refuses in a parameter; put it on one line"
                    ),
                ));
            }
        }
        let filled = preview(&self.body, params).chars().count();
        if filled > limits::BODY {
            return Err((
                "parameters_too_long",
                format!(
                    "with its parameters the message is {filled} characters; WhatsApp takes at most {}, so shorten the parameters",
                    limits::BODY
                ),
            ));
        }
        Ok(())
    }

    /// The template as a draft to edit, or to copy under another name.
    pub fn draft(&self) -> TemplateDraft {
        TemplateDraft {
            name: self.name.clone(),
            language: self.language.clone(),
            category: self.category,
            header: self.header.clone(),
            header_media_id: self.header_media.as_ref().map(|media| media.id),
            body: self.body.clone(),
            footer: self.footer.clone(),
            buttons: self.buttons.clone(),
        }
    }
}

/// Who reviews templates on this server: `GET /api/templates/review`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Reviewer {
    /// Sandbox mode: a manager approves or rejects.
    Managers,
    /// The Cloud API is configured: WhatsApp decides.
    WhatsApp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewMode {
    pub reviewed_by: Reviewer,
}

/// `PUT /api/templates/{id}/status` (sandbox mode only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TemplateReview {
    pub status: TemplateStatus,
    #[serde(default)]
    pub reason: Option<String>,
}

/// Counts the parameters `{{1}}`…`{{n}}` of a body; they must be numbered
/// from 1 without gaps.
pub fn count_params(body: &str) -> Result<usize, String> {
    let mut seen = std::collections::BTreeSet::new();
    let mut rest = body;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        let inner = after[..end].trim();
        let n: usize = inner.parse().map_err(|_| {
            format!("{{{{{inner}}}}} is not a parameter; use {{{{1}}}}, {{{{2}}}}, …")
        })?;
        seen.insert(n);
        rest = &after[end + 2..];
    }
    match seen.iter().enumerate().find(|(i, n)| **n != i + 1) {
        Some((i, _)) => Err(format!(
            "parameters must be numbered from {{{{1}}}} without gaps; {{{{{}}}}} is missing",
            i + 1
        )),
        None => Ok(seen.len()),
    }
}

/// A body with its parameters filled in where given; the others stay
/// visible as `{{n}}`.
pub fn preview(body: &str, params: &[String]) -> String {
    params
        .iter()
        .enumerate()
        .fold(body.to_owned(), |text, (n, value)| {
            let value = if value.is_empty() {
                format!("{{{{{}}}}}", n + 1)
            } else {
                value.clone()
            };
            text.replace(&format!("{{{{{}}}}}", n + 1), &value)
        })
}

/// The languages WhatsApp accepts for templates: its code, and the name
/// people choose from.
pub const LANGUAGES: &[(&str, &str)] = &[
    ("af", "Afrikaans"),
    ("sq", "Albanian"),
    ("ar", "Arabic"),
    ("az", "Azerbaijani"),
    ("bn", "Bengali"),
    ("bg", "Bulgarian"),
    ("ca", "Catalan"),
    ("zh_CN", "Chinese (China)"),
    ("zh_HK", "Chinese (Hong Kong)"),
    ("zh_TW", "Chinese (Taiwan)"),
    ("hr", "Croatian"),
    ("cs", "Czech"),
    ("da", "Danish"),
    ("nl", "Dutch"),
    ("en", "English"),
    ("en_GB", "English (UK)"),
    ("en_US", "English (US)"),
    ("et", "Estonian"),
    ("fil", "Filipino"),
    ("fi", "Finnish"),
    ("fr", "French"),
    ("ka", "Georgian"),
    ("de", "German"),
    ("el", "Greek"),
    ("gu", "Gujarati"),
    ("ha", "Hausa"),
    ("he", "Hebrew"),
    ("hi", "Hindi"),
    ("hu", "Hungarian"),
    ("id", "Indonesian"),
    ("ga", "Irish"),
    ("it", "Italian"),
    ("ja", "Japanese"),
    ("kn", "Kannada"),
    ("kk", "Kazakh"),
    ("rw_RW", "Kinyarwanda"),
    ("ko", "Korean"),
    ("ky_KG", "Kyrgyz"),
    ("lo", "Lao"),
    ("lv", "Latvian"),
    ("lt", "Lithuanian"),
    ("mk", "Macedonian"),
    ("ms", "Malay"),
    ("ml", "Malayalam"),
    ("mr", "Marathi"),
    ("nb", "Norwegian"),
    ("fa", "Persian"),
    ("pl", "Polish"),
    ("pt_BR", "Portuguese (Brazil)"),
    ("pt_PT", "Portuguese (Portugal)"),
    ("pa", "Punjabi"),
    ("ro", "Romanian"),
    ("ru", "Russian"),
    ("sr", "Serbian"),
    ("sk", "Slovak"),
    ("sl", "Slovenian"),
    ("es", "Spanish"),
    ("es_AR", "Spanish (Argentina)"),
    ("es_ES", "Spanish (Spain)"),
    ("es_MX", "Spanish (Mexico)"),
    ("sw", "Swahili"),
    ("sv", "Swedish"),
    ("ta", "Tamil"),
    ("te", "Telugu"),
    ("th", "Thai"),
    ("tr", "Turkish"),
    ("uk", "Ukrainian"),
    ("ur", "Urdu"),
    ("uz", "Uzbek"),
    ("vi", "Vietnamese"),
    ("zu", "Zulu"),
];

/// Whether WhatsApp takes templates in this language (see [`LANGUAGES`]).
pub fn is_language_code(code: &str) -> bool {
    LANGUAGES.iter().any(|(known, _)| *known == code)
}

impl TemplateDraft {
    /// The number of body parameters, or every problem with its field.
    pub fn validate(&self) -> Result<usize, Vec<FieldError>> {
        let mut problems = Vec::new();
        let mut problem = |field: &str, message: String| {
            problems.push(FieldError {
                field: field.into(),
                message,
            })
        };
        if let Err(error) = TemplateName::parse(&self.name) {
            problem("name", error.to_string());
        }
        if !is_language_code(&self.language) {
            problem(
                "language",
                format!(
                    "{:?} is not a language WhatsApp takes templates in; choose one such as en, hi or en_US",
                    self.language
                ),
            );
        }
        let params = count_params(&self.body);
        let body_length = self.body.chars().count();
        if self.body.trim().is_empty() || body_length > limits::BODY {
            problem("body", format!("write 1 to {} characters", limits::BODY));
        } else if let Err(message) = &params {
            problem("body", message.clone());
        }
        for (field, text, limit) in [
            ("header", &self.header, limits::HEADER),
            ("footer", &self.footer, limits::FOOTER),
        ] {
            let Some(text) = text else { continue };
            if text.trim().is_empty() || text.chars().count() > limit {
                problem(
                    field,
                    format!("write 1 to {limit} characters, or leave it out"),
                );
            } else if text.contains("{{") {
                problem(field, "cannot hold parameters; put them in the body".into());
            }
        }
        if self.header.is_some() && self.header_media_id.is_some() {
            problem(
                "header",
                "a template has a text header or a photo, video or document header, not both; remove one".into(),
            );
        }
        let quick_replies = self.buttons.iter().filter(|b| b.is_quick_reply()).count();
        let calls = self.buttons.len() - quick_replies;
        if quick_replies > 0 && calls > 0 {
            problem(
                "buttons",
                "use quick replies or calls to action, not both".into(),
            );
        } else if quick_replies > limits::QUICK_REPLIES {
            problem(
                "buttons",
                format!("at most {} quick replies", limits::QUICK_REPLIES),
            );
        } else if calls > limits::CALLS_TO_ACTION {
            problem(
                "buttons",
                format!("at most {} call-to-action buttons", limits::CALLS_TO_ACTION),
            );
        }
        for (n, button) in self.buttons.iter().enumerate() {
            let at = format!("buttons[{n}]");
            let text = button.text();
            if text.trim().is_empty() || text.chars().count() > limits::BUTTON_TEXT {
                problem(
                    &format!("{at}.text"),
                    format!("write 1 to {} characters", limits::BUTTON_TEXT),
                );
            }
            match button {
                TemplateButton::Url { url, .. }
                    if !(url.starts_with("https://") || url.starts_with("http://"))
                        || url.len() > limits::URL
                        || url.contains(char::is_whitespace) =>
                {
                    problem(
                        &format!("{at}.url"),
                        "give a web address starting with https://".into(),
                    )
                }
                TemplateButton::PhoneNumber { phone_number, .. }
                    if crate::WaId::parse(phone_number).is_err() =>
                {
                    problem(
                        &format!("{at}.phone_number"),
                        "give the number with its country code, e.g. +919820012345".into(),
                    )
                }
                _ => {}
            }
        }
        match params {
            Ok(params) if problems.is_empty() => Ok(params),
            _ => Err(problems),
        }
    }
}

#[cfg(test)]
mod tests;
