//! The organisation's contractors: search and page, create, read, change, archive, restore.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use portal_store::entities::contractor;
use portal_store::issuer::contractors::{self, ContractorFilter, ContractorSort};
use portal_types::{
    Contractor, ContractorChanges, ContractorKind, ContractorPage, ContractorUpdate, ImportField,
    ImportReport, NewContractor, Problem,
};

use super::query::Query;
use crate::app;
use crate::auth::IssuerSession;
use crate::error::ApiError;
use crate::json::{ApiJson, BodyHead, read_limited};
use crate::state::AppState;

/// The contractor as the API shows it.
pub fn view(state: &AppState, slug: &str, c: contractor::Model) -> Result<Contractor, ApiError> {
    Ok(Contractor {
        kind: ContractorKind::parse(&c.kind)
            .ok_or_else(|| ApiError::internal(format!("unknown contractor kind {}", c.kind)))?,
        portal_url: app::links::portal(&state.settings, slug, ""),
        address: app::company::address(&c),
        id: c.id,
        name: c.name,
        tax_id: c.tax_id,
        vat_number: c.vat_number,
        email: c.email,
        phone: c.phone,
        iban: c.iban,
        bic: c.bic,
        locale: c.locale,
        salesperson_id: c.salesperson_id,
        payment_terms_days: c.payment_terms_days.and_then(|d| u16::try_from(d).ok()),
        portal_access: c.portal_access,
        pay_online: c.pay_online,
        archived_at: c.archived_at,
        created_at: c.created_at,
        updated_at: c.updated_at,
    })
}

/// Query parameters of the contractor list (documentation; the handler parses the raw query).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct ContractorParams {
    /// Case-insensitive substring of the name, tax id, VAT number or e-mail.
    #[param(max_length = 200, pattern = r"^[^\u0000-\u001F\u007F-\u009F]*$")]
    q: Option<String>,
    /// `client` (customers, with those that are both), `supplier` (likewise) or `both`.
    #[param(inline)]
    kind: Option<ContractorKind>,
    /// With (`true`) or without (`false`) portal access.
    portal_access: Option<bool>,
    /// `true`: archived ones only; `false` (default): active ones only; `all`: both.
    #[param(pattern = "^(true|false|all)$")]
    archived: Option<String>,
    /// `name` (default), `-created_at` (newest first) or `created_at`.
    #[param(pattern = "^(name|created_at|-created_at)$")]
    sort: Option<String>,
    /// Page number from 1.
    #[param(minimum = 1, maximum = 1000000)]
    page: Option<u32>,
    /// Rows per page (default 50).
    #[param(minimum = 1, maximum = 200)]
    per_page: Option<u32>,
}

/// Search and page through the contractors.
#[utoipa::path(
    tag = "issuer: contractors",
    security(("bearer" = [])),
    params(crate::routes::params::OrEmpty<ContractorParams>),
    responses(
        (status = 200, description = "A page of contractors", body = ContractorPage),
        (status = 401, description = "No valid issuer access token", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A parameter is invalid; `errors` names it", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/contractors")]
async fn list_contractors(
    state: web::Data<AppState>,
    session: IssuerSession,
    query: web::Query<Vec<(String, String)>>,
) -> Result<web::Json<ContractorPage>, ApiError> {
    let mut q = Query::new(&query, &["q", "kind", "portal_access", "archived", "sort"]);
    let text = q.text("q");
    let kind = q.one_of("kind", &["client", "supplier", "both"]);
    let portal_access = q.boolean("portal_access");
    let archived = match q.one_of("archived", &["true", "false", "all"]) {
        Some("true") => Some(true),
        Some("all") => None,
        _ => Some(false),
    };
    let sort = match q.one_of("sort", &["name", "created_at", "-created_at"]) {
        Some("created_at") => ContractorSort::Oldest,
        Some("-created_at") => ContractorSort::Newest,
        _ => ContractorSort::Name,
    };
    let (page, per_page) = q.paging();
    q.finish()?;
    let filter = ContractorFilter {
        q: text,
        kind: kind.map(str::to_string),
        portal_access,
        archived,
        sort,
        page,
        per_page,
    };
    let (rows, total) = contractors::list(&state.db, session.scope(), &filter).await?;
    let slug = &session.organization.slug;
    Ok(web::Json(ContractorPage {
        items: rows
            .into_iter()
            .map(|c| view(&state, slug, c))
            .collect::<Result<_, _>>()?,
        total,
        page,
        per_page,
    }))
}

