//! The managers' users table: every customer with the seven parameters,
//! filtered, sorted by Last Active and paged by keyset, and the facets its
//! filters offer. The CSV export walks the same pages.

use handover_core::api::{CustomerProfile, Page};
use handover_core::customers::{CustomerFacets, CustomerOrder, WindowFilter};
use handover_core::Status;
use sqlx::AnyPool;

use super::customer_search::{self, SearchPlan};
use super::customers::{UserRow, SELECT};
use super::Cursor;
use crate::platform::db::Backend;

/// The filters of `GET /api/users/table` and of the export.
#[derive(Debug, Clone, Default)]
pub struct TableFilter {
    pub status: Option<Status>,
    pub window: Option<WindowFilter>,
    pub source: Option<String>,
    pub tag: Option<String>,
    /// Chats with this label.
    pub label: Option<String>,
    /// Part of a name, or the start of a number.
    pub query: Option<String>,
    pub order: CustomerOrder,
}

/// One page of the table at `now` (which decides open and closed windows).
pub async fn page(
    pool: &AnyPool,
    filter: &TableFilter,
    cursor: Option<&Cursor>,
    limit: u32,
    now: i64,
) -> Result<Page<CustomerProfile>, sqlx::Error> {
    let query = filter
        .query
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty());
    let search = match query {
        Some(query) => Some(customer_search::plan(pool, query).await?),
        None => None,
    };
    let sql = table_sql(
        filter,
        cursor.is_some(),
        search.as_ref().map(|(plan, _)| *plan),
        Backend::of_pool(pool),
    );
    let limit = limit.clamp(1, 1000);
    let searching = search.is_some();
    let rows: Vec<UserRow> = sqlx::query_as(&sql)
        .bind(filter.status.map(Status::as_str))
        .bind(now)
        .bind(filter.source.as_deref())
        .bind(filter.tag.as_deref())
        .bind(search.map(|(_, value)| value))
        .bind(filter.label.as_deref())
        .bind(cursor.map(|c| c.value))
        .bind(cursor.map(|c| c.wa_id.as_str()))
        .bind(i64::from(limit) + 1)
        // A search is planned for what was typed (see `user_search`).
        .persistent(!searching)
        .fetch_all(pool)
        .await?;
    // One row more than the page was fetched, to know whether another exists.
    let has_more = rows.len() > limit as usize;
    let mut next = None;
    let mut items = Vec::with_capacity(limit as usize);
    for row in rows.into_iter().take(limit as usize) {
        next = Some(Cursor::after(row.last_active_at.unwrap_or(0), &row.wa_id));
        items.push(row.into_profile(now));
    }
    Ok(Page {
        items,
        next_cursor: next.filter(|_| has_more).map(|cursor| cursor.text()),
    })
}

/// The table's query: only the clauses in use. Without a search, or with
/// a broad one, SQLite walks `users_by_last_active` (or the status, source
/// or tag index) in order from the cursor and stops after one page; a
/// narrow search starts from its few matches (the `+` before a column or
/// the order keeps SQLite from choosing the other way).
fn table_sql(
    filter: &TableFilter,
    after: bool,
    search: Option<SearchPlan>,
    backend: Backend,
) -> String {
    const LAST_ACTIVE: &str = "coalesce(u.last_active_at, 0)";
    let mut clauses = Vec::new();
    if filter.status.is_some() {
        clauses.push("u.status = $1".to_owned());
    }
    match filter.window {
        Some(WindowFilter::Open) => clauses.push("u.window_expires_at > $2".into()),
        Some(WindowFilter::Closed) => clauses.push("coalesce(u.window_expires_at, 0) <= $2".into()),
        None => {}
    }
    if filter.source.is_some() {
        clauses.push("u.source = $3".into());
    }
    if filter.tag.is_some() {
        clauses.push("u.first_message_tag = $4".into());
    }
    if filter.label.is_some() {
        clauses.push("u.wa_id IN (SELECT wa_id FROM chat_labels WHERE label = $6)".into());
    }
    clauses.extend(search.map(|plan| plan.clause("$5", backend)));
    let (compare, direction) = match filter.order {
        CustomerOrder::LastActiveDesc => ("<", "DESC"),
        CustomerOrder::LastActiveAsc => (">", "ASC"),
    };
    if after {
        clauses.push(format!("({LAST_ACTIVE}, u.wa_id) {compare} ($7, $8)"));
    }
    let filter = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    let sort = if search.is_some_and(SearchPlan::starts_from_matches) {
        customer_search::not_by_index(backend)
    } else {
        ""
    };
    format!(
        "{SELECT} {filter} ORDER BY {sort}{LAST_ACTIVE} {direction}, u.wa_id {direction} LIMIT $9"
    )
}

