//! The template drafts' checks against WhatsApp's limits, parameters and
//! previews, case by case.

use super::*;

fn draft() -> TemplateDraft {
    TemplateDraft {
        name: "order_shipped".into(),
        language: "en".into(),
        category: TemplateCategory::Utility,
        header: Some("Your order is on its way".into()),
        header_media_id: None,
        body: "Hi {{1}}, order {{2}} ships today.".into(),
        footer: Some("Bloom & Petal".into()),
        buttons: vec![TemplateButton::QuickReply {
            text: "Track it".into(),
        }],
    }
}

fn fields(draft: &TemplateDraft) -> Vec<String> {
    draft
        .validate()
        .err()
        .unwrap_or_default()
        .into_iter()
        .map(|problem| problem.field)
        .collect()
}

#[test]
fn a_complete_template_counts_its_parameters() {
    assert_eq!(draft().validate(), Ok(2));
}

#[test]
fn parameters_are_counted_and_must_be_numbered_without_gaps() {
    assert_eq!(count_params("Hello"), Ok(0));
    assert_eq!(count_params("Hi {{1}}, order {{2}} ships {{3}}."), Ok(3));
    assert_eq!(count_params("{{1}} and {{1}} again"), Ok(1));
    assert_eq!(count_params("Hi {{ 1 }}"), Ok(1));
    assert!(count_params("Hi {{2}}")
        .unwrap_err()
        .contains("{{1}} is missing"));
    assert!(count_params("Hi {{name}}")
        .unwrap_err()
        .contains("not a parameter"));
}

#[test]
fn every_limit_is_checked_and_named_by_its_field() {
    type Change = fn(&mut TemplateDraft);
    let cases: [(Change, &str); 15] = [
        (|d| d.name = "Order Shipped".into(), "name"),
        (|d| d.name = String::new(), "name"),
        (|d| d.language = "english".into(), "language"),
        (|d| d.language = "en_us".into(), "language"),
        (|d| d.language = "xx".into(), "language"),
        (|d| d.body = "x".repeat(limits::BODY + 1), "body"),
        (|d| d.body = "  ".into(), "body"),
        (|d| d.body = "Hi {{2}}".into(), "body"),
        (
            |d| d.header = Some("h".repeat(limits::HEADER + 1)),
            "header",
        ),
        (|d| d.header = Some("Hi {{1}}".into()), "header"),
        (
            |d| d.footer = Some("f".repeat(limits::FOOTER + 1)),
            "footer",
        ),
        (
            |d| {
                d.buttons = vec![TemplateButton::QuickReply {
                    text: "b".repeat(limits::BUTTON_TEXT + 1),
                }]
            },
            "buttons[0].text",
        ),
        (
            |d| {
                d.buttons = (0..=limits::QUICK_REPLIES)
                    .map(|n| TemplateButton::QuickReply {
                        text: format!("Reply {n}"),
                    })
                    .collect()
            },
            "buttons",
        ),
        (
            |d| {
                d.buttons = (0..=limits::CALLS_TO_ACTION)
                    .map(|n| TemplateButton::Url {
                        text: format!("Open {n}"),
                        url: "https://example.com".into(),
                    })
                    .collect()
            },
            "buttons",
        ),
        (
            |d| {
                d.buttons.push(TemplateButton::Url {
                    text: "Shop".into(),
                    url: "https://example.com".into(),
                })
            },
            "buttons",
        ),
    ];
    for (change, field) in cases {
        let mut template = draft();
        change(&mut template);
        assert_eq!(fields(&template), [field], "{template:?}");
    }
}

