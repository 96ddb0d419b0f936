//! Query parameters as the OpenAPI document describes them. The handlers parse the raw query
//! string themselves (so that an unknown parameter is refused, not ignored); these types only
//! document it, as exactly as JSON Schema can, and a test checks the documented names against
//! what the parser accepts.

use portal_domain::filter::{SortColumn, StatusFilter};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{AnyOfBuilder, ArrayItems, ObjectBuilder, Schema, Type};

/// An ISO 4217 currency code the portal knows (`EUR`, `BGN`, `JPY`, …).
pub struct CurrencyCode;

impl utoipa::PartialSchema for CurrencyCode {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(portal_domain::money::all_codes()))
            .into()
    }
}

impl utoipa::ToSchema for CurrencyCode {}

/// A sort key: a column name, `-` before it for descending.
pub struct SortKeyName;

impl utoipa::PartialSchema for SortKeyName {
    fn schema() -> RefOr<Schema> {
        let names = SortColumn::NAMES
            .iter()
            .map(|(_, name)| *name)
            .collect::<Vec<_>>()
            .join("|");
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(format!("^[-+]?({names})$")))
            .into()
    }
}

impl utoipa::ToSchema for SortKeyName {}

/// A payment-status quick filter.
pub struct StatusName;

impl utoipa::PartialSchema for StatusName {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(StatusFilter::NAMES.iter().map(|(_, name)| *name)))
            .into()
    }
}

impl utoipa::ToSchema for StatusName {}

/// A decimal amount filter: digits, at most four decimals (`1500`, `-20.5`, `0.0001`).
pub const AMOUNT_PATTERN: &str = r"^[+-]?([0-9]{1,14}(\.[0-9]{0,4}0*)?|\.[0-9]{1,4}0*)$";

/// Text without control characters.
pub const TEXT_PATTERN: &str = r"^[^\u0000-\u001F\u007F-\u009F]*$";

/// The query parameters `T` documents, each of which may also be sent empty, which is the same
/// as leaving it out (as HTML forms send it; the handlers' parsers skip empty values).
pub struct OrEmpty<T>(std::marker::PhantomData<T>);

impl<T: utoipa::IntoParams> utoipa::IntoParams for OrEmpty<T> {
    fn into_params(
        parameter_in_provider: impl Fn() -> Option<utoipa::openapi::path::ParameterIn>,
    ) -> Vec<utoipa::openapi::path::Parameter> {
        T::into_params(parameter_in_provider)
            .into_iter()
            .map(|mut p| {
                p.schema = p.schema.map(or_empty);
                p
            })
            .collect()
    }
}

/// The document grid's query parameters.
pub type GridParams = OrEmpty<GridFields>;

/// `schema`, or an empty string. A comma-separated list takes empty items too (`state=` is the
/// list of one empty item; the parsers skip empty items as they skip empty values).
fn or_empty(schema: RefOr<Schema>) -> RefOr<Schema> {
    if let RefOr::T(Schema::Array(mut array)) = schema {
        if let ArrayItems::RefOrSchema(items) = array.items {
            array.items = ArrayItems::RefOrSchema(Box::new(or_empty(*items)));
        }
        return RefOr::T(Schema::Array(array));
    }
    let empty = ObjectBuilder::new()
        .schema_type(Type::String)
        .max_length(Some(0));
    AnyOfBuilder::new().item(schema).item(empty).into()
}