/// What the table's filters offer: the built-in sources and every import's,
/// the tags of the tag rules and the labels in use. None reads the users
/// table.
pub async fn facets(pool: &AnyPool) -> Result<CustomerFacets, sqlx::Error> {
    let imported: Vec<(String,)> =
        sqlx::query_as("SELECT DISTINCT source FROM imports WHERE dry_run = 0 ORDER BY source")
            .fetch_all(pool)
            .await?;
    let tags: Vec<(String,)> = sqlx::query_as("SELECT DISTINCT tag FROM tag_rules ORDER BY tag")
        .fetch_all(pool)
        .await?;
    Ok(CustomerFacets {
        sources: ["Organic".to_owned(), "API".to_owned()]
            .into_iter()
            .chain(imported.into_iter().map(|(source,)| source))
            .collect(),
        tags: tags.into_iter().map(|(tag,)| tag).collect(),
        labels: super::labels::in_use(pool).await?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::query_plan;

    #[tokio::test]
    async fn every_filter_and_order_walks_an_index_in_order_without_sorting() {
        let pool = crate::platform::db::connect("sqlite::memory:")
            .await
            .unwrap();
        let filters = [
            TableFilter::default(),
            TableFilter {
                order: CustomerOrder::LastActiveAsc,
                ..TableFilter::default()
            },
            TableFilter {
                status: Some(Status::Closed),
                window: Some(WindowFilter::Closed),
                ..TableFilter::default()
            },
            TableFilter {
                source: Some("Diwali fair".into()),
                ..TableFilter::default()
            },
            TableFilter {
                tag: Some("Hamper".into()),
                order: CustomerOrder::LastActiveAsc,
                ..TableFilter::default()
            },
        ];
        for filter in &filters {
            for after in [false, true] {
                let steps =
                    query_plan(&pool, &table_sql(filter, after, None, Backend::Sqlite)).await;
                assert!(
                    steps
                        .iter()
                        .any(|step| step.contains("USING INDEX users_by_")),
                    "{filter:?} after={after}: {steps:?}"
                );
                assert!(
                    !steps.iter().any(|step| step.contains("TEMP B-TREE")),
                    "{filter:?} after={after}: sorted: {steps:?}"
                );
            }
        }
    }

    #[tokio::test]
    async fn a_narrow_search_starts_from_its_matches_and_a_broad_one_walks_the_order() {
        let pool = crate::platform::db::connect("sqlite::memory:")
            .await
            .unwrap();
        let filter = TableFilter::default();
        let narrow = [
            (SearchPlan::PickNumbers, "sqlite_autoindex_users_1"),
            (SearchPlan::PickNames, "users_names"),
        ];
        for (search, index) in narrow {
            let steps = query_plan(
                &pool,
                &table_sql(&filter, false, Some(search), Backend::Sqlite),
            )
            .await;
            assert!(
                steps.iter().any(|step| step.contains(index)),
                "{search:?}: {steps:?}"
            );
            assert!(
                !steps
                    .iter()
                    .any(|step| step.contains("users_by_last_active")),
                "{search:?}: {steps:?}"
            );
        }
        for search in [SearchPlan::WalkNumbers, SearchPlan::WalkNames] {
            let steps = query_plan(
                &pool,
                &table_sql(&filter, true, Some(search), Backend::Sqlite),
            )
            .await;
            assert!(
                steps
                    .iter()
                    .any(|step| step.contains("USING INDEX users_by_last_active")),
                "{search:?}: {steps:?}"
            );
            assert!(
                !steps.iter().any(|step| step.contains("TEMP B-TREE")),
                "{search:?}: {steps:?}"
            );
        }
    }
}
