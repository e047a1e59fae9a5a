//! Phone numbers as people type them ("098200 12345", "+91-98200-12345",
//! "(415) 555-2671") turned into WhatsApp ids: E.164 without the `+`,
//! checked against each country's numbering plan by `phonenumber`
//! (libphonenumber's data), never by a regular expression.

use std::str::FromStr;

use handover_core::WaId;
use phonenumber::country::Id as Country;
use phonenumber::Mode;

/// The country that numbers without a country code belong to.
pub fn parse_country(code: &str) -> Result<Country, String> {
    let code = code.trim().to_ascii_uppercase();
    Country::from_str(&code).map_err(|_| {
        format!("country: {code:?} is not a two-letter country code such as IN, US or GB")
    })
}

/// The WhatsApp id of a number given with its country code, with or
/// without the `+` ("919820012345", "+1 415 555 2671").
pub fn international(text: &str) -> Result<WaId, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("no phone number".into());
    }
    let with_plus = if text.starts_with('+') {
        text.to_owned()
    } else {
        format!("+{text}")
    };
    checked(text, phonenumber::parse(None, with_plus))
}

/// The WhatsApp id of `text`, or why it is not a usable number.
pub fn normalise(text: &str, country: Country) -> Result<WaId, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("no phone number".into());
    }
    if text.contains(['e', 'E']) && text.contains('+') && text.contains('.') {
        return Err(format!(
            "{text} looks like a number a spreadsheet rewrote (scientific notation); format the column as text"
        ));
    }
    checked(text, phonenumber::parse(Some(country), text))
}

fn checked(
    text: &str,
    parsed: Result<phonenumber::PhoneNumber, phonenumber::ParseError>,
) -> Result<WaId, String> {
    let number = parsed.map_err(|_| format!("{text} is not a phone number"))?;
    if !phonenumber::is_valid(&number) {
        return Err(format!(
            "{text} is not a valid number for its country (check the digits and the country code)"
        ));
    }
    let e164 = number.format().mode(Mode::E164).to_string();
    WaId::parse(e164.trim_start_matches('+')).map_err(|error| error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_and_international_spellings_become_one_whatsapp_id() {
        let india = parse_country("in").unwrap();
        let cases = [
            ("+91 98200 12345", "919820012345"),
            ("+91-98200-12345", "919820012345"),
            ("098200 12345", "919820012345"),
            ("9820012345", "919820012345"),
            ("0091 98200 12345", "919820012345"),
            ("+1 (415) 555-2671", "14155552671"),
            ("+44 7911 123456", "447911123456"),
        ];
        for (typed, expected) in cases {
            assert_eq!(
                normalise(typed, india).map(|id| id.as_str().to_owned()),
                Ok(expected.to_owned()),
                "{typed}"
            );
        }
        let us = parse_country("US").unwrap();
        assert_eq!(
            normalise("(415) 555-2671", us).unwrap().as_str(),
            "14155552671"
        );
    }

    #[test]
    fn numbers_with_their_country_code_need_no_country() {
        assert_eq!(
            international("919820012345").unwrap().as_str(),
            "919820012345"
        );
        assert_eq!(
            international("+1 415 555 2671").unwrap().as_str(),
            "14155552671"
        );
        assert!(international("9820012345").is_err(), "no country code");
        assert_eq!(international(""), Err("no phone number".into()));
    }

    #[test]
    fn numbers_that_cannot_be_reached_are_refused_with_a_reason() {
        let india = parse_country("IN").unwrap();
        assert_eq!(normalise("  ", india), Err("no phone number".into()));
        assert!(normalise("12345", india)
            .unwrap_err()
            .contains("not a valid"));
        assert!(normalise("call me", india).is_err());
        assert!(normalise("9.19821E+11", india)
            .unwrap_err()
            .contains("spreadsheet"));
        assert!(parse_country("India").is_err());
    }
}
