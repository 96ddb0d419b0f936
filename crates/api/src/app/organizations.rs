//! Organisations the operator creates (`portal org create`): the organisation with the default
//! portal settings, its owner invited (no password yet: a one-time link, valid for
//! [`INVITATION_DAYS`], lets the owner choose one at `/admin/set-password`), and the invitation
//! mailed through the outbox when SMTP is configured. Everything in one transaction: a taken
//! slug or owner address changes nothing.

use chrono::Duration;
use portal_domain::fields;
use portal_domain::locale::Locale;
use portal_domain::money::Currency;
use portal_store::entities::{organization, staff_user};
use portal_store::events::{self, Actor, NewEvent};
use portal_store::issuer::{IssuerScope, staff};
use portal_store::outbox;
use portal_store::sessions::ClientInfo;
use portal_store::sessions::Realm;
use portal_store::user_tokens::{self, Purpose};
use portal_types::{DocumentType, FieldError, Role};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    QueryFilter, QueryOrder, Set,
};

use super::links;
use crate::config::Settings;
use crate::error::ApiError;
use crate::mail::templates;

/// How long the owner's link to choose a password works.
pub const INVITATION_DAYS: i64 = 7;

/// What `portal org create` is given.
#[derive(Debug, Clone, Default)]
pub struct NewOrganization {
    /// The portal's address: `/p/{slug}`.
    pub slug: String,
    /// Legal name, printed on documents.
    pub name: String,
    /// The owner's e-mail address (their sign-in).
    pub owner_email: String,
    /// The owner's name (default: the e-mail's local part).
    pub owner_name: Option<String>,
    /// `bg`, `en`, `de` or `es` (default `en`).
    pub locale: Option<String>,
    /// ISO 4217 (default `EUR`).
    pub currency: Option<String>,
    /// ISO 3166 alpha-2 (default: the language's country; `GB` for English).
    pub country: Option<String>,
    /// Mail the owner the link when SMTP is configured (the first-run setup sets the password
    /// at once instead).
    pub mail_invitation: bool,
    /// The password the owner chose, checked with the other fields (the first-run setup sets
    /// it through the invitation right after).
    pub owner_password: Option<String>,
}

impl NewOrganization {
    /// What the setup and sign-up pages ask for: the owner's password is checked with the rest
    /// (a weak one must not leave an owner who cannot sign in).
    pub fn from_page(
        name: String,
        slug: String,
        owner_name: String,
        owner_email: String,
        password: &str,
        locale: Option<String>,
    ) -> NewOrganization {
        NewOrganization {
            slug,
            name,
            owner_email,
            owner_name: Some(owner_name),
            locale,
            owner_password: Some(password.to_string()),
            ..NewOrganization::default()
        }
    }
}

/// A [`NewOrganization`] whose fields passed [`validate`].
#[derive(Debug, Clone)]
pub struct Valid {
    slug: String,
    name: String,
    email: String,
    owner_name: String,
    locale: Locale,
    currency: String,
    country: String,
    mail_invitation: bool,
}

impl Valid {
    /// The portal's address.
    pub fn slug(&self) -> &str {
        &self.slug
    }

    /// The legal name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The owner's name.
    pub fn owner_name(&self) -> &str {
        &self.owner_name
    }

    /// The organisation's language.
    pub fn locale(&self) -> Locale {
        self.locale
    }
}

/// A created organisation, its owner and the owner's one-time link.
#[derive(Debug, Clone)]
pub struct Created {
    /// The organisation.
    pub organization: organization::Model,
    /// Its owner, invited.
    pub owner: staff_user::Model,
    /// Where the owner chooses a password.
    pub link: String,
    /// The one-time token in the link.
    pub token: String,
    /// The invitation was queued as a mail (SMTP is configured).
    pub mailed: bool,
}

/// Creates an organisation and invites its owner; every invalid field is named at once.
pub async fn create(
    db: &DatabaseConnection,
    settings: &Settings,
    input: NewOrganization,
) -> Result<Created, ApiError> {
    insert(
        db,
        settings,
        validate(&input).map_err(ApiError::Validation)?,
    )
    .await
}

/// Checks every field of `input` (the owner's password too, when given); all errors at once.
pub fn validate(input: &NewOrganization) -> Result<Valid, Vec<FieldError>> {
    let mut errors: Vec<FieldError> = Vec::new();
    let slug = take(&mut errors, fields::slug("slug", &input.slug));
    let name = take(&mut errors, fields::required_text("name", &input.name, 200));
    let email = take(
        &mut errors,
        fields::email("owner_email", &input.owner_email),
    );
    let owner_name = take(
        &mut errors,
        fields::person_name(
            "owner_name",
            input.owner_name.as_deref().unwrap_or_else(|| {
                input
                    .owner_email
                    .split('@')
                    .next()
                    .unwrap_or(&input.owner_email)
            }),
        ),
    );
    let locale = match input.locale.as_deref() {
        None => Some(Locale::En),
        Some(tag) => Locale::parse(tag.trim()).or_else(|| {
            errors.push(FieldError::new(
                "locale",
                "invalid_value",
                "`bg`, `en`, `de` or `es`",
            ));
            None
        }),
    };
    let currency = match input.currency.as_deref() {
        None => Some("EUR".to_string()),
        Some(code) => Currency::from_code(&code.trim().to_ascii_uppercase())
            .map(|c| c.code().to_string())
            .or_else(|| {
                errors.push(FieldError::new(
                    "currency",
                    "invalid_value",
                    "not an ISO 4217 currency code",
                ));
                None
            }),
    };
    let country = match (input.country.as_deref(), locale) {
        (Some(c), _) => take(
            &mut errors,
            portal_domain::identifiers::country("country", c),
        ),
        (None, Some(Locale::Bg)) => Some("BG".to_string()),
        (None, Some(Locale::De)) => Some("DE".to_string()),
        (None, Some(Locale::Es)) => Some("ES".to_string()),
        (None, _) => Some("GB".to_string()),
    };
    if let Some(password) = &input.owner_password
        && let Err(e) = portal_domain::password::check(password, input.owner_email.trim())
    {
        errors.push(FieldError::new("password", e.code(), e.to_string()));
    }
    let (
        Some(slug),
        Some(name),
        Some(email),
        Some(owner_name),
        Some(locale),
        Some(currency),
        Some(country),
    ) = (slug, name, email, owner_name, locale, currency, country)
    else {
        return Err(errors);
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Valid {
        slug,
        name,
        email,
        owner_name,
        locale,
        currency,
        country,
        mail_invitation: input.mail_invitation,
    })
}

