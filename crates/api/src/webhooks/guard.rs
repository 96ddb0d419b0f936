//! Keeps deliveries off internal networks. A URL must be `https` (or `http` where private
//! targets are allowed), carry no credentials, and name a host whose every address is public
//! ([`portal_domain::webhooks::forbidden`]). The check happens when an endpoint is saved, and
//! again on every delivery inside the client's own resolver, so the connection goes to the
//! addresses that were checked (no second lookup an attacker's DNS could answer differently).
//! No redirect is followed; time and the answer read are bounded.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use portal_domain::webhooks::forbidden;
use reqwest::Url;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// How long a name may take to resolve.
const LOOKUP_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a delivery may take in all.
pub const TIMEOUT: Duration = Duration::from_secs(15);

/// Why a URL may not receive webhooks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    /// Not a URL at all, or one we do not send to.
    #[error("{0}")]
    Url(&'static str),
    /// Its host is or resolves to an address we do not reach.
    #[error("{host} is {why}")]
    Address {
        /// The host or address.
        host: String,
        /// What kind of address.
        why: &'static str,
    },
    /// Its host does not resolve.
    #[error("{0} does not resolve")]
    Unresolvable(String),
}

impl Refused {
    /// The stable code of the field error.
    pub fn code(&self) -> &'static str {
        match self {
            Refused::Url(_) => "invalid_url",
            Refused::Address { .. } => "forbidden_address",
            Refused::Unresolvable(_) => "unresolvable",
        }
    }
}

/// Checks a URL's form, and its host when it is an address literal.
pub fn check_url(text: &str, allow_private: bool) -> Result<Url, Refused> {
    let url = Url::parse(text).map_err(|_| Refused::Url("not an absolute URL"))?;
    match url.scheme() {
        "https" => {}
        "http" if allow_private => {}
        "http" => return Err(Refused::Url("must be https")),
        _ => return Err(Refused::Url("must be an https URL")),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Refused::Url("must not carry a user name or password"));
    }
    if url.fragment().is_some() {
        return Err(Refused::Url("must not have a fragment (#…)"));
    }
    let literal = literal_of(&url).map_err(Refused::Url)?;
    if let (Some(ip), false) = (literal, allow_private)
        && let Some(why) = forbidden(ip)
    {
        return Err(Refused::Address {
            host: ip.to_string(),
            why,
        });
    }
    Ok(url)
}

/// The address a URL's host spells, if it is one (`None` for a name).
fn literal_of(url: &Url) -> Result<Option<IpAddr>, &'static str> {
    let host = url.host_str().ok_or("has no host")?;
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    Ok(bare.parse().ok())
}

/// Checks a URL and resolves its host: every address it has must be allowed.
pub async fn check(text: &str, allow_private: bool) -> Result<Url, Refused> {
    let url = check_url(text, allow_private)?;
    if let (Ok(None), Some(host)) = (literal_of(&url), url.host_str()) {
        resolve(host, allow_private).await?;
    }
    Ok(url)
}

/// The addresses of `host`, refused if any of them may not be reached.
async fn resolve(host: &str, allow_private: bool) -> Result<Vec<SocketAddr>, Refused> {
    let lookup = tokio::time::timeout(LOOKUP_TIMEOUT, tokio::net::lookup_host((host, 0)));
    let addrs: Vec<SocketAddr> = match lookup.await {
        Ok(Ok(addrs)) => addrs.collect(),
        _ => return Err(Refused::Unresolvable(host.to_owned())),
    };
    if addrs.is_empty() {
        return Err(Refused::Unresolvable(host.to_owned()));
    }
    if !allow_private {
        // One bad answer among good ones refuses the lot: a mixed answer is a known trick.
        if let Some(why) = addrs.iter().find_map(|a| forbidden(a.ip())) {
            return Err(Refused::Address {
                host: host.to_owned(),
                why,
            });
        }
    }
    Ok(addrs)
}

/// The resolver of the delivery client: the system's lookup, then the check.
struct Guarded {
    allow_private: bool,
}

impl Resolve for Guarded {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addrs = resolve(&host, allow_private).await?;
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

/// The client deliveries go out with.
pub fn client(allow_private: bool) -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .dns_resolver(Arc::new(Guarded { allow_private }))
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(5))
        .timeout(TIMEOUT)
        .user_agent(concat!(
            "customer-portal-webhooks/",
            env!("CARGO_PKG_VERSION")
        ))
        .build()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn internal_targets_are_refused_unless_allowed() {
        for (url, code) in [
            ("http://example.com/hook", "invalid_url"),
            ("ftp://example.com/hook", "invalid_url"),
            ("https://user:pw@example.com/hook", "invalid_url"),
            ("https://127.0.0.1/hook", "forbidden_address"),
            ("https://10.0.0.1/hook", "forbidden_address"),
            (
                "https://169.254.169.254/latest/meta-data",
                "forbidden_address",
            ),
            ("https://[::ffff:169.254.169.254]/", "forbidden_address"),
            ("https://localhost/hook", "forbidden_address"),
            ("not a url", "invalid_url"),
        ] {
            let refused = check(url, false).await.expect_err(url);
            assert_eq!(refused.code(), code, "{url}: {refused}");
        }
        check("http://127.0.0.1:9/hook", true)
            .await
            .expect("allowed in development");
        check("https://localhost/hook", true)
            .await
            .expect("allowed in development");
    }

    #[tokio::test]
    async fn the_client_does_not_connect_to_a_name_that_resolves_inside() {
        // `localhost` passes the URL's form check; the client's resolver refuses it.
        let err = client(false)
            .expect("client")
            .post("https://localhost:9/hook")
            .send()
            .await
            .expect_err("refused");
        let chain = std::iter::successors(Some(&err as &dyn std::error::Error), |e| e.source())
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(": ");
        assert!(chain.contains("loopback"), "{chain}");
    }
}
