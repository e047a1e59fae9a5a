//! Finding customers by part of their name or the start of their number,
//! for the lists and the users table: each search is planned so that no
//! page reads the whole users table, whatever was typed.

use sqlx::AnyPool;

use super::users::escape_like;

/// How a search finds its customers. A search that matches few customers
/// starts from them (the number's range of the primary key, or the names'
/// trigram index) and sorts them; one that matches many walks the Last
/// Active order and keeps the matches, which fills a page quickly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchPlan {
    PickNumbers,
    PickNames,
    WalkNumbers,
    WalkNames,
}

/// Up to this many matches a search starts from its matches.
const FEW: i64 = 2_000;

/// The digits of a search that is a phone number ("+91 98200-1"), if it is one.
fn number_search(query: &str) -> Option<String> {
    let is_number = query
        .chars()
        .all(|c| c.is_ascii_digit() || " +-().".contains(c))
        && query.chars().any(|c| c.is_ascii_digit());
    is_number.then(|| query.chars().filter(char::is_ascii_digit).collect())
}

/// The plan for `query` and the value it binds.
pub async fn plan(pool: &AnyPool, query: &str) -> Result<(SearchPlan, String), sqlx::Error> {
    if let Some(digits) = number_search(query) {
        let (matches,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM (SELECT 1 FROM users WHERE wa_id >= ?1 AND wa_id < ?1 || ':' LIMIT ?2)",
        )
        .bind(&digits)
        .bind(FEW)
        .fetch_one(pool)
        .await?;
        let plan = if matches < FEW {
            SearchPlan::PickNumbers
        } else {
            SearchPlan::WalkNumbers
        };
        return Ok((plan, digits));
    }
    // The trigram index needs three characters and takes no wildcards.
    if query.chars().count() >= 3 && !query.contains(['%', '_', '\\']) {
        let (matches,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM (SELECT 1 FROM users_names WHERE name LIKE '%' || ?1 || '%' LIMIT ?2)",
        )
        .bind(query)
        .bind(FEW)
        .fetch_one(pool)
        .await?;
        if matches < FEW {
            return Ok((SearchPlan::PickNames, query.to_owned()));
        }
    }
    Ok((SearchPlan::WalkNames, escape_like(query)))
}

impl SearchPlan {
    /// Whether the search starts from its matches (and so sorts them),
    /// rather than walking the list's order.
    pub fn starts_from_matches(self) -> bool {
        matches!(self, SearchPlan::PickNumbers | SearchPlan::PickNames)
    }

    /// The SQL condition on `u`, with the planned value bound at `param`.
    pub fn clause(self, param: &str) -> String {
        match self {
            SearchPlan::PickNumbers => format!("u.wa_id >= {param} AND u.wa_id < {param} || ':'"),
            SearchPlan::WalkNumbers => format!("+u.wa_id >= {param} AND +u.wa_id < {param} || ':'"),
            SearchPlan::PickNames => format!(
                "u.wa_id IN (SELECT CAST(rowid AS TEXT) FROM users_names WHERE name LIKE '%' || {param} || '%')"
            ),
            SearchPlan::WalkNames => format!("u.name LIKE '%' || {param} || '%' ESCAPE '\\'"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_of_digits_and_phone_punctuation_is_a_number() {
        assert_eq!(number_search("+91 98200-1"), Some("91982001".into()));
        assert_eq!(number_search("(415) 555"), Some("415555".into()));
        assert_eq!(number_search("Asha 98"), None);
        assert_eq!(number_search("+"), None);
    }
}
