//! API keys on the issuer's side: which resource each path is, for the scope check, and each
//! key's limit of requests per minute.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};

/// Requests counted per key in fixed one-minute windows (per server process: with several
/// processes a key gets its limit at each).
#[derive(Debug, Default)]
pub struct RateLimits {
    windows: Mutex<HashMap<i64, (i64, u32)>>,
}

/// What the `RateLimit-*` headers of an answer to a key say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateInfo {
    /// Requests per minute.
    pub limit: u32,
    /// Left in this minute.
    pub remaining: u32,
    /// Seconds until the next minute starts.
    pub reset_secs: u64,
}

/// A request counted, or refused for the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Taken {
    /// Within the limit.
    Allowed(RateInfo),
    /// Over it until `reset_secs`.
    Refused(RateInfo),
}

impl Taken {
    /// The headers' numbers.
    pub fn info(self) -> RateInfo {
        match self {
            Taken::Allowed(i) | Taken::Refused(i) => i,
        }
    }
}

impl RateLimits {
    /// Counts a request of key `id`, whose limit is `limit` a minute, at `now`.
    pub fn take(&self, id: i64, limit: u32, now: DateTime<Utc>) -> Taken {
        let seconds = now.timestamp();
        let minute = seconds.div_euclid(60);
        let reset_secs = u64::try_from(60 - seconds.rem_euclid(60)).unwrap_or(60);
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if windows.len() > 10_000 {
            windows.retain(|_, (m, _)| *m == minute);
        }
        let window = windows.entry(id).or_insert((minute, 0));
        if window.0 != minute {
            *window = (minute, 0);
        }
        if window.1 >= limit {
            return Taken::Refused(RateInfo {
                limit,
                remaining: 0,
                reset_secs,
            });
        }
        window.1 += 1;
        Taken::Allowed(RateInfo {
            limit,
            remaining: limit - window.1,
            reset_secs,
        })
    }
}

/// The resource an issuer API path belongs to (the route's pattern, after
/// `/api/v1/issuer/`), `None` for what no key may reach: who is signed in (`me`), signing in
/// and out, and changing staff (`staff` may be read with `settings:read`).
pub fn resource_of(path: &str, write: bool) -> Option<&'static str> {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let has = |s: &str| segments.contains(&s);
    Some(match segments.first().copied()? {
        "contractors" if has("portal-users") => "portal_users",
        "contractors" => "contractors",
        "portal-users" => "portal_users",
        "documents" if has("payments") => "payments",
        "documents" if has("comments") || has("attachments") => "comments",
        "documents" => "documents",
        "payments" => "payments",
        "comments" => "comments",
        "settings" | "organization" => "settings",
        "staff" if !write => "settings",
        "events" => "events",
        "webhooks" => "webhooks",
        "api-keys" => "api_keys",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_gets_its_limit_each_minute_and_others_theirs() {
        let limits = RateLimits::default();
        let at = |s: i64| DateTime::from_timestamp(s, 0).expect("test value");
        // 50 s into a minute: 1,800,000,000 is a multiple of 60.
        let start = 1_800_000_050;
        for n in 1..=3 {
            assert_eq!(
                limits.take(1, 3, at(start)),
                Taken::Allowed(RateInfo {
                    limit: 3,
                    remaining: 3 - n,
                    reset_secs: 10
                })
            );
        }
        assert!(matches!(limits.take(1, 3, at(start + 9)), Taken::Refused(i) if i.reset_secs == 1));
        assert!(matches!(
            limits.take(2, 3, at(start + 9)),
            Taken::Allowed(_)
        ));
        assert!(matches!(limits.take(1, 3, at(start + 10)), Taken::Allowed(i) if i.remaining == 2));
    }

    #[test]
    fn paths_map_to_their_resources() {
        for (path, write, resource) in [
            ("contractors", false, Some("contractors")),
            ("contractors/{id}/portal-users", true, Some("portal_users")),
            ("portal-users/{id}/invitation", true, Some("portal_users")),
            ("documents/{id}", true, Some("documents")),
            ("documents/{id}/payments", true, Some("payments")),
            ("documents/{id}/comments", false, Some("comments")),
            (
                "documents/{id}/attachments/{attachment_id}",
                false,
                Some("comments"),
            ),
            ("payments/online", false, Some("payments")),
            ("settings/payments", true, Some("settings")),
            ("organization/logo", true, Some("settings")),
            ("staff", false, Some("settings")),
            ("staff", true, None),
            ("staff/{id}", true, None),
            ("me", false, None),
            ("auth/logout", true, None),
            ("events", false, Some("events")),
            ("api-keys/{id}", true, Some("api_keys")),
            ("webhooks", false, Some("webhooks")),
        ] {
            assert_eq!(resource_of(path, write), resource, "{path}");
            assert!(resource.is_none_or(|r| portal_types::api_keys::RESOURCES.contains(&r)));
        }
    }
}
