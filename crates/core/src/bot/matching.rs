//! How customer text is compared with an intent's examples and keywords.
//!
//! Text is normalised (case, accents, punctuation, extra spaces); an
//! example's confidence is the better of a whole-text edit-distance score
//! and a token-overlap score in which tokens match when spelled nearly alike
//! (both from `strsim`). A keyword that appears in the text, allowing a
//! small misspelling, is full confidence.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Two tokens count as the same word at this similarity or above.
const SAME_WORD: f64 = 0.8;

/// Lowercase, accents removed, punctuation as spaces, single spaces.
pub fn normalise(text: &str) -> String {
    let folded: String = text
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// How alike two words are: 1 for the same word, the edit-distance score
/// for a near spelling of a longer word, otherwise 0.
fn word_likeness(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    if a.len() <= 3 || b.len() <= 3 {
        return 0.0;
    }
    let score = strsim::normalized_damerau_levenshtein(a, b);
    if score >= SAME_WORD {
        score
    } else {
        0.0
    }
}

fn same_word(a: &str, b: &str) -> bool {
    word_likeness(a, b) > 0.0
}

/// How well normalised `text` matches normalised `example`, from 0 to 1.
pub fn similarity(text: &str, example: &str) -> f64 {
    if text.is_empty() || example.is_empty() {
        return 0.0;
    }
    let whole = strsim::normalized_damerau_levenshtein(text, example);
    let words: Vec<&str> = text.split(' ').collect();
    let expected: Vec<&str> = example.split(' ').collect();
    // Each expected word counts as much as its best look-alike in the text.
    let found: f64 = expected
        .iter()
        .map(|e| {
            words
                .iter()
                .map(|w| word_likeness(w, e))
                .fold(0.0, f64::max)
        })
        .sum();
    let recall = found / expected.len() as f64;
    let precision = found / words.len() as f64;
    let overlap = if found == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    };
    whole.max(overlap)
}

/// Whether normalised `text` contains the normalised keyword phrase, each
/// word allowing a small misspelling.
pub fn contains_keyword(text: &str, keyword: &str) -> bool {
    let words: Vec<&str> = text.split(' ').collect();
    let phrase: Vec<&str> = keyword.split(' ').filter(|w| !w.is_empty()).collect();
    !phrase.is_empty()
        && words.len() >= phrase.len()
        && words
            .windows(phrase.len())
            .any(|window| window.iter().zip(&phrase).all(|(w, p)| same_word(w, p)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_normalised_for_case_accents_punctuation_and_spaces() {
        let cases = [
            ("  Where's my ORDER?? ", "where s my order"),
            ("Café   crème!", "cafe creme"),
            ("Ñandú, señor", "nandu senor"),
            ("REFUND\tplease", "refund please"),
            ("", ""),
        ];
        for (text, expected) in cases {
            assert_eq!(normalise(text), expected, "{text:?}");
        }
    }

    #[test]
    fn similar_questions_score_high_and_unrelated_ones_low() {
        let example = normalise("Where is my order?");
        let high = [
            "where is my order",
            "wher is my ordr",
            "WHERE IS MY ORDER!!!",
            "where is my order please",
        ];
        for text in high {
            let score = similarity(&normalise(text), &example);
            assert!(score >= 0.8, "{text}: {score}");
        }
        for text in ["what are your opening hours", "hello", "i want a refund"] {
            let score = similarity(&normalise(text), &example);
            assert!(score < 0.8, "{text}: {score}");
        }
    }

    #[test]
    fn keywords_match_as_words_allowing_small_misspellings() {
        assert!(contains_keyword("i want a refund now", "refund"));
        assert!(contains_keyword("i want a refnd now", "refund"));
        assert!(contains_keyword(
            "can i talk to an agent",
            "talk to an agent"
        ));
        assert!(!contains_keyword("refunded items policy", "refund policy"));
        assert!(!contains_keyword("management", "agent"));
        assert!(!contains_keyword("", "agent"));
    }
}
