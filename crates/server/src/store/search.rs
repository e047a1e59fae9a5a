//! One search over every customer, whatever their section: by name, by any
//! run of digits of their number, and by the words of their messages.
//!
//! Each kind starts from its own index (`users_names` and `users_numbers`,
//! trigram indexes; `messages_text`, the words customers wrote), so no
//! search reads the users or messages tables whole. On SQLite these are
//! FTS5 tables whose rowid is the number or the message id; on Postgres,
//! indexes of the columns themselves (pg_trgm, a text search index).

use std::collections::{HashMap, HashSet};

use handover_core::api::{MessageMatch, SearchMatch, SearchResult, SearchResults};
use sqlx::AnyPool;

use super::customers::{UserRow, SELECT};
use super::statement::Statement;
use crate::platform::db::Backend;
use crate::platform::time::rfc3339;

/// The longest prefix the message index keeps (`prefix = '2 3 4 5'`).
const INDEXED_PREFIX: usize = 5;

/// Matching messages are read newest first, this many at a time, and at
/// most this many times, to find the customers who wrote them.
const MESSAGE_BATCH: i64 = 50;
const MESSAGE_BATCHES: usize = 8;

/// What a search looks for, read from what was typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchTerms {
    /// Part of a name (three characters or more, no wildcards).
    name: Option<String>,
    /// A run of digits of a number, without a trunk `0`.
    digits: Option<String>,
    /// Every word, the last one as a prefix (of at most [`INDEXED_PREFIX`]
    /// letters, which SQLite's index answers directly), as an FTS5 query
    /// and as a Postgres text search query.
    words: Option<String>,
    tsquery: Option<String>,
    /// The last word, lowercase, when longer than the indexed prefix: a
    /// found message must have a word that starts with it.
    last_word: Option<String>,
    /// The first word, to centre a message's snippet on.
    first_word: String,
}

impl SearchTerms {
    /// `None` when nothing searchable was typed (fewer than three letters
    /// or digits).
    pub fn parse(query: &str) -> Option<Self> {
        let query = query.trim();
        if query.chars().filter(|c| c.is_alphanumeric()).count() < 3 {
            return None;
        }
        let looks_like_number = query
            .chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c));
        let digits = looks_like_number
            .then(|| {
                let digits: String = query.chars().filter(char::is_ascii_digit).collect();
                // A local number is often typed with its trunk 0.
                digits.trim_start_matches('0').to_owned()
            })
            .filter(|digits| digits.len() >= 3);
        let name =
            (!looks_like_number && query.chars().count() >= 3 && !query.contains(['%', '_', '\\']))
                .then(|| query.to_owned());
        let mut words: Vec<String> = query
            .split(|c: char| !c.is_alphanumeric())
            .filter(|word| !word.is_empty())
            .map(str::to_lowercase)
            .collect();
        let first_word = words.first().cloned().unwrap_or_default();
        let last_word = words.pop();
        let long_last_word = last_word
            .clone()
            .filter(|word| word.chars().count() > INDEXED_PREFIX);
        let prefix = last_word
            .as_ref()
            .map(|last| last.chars().take(INDEXED_PREFIX).collect::<String>());
        let fts = prefix.as_ref().map(|prefix| {
            let mut quoted: Vec<String> = words.iter().map(|word| format!("\"{word}\"")).collect();
            quoted.push(format!("\"{prefix}\"*"));
            quoted.join(" ")
        });
        // Words are runs of letters and digits: quoted, each is one lexeme.
        let tsquery = prefix.map(|prefix| {
            let mut quoted: Vec<String> = words.iter().map(|word| format!("'{word}'")).collect();
            quoted.push(format!("'{prefix}':*"));
            quoted.join(" & ")
        });
        Some(SearchTerms {
            name,
            digits,
            words: fts,
            tsquery,
            last_word: long_last_word,
            first_word,
        })
    }
}

