//! Typed calls to the server's JSON API. Every call returns
//! `Result<T, ApiError>`, and `ApiError` reads as a sentence a person can act on.

mod reports;
mod tools;

use std::fmt;

use gloo_net::http::{Request, Response};
use handover_core::api::{
    Agent, AgentChanges, CustomerProfile, CustomerSummary, LoginRequest, Message, NewAgent, Page,
    PasswordChange, SearchResults, SendMessage, SessionInfo, TeamMember, TemplateSend,
    TransferRequest,
};
use handover_core::campaigns::{ApiToken, Campaign, CreatedApiToken, NewApiToken};
use handover_core::contacts::ImportReport;
use handover_core::customers::CustomerFacets;
use handover_core::labels::ResolveRequest;
use handover_core::tags::{TagRule, TagRuleDraft};
use handover_core::templates::{Template, TemplateDraft, TemplateReview};
use handover_core::AgentId;
use handover_core::{ErrorBody, SectionCounts};
pub use reports::*;
use serde::de::DeserializeOwned;
pub use tools::*;

/// Why an API call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// No answer at all: the server is down or the network is gone.
    Unreachable(String),
    /// The server answered with an error status and (usually) a message,
    /// with each field's problem for submitted documents.
    Server {
        status: u16,
        message: String,
        fields: Vec<handover_core::FieldError>,
    },
    /// The server answered 2xx with a body we could not read.
    Unreadable(String),
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Unreachable(detail) => write!(
                f,
                "The server could not be reached ({detail}). Check that Handover is running, then retry."
            ),
            ApiError::Server { status, message, .. } => write!(f, "{message} (HTTP {status})"),
            ApiError::Unreadable(detail) => write!(
                f,
                "The server's answer could not be read ({detail}). Reload the page to get the latest app."
            ),
        }
    }
}

impl ApiError {
    /// True when the server says the session is missing or over.
    pub fn is_unauthorized(&self) -> bool {
        matches!(self, ApiError::Server { status: 401, .. })
    }

    /// The problem the server found with `field` of a submitted form.
    pub fn problem_with(&self, field: &str) -> Option<String> {
        match self {
            ApiError::Server { fields, .. } => fields
                .iter()
                .find(|problem| problem.field == field)
                .map(|problem| problem.message.clone()),
            _ => None,
        }
    }

    /// The server's own message, without the status, for forms.
    pub fn message(&self) -> String {
        match self {
            ApiError::Server { message, .. } => message.clone(),
            other => other.to_string(),
        }
    }
}

/// `GET /api/sections`.
pub async fn fetch_sections() -> Result<SectionCounts, ApiError> {
    get_json("/api/sections").await
}

/// `GET /api/users?status=…&mine=…&cursor=…`: one page of a section or
/// History, all chats or only the signed-in agent's.
pub async fn fetch_users(
    list: crate::inbox_state::List,
    cursor: Option<&str>,
) -> Result<Page<CustomerSummary>, ApiError> {
    let mut path = format!(
        "/api/users?status={}&limit=50&mine={}",
        list.section.as_str(),
        list.mine
    );
    if let Some(cursor) = cursor {
        path.push_str(&format!("&cursor={}", encode(cursor)));
    }
    get_json(&path).await
}

/// `GET /api/search?q=…`: customers in any section by name, number or message.
pub async fn search(query: &str) -> Result<SearchResults, ApiError> {
    get_json(&format!("/api/search?q={}", encode(query))).await
}

/// `GET /api/users/{wa_id}`: the profile card.
pub async fn fetch_profile(wa_id: &str) -> Result<CustomerProfile, ApiError> {
    get_json(&format!("/api/users/{wa_id}")).await
}

/// Which page of a thread: the newest (`Before(None)`), older ones, or
/// newer ones after a message (a thread opened further up).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThreadPage {
    Before(Option<i64>),
    After(i64),
}

/// `GET /api/users/{wa_id}/messages`: a page of the thread, oldest first.
pub async fn fetch_thread(
    wa_id: &str,
    page: ThreadPage,
    limit: u32,
) -> Result<Page<Message>, ApiError> {
    let mut path = format!("/api/users/{wa_id}/messages?limit={limit}");
    match page {
        ThreadPage::Before(Some(before)) => path.push_str(&format!("&before={before}")),
        ThreadPage::Before(None) => {}
        ThreadPage::After(after) => path.push_str(&format!("&after={after}")),
    }
    get_json(&path).await
}

/// `GET /api/agents`: the team, with who is online.
pub async fn fetch_agents() -> Result<Vec<TeamMember>, ApiError> {
    get_json("/api/agents").await
}

