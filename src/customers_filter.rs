//! The users table's filter as a plain value: what the managers' Users
//! page shows, and the query string that asks the server for it (the same
//! string serves the table and the CSV export, so the file always holds
//! what is on screen).

use handover_core::customers::{CustomerOrder, WindowFilter};
use handover_core::Status;

use crate::api::encode;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomersFilter {
    pub status: Option<Status>,
    pub window: Option<WindowFilter>,
    pub source: String,
    pub tag: String,
    pub label: String,
    pub query: String,
    pub order: CustomerOrder,
}

impl CustomersFilter {
    /// The query string, without `?`; only what is set.
    pub fn query_string(&self) -> String {
        let mut parts = Vec::new();
        if let Some(status) = self.status {
            parts.push(format!("status={}", status.as_str()));
        }
        if let Some(window) = self.window {
            parts.push(format!("window={}", window_param(window)));
        }
        for (name, value) in [
            ("source", &self.source),
            ("tag", &self.tag),
            ("label", &self.label),
            ("q", &self.query),
        ] {
            let value = value.trim();
            if !value.is_empty() {
                parts.push(format!("{name}={}", encode(value)));
            }
        }
        if self.order == CustomerOrder::LastActiveAsc {
            parts.push("order=last_active_asc".into());
        }
        parts.join("&")
    }

    /// The filter a query string (as [`CustomersFilter::query_string`] writes
    /// it) asks for, each value read by `get`; what does not parse is left
    /// unset.
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Self {
        let text = |name: &str| get(name).unwrap_or_default();
        CustomersFilter {
            status: get("status").and_then(|status| status.parse().ok()),
            window: get("window").and_then(|window| {
                [WindowFilter::Open, WindowFilter::Closed]
                    .into_iter()
                    .find(|w| window_param(*w) == window)
            }),
            source: text("source"),
            tag: text("tag"),
            label: text("label"),
            query: text("q"),
            order: match get("order").as_deref() {
                Some("last_active_asc") => CustomerOrder::LastActiveAsc,
                _ => CustomerOrder::LastActiveDesc,
            },
        }
    }

    /// Whether anything narrows the list (for the empty-state text).
    pub fn is_narrowed(&self) -> bool {
        self.status.is_some()
            || self.window.is_some()
            || !self.source.trim().is_empty()
            || !self.tag.trim().is_empty()
            || !self.label.trim().is_empty()
            || !self.query.trim().is_empty()
    }
}

pub fn window_param(window: WindowFilter) -> &'static str {
    match window {
        WindowFilter::Open => "open",
        WindowFilter::Closed => "closed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_chosen_filters_are_asked_for() {
        assert_eq!(CustomersFilter::default().query_string(), "");
        let filter = CustomersFilter {
            status: Some(Status::Closed),
            window: Some(WindowFilter::Open),
            source: "Diwali fair & expo".into(),
            tag: " ".into(),
            label: "refund".into(),
            query: "+91 98".into(),
            order: CustomerOrder::LastActiveAsc,
        };
        assert_eq!(
            filter.query_string(),
            "status=closed&window=open&source=Diwali%20fair%20%26%20expo&label=refund&q=%2B91%2098&order=last_active_asc"
        );
        assert!(filter.is_narrowed());
        // Read back from the address bar, it is the same filter.
        let pairs: Vec<(String, String)> = filter
            .query_string()
            .split('&')
            .map(|pair| {
                let (name, value) = pair.split_once('=').unwrap();
                let value = value
                    .replace("%20", " ")
                    .replace("%26", "&")
                    .replace("%2B", "+");
                (name.to_owned(), value)
            })
            .collect();
        let read = CustomersFilter::from_query(|name| {
            pairs
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
        });
        assert_eq!(
            read,
            CustomersFilter {
                tag: String::new(),
                ..filter.clone()
            }
        );
        assert_eq!(
            CustomersFilter::from_query(|_| None),
            CustomersFilter::default()
        );
        assert!(!CustomersFilter {
            order: CustomerOrder::LastActiveAsc,
            ..CustomersFilter::default()
        }
        .is_narrowed());
    }
}
