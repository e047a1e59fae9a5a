//! WhatsApp's template management on the business account
//! (`{base}/{waba-id}/message_templates`): submitting a template for review
//! and reading the review outcomes back.

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
}

impl TemplatesApi {
    pub fn new(base_url: &str, business_account_id: &str, token: &str) -> Self {
        let base = base_url.trim_end_matches('/').to_owned();
        Self {
            http: super::whatsapp_client(),
            url: format!("{base}/{business_account_id}/message_templates"),
            base,
            token: token.to_owned(),
        }
    }

    /// Submits `template` for review.
    pub async fn submit(&self, template: &Template) -> Result<(), String> {
        let response = self
            .http
            .post(&self.url)
            .bearer_auth(&self.token)
            .json(&submission(template))
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
/// for each body parameter (WhatsApp's reviewers require them).
pub fn submission(template: &Template) -> Value {
    let mut components = Vec::new();
    if let Some(header) = &template.header {
        components.push(json!({ "type": "HEADER", "format": "TEXT", "text": header }));
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
            submission(&template),
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
