//! The live connection to `GET /api/events`. The browser's EventSource
//! reconnects by itself and sends `Last-Event-ID`, so nothing is missed
//! while the connection is down; `connected` tells the view when it is.

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
pub fn connect(on_event: impl Fn(Event) + 'static, connected: RwSignal<bool>) -> Option<Live> {
    let source = EventSource::new("/api/events").ok()?;
    let on_event = std::rc::Rc::new(on_event);
    let mut callbacks = Vec::new();
    for name in ["sections", "user", "message"] {
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
