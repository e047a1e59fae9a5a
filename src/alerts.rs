//! Telling an agent that a customer started waiting: a browser notification
//! and a short chime, each switchable off and remembered in this browser.
//! Permission for notifications is asked only when the agent switches them
//! on (a click, as browsers require).

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{
    AudioContext, Notification, NotificationOptions, NotificationPermission, OscillatorType,
};

use handover_core::notes::{Handover, Mention};

use crate::inbox_state::Waiting;

const NOTIFY_KEY: &str = "handover.alerts.notify";
const SOUND_KEY: &str = "handover.alerts.sound";

/// The agent's alert settings, as signals.
#[derive(Clone, Copy)]
pub struct AlertSettings {
    pub notify: RwSignal<bool>,
    pub sound: RwSignal<bool>,
}

impl AlertSettings {
    /// Loads the settings; sound is on and notifications off until asked.
    pub fn load() -> Self {
        let settings = Self {
            notify: RwSignal::new(stored(NOTIFY_KEY).unwrap_or(false) && permitted()),
            sound: RwSignal::new(stored(SOUND_KEY).unwrap_or(true)),
        };
        Effect::new(move |_| store(NOTIFY_KEY, settings.notify.get()));
        Effect::new(move |_| store(SOUND_KEY, settings.sound.get()));
        settings
    }

    /// Switches notifications; switching on asks the browser once.
    pub fn toggle_notifications(self) {
        if self.notify.get_untracked() {
            self.notify.set(false);
            return;
        }
        if permitted() {
            self.notify.set(true);
            return;
        }
        let Ok(promise) = Notification::request_permission() else {
            return;
        };
        let notify = self.notify;
        leptos::task::spawn_local(async move {
            let granted = wasm_bindgen_futures::JsFuture::from(promise)
                .await
                .ok()
                .and_then(|answer| answer.as_string())
                .is_some_and(|answer| answer == "granted");
            notify.set(granted);
        });
    }

    /// Alerts for one customer who started waiting.
    pub fn announce(self, waiting: &Waiting) {
        if self.notify.get_untracked() && permitted() {
            let options = NotificationOptions::new();
            options.set_body(&format!("{} is waiting for an agent.", waiting.name));
            options.set_tag(&format!("requesting-{}", waiting.wa_id));
            let _ = Notification::new_with_options("Handover: a customer is waiting", &options);
        }
        if self.sound.get_untracked() {
            chime();
        }
    }

    /// Alerts for a note that mentions the signed-in person.
    pub fn mentioned(self, mention: &Mention) {
        if self.notify.get_untracked() && permitted() {
            let options = NotificationOptions::new();
            options.set_body(&mention.text);
            options.set_tag(&format!("mention-{}", mention.message_id));
            let _ = Notification::new_with_options(
                &format!(
                    "{} mentioned you in the chat with {}",
                    mention.by.name, mention.customer
                ),
                &options,
            );
        }
        if self.sound.get_untracked() {
            chime();
        }
    }
}

impl AlertSettings {
    /// Alerts for a chat a colleague passed to the signed-in person, as for
    /// a customer who starts waiting.
    pub fn handed_over(self, handover: &Handover) {
        if self.notify.get_untracked() && permitted() {
            let options = NotificationOptions::new();
            options.set_body(&format!(
                "{} passed you the chat with {}.",
                handover.by.name, handover.customer
            ));
            options.set_tag(&format!("handover-{}", handover.wa_id));
            let _ = Notification::new_with_options("Handover: a chat is yours now", &options);
        }
        if self.sound.get_untracked() {
            chime();
        }
    }
}

fn permitted() -> bool {
    Notification::permission() == NotificationPermission::Granted
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn stored(key: &str) -> Option<bool> {
    storage()?.get_item(key).ok()?.map(|value| value == "on")
}

fn store(key: &str, on: bool) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(key, if on { "on" } else { "off" });
    }
}

/// Two short soft tones.
fn chime() {
    let Ok(context) = AudioContext::new() else {
        return;
    };
    let now = context.current_time();
    for (offset, frequency) in [(0.0, 880.0), (0.16, 1175.0)] {
        let (Ok(oscillator), Ok(gain)) = (context.create_oscillator(), context.create_gain())
        else {
            return;
        };
        oscillator.set_type(OscillatorType::Sine);
        oscillator.frequency().set_value(frequency);
        gain.gain().set_value(0.0001);
        let _ = gain
            .gain()
            .exponential_ramp_to_value_at_time(0.15, now + offset + 0.02);
        let _ = gain
            .gain()
            .exponential_ramp_to_value_at_time(0.0001, now + offset + 0.14);
        let connected = oscillator
            .connect_with_audio_node(&gain)
            .and_then(|_| gain.connect_with_audio_node(context.destination().unchecked_ref()));
        if connected.is_ok() {
            let _ = oscillator.start_with_when(now + offset);
            let _ = oscillator.stop_with_when(now + offset + 0.15);
        }
    }
}
