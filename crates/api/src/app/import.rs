//! Importing contractors from a CSV file, as a business moves its customers over: UTF-8 with or
//! without a byte-order mark, comma, semicolon or tab between cells, quoted cells (with the
//! delimiter, quotes or line breaks inside), a header row. Each column is read into a contractor
//! field, as the caller maps it or as guessed from the header (in four languages). A row that
//! names a contractor already there — by tax id, else by e-mail — changes it instead of adding a
//! second one, so importing the same file twice changes nothing the second time.
//!
//! Every row is checked before anything is written, with the checks of the contractor form;
//! a row with errors is reported with its line. The import is one transaction: all of its rows
//! or none, and rows with errors are left out only when the caller chooses to skip them.

use std::collections::HashMap;

use portal_domain::access::Permission;
use portal_domain::filter::fold;
use portal_domain::{fields, identifiers};
use portal_store::entities::contractor;
use portal_store::events::{self, NewEvent};
use portal_store::issuer::contractors;
use portal_types::{
    ContractorKind, FieldError, ImportAction, ImportField, ImportReport, ImportRow, ImportValue,
};
use sea_orm::Set;

use super::checked::Checked;
use crate::auth::IssuerSession;
use crate::error::ApiError;
use crate::state::AppState;

/// Largest file accepted, in bytes.
pub const MAX_BYTES: usize = 8 * 1024 * 1024;
/// Most rows after the header.
pub const MAX_ROWS: usize = 20_000;
/// Most columns.
pub const MAX_COLUMNS: usize = 100;
/// Rows the preview shows besides those with errors.
const PREVIEW_ROWS: usize = 100;
/// Rows with errors the preview shows at most.
const PREVIEW_INVALID: usize = 1_000;
/// Row errors a refused import lists at most.
const LISTED_ERRORS: usize = 200;

/// How to import.
#[derive(Debug, Default)]
pub struct ImportOptions {
    /// The field of each column (`None`: ignored); guessed from the header when not given.
    pub columns: Option<Vec<Option<ImportField>>>,
    /// Check and report only; write nothing.
    pub dry_run: bool,
    /// Import the good rows when some have errors (else nothing is imported).
    pub skip_bad_rows: bool,
}

/// Checks the file and imports it (or, in a dry run, says what importing it would do).
pub async fn import(
    state: &AppState,
    session: &IssuerSession,
    body: &[u8],
    options: ImportOptions,
) -> Result<ImportReport, ApiError> {
    session.require(Permission::ManageContractors)?;
    let sheet = read(body)?;
    let columns = match options.columns {
        Some(columns) => mapping(columns, sheet.headers.len())?,
        None => guess_columns(&sheet.headers),
    };
    let missing: Vec<ImportField> = [ImportField::Name]
        .into_iter()
        .filter(|f| !columns.contains(&Some(*f)))
        .collect();
    let scope = session.scope();
    let existing = contractors::all(&state.db, scope).await?;
    let mut plans = plan(&sheet, &columns, &existing);
    let count = |plans: &[Plan], action| {
        let n = plans.iter().filter(|p| p.row.action == action).count();
        u32::try_from(n).unwrap_or(u32::MAX)
    };
    let invalid = count(&plans, ImportAction::Invalid);
    if !options.dry_run {
        if let Some(field) = missing.first() {
            return Err(ApiError::field(
                "columns",
                "required_column_missing",
                format!("no column is read into `{}`", field.as_str()),
            ));
        }
        if invalid > 0 && !options.skip_bad_rows {
            return Err(ApiError::Validation(row_errors(&plans)));
        }
        write(state, session, &mut plans).await?;
    }
    let report = ImportReport {
        dry_run: options.dry_run,
        delimiter: char::from(sheet.delimiter).to_string(),
        headers: sheet.headers,
        columns,
        missing,
        rows: u32::try_from(plans.len()).unwrap_or(u32::MAX),
        created: count(&plans, ImportAction::Create),
        updated: count(&plans, ImportAction::Update),
        unchanged: count(&plans, ImportAction::Unchanged),
        invalid: count(&plans, ImportAction::Invalid),
        preview: preview(plans),
    };
    Ok(report)
}

