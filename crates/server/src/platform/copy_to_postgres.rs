//! `handover-server migrate --from sqlite://… --to postgres://…`: copies an
//! existing SQLite database into an empty Postgres one (both brought up to
//! date first), then checks that every table holds as many rows on both
//! sides. Run it with the server stopped.

use crate::platform::db::{self, Backend, DbError};
use crate::store::copy;

/// Why the copy did not happen or is not to be trusted.
#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    #[error("--from must be a SQLite database (sqlite://…), not {0:?}")]
    NotSqlite(String),
    #[error("--to must be a Postgres database (postgres://…), not {0:?}")]
    NotPostgres(String),
    #[error("the SQLite database: {0}")]
    From(DbError),
    #[error("the Postgres database: {0}")]
    To(DbError),
    #[error(
        "the Postgres database is not empty ({table} has {rows} rows); copy into a new database"
    )]
    NotEmpty { table: &'static str, rows: i64 },
    #[error("copying {table} failed, and nothing of it was kept: {source}")]
    Copy {
        table: &'static str,
        source: sqlx::Error,
    },
    #[error("{table} has {from} rows in SQLite but {to} in Postgres")]
    Count {
        table: &'static str,
        from: i64,
        to: i64,
    },
}

/// Copies every table; returns each with the rows it holds on both sides.
pub async fn run(from: &str, to: &str) -> Result<Vec<(&'static str, i64)>, CopyError> {
    if !from.starts_with("sqlite:") {
        return Err(CopyError::NotSqlite(from.to_owned()));
    }
    let source = db::connect(from).await.map_err(CopyError::From)?;
    let target = db::connect(to).await.map_err(CopyError::To)?;
    if Backend::of_pool(&target) != Backend::Postgres {
        return Err(CopyError::NotPostgres(to.to_owned()));
    }
    let database = |table| move |source| CopyError::Copy { table, source };
    for table in copy::TABLES {
        let rows = copy::count(&target, table).await.map_err(database(table))?;
        if rows > 0 {
            return Err(CopyError::NotEmpty { table, rows });
        }
    }
    let mut copied = Vec::with_capacity(copy::TABLES.len());
    for table in copy::TABLES {
        let copied_in_one = async {
            let mut tx = target.begin().await?;
            copy::table(&source, &mut tx, table).await?;
            tx.commit().await
        };
        copied_in_one.await.map_err(database(table))?;
        let from = copy::count(&source, table).await.map_err(database(table))?;
        let to = copy::count(&target, table).await.map_err(database(table))?;
        if from != to {
            return Err(CopyError::Count { table, from, to });
        }
        copied.push((table, to));
    }
    Ok(copied)
}
