//! What the dashboard knows, as a plain struct: the counts, the list on
//! screen, and the open chat with its thread. Live events and fetched pages
//! are applied here and only here, through methods, so the rules (a chat
//! leaves a section when its status changes, the queue keeps the longest
//! waiting first, a thread grows and a delivery tick never goes backwards,
//! new messages below the reader are counted) have native unit tests and
//! the views only read.

use std::cmp::Ordering;
use std::collections::HashSet;

use handover_core::api::{Author, CustomerProfile, CustomerSummary, Event, Message, Page};
use handover_core::{AgentId, Section, SectionCounts, Status, WaId};

/// Which list the sidebar shows: a section, and in it all chats or only
/// those the signed-in agent holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct List {
    pub section: Section,
    pub mine: bool,
}

impl List {
    pub const fn all(section: Section) -> Self {
        List {
            section,
            mine: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Inbox {
    /// The signed-in agent, for "my chats".
    me: AgentId,
    list: List,
    counts: Option<SectionCounts>,
    /// The list on screen, in the server's order (see [`order`]).
    items: Vec<CustomerSummary>,
    next_cursor: Option<String>,
    /// Chats that left the list since it was switched, so that a page
    /// fetched before they left does not bring them back.
    departed: HashSet<WaId>,
    selected: Option<WaId>,
    profile: Option<CustomerProfile>,
    /// The open thread, oldest first: one run of consecutive messages.
    thread: Vec<Message>,
    older_cursor: Option<String>,
    /// `Some` while the thread stops short of the newest message (it was
    /// opened at an older one): where the next newer page starts.
    newer_cursor: Option<String>,
    /// Whether the agent is reading the bottom of the thread, so new
    /// messages should scroll into view.
    pinned: bool,
    /// Messages that arrived below while the agent was reading further up.
    unseen: usize,
    /// A message to bring into view once it is on screen.
    focus: Option<i64>,
    /// Customers who wrote since their chat was last opened.
    unread: HashSet<WaId>,
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

impl Inbox {
    /// An empty inbox for the agent `me`, on the Requesting queue.
    pub fn new(me: AgentId) -> Self {
        Self {
            me,
            list: List::all(Section::Requesting),
            counts: None,
            items: Vec::new(),
            next_cursor: None,
            departed: HashSet::new(),
            selected: None,
            profile: None,
            thread: Vec::new(),
            older_cursor: None,
            newer_cursor: None,
            pinned: true,
            unseen: 0,
            focus: None,
            unread: HashSet::new(),
            last_waiting: None,
        }
    }

    pub fn list(&self) -> List {
        self.list
    }

    pub fn counts(&self) -> Option<SectionCounts> {
        self.counts
    }

    pub fn items(&self) -> &[CustomerSummary] {
        &self.items
    }

    /// Where the next page of the list starts, if there is one.
    pub fn next_cursor(&self) -> Option<&str> {
        self.next_cursor.as_deref()
    }

    pub fn selected(&self) -> Option<&WaId> {
        self.selected.as_ref()
    }

    pub fn profile(&self) -> Option<&CustomerProfile> {
        self.profile.as_ref()
    }

    pub fn thread(&self) -> &[Message] {
        &self.thread
    }

    /// The id to load older messages before, if there are any.
    pub fn older_cursor(&self) -> Option<&str> {
        self.older_cursor.as_deref()
    }

    /// The id to load newer messages after, while the thread stops short
    /// of the newest one.
    pub fn newer_cursor(&self) -> Option<&str> {
        self.newer_cursor.as_deref()
    }

    pub fn pinned(&self) -> bool {
        self.pinned
    }

    pub fn unseen(&self) -> usize {
        self.unseen
    }

    pub fn focus(&self) -> Option<i64> {
        self.focus
    }

    pub fn unread(&self) -> &HashSet<WaId> {
        &self.unread
    }

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
            Event::Customer { profile } => {
                if profile.status == Status::Requesting {
                    self.last_waiting = Some((profile.wa_id.clone(), display_name(profile)));
                }
                self.apply_profile(profile, parse_ms);
                None
            }
            Event::Message { message } => {
                self.apply_message(message);
                None
            }
            // Said by the shell to whoever was mentioned, and read by the
            // shell (the team's setup); nothing to keep here.
            Event::Mention { .. } | Event::Setup { .. } | Event::Handover { .. } => None,
        }
    }

    /// Whether `profile` belongs in the list on screen.
    fn lists(&self, profile: &CustomerProfile) -> bool {
        self.list.section.shows(profile.status, profile.window_open)
            && (!self.list.mine
                || profile.assigned_agent.as_ref().map(|agent| agent.id) == Some(self.me))
    }

    fn apply_profile(&mut self, profile: &CustomerProfile, parse_ms: impl Fn(&str) -> Option<i64>) {
        if self.selected.as_ref() == Some(&profile.wa_id) {
            self.profile = Some(profile.clone());
        }
        let position = self
            .items
            .iter()
            .position(|item| item.wa_id == profile.wa_id);
        let preview = profile
            .last_message_preview
            .clone()
            .or_else(|| position.and_then(|at| self.items[at].last_message_preview.clone()));
        if let Some(at) = position {
            self.items.remove(at);
        }
        if !self.lists(profile) {
            self.departed.insert(profile.wa_id.clone());
            return;
        }
        self.departed.remove(&profile.wa_id);
        let summary = CustomerSummary {
            wa_id: profile.wa_id.clone(),
            name: profile.name.clone(),
            status: profile.status,
            last_active_at: profile.last_active_at.clone(),
            window_expires_at: profile.window_expires_at.clone(),
            assigned_agent: profile.assigned_agent.clone(),
            last_message_preview: preview,
            waiting_since: profile.waiting_since.clone(),
            labels: profile.labels.clone(),
            unread: profile.unread,
        };
        let section = self.list.section;
        let at = self
            .items
            .iter()
            .position(|item| order(section, &summary, item, &parse_ms) == Ordering::Less)
            .unwrap_or(self.items.len());
        // Past the loaded pages the chat will come with a later page.
        if at < self.items.len() || self.next_cursor.is_none() {
            self.items.insert(at, summary);
        }
    }

    fn apply_message(&mut self, message: &Message) {
        if self.selected.as_ref() == Some(&message.wa_id) {
            self.apply_to_thread(message);
        } else if message.author == Author::User {
            self.unread.insert(message.wa_id.clone());
        }
        // The list previews what the customer wrote last, never the bot.
        if message.author == Author::User {
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

    fn apply_to_thread(&mut self, message: &Message) {
        match self.thread.iter_mut().find(|known| known.id == message.id) {
            // Copies can arrive out of order (the POST's answer after the
            // sender's event): a tick never goes backwards.
            Some(known) if known.delivery > message.delivery => {}
            Some(known) => *known = message.clone(),
            // The thread stops short of the newest messages: this one is
            // beyond the gap, and comes with the newer pages.
            None if self.newer_cursor.is_some() => self.unseen += 1,
            None => {
                let at = self.thread.partition_point(|known| known.id < message.id);
                self.thread.insert(at, message.clone());
                if at + 1 == self.thread.len() && !self.pinned {
                    self.unseen += 1;
                }
            }
        }
    }

    /// Shows another list at once; its first page follows with
    /// [`Inbox::show_page`]. Live events apply to the new list from now on.
    pub fn switch(&mut self, list: List) {
        if list == self.list {
            return;
        }
        self.list = list;
        self.items.clear();
        self.next_cursor = None;
        self.departed.clear();
    }

    /// The first page of `list`, fetched from the server. Chats that live
    /// events brought in meanwhile are kept, those that left stay out; a
    /// page for a list no longer shown is ignored.
    pub fn show_page(
        &mut self,
        list: List,
        page: Page<CustomerSummary>,
        parse_ms: impl Fn(&str) -> Option<i64>,
    ) {
        if list != self.list {
            return;
        }
        let arrived: Vec<CustomerSummary> = std::mem::take(&mut self.items);
        let mut items: Vec<CustomerSummary> = page
            .items
            .into_iter()
            .filter(|item| !self.departed.contains(&item.wa_id))
            .filter(|item| !arrived.iter().any(|newer| newer.wa_id == item.wa_id))
            .collect();
        items.extend(arrived);
        let section = list.section;
        items.sort_by(|a, b| order(section, a, b, &parse_ms));
        self.items = items;
        self.next_cursor = page.next_cursor;
    }

    /// A later page of the list ("Load more").
    pub fn append_page(&mut self, list: List, page: Page<CustomerSummary>) {
        if list != self.list {
            return;
        }
        for item in page.items {
            if !self.items.iter().any(|known| known.wa_id == item.wa_id)
                && !self.departed.contains(&item.wa_id)
            {
                self.items.push(item);
            }
        }
        self.next_cursor = page.next_cursor;
    }

    /// Opens a chat (its profile and thread are loaded separately); returns
    /// whether it was not already open.
    pub fn select(&mut self, wa_id: WaId) -> bool {
        self.unread.remove(&wa_id);
        if self.selected.as_ref() == Some(&wa_id) {
            return false;
        }
        self.selected = Some(wa_id);
        self.profile = None;
        self.clear_thread();
        true
    }

    /// Closes the open chat.
    pub fn close(&mut self) {
        self.selected = None;
        self.profile = None;
        self.clear_thread();
    }

    fn clear_thread(&mut self) {
        self.thread.clear();
        self.older_cursor = None;
        self.newer_cursor = None;
        self.pinned = true;
        self.unseen = 0;
        self.focus = None;
    }

    /// The open chat's profile, as fetched.
    pub fn show_profile(&mut self, profile: CustomerProfile) {
        if self.selected.as_ref() == Some(&profile.wa_id) {
            self.profile = Some(profile);
        }
    }

    /// The newest page of the open thread: the reader is at the bottom.
    pub fn show_newest(&mut self, wa_id: &WaId, page: Page<Message>) {
        if self.selected.as_ref() != Some(wa_id) {
            return;
        }
        self.keep_live_copies(page.items);
        self.older_cursor = page.next_cursor;
        self.newer_cursor = None;
        self.pinned = true;
        self.unseen = 0;
        self.focus = None;
    }

    /// The open thread around `message`: `older` ends with it, `newer`
    /// follows it (and continues at its cursor, if the newest is further).
    pub fn show_around(
        &mut self,
        wa_id: &WaId,
        message: i64,
        older: Page<Message>,
        newer: Page<Message>,
    ) {
        if self.selected.as_ref() != Some(wa_id) {
            return;
        }
        self.thread = older.items.into_iter().chain(newer.items).collect();
        self.older_cursor = older.next_cursor;
        self.newer_cursor = newer.next_cursor;
        self.pinned = false;
        self.unseen = 0;
        self.focus = Some(message);
    }

    /// Live events that arrived while the page was on its way stay.
    fn keep_live_copies(&mut self, fetched: Vec<Message>) {
        let live = std::mem::take(&mut self.thread);
        let mut thread = fetched;
        for message in live {
            match thread.iter_mut().find(|known| known.id == message.id) {
                Some(known) if known.delivery >= message.delivery => {}
                Some(known) => *known = message,
                None => {
                    let oldest = thread.first().map_or(i64::MIN, |first| first.id);
                    if message.id > oldest {
                        let at = thread.partition_point(|known| known.id < message.id);
                        thread.insert(at, message);
                    }
                }
            }
        }
        self.thread = thread;
    }

    /// Older messages, above the ones on screen.
    pub fn prepend_older(&mut self, wa_id: &WaId, page: Page<Message>) {
        if self.selected.as_ref() != Some(wa_id) {
            return;
        }
        let oldest = self.thread.first().map_or(i64::MAX, |first| first.id);
        let older = page.items.into_iter().filter(|message| message.id < oldest);
        self.thread = older.chain(std::mem::take(&mut self.thread)).collect();
        self.older_cursor = page.next_cursor;
    }

    /// Newer messages, below the ones on screen (a thread opened at an
    /// older message, read downwards).
    pub fn append_newer(&mut self, wa_id: &WaId, page: Page<Message>) {
        if self.selected.as_ref() != Some(wa_id) {
            return;
        }
        let newest = self.thread.last().map_or(i64::MIN, |last| last.id);
        self.thread
            .extend(page.items.into_iter().filter(|message| message.id > newest));
        self.newer_cursor = page.next_cursor;
        if self.newer_cursor.is_none() {
            self.unseen = 0;
        }
    }

    /// The reader scrolled to the bottom of the thread (`true`) or away.
    pub fn set_pinned(&mut self, pinned: bool) {
        self.pinned = pinned;
        if pinned && self.newer_cursor.is_none() {
            self.unseen = 0;
        }
    }

    /// The focused message was brought into view.
    pub fn focused(&mut self) {
        self.focus = None;
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

/// The open customer's name, or their number when they have none.
pub fn display_name(profile: &CustomerProfile) -> String {
    name_or_number(&profile.name, &profile.wa_id)
}

/// A customer's name, or their number when they have given none.
pub fn name_or_number(name: &str, wa_id: &WaId) -> String {
    if name.is_empty() {
        format!("+{wa_id}")
    } else {
        name.to_owned()
    }
}

/// The order of a section's list, as the server pages it: the Requesting
/// queue longest-waiting first, every other list newest window first; the
/// number breaks ties the same way.
pub fn order(
    section: Section,
    a: &CustomerSummary,
    b: &CustomerSummary,
    parse_ms: impl Fn(&str) -> Option<i64>,
) -> Ordering {
    let at = |time: &Option<String>| time.as_deref().and_then(&parse_ms).unwrap_or(0);
    match section {
        Section::Requesting => {
            (at(&a.waiting_since), &a.wa_id).cmp(&(at(&b.waiting_since), &b.wa_id))
        }
        Section::Active | Section::Intervened | Section::Closed | Section::History => {
            (at(&b.window_expires_at), &b.wa_id).cmp(&(at(&a.window_expires_at), &a.wa_id))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use handover_core::api::{AgentRef, Delivery, Direction, MessageKind};

    const ME: AgentId = AgentId(7);

    fn wa(id: &str) -> WaId {
        WaId::parse(id).unwrap()
    }

    /// Times in these tests are plain numbers of milliseconds.
    fn parse(text: &str) -> Option<i64> {
        text.parse().ok()
    }

    fn inbox_on(section: Section) -> Inbox {
        let mut inbox = Inbox::new(ME);
        inbox.switch(List::all(section));
        inbox
    }

    fn profile(id: &str, status: Status, window: i64) -> CustomerProfile {
        CustomerProfile {
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
            waiting_since: None,
            attributes: Default::default(),
            labels: Vec::new(),
            satisfaction: None,
            last_message_preview: None,
            unread: 0,
        }
    }

    fn waiting_since(id: &str, since: i64) -> CustomerProfile {
        CustomerProfile {
            waiting_since: Some(since.to_string()),
            ..profile(id, Status::Requesting, 1_000)
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
            edited: false,
            deleted: false,
            media: None,
            location: None,
            contacts: Vec::new(),
            reactions: Vec::new(),
            reply_to: None,
            offered: None,
            template_text: None,
            resent_as: None,
        }
    }

    fn messages(wa_id: &str, ids: std::ops::RangeInclusive<i64>) -> Vec<Message> {
        ids.map(|id| message(id, wa_id, Author::User, "hi"))
            .collect()
    }

    fn ids(inbox: &Inbox) -> Vec<&str> {
        inbox.items.iter().map(|item| item.wa_id.as_str()).collect()
    }

    fn thread_ids(inbox: &Inbox) -> Vec<i64> {
        inbox.thread.iter().map(|m| m.id).collect()
    }

    fn user(profile: CustomerProfile) -> Event {
        Event::Customer { profile }
    }

    fn said(message: Message) -> Event {
        Event::Message {
            message: Box::new(message),
        }
    }

    fn page<T>(items: Vec<T>, next_cursor: Option<&str>) -> Page<T> {
        Page {
            items,
            next_cursor: next_cursor.map(str::to_owned),
        }
    }

    #[test]
    fn the_queue_lists_the_longest_waiting_first_whoever_wrote_last() {
        let mut inbox = inbox_on(Section::Requesting);
        inbox.apply(&user(waiting_since("9100000001", 300)), parse);
        inbox.apply(&user(waiting_since("9100000002", 100)), parse);
        inbox.apply(&user(waiting_since("9100000003", 200)), parse);
        assert_eq!(ids(&inbox), ["9100000002", "9100000003", "9100000001"]);
        // The longest waiting writes again: their window moves, their place does not.
        let mut again = waiting_since("9100000002", 100);
        again.window_expires_at = Some("5000".into());
        inbox.apply(&user(again), parse);
        assert_eq!(ids(&inbox), ["9100000002", "9100000003", "9100000001"]);
    }

    #[test]
    fn other_sections_list_the_newest_window_first() {
        let mut inbox = inbox_on(Section::Active);
        inbox.apply(&user(profile("9100000001", Status::Active, 100)), parse);
        inbox.apply(&user(profile("9100000002", Status::Active, 300)), parse);
        inbox.apply(&user(profile("9100000003", Status::Active, 200)), parse);
        inbox.apply(&user(profile("9100000004", Status::Requesting, 400)), parse);
        assert_eq!(ids(&inbox), ["9100000002", "9100000003", "9100000001"]);
    }

    #[test]
    fn a_chat_leaves_the_section_when_its_status_changes_and_keeps_its_preview() {
        let mut inbox = inbox_on(Section::Active);
        inbox.apply(&user(profile("9100000001", Status::Active, 100)), parse);
        inbox.apply(&said(message(1, "9100000001", Author::User, "Hi")), parse);
        assert_eq!(inbox.items[0].last_message_preview.as_deref(), Some("Hi"));
        inbox.apply(&user(profile("9100000001", Status::Active, 150)), parse);
        assert_eq!(inbox.items[0].last_message_preview.as_deref(), Some("Hi"));

        inbox.apply(&user(profile("9100000001", Status::Requesting, 150)), parse);
        assert!(inbox.items.is_empty());
    }

    #[test]
    fn the_preview_shows_what_the_customer_wrote_not_the_bot() {
        let mut inbox = inbox_on(Section::Requesting);
        inbox.apply(&user(waiting_since("9100000001", 100)), parse);
        inbox.apply(
            &said(message(
                1,
                "9100000001",
                Author::User,
                "hello?? is anyone there",
            )),
            parse,
        );
        inbox.apply(
            &said(message(
                2,
                "9100000001",
                Author::Bot,
                "You are number 1 in the queue",
            )),
            parse,
        );
        inbox.apply(
            &said(message(
                3,
                "9100000001",
                Author::System,
                "Requested an agent",
            )),
            parse,
        );
        assert_eq!(
            inbox.items[0].last_message_preview.as_deref(),
            Some("hello?? is anyone there")
        );
    }

    #[test]
    fn history_lists_closed_windows_whatever_the_status() {
        let mut inbox = inbox_on(Section::History);
        inbox.apply(&user(profile("9100000001", Status::Requesting, 0)), parse);
        inbox.apply(&user(profile("9100000002", Status::Active, 50)), parse);
        assert_eq!(ids(&inbox), ["9100000001"]);
    }

    #[test]
    fn mine_lists_only_the_chats_the_agent_holds() {
        let mut inbox = Inbox::new(ME);
        inbox.switch(List {
            section: Section::Intervened,
            mine: true,
        });
        let held_by = |id: &str, agent: i64| CustomerProfile {
            assigned_agent: Some(AgentRef {
                id: AgentId(agent),
                name: "Someone".into(),
            }),
            ..profile(id, Status::Intervened, 100)
        };
        inbox.apply(&user(held_by("9100000001", 7)), parse);
        inbox.apply(&user(held_by("9100000002", 8)), parse);
        assert_eq!(ids(&inbox), ["9100000001"]);
        // Transferred away, it leaves the list.
        inbox.apply(&user(held_by("9100000001", 8)), parse);
        assert!(ids(&inbox).is_empty());
        // Transferred in, it comes with what the customer wrote last.
        let handed_over = CustomerProfile {
            last_message_preview: Some("Where is my cake?".into()),
            ..held_by("9100000002", ME.0)
        };
        inbox.apply(&user(handed_over), parse);
        assert_eq!(ids(&inbox), ["9100000002"]);
        assert_eq!(
            inbox.items()[0].last_message_preview.as_deref(),
            Some("Where is my cake?")
        );
    }

    #[test]
    fn the_open_thread_grows_and_delivery_updates_replace_the_message() {
        let mut inbox = Inbox::new(ME);
        inbox.select(wa("9100000001"));
        inbox.apply(
            &said(message(2, "9100000001", Author::Agent, "Hello")),
            parse,
        );
        inbox.apply(&said(message(1, "9100000001", Author::User, "Hi")), parse);
        let mut read = message(2, "9100000001", Author::Agent, "Hello");
        read.delivery = Some(Delivery::Read);
        inbox.apply(&said(read), parse);
        let thread: Vec<_> = inbox.thread.iter().map(|m| (m.id, m.delivery)).collect();
        assert_eq!(thread, [(1, None), (2, Some(Delivery::Read))]);
        // Messages of other chats do not enter the open thread; they mark it unread.
        inbox.apply(&said(message(3, "9100000002", Author::User, "Hey")), parse);
        assert_eq!(inbox.thread.len(), 2);
        assert!(inbox.unread.contains(&wa("9100000002")));
        assert!(inbox.select(wa("9100000002")));
        assert!(inbox.unread.is_empty());
        assert!(inbox.thread.is_empty());
        assert!(!inbox.select(wa("9100000002")), "already open");
    }

    #[test]
    fn a_late_copy_of_a_message_never_takes_its_tick_back() {
        let mut inbox = Inbox::new(ME);
        inbox.select(wa("9100000001"));
        let mut sent = message(5, "9100000001", Author::Agent, "Hello");
        sent.delivery = Some(Delivery::Sent);
        let mut pending = sent.clone();
        pending.delivery = Some(Delivery::Pending);
        inbox.apply(&said(sent), parse);
        inbox.apply(&said(pending), parse);
        assert_eq!(inbox.thread[0].delivery, Some(Delivery::Sent));
    }

    #[test]
    fn new_messages_below_a_reader_who_scrolled_up_are_counted_until_they_return() {
        let priya = wa("9100000001");
        let mut inbox = Inbox::new(ME);
        inbox.select(priya.clone());
        inbox.show_newest(&priya, page(messages("9100000001", 1..=50), Some("1")));
        assert!(inbox.pinned(), "a chat opens at its newest message");

        inbox.apply(
            &said(message(51, "9100000001", Author::User, "more")),
            parse,
        );
        assert_eq!(
            inbox.unseen(),
            0,
            "the reader at the bottom sees it come in"
        );

        inbox.set_pinned(false);
        inbox.apply(&said(message(52, "9100000001", Author::User, "one")), parse);
        inbox.apply(&said(message(53, "9100000001", Author::Bot, "two")), parse);
        let mut delivered = message(53, "9100000001", Author::Bot, "two");
        delivered.delivery = Some(Delivery::Delivered);
        inbox.apply(&said(delivered), parse);
        assert_eq!(inbox.unseen(), 2, "a tick is no new message");

        inbox.set_pinned(true);
        assert_eq!(inbox.unseen(), 0);
    }

    #[test]
    fn older_pages_go_above_and_keep_the_live_messages() {
        let priya = wa("9100000001");
        let mut inbox = Inbox::new(ME);
        inbox.select(priya.clone());
        // A live message arrives before the first page.
        inbox.apply(
            &said(message(61, "9100000001", Author::User, "live")),
            parse,
        );
        inbox.show_newest(&priya, page(messages("9100000001", 11..=60), Some("11")));
        assert_eq!(thread_ids(&inbox).first(), Some(&11));
        assert_eq!(thread_ids(&inbox).last(), Some(&61));
        inbox.prepend_older(&priya, page(messages("9100000001", 1..=10), None));
        assert_eq!(thread_ids(&inbox), (1..=61).collect::<Vec<_>>());
        assert_eq!(inbox.older_cursor(), None);
    }

    #[test]
    fn a_thread_opened_at_an_older_message_fills_in_downwards_and_counts_live_ones() {
        let priya = wa("9100000001");
        let mut inbox = Inbox::new(ME);
        inbox.select(priya.clone());
        inbox.show_around(
            &priya,
            30,
            page(messages("9100000001", 5..=30), Some("5")),
            page(messages("9100000001", 31..=80), Some("80")),
        );
        assert_eq!(inbox.focus(), Some(30));
        assert!(!inbox.pinned());
        // A live message beyond the gap is counted, not shown out of order.
        inbox.apply(
            &said(message(200, "9100000001", Author::User, "new")),
            parse,
        );
        assert_eq!(thread_ids(&inbox).last(), Some(&80));
        assert_eq!(inbox.unseen(), 1);
        inbox.set_pinned(true);
        assert_eq!(inbox.unseen(), 1, "still beyond the loaded messages");

        inbox.append_newer(&priya, page(messages("9100000001", 81..=120), None));
        assert_eq!(thread_ids(&inbox).last(), Some(&120));
        assert_eq!(inbox.newer_cursor(), None);
        assert_eq!(inbox.unseen(), 0);
        inbox.apply(
            &said(message(201, "9100000001", Author::User, "newer")),
            parse,
        );
        assert_eq!(
            thread_ids(&inbox).last(),
            Some(&201),
            "at the live end again"
        );
    }

    #[test]
    fn pages_for_a_chat_no_longer_open_are_ignored() {
        let (priya, rohan) = (wa("9100000001"), wa("9100000002"));
        let mut inbox = Inbox::new(ME);
        inbox.select(rohan.clone());
        inbox.show_newest(&priya, page(messages("9100000001", 1..=3), None));
        inbox.prepend_older(&priya, page(messages("9100000001", 1..=3), None));
        assert!(inbox.thread.is_empty());
        inbox.close();
        assert_eq!(inbox.selected(), None);
    }

    #[test]
    fn the_open_profile_follows_its_events_and_counts_follow_theirs() {
        let mut inbox = Inbox::new(ME);
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

    fn summaries(profiles: Vec<CustomerProfile>) -> Page<CustomerSummary> {
        let mut scratch = inbox_on(Section::Active);
        for profile in profiles {
            scratch.apply(&user(profile), parse);
        }
        page(scratch.items, None)
    }

    #[test]
    fn a_page_fetched_before_live_events_does_not_undo_them() {
        let mut inbox = inbox_on(Section::Active);
        // While the page is on its way: one customer arrives, one leaves.
        inbox.apply(&user(profile("9100000003", Status::Active, 300)), parse);
        inbox.apply(&user(profile("9100000001", Status::Requesting, 250)), parse);
        let stale = summaries(vec![
            profile("9100000001", Status::Active, 100),
            profile("9100000002", Status::Active, 200),
        ]);
        inbox.show_page(List::all(Section::Active), stale, parse);
        assert_eq!(ids(&inbox), ["9100000003", "9100000002"]);
    }

    #[test]
    fn a_page_for_a_list_no_longer_shown_is_ignored() {
        let mut inbox = inbox_on(Section::History);
        let active = summaries(vec![profile("9100000001", Status::Active, 100)]);
        inbox.show_page(List::all(Section::Active), active.clone(), parse);
        inbox.append_page(List::all(Section::Active), active);
        assert!(inbox.items.is_empty());
    }

    #[test]
    fn a_rising_requesting_count_names_the_customer_who_started_waiting() {
        let mut inbox = Inbox::new(ME);
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
        inbox.apply(&user(waiting_since("9100000002", 100)), parse);
        let waiting = inbox.apply(&counts(2), parse).expect("an alert");
        assert_eq!(waiting.name, "Customer 9100000002");
        // A message from a waiting customer, or someone taking a chat, is no new arrival.
        inbox.apply(&user(waiting_since("9100000002", 100)), parse);
        assert_eq!(inbox.apply(&counts(2), parse), None);
        assert_eq!(inbox.apply(&counts(1), parse), None);
    }

    #[test]
    fn j_and_k_move_through_the_list() {
        let mut inbox = inbox_on(Section::Requesting);
        for (n, id) in ["9100000001", "9100000002", "9100000003"]
            .iter()
            .enumerate()
        {
            inbox.apply(&user(waiting_since(id, n as i64)), parse);
        }
        assert_eq!(inbox.neighbour(1), Some(wa("9100000001")));
        inbox.select(wa("9100000001"));
        assert_eq!(inbox.neighbour(1), Some(wa("9100000002")));
        assert_eq!(inbox.neighbour(-1), None);
    }
}