/// A file read: its delimiter, header and rows (each with the line it starts on).
struct Sheet {
    delimiter: u8,
    headers: Vec<String>,
    rows: Vec<(u32, Vec<String>)>,
}

fn read(bytes: &[u8]) -> Result<Sheet, ApiError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let line_at = |offset: usize| bytes[..offset].iter().filter(|b| **b == b'\n').count() + 1;
    let text = std::str::from_utf8(bytes).map_err(|e| {
        ApiError::field(
            "body",
            "invalid_encoding",
            format!(
                "line {} is not UTF-8 text; save the file as \"CSV UTF-8\"",
                line_at(e.valid_up_to())
            ),
        )
    })?;
    if let Some(offset) = text.find('\0') {
        return Err(ApiError::field(
            "body",
            "invalid_character",
            format!(
                "line {} holds the NUL character; is this a CSV file?",
                line_at(offset)
            ),
        ));
    }
    let delimiter = delimiter(text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    let mut headers: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    let (mut counted_to, mut newlines) = (0usize, 0usize);
    loop {
        let more = reader.read_record(&mut record).map_err(|e| {
            ApiError::field(
                "body",
                "malformed_csv",
                format!("the file cannot be read as CSV: {e}"),
            )
        })?;
        if !more {
            break;
        }
        let cells: Vec<String> = record.iter().map(|c| c.trim().to_string()).collect();
        if cells.iter().all(String::is_empty) {
            continue;
        }
        // The line the record starts on, counted from its byte offset: csv's own line count
        // skips blank lines, and after a CRLF its offset is the LF's (a record never starts
        // with a line break, so those are stepped over).
        let mut start = record
            .position()
            .map_or(0, |p| usize::try_from(p.byte()).unwrap_or(usize::MAX))
            .min(text.len());
        while matches!(text.as_bytes().get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        if start > counted_to {
            newlines += text.as_bytes()[counted_to..start]
                .iter()
                .filter(|b| **b == b'\n')
                .count();
            counted_to = start;
        }
        let line = u32::try_from(newlines + 1).unwrap_or(u32::MAX);
        if headers.is_none() {
            if cells.len() > MAX_COLUMNS {
                return Err(ApiError::field(
                    "body",
                    "too_many_columns",
                    format!(
                        "the header has {} columns; at most {MAX_COLUMNS}",
                        cells.len()
                    ),
                ));
            }
            headers = Some(cells);
        } else if rows.len() == MAX_ROWS {
            return Err(ApiError::field(
                "body",
                "too_many_rows",
                format!("at most {MAX_ROWS} rows per file; split it"),
            ));
        } else {
            rows.push((line, cells));
        }
    }
    let headers = headers.ok_or_else(|| {
        ApiError::field(
            "body",
            "empty_file",
            "the file is empty; its first row must name the columns",
        )
    })?;
    Ok(Sheet {
        delimiter,
        headers,
        rows,
    })
}

/// The delimiter of the header line: whichever of `,`, `;` and tab it has most of outside
/// quotes (a comma when none).
fn delimiter(text: &str) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for c in text.trim_start_matches(['\r', '\n']).chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' if !quoted => break,
            ',' if !quoted => counts[0] += 1,
            ';' if !quoted => counts[1] += 1,
            '\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).fold(0, |best, i| if counts[i] > counts[best] { i } else { best });
    [b',', b';', b'\t'][best]
}

/// A mapping given by the caller: one entry per column, each field at most once.
fn mapping(
    columns: Vec<Option<ImportField>>,
    width: usize,
) -> Result<Vec<Option<ImportField>>, ApiError> {
    if columns.len() != width {
        return Err(ApiError::field(
            "columns",
            "wrong_length",
            format!(
                "the file has {width} columns; `columns` names {}",
                columns.len()
            ),
        ));
    }
    for (i, field) in columns.iter().enumerate() {
        if let Some(field) = field
            && columns[..i].contains(&Some(*field))
        {
            return Err(ApiError::field(
                "columns",
                "duplicate_column",
                format!("`{}` is read from two columns", field.as_str()),
            ));
        }
    }
    Ok(columns)
}

