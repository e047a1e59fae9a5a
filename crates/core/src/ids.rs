//! Identifiers parsed at the boundary: once a value has one of these types,
//! it is known to be well formed.

use std::fmt;

use serde::{Deserialize, Serialize};

/// An agent's (or manager's) id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct AgentId(pub i64);

impl fmt::Display for AgentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A customer's WhatsApp id: their phone number in E.164 without the `+`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "String", into = "String")]
pub struct WaId(String);

/// Why a text is not a WhatsApp id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a WhatsApp number: expected 7 to 15 digits with the country code, like 919876543210")]
pub struct InvalidWaId(pub String);

impl WaId {
    /// Accepts digits with an optional leading `+` (which is dropped).
    pub fn parse(text: &str) -> Result<Self, InvalidWaId> {
        let digits = text.strip_prefix('+').unwrap_or(text);
        let well_formed = (7..=15).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit())
            && !digits.starts_with('0');
        if well_formed {
            Ok(Self(digits.to_owned()))
        } else {
            Err(InvalidWaId(text.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for WaId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for WaId {
    type Error = InvalidWaId;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<WaId> for String {
    fn from(id: WaId) -> Self {
        id.0
    }
}

/// A WhatsApp template's name: lowercase letters, digits and underscores.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "String", into = "String")]
pub struct TemplateName(String);

/// Why a text is not a template name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a template name: use 1 to 512 lowercase letters, digits and underscores, like order_update")]
pub struct InvalidTemplateName(pub String);

impl TemplateName {
    pub fn parse(text: &str) -> Result<Self, InvalidTemplateName> {
        let well_formed = (1..=512).contains(&text.len())
            && text
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if well_formed {
            Ok(Self(text.to_owned()))
        } else {
            Err(InvalidTemplateName(text.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What a person typed ("Order Ready!") as a name WhatsApp accepts
    /// ("order_ready"): lowercase, accents dropped, anything else an
    /// underscore, never two in a row and none first. A trailing underscore
    /// stays, so that a space typed between two words is kept.
    pub fn suggest(text: &str) -> String {
        let mut name = String::with_capacity(text.len());
        for c in text.chars().map(without_accent) {
            let c = c.to_ascii_lowercase();
            if c.is_ascii_lowercase() || c.is_ascii_digit() {
                name.push(c);
            } else if !name.is_empty() && !name.ends_with('_') {
                name.push('_');
            }
        }
        name.truncate(512);
        name
    }
}

/// The Latin letter under a common accent (é → e, Ç → C), or `c` itself.
/// A small table rather than Unicode normalisation, whose tables would
/// weigh on the web app that offers names as they are typed.
fn without_accent(c: char) -> char {
    const FOLDS: [(&str, char); 12] = [
        ("àáâãäåāăą", 'a'),
        ("çćĉċč", 'c'),
        ("èéêëēĕėęě", 'e'),
        ("ìíîïĩīĭįı", 'i'),
        ("ñńņňŉ", 'n'),
        ("òóôõöøōŏő", 'o'),
        ("ùúûüũūŭůűų", 'u'),
        ("ýÿŷ", 'y'),
        ("śŝşš", 's'),
        ("źżž", 'z'),
        ("ďđ", 'd'),
        ("ğĝġģ", 'g'),
    ];
    let lower = c.to_lowercase().next().unwrap_or(c);
    FOLDS
        .iter()
        .find(|(accented, _)| accented.contains(lower))
        .map_or(c, |(_, plain)| *plain)
}

impl fmt::Display for TemplateName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for TemplateName {
    type Error = InvalidTemplateName;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<TemplateName> for String {
    fn from(name: TemplateName) -> Self {
        name.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whatsapp_ids_are_digits_with_country_code() {
        let cases = [
            ("919876543210", Some("919876543210")),
            ("+14155550123", Some("14155550123")),
            ("4915112345678", Some("4915112345678")),
            ("1234567", Some("1234567")),
            ("123456", None),
            ("1234567890123456", None),
            ("09876543210", None),
            ("91 98765 43210", None),
            ("91-9876543210", None),
            ("", None),
            ("+", None),
            ("abcdefghij", None),
        ];
        for (text, expected) in cases {
            assert_eq!(
                WaId::parse(text).ok().as_ref().map(WaId::as_str),
                expected,
                "{text:?}"
            );
        }
    }

    #[test]
    fn a_bad_whatsapp_id_in_json_is_refused_with_an_example_of_a_good_one() {
        let error = serde_json::from_str::<WaId>("\"12-34\"").unwrap_err();
        assert!(error.to_string().contains("like 919876543210"), "{error}");
        assert_eq!(
            serde_json::from_str::<WaId>("\"919876543210\"")
                .unwrap()
                .as_str(),
            "919876543210"
        );
    }

    #[test]
    fn template_names_are_lowercase_digits_and_underscores() {
        for good in ["order_update", "otp2", "a"] {
            assert!(TemplateName::parse(good).is_ok(), "{good}");
        }
        let too_long = "a".repeat(513);
        for bad in [
            "",
            "Order_update",
            "order-update",
            "order update",
            "ordér",
            too_long.as_str(),
        ] {
            assert!(TemplateName::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn what_people_type_is_offered_as_a_template_name() {
        let cases = [
            ("Order Ready", "order_ready"),
            ("Order Ready!", "order_ready_"),
            ("Diwali sale – 50% off", "diwali_sale_50_off"),
            ("Café Crème", "cafe_creme"),
            ("  order__update ", "order_update_"),
            ("order_update", "order_update"),
            ("Order ", "order_"),
            ("!!!", ""),
        ];
        for (typed, offered) in cases {
            assert_eq!(TemplateName::suggest(typed), offered, "{typed:?}");
        }
        assert!(TemplateName::parse(&TemplateName::suggest("Order Ready")).is_ok());
    }
}
