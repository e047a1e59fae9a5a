//! First-message tag rules as people write them and as messages meet them:
//! a draft checked field by field, and the first rule in priority order
//! that matches a customer's first message (`store::tags` keeps them).

use handover_core::api::Agent;
use handover_core::audit::AuditAction;
use handover_core::tags::{self, TagMatch, TagRule, TagRuleDraft};
use handover_core::{FieldError, WaId};
use regex::{Regex, RegexBuilder};
use sqlx::AnyConnection;

use crate::app::error::AppError;
use crate::app::setup::{self, Audited};
use crate::state::AppState;
use crate::store;

/// The longest pattern and tag accepted.
const MAX_PATTERN: usize = 1000;
const MAX_TAG: usize = 64;
/// Compiled patterns may not grow past this (a guard against patterns that
/// would make every first message slow).
const REGEX_SIZE_LIMIT: usize = 256 * 1024;

fn compile(pattern: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(pattern)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
}

/// What a manager does to a tag rule.
pub type Change<'a> = setup::Change<'a, TagRuleDraft>;

/// A manager's change to a tag rule, committed with its row in the audit
/// trail; the rule as it now is (none once deleted). Customers already
/// tagged keep their tag.
pub async fn change(
    state: &AppState,
    by: &Agent,
    change: Change<'_>,
) -> Result<Option<TagRule>, AppError> {
    let now = state.clock.now_ms();
    let mut write = state.db.begin_write().await?;
    let (rule, subject, detail) = match change {
        setup::Change::Create(draft) => {
            let rule = store::tags::create(&mut write.tx, &checked(draft)?, now).await?;
            let detail = described(&rule, "Created");
            (Some(rule.clone()), format!("Rule {}", rule.id), detail)
        }
        setup::Change::Update(id, draft) => {
            let draft = checked(draft)?;
            let rule = store::tags::update(&mut write.tx, id, &draft)
                .await?
                .ok_or_else(|| not_found(id))?;
            let detail = described(&rule, "Edited");
            (Some(rule), format!("Rule {id}"), detail)
        }
        setup::Change::Delete(id) => {
            if !store::tags::delete(&mut write.tx, id).await? {
                return Err(not_found(id));
            }
            (None, format!("Rule {id}"), "Deleted".to_owned())
        }
    };
    let audited = Audited {
        by,
        action: AuditAction::TagRule,
        subject: &subject,
        detail: &detail,
    };
    setup::commit(state, write, Some(audited), None).await?;
    Ok(rule)
}

/// The audit trail's words for what was `done` to `rule`.
fn described(rule: &TagRule, done: &str) -> String {
    format!(
        "{done}: {} {:?} → tag {}",
        rule.kind.as_str(),
        rule.pattern,
        rule.tag
    )
}

fn not_found(id: i64) -> AppError {
    AppError::NotFound(format!("There is no tag rule with id {id}."))
}

/// The draft, trimmed, or every problem with its field.
pub fn checked(draft: &TagRuleDraft) -> Result<TagRuleDraft, AppError> {
    let mut fields = Vec::new();
    let pattern = draft.pattern.trim();
    let tag = draft.tag.trim();
    if pattern.is_empty() || pattern.chars().count() > MAX_PATTERN {
        fields.push(FieldError {
            field: "pattern".into(),
            message: format!("write 1 to {MAX_PATTERN} characters"),
        });
    } else if draft.kind == TagMatch::Regex {
        if let Err(error) = compile(pattern) {
            fields.push(FieldError {
                field: "pattern".into(),
                message: format!("is not a valid regular expression: {error}"),
            });
        }
    }
    if tag.is_empty() || tag.chars().count() > MAX_TAG {
        fields.push(FieldError {
            field: "tag".into(),
            message: format!("write 1 to {MAX_TAG} characters"),
        });
    }
    if fields.is_empty() {
        Ok(TagRuleDraft {
            kind: draft.kind,
            pattern: pattern.to_owned(),
            tag: tag.to_owned(),
            priority: draft.priority,
        })
    } else {
        Err(AppError::Invalid {
            code: "invalid_tag_rule",
            message: format!(
                "The rule has {} problem(s); each is listed with its field.",
                fields.len()
            ),
            fields,
        })
    }
}

