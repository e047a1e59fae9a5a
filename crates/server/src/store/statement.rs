//! Statements whose number of values is known only when they run (a batch
//! of rows, an `IN (…)` list), their values numbered `$1`, `$2`, … as every
//! backend reads them.

use sqlx::any::AnyArguments;
use sqlx::error::BoxDynError;
use sqlx::{Any, Arguments, Encode, Type};

/// SQL text and the values bound in it, in order.
#[derive(Default)]
pub(crate) struct Statement<'q> {
    sql: String,
    values: AnyArguments<'q>,
    unbound: Option<BoxDynError>,
}

impl<'q> Statement<'q> {
    pub fn new(sql: &str) -> Self {
        Statement {
            sql: sql.to_owned(),
            ..Statement::default()
        }
    }

    /// Appends SQL text.
    pub fn push(&mut self, sql: &str) -> &mut Self {
        self.sql.push_str(sql);
        self
    }

    /// Appends the next value's placeholder and binds the value to it.
    pub fn bind<T: 'q + Encode<'q, Any> + Type<Any>>(&mut self, value: T) -> &mut Self {
        if let Err(error) = self.values.add(value) {
            self.unbound.get_or_insert(error);
        }
        self.sql.push('$');
        self.sql.push_str(&self.values.len().to_string());
        self
    }

    /// Appends `(…)` with one placeholder per value: the list of an `IN`.
    pub fn list<T: 'q + Encode<'q, Any> + Type<Any>>(
        &mut self,
        values: impl IntoIterator<Item = T>,
    ) -> &mut Self {
        self.sql.push('(');
        for (n, value) in values.into_iter().enumerate() {
            if n > 0 {
                self.sql.push_str(", ");
            }
            self.bind(value);
        }
        self.sql.push(')');
        self
    }

    /// Appends `VALUES (…), (…)`, one row per item, its values written by
    /// `row`.
    pub fn values<I>(
        &mut self,
        items: impl IntoIterator<Item = I>,
        mut row: impl FnMut(&mut Row<'_, 'q>, I),
    ) -> &mut Self {
        self.sql.push_str("VALUES ");
        for (n, item) in items.into_iter().enumerate() {
            if n > 0 {
                self.sql.push_str(", ");
            }
            self.sql.push('(');
            row(
                &mut Row {
                    statement: self,
                    first: true,
                },
                item,
            );
            self.sql.push(')');
        }
        self
    }

    /// Runs it, not kept prepared (statements of every length would crowd
    /// the cache out).
    pub async fn execute(
        self,
        conn: &mut sqlx::AnyConnection,
    ) -> Result<sqlx::any::AnyQueryResult, sqlx::Error> {
        let (sql, values) = self.finish()?;
        sqlx::query_with(&sql, values)
            .persistent(false)
            .execute(conn)
            .await
    }

    /// Runs it and reads every row it answers, not kept prepared.
    pub async fn fetch_all<T>(self, conn: &mut sqlx::AnyConnection) -> Result<Vec<T>, sqlx::Error>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
    {
        let (sql, values) = self.finish()?;
        sqlx::query_as_with(&sql, values)
            .persistent(false)
            .fetch_all(conn)
            .await
    }

    /// The SQL and its values, or why a value could not be bound.
    pub fn finish(self) -> Result<(String, AnyArguments<'q>), sqlx::Error> {
        match self.unbound {
            Some(error) => Err(sqlx::Error::Encode(error)),
            None => Ok((self.sql, self.values)),
        }
    }
}

/// One row of a `VALUES` list: values and SQL expressions, comma-separated.
pub(crate) struct Row<'s, 'q> {
    statement: &'s mut Statement<'q>,
    first: bool,
}

impl<'q> Row<'_, 'q> {
    fn separate(&mut self) {
        if !std::mem::take(&mut self.first) {
            self.statement.sql.push_str(", ");
        }
    }

    pub fn bind<T: 'q + Encode<'q, Any> + Type<Any>>(&mut self, value: T) -> &mut Self {
        self.separate();
        self.statement.bind(value);
        self
    }

    /// A value cast to `sql_type`: where nothing else gives Postgres its
    /// type (a `VALUES` list not inserted into a table).
    pub fn bind_as<T: 'q + Encode<'q, Any> + Type<Any>>(
        &mut self,
        value: T,
        sql_type: &str,
    ) -> &mut Self {
        self.separate();
        self.statement.push("CAST(");
        self.statement.bind(value);
        self.statement.push(" AS ").push(sql_type).push(")");
        self
    }

    /// An SQL expression in place of a value (a constant).
    pub fn sql(&mut self, expression: &str) -> &mut Self {
        self.separate();
        self.statement.push(expression);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_lists_are_numbered_in_order() {
        let mut statement = Statement::new("INSERT INTO t (a, b, c) ");
        statement.values([(1_i64, "x"), (2, "y")], |row, (a, b)| {
            row.bind(a).sql("'k'").bind_as(b, "TEXT");
        });
        statement.push(" WHERE a IN ").list(["p", "q"]);
        let (sql, values) = statement.finish().unwrap();
        assert_eq!(
            sql,
            "INSERT INTO t (a, b, c) VALUES ($1, 'k', CAST($2 AS TEXT)), ($3, 'k', CAST($4 AS TEXT)) WHERE a IN ($5, $6)"
        );
        assert_eq!(values.len(), 6);
    }
}
