//! WhatsApp's template management on the business account
//! (`{base}/{waba-id}/message_templates`): submitting a template for review
//! and reading the review outcomes back. A template with a photo, video or
//! PDF header goes with a sample of it, uploaded first through the Meta
//! app's Resumable Upload API (`{base}/{app-id}/uploads`), which answers a
//! handle the submission names.

use std::path::Path;

use handover_core::templates::{Template, TemplateButton, TemplateStatus};
use serde_json::{json, Value};

/// A review outcome: name, language, status and, when rejected, why.
pub type Review = (String, String, TemplateStatus, Option<String>);

/// At most this many pages of templates are read per refresh.
const MAX_PAGES: usize = 50;

pub struct TemplatesApi {
    http: reqwest::Client,
    base: String,
    url: String,
    token: String,
    /// The Meta app that uploads header samples.
    app_id: Option<String>,
}

/// A media header's file on this server, sent as WhatsApp's sample.
pub struct Sample<'a> {
    pub path: &'a Path,
    pub mime_type: &'a str,
    pub filename: &'a str,
}

impl TemplatesApi {
    pub fn new(
        base_url: &str,
        business_account_id: &str,
        token: &str,
        app_id: Option<&str>,
    ) -> Self {
        let base = base_url.trim_end_matches('/').to_owned();
        Self {
            http: super::whatsapp_client(),
            url: format!("{base}/{business_account_id}/message_templates"),
            base,
            token: token.to_owned(),
            app_id: app_id.map(str::to_owned),
        }
    }

    /// Submits `template` for review, with the sample of its media header.
    pub async fn submit(
        &self,
        template: &Template,
        sample: Option<Sample<'_>>,
    ) -> Result<(), String> {
        let handle = match (&template.header_media, sample) {
            (Some(_), Some(sample)) => Some(self.upload_sample(&sample).await?),
            (Some(_), None) => return Err(
                "The header's file is missing from this server's media folder; upload it again."
                    .into(),
            ),
            (None, _) => None,
        };
        let response = self
            .http
            .post(&self.url)
            .bearer_auth(&self.token)
            .json(&submission(template, handle.as_deref()))
            .send()
            .await
            .map_err(|error| format!("WhatsApp could not be reached: {error}"))?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let body: Value = response.json().await.unwrap_or(Value::Null);
        Err(format!(
            "WhatsApp refused the template (HTTP {}): {}",
            status.as_u16(),
            body["error"]["message"].as_str().unwrap_or("no details")
        ))
    }

    /// Uploads a header's sample: an upload session on the app, then the
    /// bytes; WhatsApp answers the handle a submission names.
    async fn upload_sample(&self, sample: &Sample<'_>) -> Result<String, String> {
        let Some(app_id) = &self.app_id else {
            return Err("WhatsApp reviews a photo, video or document header from a sample uploaded through your Meta app: set HANDOVER_WA_APP_ID to the app's id, then submit the template again.".into());
        };
        let unreadable = |error: std::io::Error| {
            format!("The header's file could not be read on this server: {error}")
        };
        let file = tokio::fs::File::open(sample.path)
            .await
            .map_err(unreadable)?;
        let length = file.metadata().await.map_err(unreadable)?.len();
        let session: Value = self
            .call(
                self.http
                    .post(format!("{}/{app_id}/uploads", self.base))
                    .bearer_auth(&self.token)
                    .query(&[
                        ("file_name", sample.filename),
                        ("file_length", &length.to_string()),
                        ("file_type", sample.mime_type),
                    ]),
                "the header's upload",
            )
            .await?;
        let session = session["id"]
            .as_str()
            .filter(|id| id.starts_with("upload:") && !id.contains(['/', '?', '#']))
            .ok_or("WhatsApp opened no upload session for the header's sample.")?;
        let uploaded: Value = self
            .call(
                self.http
                    .post(format!("{}/{session}", self.base))
                    .header("authorization", format!("OAuth {}", self.token))
                    .header("file_offset", "0")
                    .header("content-length", length)
                    .body(super::cloud_api::file_body(file)),
                "the header's sample",
            )
            .await?;
        uploaded["h"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| "WhatsApp took the header's sample but returned no handle.".into())
    }

    /// One request to WhatsApp: its JSON answer, or why not.
    async fn call(&self, request: reqwest::RequestBuilder, what: &str) -> Result<Value, String> {
        let response = request
            .send()
            .await
            .map_err(|error| format!("WhatsApp could not be reached: {error}"))?;
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        if status.is_success() {
            return Ok(body);
        }
        Err(format!(
            "WhatsApp refused {what} (HTTP {}): {}",
            status.as_u16(),
            body["error"]["message"].as_str().unwrap_or("no details")
        ))
    }

