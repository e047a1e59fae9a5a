//! Finding customers by part of their name or the start of their number,
//! for the lists and the users table: each search is planned so that no
//! page reads the whole users table, whatever was typed.
//!
//! Statements with a search are not kept prepared: Postgres then plans
//! each for the very text typed, where a prepared statement's generic plan
//! would not know whether it is rare (a narrow name search: 39 → 11 ms).

use sqlx::AnyPool;

use super::customers::escape_like;
use crate::platform::db::Backend;

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
            "SELECT COUNT(*) FROM (SELECT 1 FROM users WHERE wa_id >= $1 AND wa_id < $1 || ':' LIMIT $2) AS found",
        )
        .bind(&digits)
        .bind(FEW)
        .persistent(false)
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
        let names = match Backend::of_pool(pool) {
            Backend::Sqlite => {
                "SELECT 1 FROM users_names WHERE name LIKE '%' || $1 || '%' LIMIT $2"
            }
            Backend::Postgres => "SELECT 1 FROM users WHERE name ILIKE '%' || $1 || '%' LIMIT $2",
        };
        let (matches,): (i64,) =
            sqlx::query_as(&format!("SELECT COUNT(*) FROM ({names}) AS found"))
                .bind(query)
                .bind(FEW)
                .persistent(false)
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
    /// (Postgres plans by its statistics and needs no hints; SQLite is
    /// kept off an index by a `+` before the column.)
    pub fn clause(self, param: &str, backend: Backend) -> String {
        let like = like(backend);
        match (self, backend) {
            (SearchPlan::PickNumbers, _) => {
                format!("u.wa_id >= {param} AND u.wa_id < {param} || ':'")
            }
            (SearchPlan::WalkNumbers, Backend::Sqlite) => {
                format!("+u.wa_id >= {param} AND +u.wa_id < {param} || ':'")
            }
            (SearchPlan::WalkNumbers, Backend::Postgres) => {
                format!("u.wa_id >= {param} AND u.wa_id < {param} || ':'")
            }
            (SearchPlan::PickNames, Backend::Sqlite) => format!(
                "u.wa_id IN (SELECT CAST(rowid AS TEXT) FROM users_names WHERE name LIKE '%' || {param} || '%')"
            ),
            (SearchPlan::PickNames, Backend::Postgres) => {
                format!("u.name ILIKE '%' || {param} || '%'")
            }
            (SearchPlan::WalkNames, _) => {
                format!("u.name {like} '%' || {param} || '%' ESCAPE '\\'")
            }
        }
    }
}

/// The operator that matches a pattern whatever the case (SQLite's `LIKE`
/// already ignores the case of ASCII letters).
pub fn like(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "LIKE",
        Backend::Postgres => "ILIKE",
    }
}

/// `+`, which keeps SQLite from walking an index by the column it precedes
/// (so it takes the one meant); nothing on Postgres, which plans by its
/// statistics.
pub fn not_by_index(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "+",
        Backend::Postgres => "",
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