/// Header names (folded: lower case, letters and digits only, without accents) and the
/// field each stands for, in the four portal languages and as common exports write them.
const HEADER_NAMES: &[(ImportField, &[&str])] = &[
    (
        ImportField::Name,
        &[
            "name",
            "company",
            "companyname",
            "legalname",
            "customer",
            "customername",
            "client",
            "firma",
            "firmenname",
            "unternehmen",
            "kunde",
            "kundenname",
            "име",
            "наименование",
            "фирма",
            "клиент",
            "контрагент",
            "nombre",
            "razonsocial",
            "empresa",
            "cliente",
            "nombrefiscal",
        ],
    ),
    (
        ImportField::Kind,
        &["kind", "type", "typ", "art", "вид", "тип", "tipo"],
    ),
    (
        ImportField::TaxId,
        &[
            "taxid",
            "taxnumber",
            "companynumber",
            "registrationnumber",
            "eik",
            "еик",
            "булстат",
            "еикбулстат",
            "steuernummer",
            "stnr",
            "nif",
            "cif",
            "nifcif",
            "cifnif",
            "dni",
        ],
    ),
    (
        ImportField::VatNumber,
        &[
            "vat",
            "vatnumber",
            "vatid",
            "vatno",
            "ustid",
            "ustidnr",
            "ustidnummer",
            "umsatzsteuerid",
            "ддс",
            "ддсномер",
            "инпозддс",
            "номерподдс",
            "nifiva",
            "numeroiva",
            "iva",
            "nifintracomunitario",
        ],
    ),
    (
        ImportField::Email,
        &[
            "email",
            "mail",
            "emailaddress",
            "emailadresse",
            "correo",
            "correoelectronico",
            "имейл",
            "емайл",
            "електроннапоща",
        ],
    ),
    (
        ImportField::Phone,
        &[
            "phone",
            "telephone",
            "tel",
            "telefon",
            "telefonnummer",
            "mobile",
            "телефон",
            "telefono",
            "movil",
        ],
    ),
    (
        ImportField::Street,
        &[
            "street",
            "address",
            "addressline1",
            "strasse",
            "adresse",
            "anschrift",
            "адрес",
            "улица",
            "direccion",
            "calle",
            "domicilio",
        ],
    ),
    (
        ImportField::City,
        &[
            "city",
            "town",
            "ort",
            "stadt",
            "град",
            "населеномясто",
            "ciudad",
            "poblacion",
            "localidad",
            "municipio",
        ],
    ),
    (
        ImportField::PostalCode,
        &[
            "postalcode",
            "postcode",
            "zip",
            "zipcode",
            "plz",
            "postleitzahl",
            "пощенскикод",
            "пк",
            "codigopostal",
            "cp",
        ],
    ),
    (
        ImportField::Country,
        &[
            "country",
            "countrycode",
            "land",
            "държава",
            "страна",
            "pais",
        ],
    ),
    (
        ImportField::Iban,
        &[
            "iban",
            "bankaccount",
            "konto",
            "банковасметка",
            "сметка",
            "cuenta",
            "cuentabancaria",
        ],
    ),
    (ImportField::Bic, &["bic", "swift", "bicswift", "swiftbic"]),
    (
        ImportField::Locale,
        &["locale", "language", "lang", "sprache", "език", "idioma"],
    ),
    (
        ImportField::PaymentTermsDays,
        &[
            "paymentterms",
            "paymenttermsdays",
            "terms",
            "zahlungsziel",
            "zahlungsbedingungen",
            "срокзаплащане",
            "срокнаплащане",
            "падеж",
            "plazodepago",
            "plazo",
            "diasdepago",
        ],
    ),
];

