//! Entry point of the inbox app: a panic hook for readable errors, then mount.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(handover_web::app::InboxApp);
}
