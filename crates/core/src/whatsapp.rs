//! WhatsApp's limits on what one message may carry, written once for the
//! server, the bot and the web app.

/// The longest text WhatsApp delivers in one message, in characters.
pub const MAX_TEXT_CHARS: usize = 4_096;

/// The longest caption of a photo, video or document, in characters.
pub const MAX_CAPTION_CHARS: usize = 1_024;

/// The longest body of an interactive message (buttons, a list).
pub const MAX_INTERACTIVE_BODY_CHARS: usize = 1_024;
