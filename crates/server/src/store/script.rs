//! Scripts: statements with their values written into the text, sent to
//! the database together, in one round trip (Postgres' simple query
//! protocol; SQLite runs them one after another). For statements that
//! must run while a lock is held, where each round trip is time others
//! wait. Only numbers and text quoted by [`text`] go into a script.

use sqlx::{AnyConnection, Executor};

/// Statements to run together, in order.
#[derive(Default)]
pub(crate) struct Script {
    sql: String,
}

impl Script {
    /// Adds a statement after those already in.
    pub fn push(&mut self, statement: &str) {
        if !self.sql.is_empty() {
            self.sql.push_str(";\n");
        }
        self.sql.push_str(statement);
    }

    pub fn extend(&mut self, statements: impl IntoIterator<Item = String>) {
        for statement in statements {
            self.push(&statement);
        }
    }

    /// Runs every statement, in one round trip; nothing when empty.
    pub async fn run(self, conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
        if self.sql.is_empty() {
            return Ok(());
        }
        // Text without values: the simple protocol, every statement at once.
        conn.execute(self.sql.as_str()).await.map(drop)
    }
}

/// `value` as an SQL text literal: quoted, its quotes doubled (both
/// backends read backslashes as themselves).
pub(crate) fn text(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// `value` as a Postgres text literal that reads it exactly whatever it
/// holds: dollar-quoted, with a tag the text does not contain.
pub(crate) fn dollar_text(value: &str) -> String {
    let mut n = 0;
    loop {
        let tag = if n == 0 {
            "$t$".to_owned()
        } else {
            format!("$t{n}$")
        };
        // The literal ends at the tag's first appearance after the opening
        // one: that must be the closing tag, not one inside the text or
        // one the text's end and the tag make together.
        let quoted = format!("{value}{tag}");
        if quoted.find(&tag) == Some(value.len()) {
            return format!("{tag}{quoted}");
        }
        n += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_quoted_with_its_quotes_doubled() {
        assert_eq!(text("919800000001"), "'919800000001'");
        assert_eq!(
            text("O'Brien'); DROP TABLE x; --"),
            "'O''Brien''); DROP TABLE x; --'"
        );
        assert_eq!(text(r"a\'b"), r"'a\''b'");
    }

    #[test]
    fn dollar_text_picks_a_tag_the_text_cannot_end_early() {
        assert_eq!(
            dollar_text(r#"{"a":"it's \ fine"}"#),
            r#"$t${"a":"it's \ fine"}$t$"#
        );
        assert_eq!(dollar_text("costs $t$5"), "$t1$costs $t$5$t1$");
        // "$t" at the end would make "$t$" with the closing tag's first character.
        assert_eq!(dollar_text("ends in $t"), "$t1$ends in $t$t1$");
        assert_eq!(dollar_text(""), "$t$$t$");
    }

    #[test]
    fn statements_are_joined_in_order() {
        let mut script = Script::default();
        script.push("SELECT 1");
        script.extend(["SELECT 2".to_owned(), "SELECT 3".to_owned()]);
        assert_eq!(script.sql, "SELECT 1;\nSELECT 2;\nSELECT 3");
    }
}
