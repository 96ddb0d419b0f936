//! The portal settings and the activity trail.

use actix_web::{delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use portal_store::issuer::events::{self as trail, EventFilter};
use portal_types::{
    AppliedToAll, EventPage, OrganizationSettings, PaymentSettings, PaymentSettingsUpdate, Problem,
    SettingsUpdate,
};

use super::documents::event_views;
use super::query::Query;
use crate::app;
use crate::auth::IssuerSession;
use crate::error::ApiError;
use crate::json::ApiJson;
use crate::state::AppState;

/// The organisation's settings: what the customer portal shows and allows.
#[utoipa::path(
    tag = "issuer: settings",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The settings", body = OrganizationSettings),
        (status = 401, description = "No valid issuer access token", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/settings")]
async fn get_settings(session: IssuerSession) -> web::Json<OrganizationSettings> {
    web::Json(app::settings::view(&session.organization))
}

/// Change the portal settings (owner, admin). The portal applies them at the customer's next
/// request: a document type switched off leaves the portal at once.
#[utoipa::path(
    tag = "issuer: settings",
    security(("bearer" = [])),
    request_body = SettingsUpdate,
    responses(
        (status = 200, description = "Saved", body = OrganizationSettings),
        (status = 401, description = "No valid issuer access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not change settings", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/settings")]
async fn update_settings(
    state: web::Data<AppState>,
    session: IssuerSession,
    body: ApiJson<SettingsUpdate>,
) -> Result<web::Json<OrganizationSettings>, ApiError> {
    let org = app::settings::update(&state, &session, body.0).await?;
    Ok(web::Json(app::settings::view(&org)))
}

/// Give every existing contractor portal access at once (owner, admin); archived ones are left
/// out.
#[utoipa::path(
    tag = "issuer: settings",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "How many contractors got access", body = AppliedToAll),
        (status = 401, description = "No valid issuer access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not change settings", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/settings/portal/apply-to-all")]
async fn apply_to_all(
    state: web::Data<AppState>,
    session: IssuerSession,
) -> Result<web::Json<AppliedToAll>, ApiError> {
    let updated = app::settings::apply_access_to_all(&state, &session).await?;
    Ok(web::Json(AppliedToAll { updated }))
}

/// Online payment settings: the Stripe account (its keys are never shown again, only a hint),
/// partial payments and which customers may pay online.
#[utoipa::path(
    tag = "issuer: settings",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The settings", body = PaymentSettings),
        (status = 401, description = "No valid issuer access token", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/settings/payments")]
async fn get_payment_settings(
    state: web::Data<AppState>,
    session: IssuerSession,
) -> Result<web::Json<PaymentSettings>, ApiError> {
    let row = app::online_payments::settings_row(&state.db, session.organization_id).await?;
    Ok(web::Json(app::online_payments::view(
        &state,
        session.organization_id,
        row.as_ref(),
    )))
}

/// Change the online payment settings (owner, admin). Stripe needs its secret key and the
/// webhook endpoint's signing secret; both are stored encrypted and never returned.
#[utoipa::path(
    tag = "issuer: settings",
    security(("bearer" = [])),
    request_body = PaymentSettingsUpdate,
    responses(
        (status = 200, description = "Saved", body = PaymentSettings),
        (status = 401, description = "No valid issuer access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not change settings", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/settings/payments")]
async fn update_payment_settings(
    state: web::Data<AppState>,
    session: IssuerSession,
    body: ApiJson<PaymentSettingsUpdate>,
) -> Result<web::Json<PaymentSettings>, ApiError> {
    Ok(web::Json(
        app::online_payments::update(&state, &session, body.0).await?,
    ))
}

/// Ask Stripe whether it takes the stored secret key (owner, admin).
#[utoipa::path(
    tag = "issuer: settings",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Stripe took the key", body = portal_types::StripeCheck),
        (status = 401, description = "No valid issuer access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not change settings", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No key is stored (`not_configured`)", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "Stripe refused the key (`stripe_refused`, its message in `detail`) or could not be reached", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/settings/payments/test")]
async fn test_stripe(
    state: web::Data<AppState>,
    session: IssuerSession,
) -> Result<web::Json<portal_types::StripeCheck>, ApiError> {
    Ok(web::Json(
        app::online_payments::check_connection(&state, &session).await?,
    ))
}

/// Forget the Stripe keys (owner, admin): the portal stops offering online payment.
#[utoipa::path(
    tag = "issuer: settings",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Disconnected", body = PaymentSettings),
        (status = 401, description = "No valid issuer access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not change settings", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/settings/payments/stripe")]
async fn disconnect_stripe(
    state: web::Data<AppState>,
    session: IssuerSession,
) -> Result<web::Json<PaymentSettings>, ApiError> {
    Ok(web::Json(
        app::online_payments::disconnect(&state, &session).await?,
    ))
}

/// Query parameters of the activity trail (documentation; the handler parses the raw query).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct EventParams {
    /// The contractor concerned.
    #[param(minimum = 1)]
    contractor: Option<i64>,
    /// The document concerned.
    #[param(minimum = 1)]
    document: Option<i64>,
    /// Comma-separated kinds: `logged_in`, `viewed`, `downloaded`, `issued`, `payment_recorded`, …
    #[param(max_length = 200, pattern = r"^[^\u0000-\u001F\u007F-\u009F]*$")]
    kind: Option<String>,
    /// Who: `staff_user`, `portal_user`, `api_key` or `system`, optionally `:id` (`staff_user:3`).
    #[param(pattern = r"^(portal_user|staff_user|api_key|system)(:[1-9][0-9]{0,17})?$")]
    actor: Option<String>,
    /// From this instant (RFC 3339, inclusive).
    #[param(format = DateTime)]
    from: Option<String>,
    /// Before this instant (RFC 3339).
    #[param(format = DateTime)]
    until: Option<String>,
    /// Page number from 1.
    #[param(minimum = 1, maximum = 1000000)]
    page: Option<u32>,
    /// Rows per page (default 50).
    #[param(minimum = 1, maximum = 200)]
    per_page: Option<u32>,
}

/// The activity trail, newest first: sign-ins, views, downloads, issues, payments, settings and
/// user changes, each with who, when and from which address.
#[utoipa::path(
    tag = "issuer: activity",
    security(("bearer" = [])),
    params(crate::routes::params::OrEmpty<EventParams>),
    responses(
        (status = 200, description = "A page of events", body = EventPage),
        (status = 401, description = "No valid issuer access token", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A parameter is invalid; `errors` names it", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/events")]
async fn list_events(
    state: web::Data<AppState>,
    session: IssuerSession,
    query: web::Query<Vec<(String, String)>>,
) -> Result<web::Json<EventPage>, ApiError> {
    let mut q = Query::new(
        &query,
        &["contractor", "document", "kind", "actor", "from", "until"],
    );
    let contractor_id = q.id("contractor");
    let document_id = q.id("document");
    let kinds = q
        .text("kind")
        .map(|k| {
            k.split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let actor = match q.text("actor") {
        None => None,
        Some(text) => {
            let (kind, id) = match text.split_once(':') {
                Some((kind, id)) => (kind.to_string(), Some(id.to_string())),
                None => (text.clone(), None),
            };
            let known = ["portal_user", "staff_user", "api_key", "system"].contains(&kind.as_str());
            let id = id.map(|i| i.parse::<i64>());
            match (known, id) {
                (true, None) => Some((kind, None)),
                (true, Some(Ok(id))) if id > 0 => Some((kind, Some(id))),
                _ => {
                    q.errors.push(portal_types::FieldError::new(
                        "actor",
                        "invalid_value",
                        "`staff_user`, `portal_user`, `api_key` or `system`, optionally `:id`",
                    ));
                    None
                }
            }
        }
    };
    let mut instant = |key: &str| -> Option<DateTime<Utc>> {
        let text = q.text(key)?;
        match DateTime::parse_from_rfc3339(&text) {
            Ok(t) => Some(t.with_timezone(&Utc)),
            Err(_) => {
                q.errors.push(portal_types::FieldError::new(
                    key,
                    "invalid_instant",
                    "not an RFC 3339 instant (2026-12-01T08:00:00Z)",
                ));
                None
            }
        }
    };
    let from = instant("from");
    let until = instant("until");
    let (page, per_page) = q.paging();
    q.finish()?;
    let filter = EventFilter {
        contractor_id,
        document_id,
        kinds,
        actor,
        from,
        until,
    };
    let (rows, total) = trail::list(&state.db, session.scope(), &filter, page, per_page).await?;
    Ok(web::Json(EventPage {
        items: event_views(&state, &session, rows).await?,
        total,
        page,
        per_page,
    }))
}