/// Up to `limit` customers: those whose name or number matches first, then
/// those who wrote the words, newest message first. `now` decides sections.
pub async fn search(
    pool: &AnyPool,
    terms: &SearchTerms,
    limit: usize,
    now: i64,
) -> Result<SearchResults, sqlx::Error> {
    let mut items = Vec::new();
    let mut seen = HashSet::new();
    let mut more = false;
    let backend = Backend::of_pool(pool);
    let by_profile = [
        (SearchMatch::Number, terms.digits.as_deref(), "number"),
        (SearchMatch::Name, terms.name.as_deref(), "name"),
    ];
    for (matched, value, column) in by_profile {
        let Some(value) = value else { continue };
        let matches = match backend {
            Backend::Sqlite => format!(
                "SELECT CAST(rowid AS TEXT) FROM users_{column}s WHERE {column} LIKE '%' || $1 || '%' LIMIT $2"
            ),
            Backend::Postgres => {
                let column = if column == "number" { "wa_id" } else { column };
                format!("SELECT wa_id FROM users WHERE {column} ILIKE '%' || $1 || '%' LIMIT $2")
            }
        };
        let rows: Vec<UserRow> = sqlx::query_as(&format!(
            "{SELECT} WHERE u.wa_id IN ({matches})
             ORDER BY coalesce(u.last_active_at, 0) DESC, u.wa_id"
        ))
        .bind(value)
        .bind(limit as i64 + 1)
        // Planned for the very text typed (see `user_search`).
        .persistent(false)
        .fetch_all(pool)
        .await?;
        more |= rows.len() > limit;
        for row in rows {
            if items.len() < limit && seen.insert(row.wa_id.clone()) {
                items.push(SearchResult {
                    section: row.section(now),
                    customer: row.into_summary(),
                    matched,
                    message: None,
                });
            }
        }
    }
    let words = match backend {
        Backend::Sqlite => &terms.words,
        Backend::Postgres => &terms.tsquery,
    };
    if let Some(words) = words {
        let wanted = limit.saturating_sub(items.len());
        let (found, more_messages) = newest_messages(
            pool,
            backend,
            words,
            terms.last_word.as_deref(),
            &mut seen,
            wanted,
        )
        .await?;
        more |= more_messages;
        let mut profiles: HashMap<String, UserRow> =
            rows_of(pool, found.iter().map(|found| found.wa_id.as_str()))
                .await?
                .into_iter()
                .map(|row| (row.wa_id.clone(), row))
                .collect();
        for found in found {
            let Some(row) = profiles.remove(&found.wa_id) else {
                continue;
            };
            items.push(SearchResult {
                section: row.section(now),
                customer: row.into_summary(),
                matched: SearchMatch::Message,
                message: Some(MessageMatch {
                    id: found.id,
                    snippet: snippet(&found.text, &terms.first_word),
                    sent_at: rfc3339(found.sent_at),
                }),
            });
        }
    }
    Ok(SearchResults { items, more })
}

#[derive(sqlx::FromRow)]
struct FoundMessage {
    id: i64,
    wa_id: String,
    text: String,
    sent_at: i64,
}

/// The newest message with every word of up to `wanted` customers not yet
/// `seen`, and whether more matched. Matches are read newest first a batch
/// at a time (the index's rowid is the message id), so a common word costs
/// a page of its matches, not all of them. The words are quoted runs of
/// letters and digits, so what people type is always a valid FTS5 query; a
/// `last_word` longer than the indexed prefix is checked here.
async fn newest_messages(
    pool: &AnyPool,
    backend: Backend,
    words: &str,
    last_word: Option<&str>,
    seen: &mut HashSet<String>,
    wanted: usize,
) -> Result<(Vec<FoundMessage>, bool), sqlx::Error> {
    let mut found = Vec::new();
    let mut before = i64::MAX;
    for _ in 0..MESSAGE_BATCHES {
        let mut batch = match backend {
            Backend::Sqlite => {
                sqlx::query_as(
                    "SELECT m.id, m.wa_id, m.text, m.sent_at
                     FROM (SELECT rowid FROM messages_text
                           WHERE messages_text MATCH $1 AND rowid < $2 ORDER BY rowid DESC LIMIT $3) hit
                     JOIN messages m ON m.id = hit.rowid",
                )
                .bind(words)
                .bind(before)
                .bind(MESSAGE_BATCH)
                .fetch_all(pool)
                .await?
            }
            Backend::Postgres => postgres_batch(pool, words, before).await?,
        };
        let exhausted = batch.len() < MESSAGE_BATCH as usize;
        batch.sort_by_key(|message| std::cmp::Reverse(message.id));
        for message in batch {
            before = message.id;
            if found.len() == wanted {
                return Ok((found, true));
            }
            let has_last_word = last_word.is_none_or(|last| has_word_starting(&message.text, last));
            if has_last_word && seen.insert(message.wa_id.clone()) {
                found.push(message);
            }
        }
        if exhausted {
            return Ok((found, false));
        }
    }
    Ok((found, true))
}

