//! The extractors that decide who is calling. A handler that takes a `PortalSession` can only
//! be reached with a valid portal access token, and receives the organisation and contractor
//! every portal query must be scoped to; `IssuerSession` likewise for staff.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::{Method, header};
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};

use super::client_address::ClientAddressSource;
use super::jwt::{Claims, Realm, invalid_token};
use crate::error::ApiError;
use crate::state::AppState;
use portal_domain::access::{self, Permission};
use portal_store::entities::organization;
use portal_store::events::Actor;
use portal_store::events::PortalActor;
use portal_store::issuer::{IssuerScope, staff};
use portal_store::portal::PortalScope;
use portal_store::sessions::{ClientInfo, SessionCheck, organization_of_live_session};
use portal_types::Role;

/// A signed-in portal user: the customer side.
#[derive(Debug, Clone)]
pub struct PortalSession {
    /// The issuing organisation.
    pub organization_id: i64,
    /// The customer the user acts for; every portal query is scoped to it.
    pub contractor_id: i64,
    /// The portal user.
    pub portal_user_id: i64,
    /// The login session (refresh-token family).
    pub session_id: String,
    /// Where the request came from.
    pub client: ClientInfo,
    /// The organisation row, read with the session check (portal settings, issuer data).
    pub organization: organization::Model,
}

impl PortalSession {
    /// What the user may see: its organisation and customer, issued documents of released
    /// types. The only way to a [`PortalScope`] in the HTTP layer.
    pub fn scope(&self) -> PortalScope {
        PortalScope::new(self.organization.clone(), self.contractor_id)
    }

    /// The user as the audit trail records it.
    pub fn actor(&self) -> PortalActor<'_> {
        PortalActor {
            organization_id: self.organization_id,
            contractor_id: self.contractor_id,
            portal_user_id: self.portal_user_id,
            client: &self.client,
        }
    }
}

/// Who acts on the issuer side.
#[derive(Debug, Clone)]
pub enum IssuerCaller {
    /// A staff member, signed in.
    Staff {
        /// The staff user.
        staff_user_id: i64,
    },
    /// An integrator's API key, within its scopes.
    ApiKey {
        /// `api_keys.id`.
        id: i64,
        /// Its name, as comments and changes it writes are signed.
        name: String,
        /// What it may reach.
        scopes: Vec<String>,
    },
}

/// A signed-in staff user, or an API key, acting for an organisation: the issuer side.
#[derive(Debug, Clone)]
pub struct IssuerSession {
    /// The organisation; every issuer query is scoped to it.
    pub organization_id: i64,
    /// Who acts.
    pub caller: IssuerCaller,
    /// The member's role as the database has it now (not as it was at sign-in), so a changed
    /// role takes effect at the next request. A key acts as an admin within its scopes (which
    /// the route checked) and never manages staff.
    pub role: Role,
    /// Where the request came from.
    pub client: ClientInfo,
    /// The organisation row, read with the session check.
    pub organization: organization::Model,
}

fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
}

fn state(req: &HttpRequest) -> Result<web::Data<AppState>, ApiError> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::internal("application state missing"))
}

/// Verifies the token, then reads the organisation and checks the session in one query.
async fn claims(
    state: &AppState,
    token: Option<String>,
    realm: Realm,
) -> Result<(Claims, organization::Model), ApiError> {
    let token = token.ok_or_else(invalid_token)?;
    let claims = state.tokens.verify(&token, realm)?;
    match organization_of_live_session(&state.db, &state.reads, claims.org, &claims.sid).await? {
        SessionCheck::Alive(organization) => Ok((claims, organization)),
        SessionCheck::Ended => Err(super::session_ended()),
        SessionCheck::NoOrganization => Err(invalid_token()),
    }
}

impl FromRequest for PortalSession {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = bearer(req);
        let state = state(req);
        let client = client_info(req);
        Box::pin(async move {
            let state = state?;
            let (claims, organization) = claims(&state, token, Realm::Portal).await?;
            let portal_user_id = claims.sub.parse().map_err(|_| invalid_token())?;
            Ok(PortalSession {
                organization_id: claims.org,
                contractor_id: claims.ctr.ok_or_else(invalid_token)?,
                portal_user_id,
                session_id: claims.sid,
                client,
                organization,
            })
        })
    }
}

impl FromRequest for IssuerSession {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = bearer(req);
        let state = state(req);
        let client = client_info(req);
        let req = req.clone();
        Box::pin(async move {
            let state = state?;
            if token.as_deref().is_some_and(portal_domain::api_key::is_key) {
                // Admitted (or refused) by `crate::middleware::api_keys` before any extractor
                // ran, so a refusal never depends on which extractor finished first.
                return req.extensions().get::<IssuerSession>().cloned().ok_or(
                    ApiError::Unauthorized {
                        code: "api_key_invalid",
                        detail: "API keys are for /api/v1/issuer/… only",
                    },
                );
            }
            let (claims, organization) = claims(&state, token, Realm::Issuer).await?;
            let staff_user_id = claims.sub.parse().map_err(|_| invalid_token())?;
            // Deactivated and deleted members have no live session (triggers end it); the
            // role is read here rather than trusted from the token.
            let member = staff::find(&state.db, IssuerScope::new(claims.org), staff_user_id)
                .await?
                .filter(|m| m.active)
                .ok_or_else(super::session_ended)?;
            let role = Role::parse(&member.role)
                .ok_or_else(|| ApiError::internal(format!("unknown role {}", member.role)))?;
            Ok(IssuerSession {
                organization_id: claims.org,
                caller: IssuerCaller::Staff { staff_user_id },
                role,
                client,
                organization,
            })
        })
    }
}

