//! Public sign-up for hosted deployments (`PORTAL_SIGNUP=open`; closed by default, and then
//! every sign-up route is a 404). A sign-up is checked like the first-run setup, its password
//! hashed at once, and kept until the owner follows the mailed link; only then are the
//! organisation and its owner created, and the owner signed in.
//!
//! The answer never says whether an address already signs in somewhere: such an address gets a
//! mail saying so instead of a link, and the answer is the same. Sign-ups count against the
//! sign-in throttle of the client's address, and of the e-mail address (so nobody can make the
//! portal flood someone's mailbox).

use chrono::Duration;
use portal_store::entities::organization;
use portal_store::issuer::staff;
use portal_store::outbox;
use portal_store::sessions::ClientInfo;
use portal_store::signups::{self, PendingSignup};
use portal_store::throttle::{self, ThrottleKey};
use portal_types::{SignupAccepted, SignupRequest};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::links;
use super::organizations::{self, NewOrganization};
use crate::auth::signin::{Grant, staff_session};
use crate::error::ApiError;
use crate::mail::templates;
use crate::state::AppState;

/// How long the confirmation link works.
pub const VALID_HOURS: i64 = 24;

/// The 404 of every sign-up route on a server without public sign-up.
fn require_open(state: &AppState) -> Result<(), ApiError> {
    if state.settings.signup_open {
        Ok(())
    } else {
        Err(ApiError::NotFound)
    }
}

/// The site named in the mails' footer: the public address without its scheme.
fn site(state: &AppState) -> &str {
    let url = state.settings.mail.public_url.as_str();
    url.split_once("://").map_or(url, |(_, rest)| rest)
}

/// Checks a sign-up and mails its confirmation link (or, to an address that already signs in,
/// a note saying so).
pub async fn request(
    state: &AppState,
    input: SignupRequest,
    client: &ClientInfo,
) -> Result<SignupAccepted, ApiError> {
    require_open(state)?;
    let new = NewOrganization::from_page(
        input.name,
        input.slug,
        input.owner_name,
        input.owner_email,
        &input.password,
        input.locale,
    );
    let valid = organizations::validate(&new).map_err(ApiError::Validation)?;
    let email = new.owner_email.trim().to_string();
    let now = portal_store::now();
    let policy = &state.settings.throttle;
    let mut keys = vec![ThrottleKey::account("signup", "-", &email, policy)];
    if let Some(ip) = &client.ip {
        keys.push(ThrottleKey::address(ip, policy));
    }
    crate::auth::check_throttle(&state.db, &keys, now).await?;
    throttle::record_failure(&state.db, &keys, policy, now).await?;

    if organization::Entity::find()
        .filter(organization::Column::Slug.eq(valid.slug()))
        .one(&state.db)
        .await?
        .is_some()
    {
        return Err(ApiError::conflict_field(
            "slug",
            "taken",
            "an organisation with this address exists; choose another",
        ));
    }
    // Hashed before looking the address up, so both answers take the same time.
    let password_hash = state.passwords.hash(&input.password).await?;
    let locale = valid.locale();
    let name = valid.owner_name().to_string();
    let txn = portal_store::begin_write(&state.db).await?;
    let mail = if staff::email_taken(&txn, &email).await? {
        let words = templates::signup_existing_account(locale, valid.name(), &name, site(state));
        templates::compose(
            locale,
            &email,
            Some(&name),
            words,
            &links::admin(&state.settings, "/login"),
        )
    } else {
        let pending = PendingSignup {
            slug: valid.slug().to_string(),
            name: valid.name().to_string(),
            owner_name: name.clone(),
            email: email.clone(),
            locale: locale.as_str().to_string(),
            password_hash,
        };
        let token = signups::create(&txn, &pending, Duration::hours(VALID_HOURS), now).await?;
        let link = links::admin(&state.settings, &format!("/signup/confirm?token={token}"));
        let words =
            templates::signup_confirmation(locale, valid.name(), &name, site(state), VALID_HOURS);
        templates::compose(locale, &email, Some(&name), words, &link)
    };
    outbox::enqueue_email(&txn, None, &mail, now).await?;
    txn.commit().await?;
    state.outbox.wake();
    Ok(SignupAccepted {
        email,
        valid_hours: VALID_HOURS,
    })
}

/// Creates the organisation and its owner of a confirmed sign-up and signs the owner in. A link
/// works once; a slug or address taken since the sign-up is a 409 naming it.
pub async fn confirm(
    state: &AppState,
    token: &str,
    client: &ClientInfo,
) -> Result<Grant, ApiError> {
    require_open(state)?;
    let now = portal_store::now();
    let txn = portal_store::begin_write(&state.db).await?;
    let pending = signups::redeem(&txn, token, now).await?.ok_or_else(|| {
        ApiError::field(
            "token",
            "invalid_token",
            "the link is invalid, used or expired; sign up again",
        )
    })?;
    let valid = organizations::validate(&NewOrganization {
        slug: pending.slug,
        name: pending.name,
        owner_email: pending.email,
        owner_name: Some(pending.owner_name),
        locale: Some(pending.locale),
        ..NewOrganization::default()
    })
    .map_err(ApiError::Validation)?;
    let (org, owner) =
        organizations::insert_in(&txn, valid, &pending.password_hash, Some("signup")).await?;
    let grant = staff_session(&txn, state, &owner, &org, client, now).await?;
    txn.commit().await?;
    tracing::info!(organization = %org.slug, "signed up");
    Ok(grant)
}

/// Whether sign-up is open, for the sign-in page's link.
pub fn is_open(state: &AppState) -> bool {
    state.settings.signup_open
}
