//! Users (managers): every customer with the seven parameters, filtered by
//! status, window, source, first-message tag and label, searched by name or
//! number, sorted by Last Active and loaded a page at a time; the same
//! filter exported as CSV; and CSV imports. A row opens the chat.

use handover_core::api::CustomerProfile;
use handover_core::customers::{CustomerOrder, WindowFilter};
use handover_core::{Status, WaId};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;

use crate::api::{self, ApiError};
use crate::components::profile_card::NONE;
use crate::components::{ImportPanel, StatusBadge};
use crate::customers_filter::{window_param, CustomersFilter};
use crate::{clock, format};

#[component]
pub fn CustomersPage(
    /// Opens a customer's chat and profile in the inbox.
    on_open: Callback<WaId>,
) -> impl IntoView {
    // The filter lives in the address bar: a reload, Back or a shared link
    // shows the same customers.
    let location = use_location();
    let navigate = use_navigate();
    let filter = RwSignal::new(
        location
            .query
            .with_untracked(|query| CustomersFilter::from_query(|name| query.get(name))),
    );
    Effect::new(move |_| {
        let query = filter.with(CustomersFilter::query_string);
        let path = location.pathname.get_untracked();
        let shown = location.query.with_untracked(|q| q.to_query_string());
        let wanted = if query.is_empty() {
            String::new()
        } else {
            format!("?{query}")
        };
        if shown != wanted {
            navigate(
                &format!("{path}{wanted}"),
                NavigateOptions {
                    replace: true,
                    scroll: false,
                    ..NavigateOptions::default()
                },
            );
        }
    });
    let facets = LocalResource::new(api::fetch_user_facets);
    let rows = RwSignal::new(Vec::<CustomerProfile>::new());
    let next = RwSignal::new(None::<String>);
    let failure = RwSignal::new(None::<ApiError>);
    let importing = RwSignal::new(false);

    let first_page = LocalResource::new(move || {
        let query = filter.with(CustomersFilter::query_string);
        async move { api::fetch_users_table(&query, None).await }
    });
    Effect::new(move |_| match first_page.get() {
        Some(Ok(page)) => {
            rows.set(page.items);
            next.set(page.next_cursor);
            failure.set(None);
        }
        Some(Err(error)) => failure.set(Some(error)),
        None => {}
    });
    let loading_more = RwSignal::new(false);
    let load_more = move |_| {
        let Some(cursor) = next.get_untracked() else {
            return;
        };
        let query = filter.with_untracked(CustomersFilter::query_string);
        loading_more.set(true);
        spawn_local(async move {
            match api::fetch_users_table(&query, Some(&cursor)).await {
                // Only if the filter did not change meanwhile.
                Ok(page) if filter.with_untracked(CustomersFilter::query_string) == query => {
                    rows.update(|rows| rows.extend(page.items));
                    next.set(page.next_cursor);
                }
                Ok(_) => {}
                Err(error) => failure.set(Some(error)),
            }
            loading_more.set(false);
        });
    };
    let on_imported = Callback::new(move |_| {
        facets.refetch();
        first_page.refetch();
    });

    let sources = move || {
        facets
            .get()
            .and_then(Result::ok)
            .map(|f| f.sources)
            .unwrap_or_default()
    };
    let tags = move || {
        facets
            .get()
            .and_then(Result::ok)
            .map(|f| f.tags)
            .unwrap_or_default()
    };
    let labels = move || {
        facets
            .get()
            .and_then(Result::ok)
            .map(|f| f.labels)
            .unwrap_or_default()
    };
    let export = move || {
        let query = filter.with(CustomersFilter::query_string);
        format!("/api/users/export?{query}")
    };
    let row = move |user: CustomerProfile| {
        let wa_id = user.wa_id.clone();
        let opened = wa_id.clone();
        let name = if user.name.is_empty() {
            format!("+{}", user.wa_id)
        } else {
            user.name.clone()
        };
        let status = user.status;
        view! {
            <tr
                class="user-row"
                tabindex="0"
                aria-label=format!("Open {name}")
                on:click=move |_| on_open.run(opened.clone())
                on:keydown=move |event| if event.key() == "Enter" { on_open.run(wa_id.clone()) }
            >
                <td>
                    <strong>{name.clone()}</strong>
                    <div class="muted">{format!("+{}", user.wa_id)}</div>
                </td>
                <td><StatusBadge status=Signal::derive(move || status) /></td>
                <td class="nowrap">{user.last_active_at.as_deref().and_then(clock::local_clock).unwrap_or_else(|| NONE.into())}</td>
                <td class="number-cell">{format::count(user.template_messages)}</td>
                <td class="number-cell">{format::count(user.session_messages)}</td>
                <td class="number-cell">{format::count(user.unresolved_queries)}</td>
                <td>{user.source.clone()}</td>
                <td>{user.first_message_tag.clone().map(|tag| view! { <span class="tag-chip">{tag}</span> })}</td>
                <td class="labels-cell">
                    {user.labels.iter().map(|label| view! { <span class="label-chip small">{label.clone()}</span> }).collect_view()}
                </td>
                <td>
                    <span class="window-pill" class:open=user.window_open>
                        {if user.window_open { "Open" } else { "Closed" }}
                    </span>
                </td>
            </tr>
        }
    };

    view! {
        <div class="manage-page users-page">
            <Show when=move || importing.get()>
                <ImportPanel on_close=Callback::new(move |_| importing.set(false)) on_imported />
            </Show>
            <section class="panel">
                <header class="panel-head">
                    <h1>"Users"</h1>
                    <button type="button" class="button" on:click=move |_| importing.set(true)>"Import CSV"</button>
                    <a class="button" href=export download="">"Export CSV"</a>
                </header>
                <div class="filters" role="search" aria-label="Filter users">
                    <input
                        type="search"
                        class="filter-search"
                        aria-label="Search users by name or number"
                        placeholder="Search name or number"
                        prop:value=move || filter.with(|f| f.query.clone())
                        on:input=move |event| filter.update(|f| f.query = event_target_value(&event))
                    />
                    <select aria-label="Status" on:change=move |event| {
                        let value = event_target_value(&event);
                        filter.update(|f| f.status = value.parse::<Status>().ok());
                    }>
                        <option value="">"Any status"</option>
                        {Status::ALL.map(|status| view! { <option value=status.as_str() selected=move || filter.with(|f| f.status == Some(status))>{status.label()}</option> }).collect_view()}
                    </select>
                    <select aria-label="Window" on:change=move |event| {
                        let value = event_target_value(&event);
                        filter.update(|f| f.window = [WindowFilter::Open, WindowFilter::Closed].into_iter().find(|w| window_param(*w) == value));
                    }>
                        <option value="">"Any window"</option>
                        <option value="open" selected=move || filter.with(|f| f.window == Some(WindowFilter::Open))>"Window open"</option>
                        <option value="closed" selected=move || filter.with(|f| f.window == Some(WindowFilter::Closed))>"Window closed (History)"</option>
                    </select>
                    <select aria-label="Source" on:change=move |event| filter.update(|f| f.source = event_target_value(&event))>
                        <option value="">"Any source"</option>
                        {move || sources().into_iter().map(|source| { let chosen = source.clone(); view! { <option value=source.clone() selected=move || filter.with(|f| f.source == chosen)>{source.clone()}</option> } }).collect_view()}
                    </select>
                    <select aria-label="First message" on:change=move |event| filter.update(|f| f.tag = event_target_value(&event))>
                        <option value="">"Any first message"</option>
                        {move || tags().into_iter().map(|tag| { let chosen = tag.clone(); view! { <option value=tag.clone() selected=move || filter.with(|f| f.tag == chosen)>{tag.clone()}</option> } }).collect_view()}
                    </select>
                    <select aria-label="Label" on:change=move |event| filter.update(|f| f.label = event_target_value(&event))>
                        <option value="">"Any label"</option>
                        {move || labels().into_iter().map(|label| { let chosen = label.clone(); view! { <option value=label.clone() selected=move || filter.with(|f| f.label == chosen)>{label.clone()}</option> } }).collect_view()}
                    </select>
                </div>
                {move || failure.get().map(|error| view! { <p class="bot-notice error" role="alert">{error.to_string()}</p> })}
                <div class="table-scroll">
                    <table class="data-table users-table">
                        <thead>
                            <tr>
                                <th scope="col">"Customer"</th>
                                <th scope="col">"Status"</th>
                                <th scope="col" aria-sort=move || if filter.with(|f| f.order == CustomerOrder::LastActiveAsc) { "ascending" } else { "descending" }>
                                    <button type="button" class="sort-button" on:click=move |_| filter.update(|f| {
                                        f.order = match f.order {
                                            CustomerOrder::LastActiveDesc => CustomerOrder::LastActiveAsc,
                                            CustomerOrder::LastActiveAsc => CustomerOrder::LastActiveDesc,
                                        }
                                    })>
                                        "Last Active "
                                        {move || if filter.with(|f| f.order == CustomerOrder::LastActiveAsc) { "↑" } else { "↓" }}
                                    </button>
                                </th>
                                <th scope="col" class="number-cell">"Template Msgs"</th>
                                <th scope="col" class="number-cell">"Session Msgs"</th>
                                <th scope="col" class="number-cell">"Unresolved"</th>
                                <th scope="col">"Source"</th>
                                <th scope="col">"First Message"</th>
                                <th scope="col">"Labels"</th>
                                <th scope="col">"Window"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {move || {
                                let list = rows.get();
                                if list.is_empty() {
                                    let text = match first_page.get() {
                                        None => "Loading users…",
                                        Some(_) if filter.with(CustomersFilter::is_narrowed) => "No user matches these filters.",
                                        Some(_) => "No users yet. They appear when customers write, or import a CSV file.",
                                    };
                                    view! { <tr><td colspan="10" class="empty-cell">{text}</td></tr> }.into_any()
                                } else {
                                    list.into_iter().map(row).collect_view().into_any()
                                }
                            }}
                        </tbody>
                    </table>
                </div>
                <div class="table-foot">
                    <span class="muted">{move || format!("Showing {}", format::count(rows.with(Vec::len) as u64))}</span>
                    <Show when=move || next.with(Option::is_some)>
                        <button type="button" class="button" disabled=move || loading_more.get() on:click=load_more>"Load more"</button>
                    </Show>
                </div>
            </section>
        </div>
    }
}