    /// Every template's review outcome, page by page.
    pub async fn reviews(&self) -> Result<Vec<Review>, String> {
        let mut reviews = Vec::new();
        let mut next = Some(format!(
            "{}?fields=name,language,status,rejected_reason&limit=100",
            self.url
        ));
        for _ in 0..MAX_PAGES {
            let Some(url) = next.take() else { break };
            let response = self
                .http
                .get(&url)
                .bearer_auth(&self.token)
                .send()
                .await
                .map_err(|error| format!("WhatsApp could not be reached: {error}"))?;
            let status = response.status();
            let body: Value = response
                .json()
                .await
                .map_err(|error| format!("WhatsApp's answer could not be read: {error}"))?;
            if !status.is_success() {
                return Err(format!(
                    "WhatsApp refused to list templates (HTTP {}): {}",
                    status.as_u16(),
                    body["error"]["message"].as_str().unwrap_or("no details")
                ));
            }
            reviews.extend(read_reviews(&body));
            // Only follow pages on the configured host.
            next = body["paging"]["next"]
                .as_str()
                .filter(|url| url.starts_with(&self.base))
                .map(str::to_owned);
        }
        Ok(reviews)
    }
}

/// The review outcomes in one page; statuses that are not ours (paused,
/// disabled, in appeal) are left out.
fn read_reviews(page: &Value) -> Vec<Review> {
    page["data"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|item| {
            let status = TemplateStatus::parse(item["status"].as_str()?)?;
            let reason = item["rejected_reason"]
                .as_str()
                .filter(|reason| !reason.is_empty() && *reason != "NONE")
                .map(str::to_owned);
            Some((
                item["name"].as_str()?.to_owned(),
                item["language"].as_str()?.to_owned(),
                status,
                reason,
            ))
        })
        .collect()
}

/// The Cloud API's body for submitting `template`, with an example value
/// for each body parameter and the uploaded sample's `handle` for a media
/// header (WhatsApp's reviewers require them).
pub fn submission(template: &Template, handle: Option<&str>) -> Value {
    let mut components = Vec::new();
    if let Some(header) = &template.header {
        components.push(json!({ "type": "HEADER", "format": "TEXT", "text": header }));
    }
    if let Some(media) = &template.header_media {
        components.push(json!({
            "type": "HEADER",
            "format": media.kind.as_str().to_uppercase(),
            "example": { "header_handle": [handle.unwrap_or_default()] },
        }));
    }
    let mut body = json!({ "type": "BODY", "text": template.body });
    if template.params > 0 {
        let examples: Vec<String> = (1..=template.params)
            .map(|n| format!("example {n}"))
            .collect();
        body["example"] = json!({ "body_text": [examples] });
    }
    components.push(body);
    if let Some(footer) = &template.footer {
        components.push(json!({ "type": "FOOTER", "text": footer }));
    }
    if !template.buttons.is_empty() {
        let buttons: Vec<Value> = template
            .buttons
            .iter()
            .map(|button| match button {
                TemplateButton::QuickReply { text } => {
                    json!({ "type": "QUICK_REPLY", "text": text })
                }
                TemplateButton::Url { text, url } => {
                    json!({ "type": "URL", "text": text, "url": url })
                }
                TemplateButton::PhoneNumber { text, phone_number } => {
                    json!({ "type": "PHONE_NUMBER", "text": text, "phone_number": phone_number })
                }
            })
            .collect();
        components.push(json!({ "type": "BUTTONS", "buttons": buttons }));
    }
    json!({
        "name": template.name,
        "language": template.language,
        "category": template.category.as_str().to_uppercase(),
        "components": components,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use handover_core::templates::TemplateCategory;

    #[test]
    fn a_submission_has_every_component_in_the_cloud_api_shape() {
        let template = Template {
            id: 1,
            name: "order_shipped".into(),
            language: "en_US".into(),
            category: TemplateCategory::Utility,
            header: Some("On its way".into()),
            header_media: None,
            body: "Hi {{1}}, order {{2}} ships today.".into(),
            footer: Some("Bloom & Petal".into()),
            buttons: vec![TemplateButton::Url {
                text: "Track".into(),
                url: "https://bloom.example/track".into(),
            }],
            params: 2,
            status: TemplateStatus::Pending,
            rejection_reason: None,
        };
        assert_eq!(
            submission(&template, None),
            json!({
                "name": "order_shipped",
                "language": "en_US",
                "category": "UTILITY",
                "components": [
                    {"type": "HEADER", "format": "TEXT", "text": "On its way"},
                    {"type": "BODY", "text": "Hi {{1}}, order {{2}} ships today.", "example": {"body_text": [["example 1", "example 2"]]}},
                    {"type": "FOOTER", "text": "Bloom & Petal"},
                    {"type": "BUTTONS", "buttons": [{"type": "URL", "text": "Track", "url": "https://bloom.example/track"}]}
                ]
            })
        );
    }

    #[test]
    fn review_outcomes_are_read_and_foreign_statuses_skipped() {
        let page = json!({"data": [
            {"name": "a", "language": "en", "status": "APPROVED", "id": "1"},
            {"name": "b", "language": "hi", "status": "REJECTED", "rejected_reason": "INVALID_FORMAT", "id": "2"},
            {"name": "c", "language": "en", "status": "PAUSED", "id": "3"},
            {"name": "d", "language": "en", "status": "PENDING", "rejected_reason": "NONE", "id": "4"}
        ]});
        assert_eq!(
            read_reviews(&page),
            [
                ("a".into(), "en".into(), TemplateStatus::Approved, None),
                (
                    "b".into(),
                    "hi".into(),
                    TemplateStatus::Rejected,
                    Some("INVALID_FORMAT".into())
                ),
                ("d".into(), "en".into(), TemplateStatus::Pending, None),
            ]
        );
    }
}