#[test]
fn call_to_action_buttons_need_a_web_address_or_a_phone_number() {
    let mut template = draft();
    template.buttons = vec![
        TemplateButton::Url {
            text: "Shop".into(),
            url: "example.com/shop".into(),
        },
        TemplateButton::PhoneNumber {
            text: "Call us".into(),
            phone_number: "12".into(),
        },
    ];
    assert_eq!(
        fields(&template),
        ["buttons[0].url", "buttons[1].phone_number"]
    );
    template.buttons = vec![
        TemplateButton::Url {
            text: "Shop".into(),
            url: "https://example.com/shop".into(),
        },
        TemplateButton::PhoneNumber {
            text: "Call us".into(),
            phone_number: "+919820012345".into(),
        },
    ];
    assert_eq!(template.validate(), Ok(2));
}

#[test]
fn the_preview_fills_given_parameters_and_keeps_the_others_visible() {
    let params = vec!["Priya".to_owned(), String::new()];
    assert_eq!(
        preview("Hi {{1}}, order {{2}} ships.", &params),
        "Hi Priya, order {{2}} ships."
    );
}

#[test]
fn statuses_read_ours_and_the_cloud_apis() {
    assert_eq!(
        TemplateStatus::parse("APPROVED"),
        Some(TemplateStatus::Approved)
    );
    assert_eq!(
        TemplateStatus::parse("rejected"),
        Some(TemplateStatus::Rejected)
    );
    assert_eq!(TemplateStatus::parse("PAUSED"), None);
}

#[test]
fn parameters_are_refused_where_whatsapp_would_refuse_them() {
    let template = Template {
        id: 1,
        name: "order_update".into(),
        language: "en".into(),
        category: TemplateCategory::Utility,
        header: None,
        header_media: None,
        body: "Hi {{1}}, your order {{2}} is on its way.".into(),
        footer: None,
        buttons: Vec::new(),
        params: 2,
        status: TemplateStatus::Approved,
        rejection_reason: None,
    };
    let check = |params: &[&str]| {
        let params: Vec<String> = params.iter().map(|p| p.to_string()).collect();
        template.check_params(&params).map_err(|(code, _)| code)
    };
    assert_eq!(check(&["Priya", "#1042"]), Ok(()));
    assert_eq!(check(&["Priya"]), Err("wrong_parameter_count"));
    assert_eq!(check(&["Priya", "  "]), Err("empty_parameter"));
    assert_eq!(
        check(&["Priya", "#1042\nFragile"]),
        Err("invalid_parameter")
    );
    assert_eq!(check(&["Priya\t", "#1042"]), Err("invalid_parameter"));
    assert_eq!(check(&["Priya     Rao", "#1042"]), Err("invalid_parameter"));
    assert_eq!(
        check(&["Priya    Rao", "#1042"]),
        Ok(()),
        "four spaces are allowed"
    );
    let long = "x".repeat(1000);
    assert_eq!(check(&["Priya", &long]), Err("parameters_too_long"));
}

#[test]
fn a_header_is_a_text_or_a_file_not_both() {
    let with_file = TemplateDraft {
        header: None,
        header_media_id: Some(7),
        ..draft()
    };
    assert_eq!(with_file.validate(), Ok(2));
    let both = TemplateDraft {
        header_media_id: Some(7),
        ..draft()
    };
    assert_eq!(fields(&both), ["header"]);
}

#[test]
fn only_what_whatsapp_takes_can_head_a_template() {
    use crate::media::MediaKind;
    assert_eq!(HeaderMedia::kind_for("image/png"), Some(MediaKind::Image));
    assert_eq!(HeaderMedia::kind_for("IMAGE/JPEG"), Some(MediaKind::Image));
    assert_eq!(HeaderMedia::kind_for("video/mp4"), Some(MediaKind::Video));
    assert_eq!(
        HeaderMedia::kind_for("application/pdf; name=a.pdf"),
        Some(MediaKind::Document)
    );
    for refused in [
        "image/gif",
        "image/webp",
        "audio/ogg",
        "text/plain",
        "application/msword",
        "",
    ] {
        assert_eq!(HeaderMedia::kind_for(refused), None, "{refused}");
    }
}