/// `POST /api/agents` (managers): a new agent or manager.
pub async fn create_agent(agent: NewAgent) -> Result<Agent, ApiError> {
    post_json("/api/agents", &agent).await
}

/// `PATCH /api/agents/{id}` (managers): rename, change role, disable or
/// enable, reset the password.
pub async fn update_agent(id: AgentId, changes: AgentChanges) -> Result<Agent, ApiError> {
    let request = Request::patch(&format!("/api/agents/{id}"))
        .json(&changes)
        .map_err(|error| ApiError::Unreadable(error.to_string()))?;
    read(request.send().await).await
}

/// `PUT /api/me/password`: one's own new password, given the current one.
pub async fn change_password(change: PasswordChange) -> Result<Agent, ApiError> {
    let request = Request::put("/api/me/password")
        .json(&change)
        .map_err(|error| ApiError::Unreadable(error.to_string()))?;
    read(request.send().await).await
}

/// `GET /api/templates`.
pub async fn fetch_templates() -> Result<Vec<Template>, ApiError> {
    get_json("/api/templates").await
}

/// The lifecycle actions of the chat header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChatAction {
    Intervene,
    /// With a closing reason from the team's list, or none.
    Resolve(Option<String>),
    Release,
    Transfer(AgentId),
}

/// `POST /api/users/{wa_id}/intervene|resolve|release|transfer`.
pub async fn act(wa_id: String, action: ChatAction) -> Result<CustomerProfile, ApiError> {
    let (verb, body) = match action {
        ChatAction::Intervene => ("intervene", None),
        ChatAction::Resolve(reason) => (
            "resolve",
            reason.map(|reason| {
                serde_json::to_value(ResolveRequest {
                    reason: Some(reason),
                })
            }),
        ),
        ChatAction::Release => ("release", None),
        ChatAction::Transfer(agent_id) => (
            "transfer",
            Some(serde_json::to_value(TransferRequest { agent_id })),
        ),
    };
    let request = Request::post(&format!("/api/users/{wa_id}/{verb}"));
    let request = match body {
        Some(Ok(body)) => request.json(&body),
        Some(Err(error)) => return Err(ApiError::Unreadable(error.to_string())),
        None => request.build(),
    }
    .map_err(|error| ApiError::Unreadable(error.to_string()))?;
    read(request.send().await).await
}

/// What the composer sends.
#[derive(Debug, Clone)]
pub enum Outgoing {
    /// A text, maybe quoting one of the chat's messages (by id).
    Text {
        text: String,
        reply_to: Option<i64>,
    },
    Template(TemplateSend),
    /// A private note for the team.
    Note(String),
    /// A photo or document, with a caption.
    File {
        file: web_sys::File,
        caption: String,
    },
}

/// Sends what the composer wrote; the stored message comes back.
pub async fn send(wa_id: String, outgoing: Outgoing) -> Result<Message, ApiError> {
    match outgoing {
        Outgoing::Text { text, reply_to } => send_text(wa_id, text, reply_to).await,
        Outgoing::Template(template) => send_template(wa_id, template).await,
        Outgoing::Note(text) => add_note(wa_id, text).await,
        Outgoing::File { file, caption } => send_file(wa_id, file, caption).await,
    }
}

/// `POST /api/users/{wa_id}/messages`: a session text, maybe quoting a
/// message of the chat.
pub async fn send_text(
    wa_id: String,
    text: String,
    reply_to: Option<i64>,
) -> Result<Message, ApiError> {
    post_json(
        &format!("/api/users/{wa_id}/messages"),
        &SendMessage::Text { text, reply_to },
    )
    .await
}

/// `POST /api/users/{wa_id}/messages`: a template with its parameters.
pub async fn send_template(wa_id: String, template: TemplateSend) -> Result<Message, ApiError> {
    post_json(
        &format!("/api/users/{wa_id}/messages"),
        &SendMessage::Template { template },
    )
    .await
}

pub(crate) async fn post_json<B: serde::Serialize, T: DeserializeOwned>(
    path: &str,
    body: &B,
) -> Result<T, ApiError> {
    let request = Request::post(path)
        .json(body)
        .map_err(|error| ApiError::Unreadable(error.to_string()))?;
    read(request.send().await).await
}

