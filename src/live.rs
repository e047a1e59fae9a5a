//! The live connection to `GET /api/events`. The browser's EventSource
//! reconnects by itself and sends `Last-Event-ID`, so nothing is missed
//! while the connection is down (a server restarting says so with an `end`
//! event and is reconnected to when it is back); `connected` tells the
//! view when it is. A stream that ends because the session is over calls
//! `on_signed_out` instead.

use handover_core::api::Event;
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{EventSource, MessageEvent};

/// An open EventSource and the callbacks it holds; closed on drop.
pub struct Live {
    source: EventSource,
    _callbacks: Vec<Closure<dyn FnMut(web_sys::Event)>>,
}

impl Drop for Live {
    fn drop(&mut self) {
        self.source.close();
    }
}

/// Opens the stream; each event is handed to `on_event`.
pub fn connect(
    on_event: impl Fn(Event) + 'static,
    connected: RwSignal<bool>,
    on_signed_out: Callback<()>,
) -> Option<Live> {
    let source = EventSource::new("/api/events").ok()?;
    let on_event = std::rc::Rc::new(on_event);
    let mut callbacks = Vec::new();
    for name in ["sections", "user", "message", "mention"] {
        let on_event = on_event.clone();
        let callback = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
            let data = event
                .dyn_ref::<MessageEvent>()
                .and_then(|event| event.data().as_string());
            if let Some(event) = data.and_then(|data| serde_json::from_str::<Event>(&data).ok()) {
                on_event(event);
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
        _callbacks: callbacks,
    })
}
