//! The links mails carry, on the address users reach the portal at (`PORTAL_PUBLIC_URL`).

use crate::config::Settings;

/// A page of an organisation's customer portal: `{public}/p/{slug}{path}`.
pub fn portal(settings: &Settings, slug: &str, path: &str) -> String {
    format!("{}/p/{slug}{path}", settings.mail.public_url)
}

/// A page of the admin app: `{public}/admin{path}`.
pub fn admin(settings: &Settings, path: &str) -> String {
    format!("{}/admin{path}", settings.mail.public_url)
}