/// Create a contractor (owner, admin, sales). The VAT number is checked against its country's
/// format, the IBAN by its checksum.
#[utoipa::path(
    tag = "issuer: contractors",
    security(("bearer" = [])),
    request_body = NewContractor,
    responses(
        (status = 201, description = "Created", body = Contractor),
        (status = 401, description = "No valid issuer access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not manage contractors", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid; `errors` names each", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/contractors")]
async fn create_contractor(
    state: web::Data<AppState>,
    session: IssuerSession,
    body: ApiJson<NewContractor>,
) -> Result<HttpResponse, ApiError> {
    let created = app::contractors::create(&state, &session, body.0).await?;
    Ok(HttpResponse::Created().json(view(&state, &session.organization.slug, created)?))
}

/// Query parameters of the import (documentation; the handler parses the raw query).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct ImportParams {
    /// `true`: check the file and say what importing it would do, writing nothing.
    dry_run: Option<bool>,
    /// `true`: import the good rows when some have errors (else a file with errors imports
    /// nothing).
    skip_bad_rows: Option<bool>,
    /// The field each column is read into, comma-separated in column order; an empty entry
    /// ignores its column (`name,,tax_id,email`). Without it the fields are guessed from the
    /// header row.
    #[param(max_length = 2000, pattern = r"^[a-z_,]*$")]
    columns: Option<String>,
}

