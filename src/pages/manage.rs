//! `/manage/{screen}`: the screen the URL names, for those allowed to see
//! it. A manager's screen opened by an agent says so instead of failing.

use handover_core::WaId;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::pages::{
    AuditPage, BotPage, CampaignsPage, CannedRepliesPage, ClosingReasonsPage, CustomersPage,
    NotFound, ReportsPage, SatisfactionPage, TagsPage, TeamPage, TemplatesPage,
};
use crate::places::{self, ManageScreen};
use crate::workspace::Workspace;

#[component]
pub fn ManageScreenView() -> impl IntoView {
    let params = use_params_map();
    let is_manager = Workspace::get().is_manager();
    // A customer's chat is the inbox app's page.
    let open_chat = Callback::new(move |wa_id: WaId| {
        let _ = window().location().set_href(&places::chat(&wa_id));
    });
    let screen = Memo::new(move |_| {
        params.with(|params| {
            params
                .get("screen")
                .as_deref()
                .and_then(ManageScreen::parse)
        })
    });
    move || {
        match screen.get() {
        None => view! { <NotFound /> }.into_any(),
        Some(screen) if screen.managers_only() && !is_manager => view! {
            <div class="manage-page">
                <section class="panel notice-panel" role="alert">
                    <h1>{screen.label()}</h1>
                    <p>"Only managers can open this screen. Ask a manager if you need something changed here."</p>
                    <p><a href=places::home() rel=places::rel(&places::home())>"Back to the inbox"</a></p>
                </section>
            </div>
        }
        .into_any(),
        Some(ManageScreen::Reports) => view! { <ReportsPage /> }.into_any(),
        Some(ManageScreen::Audit) => view! { <AuditPage /> }.into_any(),
        Some(ManageScreen::Satisfaction) => view! { <SatisfactionPage /> }.into_any(),
        Some(ManageScreen::Users) => view! { <CustomersPage on_open=open_chat /> }.into_any(),
        Some(ManageScreen::Templates) => view! { <TemplatesPage /> }.into_any(),
        Some(ManageScreen::Campaigns) => view! { <CampaignsPage /> }.into_any(),
        Some(ManageScreen::Bot) => view! { <BotPage /> }.into_any(),
        Some(ManageScreen::Tags) => view! { <TagsPage /> }.into_any(),
        Some(ManageScreen::CannedReplies) => view! { <CannedRepliesPage /> }.into_any(),
        Some(ManageScreen::ClosingReasons) => view! { <ClosingReasonsPage /> }.into_any(),
        Some(ManageScreen::Team) => view! { <TeamPage /> }.into_any(),
    }
    }
}
