//! Why WhatsApp refused one of our messages, in words an agent can act on,
//! and whether sending it again can succeed. WhatsApp's error code is read
//! from the reason stored with the message (a status callback's
//! `Title (131047): details`, or a refused send's `HTTP 400, error 131026`).

/// What an agent reads under a message WhatsApp did not deliver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailureAdvice {
    /// What happened and what to do, in plain words.
    pub words: String,
    /// Sending the same message again can succeed (a limit, an outage).
    pub retry: bool,
    /// The customer's 24-hour window had closed: only a template reaches
    /// them now.
    pub needs_template: bool,
}

/// WhatsApp's codes this module knows, with what they mean for an agent:
/// (code, words, retry, needs a template).
const KNOWN: &[(u32, &str, bool, bool)] = &[
    (131047, "More than 24 hours passed since the customer last wrote, so WhatsApp only delivers an approved template: send a template instead.", false, true),
    (131026, "This number cannot receive WhatsApp messages (it is not on WhatsApp, uses an old version, or has not accepted WhatsApp's terms). Reach the customer another way.", false, false),
    (131050, "The customer has stopped marketing messages from this business. Do not send them marketing templates.", false, false),
    (131049, "WhatsApp held back this marketing message to protect the customer's experience. Try again later, or send a utility template.", true, false),
    (130429, "WhatsApp's sending limit for this number was reached. Retry in a moment.", true, false),
    (131056, "Too many messages went to this customer in a short time. Retry in a moment.", true, false),
    (131048, "WhatsApp limited this number because of its quality rating. Retry later, and keep messages wanted and expected.", true, false),
    (131000, "Something went wrong at WhatsApp. Retry.", true, false),
    (131016, "WhatsApp's service was unavailable. Retry.", true, false),
    (131052, "WhatsApp could not fetch the file. Retry, or attach it again.", true, false),
    (131053, "WhatsApp could not use the file (its type or size). Send another file.", false, false),
    (131051, "WhatsApp does not support this kind of message.", false, false),
    (132000, "The template's parameters do not match the approved template: check their number.", false, false),
    (132001, "This template does not exist in this language, or is not approved yet.", false, false),
    (132005, "The filled-in template is too long: shorten its parameters.", false, false),
    (132007, "WhatsApp's policy refused this template's content.", false, false),
    (132012, "A template parameter is not in the format WhatsApp expects.", false, false),
    (132015, "WhatsApp paused this template for low quality. Use another template.", false, false),
    (132016, "WhatsApp disabled this template. Use another template.", false, false),
    (131031, "This WhatsApp Business account is locked. A manager must contact Meta.", false, false),
    (368, "WhatsApp has temporarily blocked this number for policy reasons.", false, false),
    (190, "The WhatsApp access token was refused: a manager must renew it, then retry.", false, false),
];

/// What an agent reads, and may do, about a message that failed with
/// `reason`.
pub fn advice(reason: &str) -> FailureAdvice {
    if let Some(&(_, words, retry, needs_template)) =
        codes(reason).find_map(|code| KNOWN.iter().find(|(known, ..)| *known == code))
    {
        return FailureAdvice {
            words: words.to_owned(),
            retry,
            needs_template,
        };
    }
    let outage = reason.contains("HTTP 429")
        || reason.contains("HTTP 5")
        || reason.contains("could not be reached");
    FailureAdvice {
        words: if outage {
            format!("WhatsApp could not take the message just now ({reason}). Retry.")
        } else {
            format!("Not delivered: {reason}")
        },
        retry: outage,
        needs_template: false,
    }
}

/// The numbers in `reason` that could be WhatsApp's error codes, in order.
fn codes(reason: &str) -> impl Iterator<Item = u32> + '_ {
    reason
        .split(|c: char| !c.is_ascii_digit())
        .filter(|digits| (3..=6).contains(&digits.len()))
        .filter_map(|digits| digits.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whatsapps_codes_read_as_what_to_do() {
        let closed = advice("Re-engagement message (131047): More than 24 hours have passed");
        assert!(closed.needs_template && !closed.retry);
        assert!(closed.words.contains("send a template"));
        let not_on_whatsapp =
            advice("WhatsApp refused the message (HTTP 400, error 131026): Message Undeliverable");
        assert!(!not_on_whatsapp.retry);
        assert!(not_on_whatsapp.words.contains("cannot receive"));
        assert!(advice("Marketing messages stopped (131050)")
            .words
            .contains("stopped marketing"));
        let limited = advice("Rate limit hit (130429): too many");
        assert!(limited.retry && !limited.needs_template);
        // HTTP 400 is not mistaken for a code; an outage can be retried.
        assert!(advice("WhatsApp refused the message (HTTP 503): busy").retry);
        assert!(advice("WhatsApp could not be reached: timed out").retry);
        let unknown = advice("WhatsApp refused the message (HTTP 400): Scripted failure 400");
        assert_eq!(
            unknown,
            FailureAdvice {
                words:
                    "Not delivered: WhatsApp refused the message (HTTP 400): Scripted failure 400"
                        .into(),
                retry: false,
                needs_template: false
            }
        );
    }
}