/// Import contractors from a CSV file (owner, admin, sales): UTF-8 with or without a byte-order
/// mark, comma, semicolon or tab as delimiter, quoted cells, the first row naming the
/// columns; at most 20,000 rows and 8 MiB. A row whose tax id (else e-mail) is a
/// contractor's already changes that contractor — its non-empty cells replace the stored
/// values — so importing a file again adds nobody twice. Every row is checked first; a file
/// with errors imports nothing unless `skip_bad_rows` is set, and the errors name each row by
/// its line (`lines[4].iban`). The import is one transaction, each contractor created or
/// changed has its event.
#[utoipa::path(
    tag = "issuer: contractors",
    security(("bearer" = [])),
    params(crate::routes::params::OrEmpty<ImportParams>),
    request_body(content((crate::routes::params::FileBody = "text/csv"), (crate::routes::params::FileBody = "text/plain")), description = "The CSV file"),
    responses(
        (status = 200, description = "Imported (or, in a dry run, what importing would do)", body = ImportReport),
        (status = 401, description = "No valid issuer access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not manage contractors", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The file is larger than 8 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not text/csv in UTF-8, or is compressed (`Content-Encoding`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The file, the mapping or rows are invalid; `errors` names each", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/contractors/import")]
async fn import_contractors(
    state: web::Data<AppState>,
    session: IssuerSession,
    request: HttpRequest,
    query: web::Query<Vec<(String, String)>>,
    payload: web::Payload,
) -> Result<web::Json<ImportReport>, ApiError> {
    let mut q = Query::new(&query, &["dry_run", "skip_bad_rows", "columns"]);
    let dry_run = q.boolean("dry_run").unwrap_or(false);
    let skip_bad_rows = q.boolean("skip_bad_rows").unwrap_or(false);
    let columns = q.text_up_to("columns", 2000);
    q.finish()?;
    let columns = columns.map(|c| parse_columns(&c)).transpose()?;
    csv_media_type(&request)?;
    let body = read_limited(
        BodyHead::of(&request),
        payload.into_inner(),
        app::import::MAX_BYTES,
    )
    .await?;
    let options = app::import::ImportOptions {
        columns,
        dry_run,
        skip_bad_rows,
    };
    let report = app::import::import(&state, &session, &body, options).await?;
    Ok(web::Json(report))
}

/// `text/csv` (or `text/plain`), in UTF-8 when a charset is named.
fn csv_media_type(request: &HttpRequest) -> Result<(), ApiError> {
    let value = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let mut parts = value.split(';').map(str::trim);
    let essence = parts.next().unwrap_or("");
    let utf8 = parts
        .filter_map(|p| p.strip_prefix("charset="))
        .all(|c| matches!(c.trim_matches('"'), "utf-8" | "utf8" | "us-ascii"));
    if ["text/csv", "text/plain"].contains(&essence) && utf8 {
        Ok(())
    } else {
        Err(ApiError::UnsupportedMediaType {
            expected: "text/csv in UTF-8",
        })
    }
}

/// The `columns` parameter: field names by column, empty entries ignoring their column.
fn parse_columns(value: &str) -> Result<Vec<Option<ImportField>>, ApiError> {
    value
        .split(',')
        .map(|name| match name.trim() {
            "" => Ok(None),
            name => ImportField::parse(name).map(Some).ok_or_else(|| {
                ApiError::field(
                    "columns",
                    "unknown_field",
                    format!("`{name}` is not a contractor field"),
                )
            }),
        })
        .collect()
}

/// One contractor.
#[utoipa::path(
    tag = "issuer: contractors",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Contractor id")),
    responses(
        (status = 200, description = "The contractor", body = Contractor),
        (status = 401, description = "No valid issuer access token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such contractor in this organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/contractors/{id}")]
async fn get_contractor(
    state: web::Data<AppState>,
    session: IssuerSession,
    id: web::Path<i64>,
) -> Result<web::Json<Contractor>, ApiError> {
    let found = contractors::find(&state.db, session.scope(), id.into_inner())
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(web::Json(view(&state, &session.organization.slug, found)?))
}

/// A contractor's history: each change of its company data (name, tax data, address,
/// contact, bank account), by the customer in the portal or by staff, with the old and the new
/// value, who and when; newest first, at most 500.
#[utoipa::path(
    tag = "issuer: contractors",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Contractor id")),
    responses(
        (status = 200, description = "The changes", body = ContractorChanges),
        (status = 401, description = "No valid issuer access token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such contractor in this organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/contractors/{id}/changes")]
async fn contractor_changes(
    state: web::Data<AppState>,
    session: IssuerSession,
    id: web::Path<i64>,
) -> Result<web::Json<ContractorChanges>, ApiError> {
    Ok(web::Json(
        app::company::history(&state, &session, id.into_inner()).await?,
    ))
}

/// Change a contractor (owner, admin, sales). Withdrawing portal access ends its users'
/// sessions at once.
#[utoipa::path(
    tag = "issuer: contractors",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Contractor id")),
    request_body = ContractorUpdate,
    responses(
        (status = 200, description = "Saved", body = Contractor),
        (status = 401, description = "No valid issuer access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not manage contractors", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such contractor in this organisation", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid; `errors` names each", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/contractors/{id}")]
async fn update_contractor(
    state: web::Data<AppState>,
    session: IssuerSession,
    id: web::Path<i64>,
    body: ApiJson<ContractorUpdate>,
) -> Result<web::Json<Contractor>, ApiError> {
    let saved = app::contractors::update(&state, &session, id.into_inner(), body.0).await?;
    Ok(web::Json(view(&state, &session.organization.slug, saved)?))
}

/// Archive a contractor: left out of lists, and its portal users can no longer sign in
/// (portal access is withdrawn, their sessions end). Its documents stay.
#[utoipa::path(
    tag = "issuer: contractors",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Contractor id")),
    responses(
        (status = 200, description = "Archived", body = Contractor),
        (status = 401, description = "No valid issuer access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not manage contractors", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such contractor in this organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/contractors/{id}/archive")]
async fn archive_contractor(
    state: web::Data<AppState>,
    session: IssuerSession,
    id: web::Path<i64>,
) -> Result<web::Json<Contractor>, ApiError> {
    let saved = app::contractors::set_archived(&state, &session, id.into_inner(), true).await?;
    Ok(web::Json(view(&state, &session.organization.slug, saved)?))
}

/// Restore an archived contractor (portal access stays off until given again).
#[utoipa::path(
    tag = "issuer: contractors",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Contractor id")),
    responses(
        (status = 200, description = "Restored", body = Contractor),
        (status = 401, description = "No valid issuer access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not manage contractors", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such contractor in this organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/contractors/{id}/restore")]
async fn restore_contractor(
    state: web::Data<AppState>,
    session: IssuerSession,
    id: web::Path<i64>,
) -> Result<web::Json<Contractor>, ApiError> {
    let saved = app::contractors::set_archived(&state, &session, id.into_inner(), false).await?;
    Ok(web::Json(view(&state, &session.organization.slug, saved)?))
}
