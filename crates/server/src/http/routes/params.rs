//! The parameters in the API's paths, declared once: handlers extract
//! them and the OpenAPI document describes them from the same types.

use serde::Deserialize;
use utoipa::IntoParams;

use crate::http::error::ApiError;

/// `{wa_id}`: the customer a chat belongs to.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CustomerPath {
    /// The customer's WhatsApp number: E.164 digits without `+`.
    #[param(example = "919820012345")]
    pub wa_id: String,
}

/// `{id}`: a record's id, as the server gave it.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct IdPath {
    /// The id in the record's `id` field.
    pub id: i64,
}

/// `{wa_id}` and `{id}`: one message of a customer's chat.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct MessagePath {
    /// The customer's WhatsApp number: E.164 digits without `+`.
    #[param(example = "919820012345")]
    pub wa_id: String,
    /// The message's `id`.
    pub id: i64,
}

/// The customer a path's `{wa_id}` names, or 400 saying why it is no
/// WhatsApp number.
pub fn wa_id_from(path: &str) -> Result<handover_core::WaId, ApiError> {
    handover_core::WaId::parse(path)
        .map_err(|error| ApiError::bad_request("invalid_wa_id", error.to_string()))
}
