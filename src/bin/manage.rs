//! Entry point of the managers' screens: a panic hook, then mount.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(handover_web::app::ManageApp);
}
