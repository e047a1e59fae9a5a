//! The customer traits the breakdowns group by, and the statement that
//! selects a figure's rows by a trait's value.

use super::figures::{Figure, DAY_MS, ESCALATION, REQUEST_MISSED, REQUEST_WAIT, RESOLVED};

/// A customer trait the breakdowns group by, as the customer has it now:
/// their figures are filed under its value ('' for none; a customer with
/// labels under each), and filed again when it changes (`refile`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trait {
    Tag,
    Source,
    Label,
}

impl Trait {
    pub const ALL: [Trait; 3] = [Trait::Tag, Trait::Source, Trait::Label];

    pub const fn name(self) -> &'static str {
        match self {
            Trait::Tag => "tag",
            Trait::Source => "source",
            Trait::Label => "label",
        }
    }

    /// The join that gives rows of customer `wa_id` (an SQL expression)
    /// their value, and the value.
    pub(in crate::store) fn join(self, wa_id: &str) -> (String, &'static str) {
        match self {
            Trait::Tag => (
                format!("JOIN users u ON u.wa_id = {wa_id}"),
                "COALESCE(u.first_message_tag, '')",
            ),
            Trait::Source => (
                format!("JOIN users u ON u.wa_id = {wa_id}"),
                "COALESCE(u.source, '')",
            ),
            Trait::Label => (
                format!("LEFT JOIN chat_labels l ON l.wa_id = {wa_id}"),
                "COALESCE(l.label, '')",
            ),
        }
    }

    /// `SELECT trait, value, [day,] figure, [seconds,] sign × COUNT(*)`
    /// of `figure`'s rows matching `rows`, grouped.
    pub(in crate::store) fn select(
        self,
        figure: &Figure,
        by_day: bool,
        rows: &str,
        sign: &str,
    ) -> String {
        let (join, value) = self.join("t.wa_id");
        let mut columns = vec![
            format!("'{}' AS trait", self.name()),
            format!("{value} AS value"),
        ];
        let mut groups = vec!["2".to_owned()];
        if by_day {
            columns.push(format!("{} / {DAY_MS} AS day", figure.source.time()));
            groups.push(columns.len().to_string());
        }
        columns.push(format!("'{}' AS figure", figure.name));
        if let Some(ms) = figure.ms {
            columns.push(format!("{ms} / 1000 AS seconds"));
            groups.push(columns.len().to_string());
        }
        format!(
            "SELECT {}, {sign} * COUNT(*) AS n FROM {} {join} WHERE {} AND {rows} GROUP BY {}",
            columns.join(", "),
            figure.source.table(),
            figure.when.join(" AND "),
            groups.join(", ")
        )
    }
}

/// The figures the breakdowns by a trait read.
pub const TRAIT_COUNTED: [&Figure; 3] = [&ESCALATION, &REQUEST_MISSED, &RESOLVED];
pub const TRAIT_TIMED: [&Figure; 1] = [&REQUEST_WAIT];