async fn rows_of<'a>(
    pool: &AnyPool,
    wa_ids: impl Iterator<Item = &'a str>,
) -> Result<Vec<UserRow>, sqlx::Error> {
    let wa_ids: Vec<&str> = wa_ids.collect();
    if wa_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut select = Statement::new(&format!("{SELECT} WHERE u.wa_id IN "));
    select.list(wa_ids);
    let (sql, values) = select.finish()?;
    sqlx::query_as_with(&sql, values).fetch_all(pool).await
}

/// Messages customers wrote newer than… (`before`, exclusive) matching
/// `tsquery`, newest first, a batch at most: on Postgres. Walking the
/// messages newest first finds a common word at once but crawls through a
/// rare one; the text index finds a rare word at once but reads every
/// match of a common one. So the newest messages are looked through first,
/// and only when they hold fewer than a batch of matches is the index
/// asked (its answer includes those).
async fn postgres_batch(
    pool: &AnyPool,
    tsquery: &str,
    before: i64,
) -> Result<Vec<FoundMessage>, sqlx::Error> {
    const LOOKED_THROUGH: i64 = 2_000;
    let recent: Vec<FoundMessage> = sqlx::query_as(
        "SELECT id, wa_id, text, sent_at
         FROM (SELECT id, wa_id, text, sent_at FROM messages
               WHERE author = 'user' AND text IS NOT NULL AND id < $2
               ORDER BY id DESC LIMIT $4) recent
         WHERE to_tsvector('simple', text) @@ to_tsquery('simple', $1)
         ORDER BY id DESC LIMIT $3",
    )
    .bind(tsquery)
    .bind(before)
    .bind(MESSAGE_BATCH)
    .bind(LOOKED_THROUGH)
    .fetch_all(pool)
    .await?;
    if recent.len() == MESSAGE_BATCH as usize {
        return Ok(recent);
    }
    // `id + 0`: sorted after the index found them, not walked in order.
    sqlx::query_as(
        "SELECT id, wa_id, text, sent_at FROM messages
         WHERE author = 'user' AND text IS NOT NULL
           AND to_tsvector('simple', text) @@ to_tsquery('simple', $1) AND id < $2
         ORDER BY id + 0 DESC LIMIT $3",
    )
    .bind(tsquery)
    .bind(before)
    .bind(MESSAGE_BATCH)
    .fetch_all(pool)
    .await
}

/// Whether a word of `text` starts with `prefix` (lowercase).
fn has_word_starting(text: &str, prefix: &str) -> bool {
    text.split(|c: char| !c.is_alphanumeric())
        .any(|word| word.to_lowercase().starts_with(prefix))
}

/// Up to this many characters of a message are shown around its match.
const SNIPPET: usize = 90;

