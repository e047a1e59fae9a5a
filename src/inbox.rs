//! What the dashboard knows, as a plain struct: the counts, the list on
//! screen, and the open chat. Live events are applied here, so the rules
//! (a chat leaves a section when its status changes, a thread grows, a
//! delivery tick replaces the older one) have native unit tests and the
//! views stay thin.

use std::collections::HashSet;

use handover_core::api::{Author, Event, Message, Page, UserProfile, UserSummary};
use handover_core::{SectionCounts, Status, WaId};

/// Which list the sidebar shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum View {
    Section(Status),
    /// Customers whose window is closed: read-only.
    History,
}

impl View {
    pub const ALL: [View; 5] = [
        View::Section(Status::Active),
        View::Section(Status::Requesting),
        View::Section(Status::Intervened),
        View::Section(Status::Closed),
        View::History,
    ];

    /// The `status` parameter of `GET /api/users`.
    pub fn param(self) -> &'static str {
        match self {
            View::Section(status) => status.as_str(),
            View::History => "history",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            View::Section(status) => status.label(),
            View::History => "History",
        }
    }

    pub fn count(self, counts: &SectionCounts) -> u64 {
        match self {
            View::Section(status) => counts.for_status(status),
            View::History => counts.history,
        }
    }

    /// Whether a customer in `status`, with the window open or not, is listed here.
    pub fn shows(self, status: Status, window_open: bool) -> bool {
        match self {
            View::Section(section) => window_open && status == section,
            View::History => !window_open,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Inbox {
    pub view: View,
    pub query: String,
    pub counts: Option<SectionCounts>,
    /// The list on screen, newest window first (the server's order).
    pub items: Vec<UserSummary>,
    pub next_cursor: Option<String>,
    pub selected: Option<WaId>,
    pub profile: Option<UserProfile>,
    /// The open thread, oldest first.
    pub thread: Vec<Message>,
    pub older_cursor: Option<String>,
    /// Customers who wrote since their chat was last opened.
    pub unread: HashSet<WaId>,
    /// Chats that left the list since it was switched, so that a page
    /// fetched before they left does not bring them back.
    departed: HashSet<WaId>,
    /// The last customer seen entering or staying in Requesting, to name
    /// them when the Requesting count goes up.
    last_waiting: Option<(WaId, String)>,
}

/// A customer has just started waiting for an agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    pub wa_id: WaId,
    pub name: String,
}

impl Default for Inbox {
    fn default() -> Self {
        Self {
            view: View::Section(Status::Requesting),
            query: String::new(),
            counts: None,
            items: Vec::new(),
            next_cursor: None,
            selected: None,
            profile: None,
            thread: Vec::new(),
            older_cursor: None,
            unread: HashSet::new(),
            departed: HashSet::new(),
            last_waiting: None,
        }
    }
}

impl Inbox {
    /// Applies one live event. `parse_ms` reads RFC 3339 times (the
    /// browser's clock in the app, a fixed parser in tests). Returns who
    /// started waiting when the event shows the Requesting count going up,
    /// for the alerts.
    pub fn apply(
        &mut self,
        event: &Event,
        parse_ms: impl Fn(&str) -> Option<i64>,
    ) -> Option<Waiting> {
        match event {
            Event::Sections { counts } => {
                let before = self.counts.map(|counts| counts.requesting);
                self.counts = Some(*counts);
                match before {
                    Some(before) if counts.requesting > before => self
                        .last_waiting
                        .clone()
                        .map(|(wa_id, name)| Waiting { wa_id, name }),
                    _ => None,
                }
            }
            Event::User { profile } => {
                if profile.status == Status::Requesting {
                    let name = if profile.name.is_empty() {
                        format!("+{}", profile.wa_id)
                    } else {
                        profile.name.clone()
                    };
                    self.last_waiting = Some((profile.wa_id.clone(), name));
                }
                self.apply_profile(profile, parse_ms);
                None
            }
            Event::Message { message } => {
                self.apply_message(message);
                None
            }
        }
    }

    fn apply_profile(&mut self, profile: &UserProfile, parse_ms: impl Fn(&str) -> Option<i64>) {
        if self.selected.as_ref() == Some(&profile.wa_id) {
            self.profile = Some(profile.clone());
        }
        let position = self
            .items
            .iter()
            .position(|item| item.wa_id == profile.wa_id);
        let preview = position.and_then(|at| self.items[at].last_message_preview.clone());
        if let Some(at) = position {
            self.items.remove(at);
        }
        if !self.view.shows(profile.status, profile.window_open)
            || !self.matches_query(&profile.name, &profile.wa_id)
        {
            self.departed.insert(profile.wa_id.clone());
            return;
        }
        self.departed.remove(&profile.wa_id);
        let summary = UserSummary {
            wa_id: profile.wa_id.clone(),
            name: profile.name.clone(),
            status: profile.status,
            last_active_at: profile.last_active_at.clone(),
            window_expires_at: profile.window_expires_at.clone(),
            assigned_agent: profile.assigned_agent.clone(),
            last_message_preview: preview,
        };
        let key = |item: &UserSummary| order_key(item, &parse_ms);
        let new_key = key(&summary);
        let at = self
            .items
            .iter()
            .position(|item| key(item) < new_key)
            .unwrap_or(self.items.len());
        // Past the loaded pages the chat will come with a later page.
        if at < self.items.len() || self.next_cursor.is_none() {
            self.items.insert(at, summary);
        }
    }

    fn apply_message(&mut self, message: &Message) {
        if self.selected.as_ref() == Some(&message.wa_id) {
            match self.thread.iter_mut().find(|known| known.id == message.id) {
                // Copies can arrive out of order (the POST's answer after the
                // sender's event): a tick never goes backwards.
                Some(known) if known.delivery > message.delivery => {}
                Some(known) => *known = message.clone(),
                None => {
                    let at = self.thread.partition_point(|known| known.id < message.id);
                    self.thread.insert(at, message.clone());
                }
            }
        } else if message.author == Author::User {
            self.unread.insert(message.wa_id.clone());
        }
        if message.author != Author::System {
            if let Some(item) = self
                .items
                .iter_mut()
                .find(|item| item.wa_id == message.wa_id)
            {
                if let Some(text) = &message.text {
                    item.last_message_preview = Some(text.clone());
                }
            }
        }
    }

    /// Shows another list at once; its first page follows with [`Inbox::show_page`].
    /// Live events apply to the new list from now on.
    /// A new search in the same list narrows the rows on screen at once.
    pub fn switch(&mut self, view: View, query: String) {
        if (view, &query) == (self.view, &self.query) {
            return;
        }
        let same_list = view == self.view;
        self.view = view;
        self.query = query;
        self.next_cursor = None;
        self.departed.clear();
        if same_list {
            let mut items = std::mem::take(&mut self.items);
            items.retain(|item| self.matches_query(&item.name, &item.wa_id));
            self.items = items;
        } else {
            self.items.clear();
        }
    }

    /// The first page of `view`/`query`, fetched from the server. Chats that
    /// live events brought in meanwhile are kept, those that left stay out;
    /// a page for a list no longer shown is ignored.
    pub fn show_page(
        &mut self,
        view: View,
        query: &str,
        page: Page<UserSummary>,
        parse_ms: impl Fn(&str) -> Option<i64>,
    ) {
        if (view, query) != (self.view, self.query.as_str()) {
            return;
        }
        let arrived: Vec<UserSummary> = std::mem::take(&mut self.items);
        let mut items: Vec<UserSummary> = page
            .items
            .into_iter()
            .filter(|item| !self.departed.contains(&item.wa_id))
            .filter(|item| !arrived.iter().any(|newer| newer.wa_id == item.wa_id))
            .collect();
        items.extend(arrived);
        let key = |item: &UserSummary| order_key(item, &parse_ms);
        items.sort_by_key(|item| std::cmp::Reverse(key(item)));
        self.items = items;
        self.next_cursor = page.next_cursor;
    }

    /// The server's search rule: name contains, or number starts with.
    fn matches_query(&self, name: &str, wa_id: &WaId) -> bool {
        let query = self.query.trim().to_lowercase();
        query.is_empty()
            || name.to_lowercase().contains(&query)
            || wa_id.as_str().starts_with(query.trim_start_matches('+'))
    }

    /// Opens a chat: its thread and profile are loaded separately.
    pub fn select(&mut self, wa_id: WaId) {
        self.unread.remove(&wa_id);
        if self.selected.as_ref() != Some(&wa_id) {
            self.thread.clear();
            self.profile = None;
            self.older_cursor = None;
        }
        self.selected = Some(wa_id);
    }

    /// The chat `offset` rows away from the open one (keyboard j/k).
    pub fn neighbour(&self, offset: isize) -> Option<WaId> {
        let current = self
            .selected
            .as_ref()
            .and_then(|wa_id| self.items.iter().position(|item| &item.wa_id == wa_id));
        let next = match current {
            Some(at) => at as isize + offset,
            None => 0,
        };
        usize::try_from(next)
            .ok()
            .and_then(|at| self.items.get(at))
            .map(|item| item.wa_id.clone())
    }
}

/// Lists are ordered newest window first, then by number, as the server
/// pages them.
fn order_key(item: &UserSummary, parse_ms: impl Fn(&str) -> Option<i64>) -> (i64, WaId) {
    let window = item
        .window_expires_at
        .as_deref()
        .and_then(parse_ms)
        .unwrap_or(0);
    (window, item.wa_id.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use handover_core::api::{Direction, MessageKind};

    fn wa(id: &str) -> WaId {
        WaId::parse(id).unwrap()
    }

    /// Times in these tests are plain numbers of milliseconds.
    fn parse(text: &str) -> Option<i64> {
        text.parse().ok()
    }

    fn profile(id: &str, status: Status, window: i64) -> UserProfile {
        UserProfile {
            wa_id: wa(id),
            name: format!("Customer {id}"),
            status,
            last_active_at: Some((window - 86_400_000).to_string()),
            template_messages: 0,
            session_messages: 1,
            unresolved_queries: 0,
            source: "Organic".into(),
            first_message_tag: None,
            assigned_agent: None,
            window_expires_at: Some(window.to_string()),
            window_open: window > 0,
            attributes: Default::default(),
        }
    }

    fn message(id: i64, wa_id: &str, author: Author, text: &str) -> Message {
        Message {
            id,
            wa_id: wa(wa_id),
            direction: if author == Author::User {
                Direction::In
            } else {
                Direction::Out
            },
            author,
            agent: None,
            kind: MessageKind::Session,
            content_type: "text".into(),
            text: Some(text.into()),
            template: None,
            delivery: None,
            failure_reason: None,
            sent_at: "0".into(),
        }
    }

    fn ids(inbox: &Inbox) -> Vec<&str> {
        inbox.items.iter().map(|item| item.wa_id.as_str()).collect()
    }

    fn user(profile: UserProfile) -> Event {
        Event::User { profile }
    }

    #[test]
    fn a_chat_that_starts_requesting_appears_in_requesting_newest_first() {
        let mut inbox = Inbox::default();
        inbox.apply(&user(profile("9100000001", Status::Requesting, 100)), parse);
        inbox.apply(&user(profile("9100000002", Status::Requesting, 300)), parse);
        inbox.apply(&user(profile("9100000003", Status::Requesting, 200)), parse);
        inbox.apply(&user(profile("9100000004", Status::Active, 400)), parse);
        assert_eq!(ids(&inbox), ["9100000002", "9100000003", "9100000001"]);
    }

    #[test]
    fn a_chat_leaves_the_section_when_its_status_changes_and_keeps_its_preview() {
        let mut inbox = Inbox {
            view: View::Section(Status::Active),
            ..Inbox::default()
        };
        inbox.apply(&user(profile("9100000001", Status::Active, 100)), parse);
        inbox.apply(
            &Event::Message {
                message: message(1, "9100000001", Author::User, "Hi"),
            },
            parse,
        );
        assert_eq!(inbox.items[0].last_message_preview.as_deref(), Some("Hi"));
        inbox.apply(&user(profile("9100000001", Status::Active, 150)), parse);
        assert_eq!(inbox.items[0].last_message_preview.as_deref(), Some("Hi"));

        inbox.apply(&user(profile("9100000001", Status::Requesting, 150)), parse);
        assert!(inbox.items.is_empty());
    }

    #[test]
    fn history_lists_closed_windows_whatever_the_status() {
        let mut inbox = Inbox {
            view: View::History,
            ..Inbox::default()
        };
        inbox.apply(&user(profile("9100000001", Status::Requesting, 0)), parse);
        inbox.apply(&user(profile("9100000002", Status::Active, 50)), parse);
        assert_eq!(ids(&inbox), ["9100000001"]);
    }

    #[test]
    fn the_open_thread_grows_and_delivery_updates_replace_the_message() {
        let mut inbox = Inbox::default();
        inbox.select(wa("9100000001"));
        inbox.apply(
            &Event::Message {
                message: message(2, "9100000001", Author::Agent, "Hello"),
            },
            parse,
        );
        inbox.apply(
            &Event::Message {
                message: message(1, "9100000001", Author::User, "Hi"),
            },
            parse,
        );
        let mut read = message(2, "9100000001", Author::Agent, "Hello");
        read.delivery = Some(handover_core::api::Delivery::Read);
        inbox.apply(&Event::Message { message: read }, parse);
        let thread: Vec<_> = inbox.thread.iter().map(|m| (m.id, m.delivery)).collect();
        assert_eq!(
            thread,
            [(1, None), (2, Some(handover_core::api::Delivery::Read))]
        );
        // Messages of other chats do not enter the open thread; they mark it unread.
        inbox.apply(
            &Event::Message {
                message: message(3, "9100000002", Author::User, "Hey"),
            },
            parse,
        );
        assert_eq!(inbox.thread.len(), 2);
        assert!(inbox.unread.contains(&wa("9100000002")));
        inbox.select(wa("9100000002"));
        assert!(inbox.unread.is_empty());
        assert!(inbox.thread.is_empty());
    }

    #[test]
    fn a_late_copy_of_a_message_never_takes_its_tick_back() {
        use handover_core::api::Delivery;
        let mut inbox = Inbox::default();
        inbox.select(wa("9100000001"));
        let mut sent = message(5, "9100000001", Author::Agent, "Hello");
        sent.delivery = Some(Delivery::Sent);
        let mut pending = sent.clone();
        pending.delivery = Some(Delivery::Pending);
        inbox.apply(&Event::Message { message: sent }, parse);
        inbox.apply(&Event::Message { message: pending }, parse);
        assert_eq!(inbox.thread[0].delivery, Some(Delivery::Sent));
    }

    #[test]
    fn the_open_profile_follows_its_events_and_counts_follow_theirs() {
        let mut inbox = Inbox::default();
        inbox.select(wa("9100000001"));
        inbox.apply(&user(profile("9100000001", Status::Intervened, 100)), parse);
        assert_eq!(
            inbox.profile.as_ref().map(|p| p.status),
            Some(Status::Intervened)
        );
        let counts = SectionCounts {
            requesting: 4,
            ..SectionCounts::default()
        };
        inbox.apply(&Event::Sections { counts }, parse);
        assert_eq!(inbox.counts, Some(counts));
    }

    #[test]
    fn search_keeps_non_matching_chats_out_of_the_list() {
        let mut inbox = Inbox {
            query: "9100000002".into(),
            ..Inbox::default()
        };
        inbox.apply(&user(profile("9100000001", Status::Requesting, 100)), parse);
        inbox.apply(&user(profile("9100000002", Status::Requesting, 100)), parse);
        assert_eq!(ids(&inbox), ["9100000002"]);
    }

    fn page(items: Vec<UserProfile>) -> Page<UserSummary> {
        let mut scratch = Inbox {
            view: View::Section(Status::Active),
            ..Inbox::default()
        };
        for profile in items {
            scratch.apply(&user(profile), parse);
        }
        Page {
            items: scratch.items,
            next_cursor: None,
        }
    }

    #[test]
    fn a_page_fetched_before_live_events_does_not_undo_them() {
        let mut inbox = Inbox::default();
        inbox.switch(View::Section(Status::Active), String::new());
        // While the page is on its way: one customer arrives, one leaves.
        inbox.apply(&user(profile("9100000003", Status::Active, 300)), parse);
        inbox.apply(&user(profile("9100000001", Status::Requesting, 250)), parse);
        let stale = page(vec![
            profile("9100000001", Status::Active, 100),
            profile("9100000002", Status::Active, 200),
        ]);
        inbox.show_page(View::Section(Status::Active), "", stale, parse);
        assert_eq!(ids(&inbox), ["9100000003", "9100000002"]);
    }

    #[test]
    fn a_page_for_a_list_no_longer_shown_is_ignored() {
        let mut inbox = Inbox::default();
        inbox.switch(View::History, String::new());
        let active = page(vec![profile("9100000001", Status::Active, 100)]);
        inbox.show_page(View::Section(Status::Active), "", active, parse);
        assert!(inbox.items.is_empty());
    }

    #[test]
    fn a_rising_requesting_count_names_the_customer_who_started_waiting() {
        let mut inbox = Inbox::default();
        let counts = |requesting| Event::Sections {
            counts: SectionCounts {
                requesting,
                ..SectionCounts::default()
            },
        };
        assert_eq!(
            inbox.apply(&counts(1), parse),
            None,
            "the first counts are a baseline"
        );
        inbox.apply(&user(profile("9100000002", Status::Requesting, 100)), parse);
        let waiting = inbox.apply(&counts(2), parse).expect("an alert");
        assert_eq!(waiting.name, "Customer 9100000002");
        // A message from a waiting customer, or someone taking a chat, is no new arrival.
        inbox.apply(&user(profile("9100000002", Status::Requesting, 200)), parse);
        assert_eq!(inbox.apply(&counts(2), parse), None);
        assert_eq!(inbox.apply(&counts(1), parse), None);
    }

    #[test]
    fn typing_a_search_narrows_the_rows_at_once() {
        let mut inbox = Inbox::default();
        inbox.apply(&user(profile("9100000001", Status::Requesting, 100)), parse);
        inbox.apply(&user(profile("9100000002", Status::Requesting, 200)), parse);
        inbox.switch(View::Section(Status::Requesting), "9100000001".into());
        assert_eq!(ids(&inbox), ["9100000001"]);
        inbox.switch(View::History, String::new());
        assert!(
            inbox.items.is_empty(),
            "another list starts empty until its page arrives"
        );
    }

    #[test]
    fn j_and_k_move_through_the_list() {
        let mut inbox = Inbox::default();
        for (n, id) in ["9100000001", "9100000002", "9100000003"]
            .iter()
            .enumerate()
        {
            inbox.apply(
                &user(profile(id, Status::Requesting, 300 - n as i64)),
                parse,
            );
        }
        assert_eq!(inbox.neighbour(1), Some(wa("9100000001")));
        inbox.select(wa("9100000001"));
        assert_eq!(inbox.neighbour(1), Some(wa("9100000002")));
        assert_eq!(inbox.neighbour(-1), None);
    }
}
