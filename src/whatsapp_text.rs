//! WhatsApp's formatting in a message, as the customer's phone shows it:
//! `*bold*`, `_italic_`, `~strikethrough~` and ```` ```monospace``` ````.
//! A marker counts only where WhatsApp's does: it opens before a
//! non-space, closes after one, sits at a word's edge, and (but for
//! monospace) stays on one line. Everything else is text as written.

/// A run of text with its styles.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Styled {
    pub text: String,
    pub bold: bool,
    pub italic: bool,
    pub strike: bool,
    pub mono: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Style {
    bold: bool,
    italic: bool,
    strike: bool,
    mono: bool,
}

impl Style {
    fn with(self, marker: &str) -> Style {
        let mut style = self;
        match marker {
            "*" => style.bold = true,
            "_" => style.italic = true,
            "~" => style.strike = true,
            _ => style.mono = true,
        }
        style
    }
}

const MARKERS: [&str; 4] = ["```", "*", "_", "~"];

/// The text in runs of one style each.
pub fn styled(text: &str) -> Vec<Styled> {
    let mut runs = Vec::new();
    parse(text, Style::default(), &mut runs);
    runs
}

fn push(runs: &mut Vec<Styled>, text: &str, style: Style) {
    if text.is_empty() {
        return;
    }
    match runs.last_mut() {
        Some(last)
            if (last.bold, last.italic, last.strike, last.mono)
                == (style.bold, style.italic, style.strike, style.mono) =>
        {
            last.text.push_str(text);
        }
        _ => runs.push(Styled {
            text: text.to_owned(),
            bold: style.bold,
            italic: style.italic,
            strike: style.strike,
            mono: style.mono,
        }),
    }
}

fn parse(text: &str, style: Style, runs: &mut Vec<Styled>) {
    let mut rest = text;
    let mut plain_until = 0;
    let mut at = 0;
    while at < rest.len() {
        let found = MARKERS.iter().find_map(|marker| {
            let open = rest[at..].starts_with(marker) && opens(rest, at, marker);
            open.then(|| closing(rest, at + marker.len(), marker).map(|close| (*marker, close)))
                .flatten()
        });
        match found {
            Some((marker, close)) => {
                push(runs, &rest[plain_until..at], style);
                let inner = &rest[at + marker.len()..close];
                let inner_style = style.with(marker);
                if marker == "```" {
                    push(runs, inner, inner_style);
                } else {
                    parse(inner, inner_style, runs);
                }
                rest = &rest[close + marker.len()..];
                at = 0;
                plain_until = 0;
            }
            None => {
                at += rest[at..].chars().next().map_or(1, char::len_utf8);
            }
        }
    }
    push(runs, &rest[plain_until..], style);
}

/// Whether the marker at `at` may open: at the start or after a space or
/// punctuation, and before a non-space.
fn opens(text: &str, at: usize, marker: &str) -> bool {
    let before = text[..at].chars().next_back();
    let after = text[at + marker.len()..].chars().next();
    before.is_none_or(|c| !c.is_alphanumeric()) && after.is_some_and(|c| !c.is_whitespace())
}

/// Where the marker that closes one opened before `from` is, if any.
fn closing(text: &str, from: usize, marker: &str) -> Option<usize> {
    let mut search = from;
    while let Some(found) = text[search..].find(marker) {
        let at = search + found;
        let inner = &text[from..at];
        if marker != "```" && inner.contains('\n') {
            return None;
        }
        let before = text[..at].chars().next_back();
        let after = text[at + marker.len()..].chars().next();
        let closes = !inner.is_empty()
            && before.is_some_and(|c| !c.is_whitespace())
            && after.is_none_or(|c| !c.is_alphanumeric());
        if closes {
            return Some(at);
        }
        search = at + marker.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(text: &str) -> Vec<(String, &'static str)> {
        styled(text)
            .into_iter()
            .map(|run| {
                let style = match (run.bold, run.italic, run.strike, run.mono) {
                    (true, true, _, _) => "bold italic",
                    (true, _, _, _) => "bold",
                    (_, true, _, _) => "italic",
                    (_, _, true, _) => "strike",
                    (_, _, _, true) => "mono",
                    _ => "plain",
                };
                (run.text, style)
            })
            .collect()
    }

    #[test]
    fn markers_style_what_they_enclose() {
        assert_eq!(
            shown("Your order is *ready* and _fresh_, ~late~ ```#4471```"),
            [
                ("Your order is ".into(), "plain"),
                ("ready".into(), "bold"),
                (" and ".into(), "plain"),
                ("fresh".into(), "italic"),
                (", ".into(), "plain"),
                ("late".into(), "strike"),
                (" ".into(), "plain"),
                ("#4471".into(), "mono"),
            ]
        );
        assert_eq!(shown("*_both_*"), [("both".into(), "bold italic")]);
    }

    #[test]
    fn markers_inside_words_or_apart_from_text_stay_as_written() {
        for text in [
            "2*3*4",
            "snake_case_name",
            "a * b * c",
            "*not\nacross lines*",
            "**",
            "price: 5*",
        ] {
            assert_eq!(shown(text), [(text.to_owned(), "plain")], "{text}");
        }
    }
}
