//! The client's address, which the per-address login throttle counts and events and sessions
//! record. Behind reverse proxies the TCP peer is the nearest proxy; the client's address is in a
//! header each proxy appends to. Only the entries our own proxies appended can be believed: the
//! client writes whatever it likes to the left of them. So the address is read from the right:
//! with N trusted proxies, the N-th entry from the right is the address the outermost of them
//! saw, i.e. the client.

use std::net::{IpAddr, SocketAddr};

/// Where the client's address comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientAddressSource {
    /// The TCP peer: no proxy in front, or none we trust. Forwarding headers are ignored.
    Peer,
    /// The `hops`-th entry from the right of `X-Forwarded-For` (`hops` trusted proxies, each
    /// appending the address it received the request from, as nginx's
    /// `$proxy_add_x_forwarded_for` and cloud load balancers do). `Forwarded` is ignored.
    XForwardedFor { hops: usize },
    /// The `hops`-th `for=` from the right of the RFC 7239 `Forwarded` header.
    /// `X-Forwarded-For` is ignored.
    Forwarded { hops: usize },
}

/// Which forwarding header the trusted proxies write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ProxyHeader {
    /// `X-Forwarded-For: client, proxy1, …`
    XForwardedFor,
    /// `Forwarded: for=client, for=proxy1, …` (RFC 7239)
    Forwarded,
}

impl ClientAddressSource {
    /// The source for a server behind `hops` trusted proxies writing `header`; no proxy when
    /// `hops` is 0.
    pub fn behind(hops: usize, header: ProxyHeader) -> Self {
        match (hops, header) {
            (0, _) => ClientAddressSource::Peer,
            (hops, ProxyHeader::XForwardedFor) => ClientAddressSource::XForwardedFor { hops },
            (hops, ProxyHeader::Forwarded) => ClientAddressSource::Forwarded { hops },
        }
    }

    /// The client's address from the peer address and the request's header values (every
    /// line of the configured header, in order). Falls back to the peer when the header is
    /// missing or the chosen entry is not an address (e.g. `for=unknown`).
    pub fn resolve<'a>(
        self,
        peer: Option<IpAddr>,
        x_forwarded_for: impl Iterator<Item = &'a str>,
        forwarded: impl Iterator<Item = &'a str>,
    ) -> Option<IpAddr> {
        let (hops, entries): (usize, Vec<&str>) = match self {
            ClientAddressSource::Peer => return peer,
            ClientAddressSource::XForwardedFor { hops } => (
                hops,
                x_forwarded_for
                    .flat_map(|line| line.split(','))
                    .map(str::trim)
                    .collect(),
            ),
            ClientAddressSource::Forwarded { hops } => (
                hops,
                forwarded
                    .flat_map(|line| line.split(','))
                    .filter_map(forwarded_for)
                    .collect(),
            ),
        };
        if entries.is_empty() {
            return peer;
        }
        // Fewer entries than proxies: the request skipped the outer ones, and every entry there
        // is was written by a proxy we trust; the leftmost is the client.
        let chosen = entries[entries.len().saturating_sub(hops)];
        parse_address(chosen).or(peer)
    }
}

/// The `for=` value of one `Forwarded` element (`for=192.0.2.60;proto=http;by=203.0.113.43`).
fn forwarded_for(element: &str) -> Option<&str> {
    element.split(';').find_map(|pair| {
        let (name, value) = pair.trim().split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("for")
            .then(|| value.trim().trim_matches('"'))
    })
}

/// An address as proxies write it: `203.0.113.9`, `203.0.113.9:4711`, `2001:db8::1`,
/// `[2001:db8::1]:4711` or `[2001:db8::1]`.
fn parse_address(text: &str) -> Option<IpAddr> {
    let text = text.trim();
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Ok(socket) = text.parse::<SocketAddr>() {
        return Some(socket.ip());
    }
    text.strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .and_then(|t| t.parse::<IpAddr>().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().expect("an address"))
    }

    const PEER: &str = "10.0.0.2";

    fn xff(hops: usize, lines: &[&str]) -> Option<IpAddr> {
        ClientAddressSource::behind(hops, ProxyHeader::XForwardedFor).resolve(
            ip(PEER),
            lines.iter().copied(),
            ["for=192.0.2.1"].into_iter(),
        )
    }

    fn fwd(hops: usize, lines: &[&str]) -> Option<IpAddr> {
        ClientAddressSource::behind(hops, ProxyHeader::Forwarded).resolve(
            ip(PEER),
            ["192.0.2.1"].into_iter(),
            lines.iter().copied(),
        )
    }

    #[test]
    fn without_a_trusted_proxy_the_headers_are_ignored() {
        assert_eq!(xff(0, &["203.0.113.1"]), ip(PEER));
        assert_eq!(fwd(0, &["for=203.0.113.1"]), ip(PEER));
    }

    #[test]
    fn the_entry_our_proxy_appended_wins_over_what_the_client_wrote() {
        assert_eq!(xff(1, &["203.0.113.7, 198.51.100.7"]), ip("198.51.100.7"));
        // the client's own header line comes first, the proxy's entry last
        assert_eq!(xff(1, &["203.0.113.7", "198.51.100.7"]), ip("198.51.100.7"));
        assert_eq!(
            xff(2, &["1.1.1.1, 198.51.100.7, 10.0.0.9"]),
            ip("198.51.100.7")
        );
        assert_eq!(
            fwd(
                1,
                &["for=203.0.113.7, for=\"198.51.100.7:4711\";proto=https"]
            ),
            ip("198.51.100.7")
        );
        assert_eq!(
            fwd(1, &["for=203.0.113.7", "For=\"[2001:db8::7]:4711\""]),
            ip("2001:db8::7")
        );
    }

    #[test]
    fn fewer_entries_than_proxies_take_the_leftmost() {
        assert_eq!(xff(3, &["198.51.100.7, 10.0.0.9"]), ip("198.51.100.7"));
    }

    #[test]
    fn a_missing_header_or_an_unreadable_entry_falls_back_to_the_peer() {
        assert_eq!(xff(1, &[]), ip(PEER));
        assert_eq!(xff(1, &["198.51.100.7, garbage"]), ip(PEER));
        assert_eq!(fwd(1, &["for=unknown"]), ip(PEER));
        assert_eq!(fwd(1, &["proto=https"]), ip(PEER));
    }

    #[test]
    fn addresses_are_read_with_or_without_ports_and_brackets() {
        for (text, want) in [
            ("203.0.113.9", "203.0.113.9"),
            ("203.0.113.9:4711", "203.0.113.9"),
            ("2001:db8::1", "2001:db8::1"),
            ("[2001:db8::1]:4711", "2001:db8::1"),
            ("[2001:db8::1]", "2001:db8::1"),
        ] {
            assert_eq!(parse_address(text), ip(want), "{text}");
        }
        assert_eq!(parse_address("_hidden"), None);
    }
}
