//! The live connection to `GET /api/events`. The browser's EventSource
//! reconnects by itself and sends `Last-Event-ID`, so nothing is missed
//! while the connection is down (a server restarting says so with an `end`
//! event and is reconnected to when it is back); `connected` tells the
//! view when it is. A stream that ends because the session is over calls
//! `on_signed_out` instead.
//!
//! Events are handed over together, once per animation frame (or every
//! [`HIDDEN_FLUSH`] while the tab is hidden, where frames stop but alerts
//! must not), so a burst of a thousand events a second updates the views a
//! few dozen times, not a thousand.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use handover_core::api::Event;
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{EventSource, MessageEvent};

/// How often events are handed over while the tab is hidden.
const HIDDEN_FLUSH: Duration = Duration::from_millis(250);

/// An open EventSource and the callbacks it holds; closed on drop.
pub struct Live {
    source: EventSource,
    closed: Rc<Cell<bool>>,
    _callbacks: Vec<Closure<dyn FnMut(web_sys::Event)>>,
}

impl Drop for Live {
    fn drop(&mut self) {
        self.closed.set(true);
        self.source.close();
    }
}

/// Events received and not yet handed over, and whether a hand-over is
/// scheduled.
struct Pending<F> {
    events: RefCell<Vec<Event>>,
    scheduled: Cell<bool>,
    closed: Rc<Cell<bool>>,
    on_events: F,
}

impl<F: Fn(Vec<Event>) + 'static> Pending<F> {
    fn push(self: &Rc<Self>, event: Event) {
        self.events.borrow_mut().push(event);
        if self.scheduled.replace(true) {
            return;
        }
        let pending = self.clone();
        let flush = move || pending.flush();
        if document().hidden() {
            set_timeout(flush, HIDDEN_FLUSH);
        } else {
            request_animation_frame(flush);
        }
    }

    fn flush(&self) {
        self.scheduled.set(false);
        let events = self.events.take();
        if !self.closed.get() && !events.is_empty() {
            (self.on_events)(events);
        }
    }
}

/// Opens the stream; events are handed to `on_events` in arrival order,
/// those of one frame together.
pub fn connect(
    on_events: impl Fn(Vec<Event>) + 'static,
    connected: RwSignal<bool>,
    on_signed_out: Callback<()>,
) -> Option<Live> {
    let source = EventSource::new("/api/events").ok()?;
    let closed = Rc::new(Cell::new(false));
    let pending = Rc::new(Pending {
        events: RefCell::default(),
        scheduled: Cell::new(false),
        closed: closed.clone(),
        on_events,
    });
    let mut callbacks = Vec::new();
    for name in [
        "sections", "user", "message", "mention", "setup", "handover",
    ] {
        let pending = pending.clone();
        let callback = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
            let data = event
                .dyn_ref::<MessageEvent>()
                .and_then(|event| event.data().as_string());
            if let Some(event) = data.and_then(|data| serde_json::from_str::<Event>(&data).ok()) {
                pending.push(event);
            }
        });
        source
            .add_event_listener_with_callback(name, callback.as_ref().unchecked_ref())
            .ok()?;
        callbacks.push(callback);
    }
    // The server's last word on a stream: it stops (the browser reconnects
    // by itself), or the session is over (reconnecting would be refused).
    let ending = source.clone();
    let ended = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
        connected.set(false);
        let reason = event
            .dyn_ref::<MessageEvent>()
            .and_then(|event| event.data().as_string())
            .unwrap_or_default();
        if reason.contains("signed_out") {
            ending.close();
            on_signed_out.run(());
        }
    });
    source
        .add_event_listener_with_callback("end", ended.as_ref().unchecked_ref())
        .ok()?;
    callbacks.push(ended);
    let opened = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| connected.set(true));
    let failed = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| connected.set(false));
    source.set_onopen(Some(opened.as_ref().unchecked_ref()));
    source.set_onerror(Some(failed.as_ref().unchecked_ref()));
    callbacks.extend([opened, failed]);
    Some(Live {
        source,
        closed,
        _callbacks: callbacks,
    })
}
