//! Outgoing webhooks: which trail events an integrator can be told about, when a failed
//! delivery is tried again, and which addresses a delivery must never reach.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Every event type an endpoint can subscribe to, with the trail event (`events.kind`) it
/// comes from.
pub const EVENT_TYPES: [(&str, &str); 14] = [
    ("document.issued", "issued"),
    ("document.cancelled", "cancelled"),
    ("document.viewed", "viewed"),
    ("document.downloaded", "downloaded"),
    ("payment.recorded", "payment_recorded"),
    ("payment.deleted", "payment_deleted"),
    ("comment.created", "commented"),
    ("offer.accepted", "offer_accepted"),
    ("offer.rejected", "offer_rejected"),
    ("contractor.created", "contractor_created"),
    ("contractor.updated", "contractor_changed"),
    ("company_data.changed", "company_data_changed"),
    ("portal_user.invited", "portal_user_invited"),
    ("portal_user.activated", "invitation_accepted"),
];

/// The event an endpoint receives when someone asks for a test delivery.
pub const TEST_EVENT: &str = "webhook.test";

/// The event type a trail event is published as, if it is one.
pub fn event_type_of(trail_kind: &str) -> Option<&'static str> {
    EVENT_TYPES
        .iter()
        .find(|(_, kind)| *kind == trail_kind)
        .map(|(t, _)| *t)
}

/// Whether `name` is an event type there is.
pub fn is_event_type(name: &str) -> bool {
    EVENT_TYPES.iter().any(|(t, _)| *t == name)
}

/// The waits before each retry of a failed delivery, after the attempt made at once: the
/// Standard Webhooks / Svix schedule (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h) carried on at
/// 10 h so that the last attempt comes about three days (67 h 35 min) after the first.
pub const RETRY_AFTER_SECS: [i64; 11] = [
    5,
    5 * 60,
    30 * 60,
    2 * 3600,
    5 * 3600,
    10 * 3600,
    10 * 3600,
    10 * 3600,
    10 * 3600,
    10 * 3600,
    10 * 3600,
];

/// Attempts a delivery gets before it is given up.
pub const MAX_ATTEMPTS: i32 = RETRY_AFTER_SECS.len() as i32 + 1;

/// The wait after the `attempts`-th failed attempt (1-based), spread by `jitter` in −1.0..=1.0
/// over ±10 % so that endpoints that failed together are not retried together; `None` once
/// the delivery has had its [`MAX_ATTEMPTS`].
pub fn retry_after(attempts: i32, jitter: f64) -> Option<i64> {
    let index = usize::try_from(attempts.checked_sub(1)?).ok()?;
    let base = *RETRY_AFTER_SECS.get(index)?;
    let spread = (base as f64 * 0.1 * jitter.clamp(-1.0, 1.0)).round() as i64;
    Some((base + spread).max(1))
}

/// Why an address may not be the target of a delivery, if it may not: loopback, private,
/// link-local (cloud metadata at 169.254.169.254), shared (CGNAT), unspecified, multicast,
/// broadcast, documentation and benchmarking ranges, and their IPv4-mapped, IPv4-compatible
/// and NAT64 IPv6 forms. `std`'s `is_global` is not stable, so the ranges are spelled out.
pub fn forbidden(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => forbidden_v6(v6),
    }
}

fn forbidden_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    Some(match (a, b, c) {
        (127, _, _) => "a loopback address",
        (10, _, _) => "a private address",
        (172, 16..=31, _) => "a private address",
        (192, 168, _) => "a private address",
        (169, 254, _) => "a link-local address (cloud metadata lives there)",
        (100, 64..=127, _) => "a shared (carrier-grade NAT) address",
        (0, _, _) => "an unspecified address",
        (224..=239, _, _) => "a multicast address",
        (240..=255, _, _) => "a reserved or broadcast address",
        (192, 0, 0) => "a protocol-assignment address",
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => "a documentation address",
        (198, 18..=19, _) => "a benchmarking address",
        _ => return None,
    })
}

fn forbidden_v6(ip: Ipv6Addr) -> Option<&'static str> {
    let s = ip.segments();
    // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) and NAT64 (64:ff9b::a.b.c.d)
    // forms reach the IPv4 address inside them.
    let embedded = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    if s[..5] == [0; 5] && (s[5] == 0xffff || (s[5] == 0 && (s[6] != 0 || s[7] > 1))) {
        return forbidden_v4(embedded);
    }
    if s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0; 4] {
        return forbidden_v4(embedded);
    }
    Some(match s[0] {
        _ if ip.is_loopback() => "a loopback address",
        _ if ip.is_unspecified() => "an unspecified address",
        0xfe80..=0xfebf => "a link-local address",
        0xfc00..=0xfdff => "a private (unique-local) address",
        0xfec0..=0xfeff => "a site-local address",
        0xff00..=0xffff => "a multicast address",
        0x2001 if s[1] == 0x0db8 => "a documentation address",
        0x0100 if s[1..4] == [0; 3] => "a discard-only address",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("test address")
    }

    #[test]
    fn internal_addresses_are_refused_in_every_spelling() {
        for refused in [
            "127.0.0.1",
            "127.255.255.254",
            "10.0.0.1",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "192.0.2.1",
            "198.18.0.1",
            "::1",
            "::",
            "fe80::1",
            "fd00::1",
            "ff02::1",
            "2001:db8::1",
            "::ffff:169.254.169.254",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::10.0.0.1",
            "64:ff9b::a9fe:a9fe",
        ] {
            assert!(forbidden(ip(refused)).is_some(), "{refused} was allowed");
        }
        for allowed in [
            "1.1.1.1",
            "93.184.216.34",
            "172.32.0.1",
            "172.15.255.255",
            "100.128.0.1",
            "192.169.0.1",
            "2606:4700:4700::1111",
            "::ffff:93.184.216.34",
        ] {
            assert_eq!(forbidden(ip(allowed)), None, "{allowed} was refused");
        }
        assert_eq!(
            forbidden(ip("::ffff:169.254.169.254")),
            Some("a link-local address (cloud metadata lives there)")
        );
    }

    #[test]
    fn the_schedule_reaches_about_three_days() {
        let total: i64 = RETRY_AFTER_SECS.iter().sum();
        // 5 s + 5 min + 30 min + 2 h + 5 h + 6 × 10 h
        assert_eq!(total, 5 + 300 + 1800 + 7200 + 18000 + 6 * 36000);
        assert_eq!(MAX_ATTEMPTS, 12);
        assert_eq!(retry_after(1, 0.0), Some(5));
        assert_eq!(retry_after(2, 1.0), Some(330));
        assert_eq!(retry_after(2, -1.0), Some(270));
        assert_eq!(retry_after(11, 0.0), Some(36000));
        assert_eq!(retry_after(12, 0.0), None);
        assert_eq!(retry_after(0, 0.0), None);
    }

    #[test]
    fn trail_events_map_to_published_types() {
        assert_eq!(event_type_of("issued"), Some("document.issued"));
        assert_eq!(
            event_type_of("invitation_accepted"),
            Some("portal_user.activated")
        );
        assert_eq!(event_type_of("logged_in"), None);
        assert!(is_event_type("comment.created"));
        assert!(!is_event_type("webhook.test"));
    }
}

#[cfg(test)]
mod contract {
    #[test]
    fn the_published_list_is_the_mapped_one() {
        let mapped: Vec<&str> = super::EVENT_TYPES.iter().map(|(t, _)| *t).collect();
        assert_eq!(mapped, portal_types::webhooks::EVENT_TYPES.to_vec());
    }
}
