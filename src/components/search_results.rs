//! What one search found across every section and History: each customer
//! with where they are listed and why they matched, and for a message
//! match the words around it. A result links to the chat, opened at the
//! matching message.

use handover_core::api::{SearchMatch, SearchResults};
use leptos::prelude::*;

use crate::{format, places};

#[component]
pub fn SearchResultList(
    /// The results, once they arrived.
    #[prop(into)]
    results: Signal<SearchResults>,
    /// What was searched, to mark it in the snippets.
    #[prop(into)]
    query: Signal<String>,
) -> impl IntoView {
    view! {
        <ul class="search-results" aria-label="Search results">
            {move || {
                let query = query.get();
                results
                    .get()
                    .items
                    .into_iter()
                    .map(|hit| {
                        let customer = hit.customer;
                        let href = places::chat_at(&customer.wa_id, hit.message.as_ref().map(|m| m.id));
                        let name = if customer.name.is_empty() { format!("+{}", customer.wa_id) } else { customer.name.clone() };
                        let why = match hit.matched {
                            SearchMatch::Name => "Name",
                            SearchMatch::Number => "Number",
                            SearchMatch::Message => "Message",
                        };
                        let snippet = hit.message.map(|message| {
                            format::highlight(&message.snippet, &query)
                                .into_iter()
                                .map(|(text, marked)| if marked {
                                    view! { <mark>{text}</mark> }.into_any()
                                } else {
                                    text.into_any()
                                })
                                .collect_view()
                        });
                        view! {
                            <li>
                                <a class="search-result" href=href data-wa-id=customer.wa_id.to_string()>
                                    <div class="chat-row-top">
                                        <span class="chat-name">{name}</span>
                                        <span class="section-pill" data-status=hit.section.as_str()>{hit.section.label()}</span>
                                    </div>
                                    <div class="chat-number">{format!("+{}", customer.wa_id)}<span class="matched">{format!(" · {why}")}</span></div>
                                    {snippet.map(|snippet| view! { <div class="snippet">{snippet}</div> })}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()
            }}
        </ul>
    }
}
