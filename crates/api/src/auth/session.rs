//! The extractors that decide who is calling. A handler that takes a `PortalSession` can only
//! be reached with a valid portal access token, and receives the organisation and contractor
//! every portal query must be scoped to; `IssuerSession` likewise for staff.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};

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

/// A signed-in staff user: the issuer side.
#[derive(Debug, Clone)]
pub struct IssuerSession {
    /// The staff user's organisation; every issuer query is scoped to it.
    pub organization_id: i64,
    /// The staff user.
    pub staff_user_id: i64,
    /// The member's role as the database has it now (not as it was at sign-in), so a changed
    /// role takes effect at the next request.
    pub role: Role,
    /// The login session (refresh-token family).
    pub session_id: String,
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
        Box::pin(async move {
            let state = state?;
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
                staff_user_id,
                role,
                session_id: claims.sid,
                client,
                organization,
            })
        })
    }
}

impl IssuerSession {
    /// The organisation's rows: the only way to an [`IssuerScope`] in the HTTP layer.
    pub fn scope(&self) -> IssuerScope {
        IssuerScope::new(self.organization_id)
    }

    /// Refuses with 403, naming what is missing, unless the member's role allows `permission`.
    pub fn require(&self, permission: Permission) -> Result<(), ApiError> {
        if access::allows(self.role, permission) {
            Ok(())
        } else {
            Err(ApiError::Forbidden {
                code: "insufficient_role",
                detail: permission.description(),
            })
        }
    }

    /// The member as the audit trail records it.
    pub fn actor(&self) -> Actor {
        Actor::StaffUser(self.staff_user_id)
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