/// Percent-encoding for a query value (RFC 3986 unreserved characters are
/// kept); plain Rust, so the query strings built with it are tested natively.
pub fn encode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (byte as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// `GET /api/bot`.
pub async fn fetch_bot() -> Result<handover_core::api::BotDocument, ApiError> {
    get_json("/api/bot").await
}

/// `GET /api/bot/versions`.
pub async fn fetch_bot_versions() -> Result<Vec<handover_core::api::BotVersion>, ApiError> {
    get_json("/api/bot/versions").await
}

/// `PUT /api/bot`.
pub async fn save_bot(
    config: handover_core::bot::BotConfig,
) -> Result<handover_core::api::BotDocument, ApiError> {
    let request = Request::put("/api/bot")
        .json(&config)
        .map_err(|error| ApiError::Unreadable(error.to_string()))?;
    read(request.send().await).await
}

/// `POST /api/bot/import` with a document as exported.
pub async fn import_bot(document: String) -> Result<handover_core::api::BotDocument, ApiError> {
    let request = Request::post("/api/bot/import")
        .header("content-type", "application/json")
        .body(document)
        .map_err(|error| ApiError::Unreadable(error.to_string()))?;
    read(request.send().await).await
}

/// `POST /api/bot/versions/{id}/rollback`.
pub async fn rollback_bot(id: i64) -> Result<handover_core::api::BotDocument, ApiError> {
    read(
        Request::post(&format!("/api/bot/versions/{id}/rollback"))
            .send()
            .await,
    )
    .await
}

/// `POST /api/bot/simulate`.
pub async fn simulate(
    simulation: handover_core::api::Simulation,
) -> Result<Vec<handover_core::api::SimulatedTurn>, ApiError> {
    post_json("/api/bot/simulate", &simulation).await
}

/// `POST /api/templates`, or `PUT /api/templates/{id}` when `id` is given.
pub async fn save_template(id: Option<i64>, draft: TemplateDraft) -> Result<Template, ApiError> {
    let request = match id {
        Some(id) => Request::put(&format!("/api/templates/{id}")),
        None => Request::post("/api/templates"),
    }
    .json(&draft)
    .map_err(|error| ApiError::Unreadable(error.to_string()))?;
    read(request.send().await).await
}

/// `POST /api/templates/{id}/copy`.
pub async fn copy_template(id: i64, name: String) -> Result<Template, ApiError> {
    post_json(
        &format!("/api/templates/{id}/copy"),
        &serde_json::json!({ "name": name }),
    )
    .await
}

/// `PUT /api/templates/{id}/status` (sandbox mode).
pub async fn review_template(id: i64, review: TemplateReview) -> Result<Template, ApiError> {
    let request = Request::put(&format!("/api/templates/{id}/status"))
        .json(&review)
        .map_err(|error| ApiError::Unreadable(error.to_string()))?;
    read(request.send().await).await
}

/// `GET /api/templates/review`: who reviews templates here.
pub async fn fetch_review_mode() -> Result<handover_core::templates::ReviewMode, ApiError> {
    get_json("/api/templates/review").await
}

/// `POST /api/templates/refresh` (Cloud API): WhatsApp's review outcomes.
pub async fn refresh_templates() -> Result<serde_json::Value, ApiError> {
    post_json("/api/templates/refresh", &serde_json::json!({})).await
}

/// `GET /api/users/table?…`: a page of the managers' users table; `filter`
/// is the query string of [`crate::customers_filter::CustomersFilter`].
pub async fn fetch_users_table(
    filter: &str,
    cursor: Option<&str>,
) -> Result<Page<CustomerProfile>, ApiError> {
    let mut path = format!("/api/users/table?limit=50&{filter}");
    if let Some(cursor) = cursor {
        path.push_str(&format!("&cursor={}", encode(cursor)));
    }
    get_json(&path).await
}

/// `GET /api/users/facets`: the sources and tags to filter by.
pub async fn fetch_user_facets() -> Result<CustomerFacets, ApiError> {
    get_json("/api/users/facets").await
}

/// `POST /api/imports?…` with the chosen file as the body.
pub async fn start_import(
    file: web_sys::File,
    source: &str,
    country: &str,
    dry_run: bool,
) -> Result<ImportReport, ApiError> {
    let path = format!(
        "/api/imports?source={}&country={}&dry_run={dry_run}&file_name={}",
        encode(source),
        encode(country),
        encode(&file.name())
    );
    let request = Request::post(&path)
        .header("Content-Type", "text/csv")
        .body(wasm_bindgen::JsValue::from(file))
        .map_err(|error| ApiError::Unreadable(error.to_string()))?;
    read(request.send().await).await
}

/// `GET /api/imports/{id}`: progress, then the report.
pub async fn fetch_import(id: i64) -> Result<ImportReport, ApiError> {
    get_json(&format!("/api/imports/{id}")).await
}

/// `GET /api/campaigns`: the newest campaigns with their funnels.
pub async fn fetch_campaigns() -> Result<Vec<Campaign>, ApiError> {
    get_json("/api/campaigns").await
}

/// `GET /api/tokens`: the API tokens (never their secrets).
pub async fn fetch_api_tokens() -> Result<Vec<ApiToken>, ApiError> {
    get_json("/api/tokens").await
}

/// `POST /api/tokens`: a new token; its secret is shown this once.
pub async fn create_api_token(name: String) -> Result<CreatedApiToken, ApiError> {
    post_json("/api/tokens", &NewApiToken { name }).await
}

/// `DELETE /api/tokens/{id}`: revokes the token at once.
pub async fn revoke_api_token(id: i64) -> Result<ApiToken, ApiError> {
    read(Request::delete(&format!("/api/tokens/{id}")).send().await).await
}

/// `GET /api/tag-rules`: first-message tag rules in the order they are tried.
pub async fn fetch_tag_rules() -> Result<Vec<TagRule>, ApiError> {
    get_json("/api/tag-rules").await
}

/// `POST /api/tag-rules`, or `PUT /api/tag-rules/{id}` when `id` is given.
pub async fn save_tag_rule(id: Option<i64>, draft: TagRuleDraft) -> Result<TagRule, ApiError> {
    let request = match id {
        Some(id) => Request::put(&format!("/api/tag-rules/{id}")),
        None => Request::post("/api/tag-rules"),
    }
    .json(&draft)
    .map_err(|error| ApiError::Unreadable(error.to_string()))?;
    read(request.send().await).await
}

/// `DELETE /api/tag-rules/{id}`.
pub async fn delete_tag_rule(id: i64) -> Result<(), ApiError> {
    no_content(
        Request::delete(&format!("/api/tag-rules/{id}"))
            .send()
            .await,
    )
    .await
}

/// `GET /api/demo`: whether people may write as a customer.
pub async fn fetch_demo() -> Result<handover_core::api::DemoStatus, ApiError> {
    get_json("/api/demo").await
}

/// `POST /api/demo/messages`: a text as the customer, through the webhook
/// pipeline (demo mode only).
pub async fn write_as_customer(
    message: handover_core::api::DemoMessage,
) -> Result<handover_core::api::DemoDelivered, ApiError> {
    post_json("/api/demo/messages", &message).await
}

/// `GET /api/auth/session`: who is signed in, if anyone.
pub async fn fetch_session() -> Result<SessionInfo, ApiError> {
    get_json("/api/auth/session").await
}

/// `POST /api/auth/login`; the server sets the session cookie.
pub async fn login(email: String, password: String) -> Result<Agent, ApiError> {
    let request = Request::post("/api/auth/login")
        .json(&LoginRequest { email, password })
        .map_err(|error| ApiError::Unreadable(error.to_string()))?;
    read(request.send().await).await
}

/// `POST /api/auth/logout`.
pub async fn logout() -> Result<(), ApiError> {
    no_content(Request::post("/api/auth/logout").send().await).await
}

pub(crate) async fn get_json<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    read(Request::get(path).send().await).await
}