/// The session of an API key on `/api/v1/issuer/…`: alive, within its limit of requests per
/// minute (the answer carries the `RateLimit-*` headers either way), and holding the scope of
/// the path's resource (write for anything but GET and HEAD).
pub async fn admit_key(
    state: &AppState,
    req: &HttpRequest,
    token: &str,
) -> Result<IssuerSession, ApiError> {
    let client = client_info(req);
    let (key, organization) = crate::app::api_keys::authenticate(state, token, &client).await?;
    let limit = u32::try_from(key.rate_limit_per_minute).unwrap_or(1);
    let taken = state.rate_limits.take(key.id, limit, portal_store::now());
    req.extensions_mut().insert(taken.info());
    if let super::api_key::Taken::Refused(info) = taken {
        return Err(ApiError::RateLimited {
            retry_after_secs: info.reset_secs,
        });
    }
    let write = !matches!(*req.method(), Method::GET | Method::HEAD);
    let resource = req
        .path()
        .strip_prefix("/api/v1/issuer/")
        .and_then(|p| super::api_key::resource_of(p, write))
        .ok_or(ApiError::Forbidden {
            code: "api_key_not_allowed",
            detail: "API keys cannot use this endpoint; it is for people signed in",
        })?;
    let scopes = crate::app::api_keys::scopes_of(&key);
    if !portal_types::api_keys::allows(&scopes, resource, write) {
        return Err(ApiError::MissingScope {
            scope: format!("{resource}:{}", if write { "write" } else { "read" }),
        });
    }
    Ok(IssuerSession {
        organization_id: key.organization_id,
        caller: IssuerCaller::ApiKey {
            id: key.id,
            name: key.name,
            scopes,
        },
        role: Role::Admin,
        client,
        organization,
    })
}

impl IssuerSession {
    /// The organisation's rows: the only way to an [`IssuerScope`] in the HTTP layer.
    pub fn scope(&self) -> IssuerScope {
        IssuerScope::new(self.organization_id)
    }

    /// Refuses with 403, naming what is missing, unless the member's role allows `permission`.
    pub fn require(&self, permission: Permission) -> Result<(), ApiError> {
        if permission == Permission::ManageStaff && self.staff_user_id().is_none() {
            return Err(ApiError::Forbidden {
                code: "api_key_not_allowed",
                detail: "API keys cannot manage staff",
            });
        }
        if access::allows(self.role, permission) {
            Ok(())
        } else {
            Err(ApiError::Forbidden {
                code: "insufficient_role",
                detail: permission.description(),
            })
        }
    }

    /// The member or key as the audit trail records it.
    pub fn actor(&self) -> Actor {
        match &self.caller {
            IssuerCaller::Staff { staff_user_id } => Actor::StaffUser(*staff_user_id),
            IssuerCaller::ApiKey { id, .. } => Actor::ApiKey(*id),
        }
    }

    /// Records in the trail something this member or key did to the organisation itself (its
    /// settings, staff, keys, webhooks: no customer or document).
    pub async fn record(
        &self,
        db: &impl sea_orm::ConnectionTrait,
        kind: &'static str,
        details: serde_json::Value,
    ) -> Result<(), portal_store::StoreError> {
        portal_store::events::record(
            db,
            portal_store::events::NewEvent {
                organization_id: self.organization_id,
                contractor_id: None,
                document_id: None,
                actor: self.actor(),
                kind,
                client: &self.client,
                details: Some(details),
            },
        )
        .await
    }

    /// The staff member acting, `None` for an API key.
    pub fn staff_user_id(&self) -> Option<i64> {
        match &self.caller {
            IssuerCaller::Staff { staff_user_id } => Some(*staff_user_id),
            IssuerCaller::ApiKey { .. } => None,
        }
    }

    /// Whether the caller may give `scope` to a new key: staff who may manage keys hold every
    /// scope; a key only its own.
    pub fn may_give(&self, scope: &str) -> bool {
        match &self.caller {
            IssuerCaller::Staff { .. } => true,
            IssuerCaller::ApiKey { scopes, .. } => scope
                .split_once(':')
                .is_some_and(|(r, l)| portal_types::api_keys::allows(scopes, r, l == "write")),
        }
    }
}

/// The client's address and user agent. The address is the TCP peer's unless the server is
/// configured to sit behind trusted proxies; then it is read from their forwarding header, from
/// the right (see [`ClientAddressSource`]), so a client cannot pick its own address and walk
/// around the per-address throttle.
pub fn client_info(req: &HttpRequest) -> ClientInfo {
    let source = req
        .app_data::<web::Data<AppState>>()
        .map_or(ClientAddressSource::Peer, |s| s.settings.client_address);
    let lines =
        |name: header::HeaderName| req.headers().get_all(name).filter_map(|v| v.to_str().ok());
    let ip = source
        .resolve(
            req.peer_addr().map(|a| a.ip()),
            lines(header::X_FORWARDED_FOR),
            lines(header::FORWARDED),
        )
        .map(|ip| ip.to_string());
    let user_agent = req
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.chars().take(255).collect());
    ClientInfo { ip, user_agent }
}
