//! Labels on chats ("refund", "vip") and the reasons a chat is closed:
//! both feed the reports, so each change is kept with who and when.

use serde::{Deserialize, Serialize};

/// Labels one chat may carry, and the longest label.
pub const MAX_LABELS: usize = 20;
pub const MAX_LABEL: usize = 40;
/// Closing reasons a team may keep, and the longest.
pub const MAX_REASONS: usize = 30;
pub const MAX_REASON: usize = 80;

/// Labels as stored: as written, single spaces, each once whatever its
/// case (the first spelling kept), sorted without regard to case; or what
/// is wrong with them.
pub fn normalise(labels: &[String]) -> Result<Vec<String>, String> {
    let mut tidy: Vec<String> = Vec::new();
    for label in labels {
        let label = label.split_whitespace().collect::<Vec<_>>().join(" ");
        if label.is_empty() {
            continue;
        }
        if label.chars().count() > MAX_LABEL {
            return Err(format!("\"{label}\" is longer than {MAX_LABEL} characters"));
        }
        if !label
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
        {
            return Err(format!(
                "\"{label}\": use letters, digits, spaces, - and _ only"
            ));
        }
        if !tidy.iter().any(|kept| same_label(kept, &label)) {
            tidy.push(label);
        }
    }
    if tidy.len() > MAX_LABELS {
        return Err(format!("a chat carries at most {MAX_LABELS} labels"));
    }
    tidy.sort_by_key(|label| label.to_lowercase());
    Ok(tidy)
}

/// Whether two labels are one ("VIP customer" and "vip customer").
pub fn same_label(a: &str, b: &str) -> bool {
    a.to_lowercase() == b.to_lowercase()
}

/// `label` as the team already spells it in `known`, or as written.
pub fn spelled_as<'a>(label: &'a str, known: &'a [String]) -> &'a str {
    known
        .iter()
        .find(|spelling| same_label(spelling, label))
        .map_or(label, String::as_str)
}

/// `GET|PUT /api/closing-reasons`: the managers' list, and whether Resolve
/// must give one of them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClosingReasons {
    pub reasons: Vec<String>,
    #[serde(default)]
    pub required: bool,
}

impl ClosingReasons {
    /// The list as stored (trimmed, each once, in the given order), or
    /// what is wrong with it.
    pub fn tidied(&self) -> Result<ClosingReasons, String> {
        let mut reasons: Vec<String> = Vec::new();
        for reason in &self.reasons {
            let reason = reason.split_whitespace().collect::<Vec<_>>().join(" ");
            if reason.is_empty() {
                continue;
            }
            if reason.chars().count() > MAX_REASON {
                return Err(format!(
                    "reasons: \"{reason}\" is longer than {MAX_REASON} characters"
                ));
            }
            if !reasons.iter().any(|r| r.eq_ignore_ascii_case(&reason)) {
                reasons.push(reason);
            }
        }
        if reasons.len() > MAX_REASONS {
            return Err(format!("reasons: keep at most {MAX_REASONS}"));
        }
        if self.required && reasons.is_empty() {
            return Err("required: add a reason first; Resolve cannot ask for one of none".into());
        }
        Ok(ClosingReasons {
            reasons,
            required: self.required,
        })
    }

    /// The reason a Resolve gives, checked against the list: `Ok(None)`
    /// when none is given and none is required.
    pub fn check<'a>(&'a self, given: Option<&str>) -> Result<Option<&'a str>, String> {
        let given = given.map(str::trim).filter(|reason| !reason.is_empty());
        match given {
            None if self.required => Err(format!(
                "reason: say why the chat is closed, one of: {}",
                self.reasons.join(", ")
            )),
            None => Ok(None),
            Some(given) => self
                .reasons
                .iter()
                .find(|reason| reason.eq_ignore_ascii_case(given))
                .map(|reason| Some(reason.as_str()))
                .ok_or_else(|| {
                    format!(
                        "reason: \"{given}\" is not on the list: {}",
                        self.reasons.join(", ")
                    )
                }),
        }
    }
}

/// The optional body of `POST /api/users/{wa_id}/resolve`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResolveRequest {
    #[serde(default)]
    pub reason: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_tidied_and_bad_ones_named() {
        let given = ["  Refund ", "VIP customer", "refund", "", "late  delivery"].map(String::from);
        assert_eq!(
            normalise(&given).unwrap(),
            ["late delivery", "Refund", "VIP customer"],
            "as written, each once, sorted without regard to case"
        );
        let known = ["vip customer".to_owned()];
        assert_eq!(spelled_as("VIP Customer", &known), "vip customer");
        assert_eq!(spelled_as("Gift", &known), "Gift");
        assert!(normalise(&["<script>".to_owned()]).is_err());
        assert!(normalise(&["x".repeat(41)]).is_err());
        let many: Vec<String> = (0..21).map(|n| format!("l{n}")).collect();
        assert!(normalise(&many).is_err());
    }

    #[test]
    fn a_closing_reason_is_one_of_the_list_and_asked_for_only_when_required() {
        let mut reasons = ClosingReasons {
            reasons: vec!["Refund issued".into(), "Order delivered".into()],
            required: false,
        };
        assert_eq!(reasons.check(None), Ok(None));
        assert_eq!(
            reasons.check(Some("refund ISSUED")),
            Ok(Some("Refund issued"))
        );
        assert!(reasons.check(Some("Other")).is_err());
        reasons.required = true;
        assert!(reasons.check(Some(" ")).is_err());
        assert!(ClosingReasons {
            reasons: vec![],
            required: true
        }
        .tidied()
        .is_err());
    }
}