/// The part of `text` around the first place `word` starts a word
/// (case-insensitively), with `…` where it was cut.
fn snippet(text: &str, word: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= SNIPPET {
        return text.to_owned();
    }
    let lower: Vec<char> = text.to_lowercase().chars().collect();
    let wanted: Vec<char> = word.to_lowercase().chars().collect();
    let found = (lower.len() == chars.len())
        .then(|| {
            (0..lower.len()).find(|&at| {
                lower[at..].starts_with(&wanted) && (at == 0 || !lower[at - 1].is_alphanumeric())
            })
        })
        .flatten()
        .unwrap_or(0);
    let start = found.saturating_sub(SNIPPET / 3);
    let end = (start + SNIPPET).min(chars.len());
    let start = end.saturating_sub(SNIPPET);
    let mut shown: String = chars[start..end].iter().collect();
    if start > 0 {
        shown.insert(0, '…');
    }
    if end < chars.len() {
        shown.push('…');
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::query_plan;

    #[test]
    fn what_people_type_becomes_names_digits_and_words() {
        let terms = |q: &str| SearchTerms::parse(q).expect(q);
        let number = terms("098450 12345");
        assert_eq!(number.digits.as_deref(), Some("9845012345"));
        assert_eq!(number.name, None);
        assert_eq!(number.words.as_deref(), Some("\"098450\" \"12345\"*"));
        assert_eq!(number.last_word, None);
        assert_eq!(
            terms("+91 98450-12345").digits.as_deref(),
            Some("919845012345")
        );
        assert_eq!(terms("12345").digits.as_deref(), Some("12345"));

        let name = terms("Priya Sh");
        assert_eq!(name.name.as_deref(), Some("Priya Sh"));
        assert_eq!(name.digits, None);
        assert_eq!(name.words.as_deref(), Some("\"priya\" \"sh\"*"));
        assert_eq!(
            terms("crushed \"box").words.as_deref(),
            Some("\"crushed\" \"box\"*")
        );
        // A long last word asks the index for its first five letters only.
        let long = terms("box crushe");
        assert_eq!(long.words.as_deref(), Some("\"box\" \"crush\"*"));
        assert_eq!(long.last_word.as_deref(), Some("crushe"));
        assert!(has_word_starting("The box arrived Crushed", "crushe"));
        assert!(!has_word_starting("The box arrived crusty", "crushe"));
        assert_eq!(terms("100%").name, None, "wildcards never reach LIKE");

        assert_eq!(terms("crushed box").first_word, "crushed");
        for too_short in ["", "  ", "ab", "+9", "a-b"] {
            assert_eq!(SearchTerms::parse(too_short), None, "{too_short:?}");
        }
    }

    #[test]
    fn a_long_message_is_cut_around_the_words_found() {
        let short = "My parcel arrived with a crushed box";
        assert_eq!(snippet(short, "crushed"), short);
        let long = format!(
            "{} the box arrived Crushed and wet {}",
            "a".repeat(200),
            "b".repeat(200)
        );
        let cut = snippet(&long, "crushed");
        assert!(cut.starts_with('…') && cut.ends_with('…'), "{cut}");
        assert!(cut.contains("Crushed and wet"), "{cut}");
        assert_eq!(cut.chars().count(), SNIPPET + 2);
        assert!(snippet(&"x".repeat(200), "nowhere").starts_with("xxx"));
    }

    #[tokio::test]
    async fn each_kind_of_search_starts_from_its_index() {
        let pool = crate::platform::db::connect("sqlite::memory:")
            .await
            .unwrap();
        for (index, column) in [("users_numbers", "number"), ("users_names", "name")] {
            let sql = format!(
                "{SELECT} WHERE u.wa_id IN (SELECT CAST(rowid AS TEXT) FROM {index} WHERE {column} LIKE '%' || 'abc' || '%' LIMIT 21)"
            );
            let steps = query_plan(&pool, &sql).await;
            assert!(
                steps
                    .iter()
                    .any(|step| step.starts_with(&format!("SCAN {index} VIRTUAL TABLE"))),
                "{steps:?}"
            );
            assert!(
                steps
                    .iter()
                    .any(|step| step.starts_with("SEARCH u USING INDEX sqlite_autoindex_users")),
                "{steps:?}"
            );
        }
        let steps = query_plan(
            &pool,
            "SELECT m.id FROM (SELECT rowid FROM messages_text WHERE messages_text MATCH 'box*' AND rowid < 99 ORDER BY rowid DESC LIMIT 10) hit
             JOIN messages m ON m.id = hit.rowid",
        )
        .await;
        assert!(
            steps
                .iter()
                .any(|step| step.starts_with("SCAN messages_text VIRTUAL TABLE")),
            "{steps:?}"
        );
        assert!(
            steps
                .iter()
                .any(|step| step.starts_with("SEARCH m USING INTEGER PRIMARY KEY")),
            "{steps:?}"
        );
        assert!(
            !steps.iter().any(|step| step.contains("TEMP B-TREE")),
            "{steps:?}"
        );
    }
}