/// The first rule, in priority order, that matches a first message.
pub fn first_match<'r>(
    rules: &'r [TagRule],
    text: Option<&str>,
    referral: Option<&str>,
) -> Option<&'r TagRule> {
    rules.iter().find(|rule| match rule.kind {
        TagMatch::Exact | TagMatch::Prefix => text
            .and_then(|text| tags::text_matches(rule.kind, &rule.pattern, text))
            .unwrap_or(false),
        // Saved patterns compiled when saved; one that no longer does
        // (a future size limit, say) matches nothing rather than failing
        // the delivery.
        TagMatch::Regex => {
            text.is_some_and(|text| compile(&rule.pattern).is_ok_and(|regex| regex.is_match(text)))
        }
        TagMatch::Referral => referral == Some(rule.pattern.as_str()),
    })
}

/// Tags `wa_id` from their first inbound message, inside the delivery's
/// transaction, by the first of `rules` (every rule, in order:
/// `store::tags::list`) that matches; the caller knows it is their first
/// and that they carry no tag yet (`inbound::AfterWrote::first_untagged`).
pub async fn tag_first_message(
    conn: &mut AnyConnection,
    rules: &[TagRule],
    wa_id: &WaId,
    text: Option<&str>,
    referral: Option<&str>,
) -> Result<Option<String>, sqlx::Error> {
    let Some(matched) = first_match(rules, text, referral) else {
        return Ok(None);
    };
    store::tags::give(conn, wa_id, matched).await?;
    Ok(Some(matched.tag.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(id: i64, kind: TagMatch, pattern: &str, tag: &str) -> TagRule {
        TagRule {
            id,
            kind,
            pattern: pattern.into(),
            tag: tag.into(),
            priority: id,
            tagged: 0,
        }
    }

    #[test]
    fn the_first_matching_rule_in_order_wins() {
        let rules = [
            rule(1, TagMatch::Referral, "120208", "Diwali ad"),
            rule(
                2,
                TagMatch::Exact,
                "Hi! I'd like to order roses",
                "Roses page",
            ),
            rule(3, TagMatch::Prefix, "Hi!", "Greeting"),
            rule(4, TagMatch::Regex, r"(?i)order\s*#?\d{4}", "Order number"),
        ];
        let tag = |text: Option<&str>, referral: Option<&str>| {
            first_match(&rules, text, referral).map(|rule| rule.tag.as_str())
        };
        assert_eq!(
            tag(Some("hi! i'd like to order  ROSES"), None),
            Some("Roses page")
        );
        assert_eq!(tag(Some("Hi! anyone there?"), None), Some("Greeting"));
        assert_eq!(
            tag(Some("Where is ORDER #4471"), None),
            Some("Order number")
        );
        assert_eq!(
            tag(Some("Hi! I'd like to order roses"), Some("120208")),
            Some("Diwali ad")
        );
        assert_eq!(tag(Some("Hello"), Some("999")), None);
        assert_eq!(tag(None, None), None, "an image without a caption");
    }

    #[test]
    fn invalid_patterns_and_empty_fields_are_refused_by_field() {
        let draft = TagRuleDraft {
            kind: TagMatch::Regex,
            pattern: "order (".into(),
            tag: " ".into(),
            priority: 1,
        };
        let Err(AppError::Invalid { fields, .. }) = checked(&draft) else {
            panic!("refused");
        };
        let named: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(named, ["pattern", "tag"]);
        assert!(
            fields[0].message.contains("regular expression"),
            "{}",
            fields[0].message
        );
    }
}
