//! The organisation's portal settings. The portal reads them with every request's session
//! check, so a change shows at the customer's next request.

use portal_domain::access::Permission;
use portal_store::entities::{contractor, organization};
use portal_store::portal::released_types;
use portal_types::{OrganizationSettings, PortalActions, PortalSettings, SettingsUpdate};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use crate::auth::IssuerSession;
use crate::error::ApiError;
use crate::state::AppState;

/// The settings as the API shows them.
pub fn view(org: &organization::Model) -> OrganizationSettings {
    OrganizationSettings {
        portal: PortalSettings {
            document_types: released_types(org),
            actions: PortalActions {
                download: org.portal_allow_download,
                comment: org.portal_allow_comments,
                accept_offers: org.portal_allow_offer_decisions,
                pay: org.portal_allow_payments,
            },
            rejection_reason_required: org.portal_rejection_reason_required,
            company_fields: super::company::editable(org),
            access_by_default: org.portal_access_default,
            email_new_documents: org.portal_email_on_new_document,
        },
    }
}

/// Changes the portal settings (owner, admin).
pub async fn update(
    state: &AppState,
    session: &IssuerSession,
    input: SettingsUpdate,
) -> Result<organization::Model, ApiError> {
    session.require(Permission::ManageSettings)?;
    let txn = portal_store::begin_write(&state.db).await?;
    let org = organization::Entity::find_by_id(session.organization_id)
        .one(&txn)
        .await?
        .ok_or(ApiError::NotFound)?;
    let Some(portal) = input.portal else {
        return Ok(org);
    };
    let mut model: organization::ActiveModel = org.clone().into();
    let mut changed = Vec::new();
    if let Some(mut types) = portal.document_types {
        types.sort();
        types.dedup();
        let list = portal_store::portal::types_column(&types);
        if list != org.portal_document_types {
            model.portal_document_types = Set(list);
            changed.push("document_types");
        }
    }
    if let Some(groups) = portal.company_fields {
        let column = super::company::fields_column(&groups);
        if column != org.portal_company_fields {
            model.portal_company_fields = Set(column);
            changed.push("company_fields");
        }
    }
    let mut flag = |value: Option<bool>, current: bool, name: &'static str| -> Option<bool> {
        let v = value.filter(|v| *v != current)?;
        changed.push(name);
        Some(v)
    };
    if let Some(actions) = portal.actions {
        if let Some(v) = flag(
            actions.download,
            org.portal_allow_download,
            "actions.download",
        ) {
            model.portal_allow_download = Set(v);
        }
        if let Some(v) = flag(
            actions.comment,
            org.portal_allow_comments,
            "actions.comment",
        ) {
            model.portal_allow_comments = Set(v);
        }
        if let Some(v) = flag(
            actions.accept_offers,
            org.portal_allow_offer_decisions,
            "actions.accept_offers",
        ) {
            model.portal_allow_offer_decisions = Set(v);
        }
        if let Some(v) = flag(actions.pay, org.portal_allow_payments, "actions.pay") {
            model.portal_allow_payments = Set(v);
        }
    }
    if let Some(v) = flag(
        portal.rejection_reason_required,
        org.portal_rejection_reason_required,
        "rejection_reason_required",
    ) {
        model.portal_rejection_reason_required = Set(v);
    }
    if let Some(v) = flag(
        portal.access_by_default,
        org.portal_access_default,
        "access_by_default",
    ) {
        model.portal_access_default = Set(v);
    }
    if let Some(v) = flag(
        portal.email_new_documents,
        org.portal_email_on_new_document,
        "email_new_documents",
    ) {
        model.portal_email_on_new_document = Set(v);
    }
    if changed.is_empty() {
        return Ok(org);
    }
    model.updated_at = Set(portal_store::now());
    let saved = model.update(&txn).await?;
    record(
        state,
        session,
        &txn,
        "settings_changed",
        serde_json::json!({ "fields": changed }),
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// Gives every contractor that is not archived portal access; answers how many got it now.
pub async fn apply_access_to_all(
    state: &AppState,
    session: &IssuerSession,
) -> Result<u64, ApiError> {
    session.require(Permission::ManageSettings)?;
    let txn = portal_store::begin_write(&state.db).await?;
    let result = contractor::Entity::update_many()
        .col_expr(contractor::Column::PortalAccess, Expr::value(true))
        .col_expr(
            contractor::Column::UpdatedAt,
            Expr::value(portal_store::now()),
        )
        .filter(contractor::Column::OrganizationId.eq(session.organization_id))
        .filter(contractor::Column::PortalAccess.eq(false))
        .filter(contractor::Column::ArchivedAt.is_null())
        .exec(&txn)
        .await?;
    record(
        state,
        session,
        &txn,
        "portal_access_applied_to_all",
        serde_json::json!({ "contractors": result.rows_affected }),
    )
    .await?;
    txn.commit().await?;
    Ok(result.rows_affected)
}

async fn record(
    _state: &AppState,
    session: &IssuerSession,
    db: &impl sea_orm::ConnectionTrait,
    kind: &'static str,
    details: serde_json::Value,
) -> Result<(), ApiError> {
    session.record(db, kind, details).await?;
    Ok(())
}