/// A header folded for comparison: lower case, accents dropped, letters and digits only.
fn folded(header: &str) -> String {
    fold(header)
        .chars()
        .flat_map(|c| {
            let plain = match c {
                'á' | 'à' | 'â' | 'ä' => 'a',
                'é' | 'è' | 'ê' => 'e',
                'í' | 'ì' => 'i',
                'ó' | 'ò' | 'ô' | 'ö' => 'o',
                'ú' | 'ù' | 'ü' => 'u',
                'ñ' => 'n',
                'ç' => 'c',
                other => other,
            };
            if plain == 'ß' {
                vec!['s', 's']
            } else {
                vec![plain]
            }
        })
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// The field each header names, the first column winning when two name the same one.
fn guess_columns(headers: &[String]) -> Vec<Option<ImportField>> {
    let mut columns: Vec<Option<ImportField>> = Vec::with_capacity(headers.len());
    for header in headers {
        let key = folded(header);
        let field = HEADER_NAMES
            .iter()
            .find(|(_, names)| names.contains(&key.as_str()))
            .map(|(field, _)| *field)
            .or_else(|| ImportField::parse(header.trim()));
        columns.push(field.filter(|f| !columns.contains(&Some(*f))));
    }
    columns
}

/// A contractor kind as a CSV may write it.
fn kind(value: &str) -> Option<ContractorKind> {
    match fold(value).as_str() {
        "client" | "customer" | "kunde" | "клиент" | "cliente" => {
            Some(ContractorKind::Client)
        }
        "supplier" | "vendor" | "lieferant" | "доставчик" | "proveedor" => {
            Some(ContractorKind::Supplier)
        }
        "both" | "beides" | "двете" | "ambos" => Some(ContractorKind::Both),
        _ => None,
    }
}

/// A row's values, checked: `None` where its cell is empty or not mapped.
#[derive(Default)]
struct Values {
    name: Option<String>,
    kind: Option<String>,
    tax_id: Option<String>,
    vat_number: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    street: Option<String>,
    city: Option<String>,
    postal_code: Option<String>,
    country: Option<String>,
    iban: Option<String>,
    bic: Option<String>,
    locale: Option<String>,
    payment_terms_days: Option<i32>,
}

/// Reads and checks one row's cells (errors name the contractor field).
fn check(columns: &[Option<ImportField>], cells: &[String]) -> (Vec<ImportValue>, Values, Checked) {
    let mut checked = Checked::default();
    let mut values = Values::default();
    let mut shown = Vec::new();
    if cells.len() > columns.len() && cells[columns.len()..].iter().any(|c| !c.is_empty()) {
        checked.push(FieldError::new(
            "row",
            "too_many_cells",
            format!(
                "the row has {} cells, the header {}",
                cells.len(),
                columns.len()
            ),
        ));
    }
    for (i, field) in columns.iter().enumerate() {
        let Some(field) = *field else { continue };
        let cell = cells.get(i).map_or("", String::as_str);
        if !cell.is_empty() {
            shown.push(ImportValue {
                field,
                value: cell.to_string(),
            });
        }
        let name = field.as_str();
        let text = |checked: &mut Checked, max| checked.text(name, Some(cell), max).flatten();
        let ident =
            |checked: &mut Checked, parse| checked.identifier(name, Some(cell), parse).flatten();
        match field {
            ImportField::Name => values.name = checked.take(fields::required_text(name, cell, 200)),
            ImportField::Kind if !cell.is_empty() => match kind(cell) {
                Some(k) => values.kind = Some(k.as_str().to_string()),
                None => checked.push(FieldError::new(
                    name,
                    "invalid_value",
                    "must be client, supplier or both",
                )),
            },
            ImportField::Kind => {}
            ImportField::TaxId => values.tax_id = text(&mut checked, 50),
            ImportField::VatNumber => {
                values.vat_number = ident(&mut checked, identifiers::vat_number)
            }
            ImportField::Email => values.email = ident(&mut checked, fields::email),
            ImportField::Phone => values.phone = text(&mut checked, 50),
            ImportField::Street => values.street = text(&mut checked, 200),
            ImportField::City => values.city = text(&mut checked, 100),
            ImportField::PostalCode => values.postal_code = text(&mut checked, 20),
            ImportField::Country => values.country = ident(&mut checked, identifiers::country),
            ImportField::Iban => values.iban = ident(&mut checked, identifiers::iban),
            ImportField::Bic => values.bic = ident(&mut checked, identifiers::bic),
            ImportField::Locale if !cell.is_empty() => {
                values.locale = checked.locale(name, Some(&cell.to_lowercase()));
            }
            ImportField::Locale => {}
            ImportField::PaymentTermsDays if !cell.is_empty() => match cell.parse::<u16>() {
                Ok(days) => values.payment_terms_days = checked.terms(name, Some(days)),
                Err(_) => checked.push(FieldError::new(
                    name,
                    "invalid_number",
                    "a whole number of days, 0 to 365",
                )),
            },
            ImportField::PaymentTermsDays => {}
        }
    }
    (shown, values, checked)
}

/// What a row does, decided before anything is written.
struct Plan {
    row: ImportRow,
    change: Change,
}

enum Change {
    None,
    Create(Box<contractor::ActiveModel>),
    Update(Box<contractor::ActiveModel>, Vec<&'static str>),
}

/// The key a tax id is matched by: upper case without spaces, dots, dashes or slashes.
fn tax_key(tax_id: &str) -> String {
    tax_id
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect()
}

/// Decides every row: checked, matched against the contractors there (by tax id, else by
/// e-mail when the one found has no other tax id) and against the rows before it.
fn plan(
    sheet: &Sheet,
    columns: &[Option<ImportField>],
    existing: &[contractor::Model],
) -> Vec<Plan> {
    let mut by_tax: HashMap<String, &contractor::Model> = HashMap::new();
    let mut by_email: HashMap<String, &contractor::Model> = HashMap::new();
    for c in existing {
        if let Some(t) = c.tax_id.as_deref().map(tax_key).filter(|t| !t.is_empty()) {
            by_tax.entry(t).or_insert(c);
        }
        if let Some(e) = &c.email {
            by_email.entry(e.to_lowercase()).or_insert(c);
        }
    }
    // A row's identity (its tax id, else its e-mail) and the contractor it changes, each
    // with the line that first had it.
    let mut seen_key: HashMap<String, u32> = HashMap::new();
    let mut seen_target: HashMap<i64, u32> = HashMap::new();
    let mut plans = Vec::with_capacity(sheet.rows.len());
    for (line, cells) in &sheet.rows {
        let (values, parsed, mut checked) = check(columns, cells);
        let tax = parsed
            .tax_id
            .as_deref()
            .map(tax_key)
            .filter(|t| !t.is_empty());
        let email = parsed.email.as_deref().map(str::to_lowercase);
        let target = match &tax {
            Some(t) => by_tax.get(t).copied().or_else(|| {
                email
                    .as_ref()
                    .and_then(|e| by_email.get(e))
                    .copied()
                    .filter(|c| {
                        c.tax_id
                            .as_deref()
                            .map(tax_key)
                            .is_none_or(|k| k.is_empty() || &k == t)
                    })
            }),
            None => email.as_ref().and_then(|e| by_email.get(e)).copied(),
        };
        let (key_field, key) = match (&tax, &email) {
            (Some(t), _) => ("tax_id", Some(format!("t:{t}"))),
            (None, Some(e)) => ("email", Some(format!("e:{e}"))),
            (None, None) => ("", None),
        };
        if let Some(key) = key {
            if let Some(first) = seen_key.get(&key) {
                let what = if key_field == "tax_id" {
                    "tax id"
                } else {
                    "e-mail"
                };
                checked.push(FieldError::new(
                    key_field,
                    "duplicate_in_file",
                    format!("line {first} has the same {what}"),
                ));
            } else {
                seen_key.insert(key, *line);
            }
        }
        if let Some(c) = target {
            if let Some(first) = seen_target.get(&c.id) {
                checked.push(FieldError::new(
                    key_field,
                    "duplicate_in_file",
                    format!("line {first} already changes this contractor ({})", c.name),
                ));
            } else {
                seen_target.insert(c.id, *line);
            }
        }
        let errors = checked.into_errors();
        let (action, change) = if !errors.is_empty() {
            (ImportAction::Invalid, Change::None)
        } else if let Some(current) = target {
            let (model, changed) = changes(&parsed, current);
            if changed.is_empty() {
                (ImportAction::Unchanged, Change::None)
            } else {
                (
                    ImportAction::Update,
                    Change::Update(Box::new(model), changed),
                )
            }
        } else {
            (
                ImportAction::Create,
                Change::Create(Box::new(new_model(parsed))),
            )
        };
        plans.push(Plan {
            row: ImportRow {
                line: *line,
                action,
                contractor_id: target.map(|c| c.id),
                values,
                errors,
            },
            change,
        });
    }
    plans
}

/// The fields of a new contractor (kind, language and portal access filled in on writing).
fn new_model(v: Values) -> contractor::ActiveModel {
    contractor::ActiveModel {
        name: Set(v.name.unwrap_or_default()),
        kind: Set(v
            .kind
            .unwrap_or_else(|| ContractorKind::Client.as_str().to_string())),
        tax_id: Set(v.tax_id),
        vat_number: Set(v.vat_number),
        email: Set(v.email),
        phone: Set(v.phone),
        street: Set(v.street),
        city: Set(v.city),
        postal_code: Set(v.postal_code),
        country: Set(v.country),
        iban: Set(v.iban),
        bic: Set(v.bic),
        locale: v.locale.map_or(sea_orm::ActiveValue::NotSet, Set),
        payment_terms_days: Set(v.payment_terms_days),
        salesperson_id: Set(None),
        archived_at: Set(None),
        ..Default::default()
    }
}

/// The changes a row makes to a contractor: each non-empty cell that differs (an empty cell
/// keeps what is stored).
fn changes(
    v: &Values,
    current: &contractor::Model,
) -> (contractor::ActiveModel, Vec<&'static str>) {
    let mut model: contractor::ActiveModel = current.clone().into();
    let mut changed = Vec::new();
    macro_rules! text {
        ($($field:ident),*) => {$(
            if let Some(value) = &v.$field
                && current.$field.as_ref() != Some(value)
            {
                model.$field = Set(Some(value.clone()));
                changed.push(stringify!($field));
            }
        )*};
    }
    text!(
        tax_id,
        vat_number,
        email,
        phone,
        street,
        city,
        postal_code,
        country,
        iban,
        bic
    );
    macro_rules! plain {
        ($($field:ident),*) => {$(
            if let Some(value) = &v.$field
                && &current.$field != value
            {
                model.$field = Set(value.clone());
                changed.push(stringify!($field));
            }
        )*};
    }
    plain!(name, kind, locale);
    if let Some(days) = v.payment_terms_days
        && current.payment_terms_days != Some(days)
    {
        model.payment_terms_days = Set(Some(days));
        changed.push("payment_terms_days");
    }
    (model, changed)
}

/// The errors of the rows, each named `lines[<line>].<field>`, as a refused import lists them.
fn row_errors(plans: &[Plan]) -> Vec<FieldError> {
    plans
        .iter()
        .flat_map(|p| {
            p.row.errors.iter().map(|e| {
                FieldError::new(
                    format!("lines[{}].{}", p.row.line, e.field),
                    e.code.clone(),
                    format!("line {}: {}", p.row.line, e.message),
                )
            })
        })
        .take(LISTED_ERRORS)
        .collect()
}

/// Writes the rows that create or change a contractor, and an event for each, in one
/// transaction.
async fn write(
    state: &AppState,
    session: &IssuerSession,
    plans: &mut [Plan],
) -> Result<(), ApiError> {
    let scope = session.scope();
    let org = &session.organization;
    let now = portal_store::now();
    let txn = portal_store::begin_write(&state.db).await?;
    let mut recorded = Vec::new();
    for plan in plans.iter_mut() {
        let line = plan.row.line;
        match std::mem::replace(&mut plan.change, Change::None) {
            Change::None => {}
            Change::Create(model) => {
                let mut model = *model;
                if model.locale.is_not_set() {
                    model.locale = Set(org.default_locale.clone());
                }
                model.portal_access = Set(org.portal_access_default);
                let created = contractors::insert(&txn, scope, model, now).await?;
                plan.row.contractor_id = Some(created.id);
                let details = serde_json::json!({ "import_line": line });
                recorded.push((created.id, "contractor_created", details));
            }
            Change::Update(model, changed) => {
                let saved = contractors::update(&txn, *model, now).await?;
                let details = serde_json::json!({ "fields": changed, "import_line": line });
                recorded.push((saved.id, "contractor_changed", details));
            }
        }
    }
    let events = recorded
        .into_iter()
        .map(|(id, kind, details)| NewEvent {
            organization_id: session.organization_id,
            contractor_id: Some(id),
            document_id: None,
            actor: session.actor(),
            kind,
            client: &session.client,
            details: Some(details),
        })
        .collect();
    events::record_all(&txn, events).await?;
    txn.commit().await?;
    Ok(())
}

/// The rows the report shows: the first ones and those with errors.
fn preview(plans: Vec<Plan>) -> Vec<ImportRow> {
    let mut invalid = 0;
    plans
        .into_iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let bad = p.row.action == ImportAction::Invalid;
            invalid += usize::from(bad);
            (i < PREVIEW_ROWS || (bad && invalid <= PREVIEW_INVALID)).then_some(p.row)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delimiter_is_read_from_the_header_outside_quotes() {
        assert_eq!(delimiter("Name;Tax id;\"A, B\"\n1,2,3,4"), b';');
        assert_eq!(delimiter("\"Name;x\",Tax id\n"), b',');
        assert_eq!(delimiter("Name\tCity\n"), b'\t');
        assert_eq!(delimiter("Name\n"), b',');
    }

    #[test]
    fn headers_are_recognised_in_four_languages() {
        let headers: Vec<String> = [
            "Firma",
            "ЕИК/БУЛСТАТ",
            "USt-IdNr.",
            "E-Mail",
            "Straße",
            "Código postal",
            "País",
            "Notes",
            "Name",
        ]
        .map(String::from)
        .to_vec();
        use ImportField::*;
        assert_eq!(
            guess_columns(&headers),
            vec![
                Some(Name),
                Some(TaxId),
                Some(VatNumber),
                Some(Email),
                Some(Street),
                Some(PostalCode),
                Some(Country),
                None,
                None, // the name is already read from the first column
            ]
        );
    }

    #[test]
    fn a_file_that_is_not_utf8_names_its_line() {
        let Err(ApiError::Validation(errors)) = read(b"Name\nAcme\nM\xfcller GmbH\n") else {
            panic!("expected a validation error");
        };
        assert_eq!(errors[0].code, "invalid_encoding");
        assert!(
            errors[0].message.starts_with("line 3 "),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn quoted_cells_keep_their_delimiters_quotes_and_line_breaks() {
        let sheet = read(
            "\u{feff}Name;Street\n\"Acme; Sons\";\"1 \"\"Main\"\" St\nBack door\"\n\nBeta;\n"
                .as_bytes(),
        )
        .unwrap_or_else(|_| panic!("readable"));
        assert_eq!(sheet.headers, ["Name", "Street"]);
        assert_eq!(
            sheet.rows[0],
            (
                2,
                vec!["Acme; Sons".into(), "1 \"Main\" St\nBack door".into()]
            )
        );
        assert_eq!(sheet.rows[1], (5, vec!["Beta".into(), String::new()]));
        let crlf = read(b"A;B\r\nx;y\r\n\r\nz;w\r\n").unwrap_or_else(|_| panic!("readable"));
        let lines: Vec<u32> = crlf.rows.iter().map(|r| r.0).collect();
        assert_eq!(lines, [2, 4]);
    }
}
