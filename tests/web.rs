//! Browser tests of single components, run in headless Chromium by
//! wasm-bindgen-test (`cargo xtask test` runs them).
#![cfg(target_arch = "wasm32")]

use handover_core::{SectionCounts, Status};
use handover_web::components::SectionTabs;
use leptos::mount::mount_to;
use leptos::prelude::*;
use leptos::task::tick;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

wasm_bindgen_test_configure!(run_in_browser);

const COUNTS: SectionCounts = SectionCounts {
    active: 12,
    requesting: 3,
    intervened: 0,
    closed: 1234,
    history: 9,
};

/// A fresh element in the page to mount one component into.
fn container() -> HtmlElement {
    let document = document();
    let element = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&element).unwrap();
    element.unchecked_into()
}

fn tabs(root: &HtmlElement) -> Vec<HtmlElement> {
    let list = root.query_selector_all("[role=tab]").unwrap();
    (0..list.length())
        .map(|i| list.item(i).unwrap().unchecked_into())
        .collect()
}

fn text_of(tab: &HtmlElement, class: &str) -> String {
    tab.query_selector(&format!(".{class}"))
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap()
}

#[wasm_bindgen_test]
async fn tabs_show_the_four_sections_in_order_with_their_counts() {
    let root = container();
    let _mounted = mount_to(root.clone(), || {
        view! { <SectionTabs counts=Signal::stored(Some(COUNTS)) selected=RwSignal::new(Status::Active) /> }
    });
    tick().await;

    let tabs = tabs(&root);
    let seen: Vec<(String, String)> = tabs
        .iter()
        .map(|tab| (text_of(tab, "tab-label"), text_of(tab, "tab-count")))
        .collect();
    assert_eq!(
        seen,
        [
            ("Active".to_owned(), "12".to_owned()),
            ("Requesting".to_owned(), "3".to_owned()),
            ("Intervened".to_owned(), "0".to_owned()),
            ("Closed".to_owned(), "1,234".to_owned()),
        ]
    );
}

#[wasm_bindgen_test]
async fn clicking_a_tab_selects_it_and_only_it() {
    let root = container();
    let selected = RwSignal::new(Status::Active);
    let _mounted = mount_to(root.clone(), move || {
        view! { <SectionTabs counts=Signal::stored(Some(COUNTS)) selected /> }
    });
    tick().await;

    tabs(&root)[1].click();
    tick().await;

    assert_eq!(selected.get_untracked(), Status::Requesting);
    let states: Vec<_> = tabs(&root)
        .iter()
        .map(|tab| tab.get_attribute("aria-selected").unwrap())
        .collect();
    assert_eq!(states, ["false", "true", "false", "false"]);
}

#[wasm_bindgen_test]
async fn counts_update_in_place_when_new_numbers_arrive() {
    let root = container();
    let counts = RwSignal::new(Some(COUNTS));
    let _mounted = mount_to(root.clone(), move || {
        view! { <SectionTabs counts selected=RwSignal::new(Status::Active) /> }
    });
    tick().await;

    counts.set(Some(SectionCounts {
        requesting: 4,
        ..COUNTS
    }));
    tick().await;

    assert_eq!(text_of(&tabs(&root)[1], "tab-count"), "4");
}

#[wasm_bindgen_test]
async fn unknown_counts_show_a_dash_rather_than_zero() {
    let root = container();
    let _mounted = mount_to(root.clone(), || {
        view! { <SectionTabs counts=Signal::stored(None) selected=RwSignal::new(Status::Active) /> }
    });
    tick().await;

    for tab in tabs(&root) {
        assert_eq!(text_of(&tab, "tab-count"), "–");
    }
}