pub(crate) async fn read<T: DeserializeOwned>(
    sent: Result<Response, gloo_net::Error>,
) -> Result<T, ApiError> {
    let response = sent.map_err(|error| ApiError::Unreachable(error.to_string()))?;
    if !response.ok() {
        return Err(error_from(response).await);
    }
    response
        .json()
        .await
        .map_err(|error| ApiError::Unreadable(error.to_string()))
}

/// For calls whose success has no body.
pub(crate) async fn no_content(sent: Result<Response, gloo_net::Error>) -> Result<(), ApiError> {
    let response = sent.map_err(|error| ApiError::Unreachable(error.to_string()))?;
    match response.ok() {
        true => Ok(()),
        false => Err(error_from(response).await),
    }
}

async fn error_from(response: Response) -> ApiError {
    {
        let status = response.status();
        match response.json::<ErrorBody>().await {
            Ok(body) => ApiError::Server {
                status,
                message: body.error.message,
                fields: body.error.fields,
            },
            Err(_) => ApiError::Server {
                status,
                message: format!("The server answered {} {}.", status, response.status_text()),
                fields: Vec::new(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_names_the_problem_of_each_field() {
        let error = ApiError::Server {
            status: 422,
            message: "The message has 1 problem(s).".into(),
            fields: vec![handover_core::FieldError {
                field: "wa_id".into(),
                message: "give the number with its country code".into(),
            }],
        };
        assert_eq!(
            error.problem_with("wa_id").as_deref(),
            Some("give the number with its country code")
        );
        assert_eq!(error.problem_with("text"), None);
        assert_eq!(
            ApiError::Unreachable("down".into()).problem_with("wa_id"),
            None
        );
    }
}