/// Creates the organisation of checked fields and invites its owner.
pub async fn insert(
    db: &DatabaseConnection,
    settings: &Settings,
    valid: Valid,
) -> Result<Created, ApiError> {
    // Verifies no password anybody knows, until the owner chooses one.
    let unusable = portal_store::passwords::hash(uuid::Uuid::new_v4().as_bytes())?;
    let txn = portal_store::begin_write(db).await?;
    let (org, owner) = insert_in(&txn, valid.clone(), &unusable, None).await?;
    let now = portal_store::now();
    let token = user_tokens::create(
        &txn,
        org.id,
        Realm::Issuer,
        owner.id,
        Purpose::Invitation,
        Duration::days(INVITATION_DAYS),
        now,
    )
    .await?;
    let link = links::admin(settings, &format!("/set-password?token={token}"));
    let mailed = valid.mail_invitation && settings.mail.smtp_url.is_some();
    if mailed {
        let operator = settings
            .mail
            .from
            .split('<')
            .next()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .unwrap_or("The customer portal");
        let words = templates::staff_invitation(
            valid.locale,
            &org.legal_name,
            Some(&owner.name),
            operator,
            INVITATION_DAYS,
        );
        let mail = templates::compose(valid.locale, &owner.email, Some(&owner.name), words, &link);
        outbox::enqueue_email(&txn, Some(org.id), &mail, now).await?;
    }
    txn.commit().await?;
    Ok(Created {
        organization: org,
        owner,
        link,
        token,
        mailed,
    })
}

/// Inserts the organisation of checked fields and its owner with `password_hash` (an invited
/// owner when `via` is `None`, one who signed up and confirmed the address otherwise), in
/// `txn`: a taken slug or owner address is a 409 naming the field.
pub async fn insert_in(
    txn: &DatabaseTransaction,
    valid: Valid,
    password_hash: &str,
    via: Option<&str>,
) -> Result<(organization::Model, staff_user::Model), ApiError> {
    let Valid {
        slug,
        name,
        email,
        owner_name,
        locale,
        currency,
        country,
        mail_invitation: _,
    } = valid;
    let now = portal_store::now();
    if organization::Entity::find()
        .filter(organization::Column::Slug.eq(slug.as_str()))
        .one(txn)
        .await?
        .is_some()
    {
        return Err(ApiError::conflict_field(
            "slug",
            "taken",
            "an organisation with this slug exists",
        ));
    }
    if staff::email_taken(txn, &email).await? {
        return Err(ApiError::conflict_field(
            "owner_email",
            "taken",
            "a staff member of some organisation signs in with this e-mail address",
        ));
    }
    let org = organization::ActiveModel {
        slug: Set(slug),
        legal_name: Set(name),
        country: Set(country),
        default_currency: Set(currency),
        default_locale: Set(locale.as_str().to_string()),
        portal_document_types: Set(portal_store::portal::types_column(DocumentType::ALL)),
        portal_allow_download: Set(true),
        portal_allow_comments: Set(true),
        portal_allow_offer_decisions: Set(true),
        // Paying online needs a payment provider set up first.
        portal_allow_payments: Set(false),
        portal_access_default: Set(true),
        portal_email_on_new_document: Set(true),
        // Contact data and the bank account; tax data stays with the issuer until it says so.
        portal_company_fields: Set("bank,contact".into()),
        // Transfers carry the document number until the issuer chooses RF references.
        creditor_reference: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let scope = IssuerScope::new(org.id);
    let mut owner = staff::insert_invited(
        txn,
        scope,
        &email,
        &owner_name,
        Role::Owner,
        password_hash,
        now,
    )
    .await?;
    if via.is_some() {
        owner = staff::set_password(txn, owner, password_hash.to_string(), now).await?;
    }
    let mut details = serde_json::json!({ "owner": owner.email });
    if let Some(via) = via {
        details["via"] = via.into();
    }
    events::record(
        txn,
        NewEvent {
            organization_id: org.id,
            contractor_id: None,
            document_id: None,
            actor: Actor::System,
            kind: "organization_created",
            client: &ClientInfo::default(),
            details: Some(details),
        },
    )
    .await?;
    Ok((org, owner))
}

/// The value, or `None` with its error collected.
fn take(errors: &mut Vec<FieldError>, r: Result<String, FieldError>) -> Option<String> {
    r.map_err(|e| errors.push(e)).ok()
}

/// Every organisation with its number of staff, oldest first.
pub async fn list(db: &DatabaseConnection) -> Result<Vec<(organization::Model, u64)>, ApiError> {
    use sea_orm::PaginatorTrait;
    let orgs = organization::Entity::find()
        .order_by_asc(organization::Column::Id)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(orgs.len());
    for org in orgs {
        let staff = staff_user::Entity::find()
            .filter(staff_user::Column::OrganizationId.eq(org.id))
            .count(db)
            .await?;
        out.push((org, staff));
    }
    Ok(out)
}