/// Query parameters of the document grid; lists are comma-separated.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct GridFields {
    /// Case-insensitive substring of the number.
    #[param(max_length = 200, pattern = r"^[^\u0000-\u001F\u007F-\u009F]*$")]
    number: Option<String>,
    /// Document types, any of them.
    #[param(rename = "type", style = Form, explode = false, inline)]
    doc_type: Option<Vec<portal_types::DocumentType>>,
    /// ISO 4217 currency codes, any of them.
    #[param(style = Form, explode = false, inline)]
    currency: Option<Vec<CurrencyCode>>,
    /// Issue date from (inclusive).
    #[param(format = Date)]
    date_from: Option<String>,
    /// Issue date to (inclusive).
    #[param(format = Date)]
    date_to: Option<String>,
    /// Due date from (inclusive).
    #[param(format = Date)]
    due_from: Option<String>,
    /// Due date to (inclusive).
    #[param(format = Date)]
    due_to: Option<String>,
    /// Net amount at least (decimal, in the document's currency).
    #[param(pattern = r"^[+-]?([0-9]{1,14}(\.[0-9]{0,4}0*)?|\.[0-9]{1,4}0*)$")]
    tax_base_min: Option<String>,
    /// Net amount at most.
    #[param(pattern = r"^[+-]?([0-9]{1,14}(\.[0-9]{0,4}0*)?|\.[0-9]{1,4}0*)$")]
    tax_base_max: Option<String>,
    /// VAT at least.
    #[param(pattern = r"^[+-]?([0-9]{1,14}(\.[0-9]{0,4}0*)?|\.[0-9]{1,4}0*)$")]
    vat_min: Option<String>,
    /// VAT at most.
    #[param(pattern = r"^[+-]?([0-9]{1,14}(\.[0-9]{0,4}0*)?|\.[0-9]{1,4}0*)$")]
    vat_max: Option<String>,
    /// Total at least.
    #[param(pattern = r"^[+-]?([0-9]{1,14}(\.[0-9]{0,4}0*)?|\.[0-9]{1,4}0*)$")]
    total_min: Option<String>,
    /// Total at most.
    #[param(pattern = r"^[+-]?([0-9]{1,14}(\.[0-9]{0,4}0*)?|\.[0-9]{1,4}0*)$")]
    total_max: Option<String>,
    /// Paid at least (non-payable documents never match).
    #[param(pattern = r"^[+-]?([0-9]{1,14}(\.[0-9]{0,4}0*)?|\.[0-9]{1,4}0*)$")]
    paid_min: Option<String>,
    /// Paid at most.
    #[param(pattern = r"^[+-]?([0-9]{1,14}(\.[0-9]{0,4}0*)?|\.[0-9]{1,4}0*)$")]
    paid_max: Option<String>,
    /// Remaining at least (non-payable documents never match).
    #[param(pattern = r"^[+-]?([0-9]{1,14}(\.[0-9]{0,4}0*)?|\.[0-9]{1,4}0*)$")]
    remaining_min: Option<String>,
    /// Remaining at most.
    #[param(pattern = r"^[+-]?([0-9]{1,14}(\.[0-9]{0,4}0*)?|\.[0-9]{1,4}0*)$")]
    remaining_max: Option<String>,
    /// Payment statuses, any of them.
    #[param(style = Form, explode = false, inline)]
    status: Option<Vec<StatusName>>,
    /// true: downloaded at least once; false: never downloaded.
    downloaded: Option<bool>,
    /// Last downloaded on or after (UTC).
    #[param(format = Date)]
    downloaded_from: Option<String>,
    /// Last downloaded on or before (UTC).
    #[param(format = Date)]
    downloaded_to: Option<String>,
    /// Free text over the number and the line descriptions.
    #[param(max_length = 200, pattern = r"^[^\u0000-\u001F\u007F-\u009F]*$")]
    q: Option<String>,
    /// Sort keys, most significant first, `-` for descending. Default `-date`; id breaks ties;
    /// a column named twice counts once, at its first place.
    #[param(style = Form, explode = false, inline)]
    sort: Option<Vec<SortKeyName>>,
    /// Page number from 1.
    #[param(minimum = 1, maximum = 1000000)]
    page: Option<u32>,
    /// Rows per page (default 50).
    #[param(minimum = 1, maximum = 200)]
    per_page: Option<u32>,
}

/// A file sent as the request body (a CSV file, a picture): any bytes, which the handler reads
/// and judges itself — by content, not by what the schema could say about them.
pub struct FileBody;

impl utoipa::PartialSchema for FileBody {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::SchemaType::AnyValue)
            .format(Some(utoipa::openapi::schema::SchemaFormat::KnownFormat(
                utoipa::openapi::schema::KnownFormat::Binary,
            )))
            .description(Some("The file's bytes"))
            .into()
    }
}

impl utoipa::ToSchema for FileBody {}

#[cfg(test)]
mod tests {
    use super::*;
    use utoipa::IntoParams;

    #[test]
    fn the_documented_grid_parameters_are_the_ones_the_parser_accepts() {
        let mut documented: Vec<String> = GridParams::into_params(|| None)
            .into_iter()
            .map(|p| p.name)
            .collect();
        documented.sort();
        let mut parsed: Vec<String> = portal_domain::filter::PARAMETERS
            .iter()
            .map(|p| p.to_string())
            .collect();
        parsed.sort();
        assert_eq!(documented, parsed);
    }

    #[test]
    fn the_patterns_are_written_into_their_parameters() {
        for p in GridParams::into_params(|| None) {
            let pattern = match p.name.as_str() {
                "number" | "q" => TEXT_PATTERN,
                name if name.ends_with("_min") || name.ends_with("_max") => AMOUNT_PATTERN,
                _ => continue,
            };
            let json = serde_json::to_string(&p).expect("json");
            let escaped = serde_json::to_string(pattern).expect("json");
            assert!(json.contains(&escaped), "{}: {json}", p.name);
        }
    }
}
