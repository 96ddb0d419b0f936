//! The document grid's query string, parsed into typed values: filters on every column,
//! sort keys and paging. Anything that does not parse is a field error naming the parameter;
//! nothing is silently ignored.

use chrono::NaiveDate;
use portal_types::{DocumentType, FieldError};

use crate::money::{Currency, MoneyError, parse_scaled};

/// Rows per page when the client does not say.
pub const DEFAULT_PER_PAGE: u32 = 50;
/// Most rows a page may have.
pub const MAX_PER_PAGE: u32 = 200;
/// Amount filters are compared at this many decimals, whatever the currency's exponent.
pub const AMOUNT_SCALE: u32 = 4;

/// A money column of the grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmountColumn {
    /// Net amount.
    TaxBase,
    /// VAT.
    Vat,
    /// Total.
    Total,
    /// Sum of payments.
    Paid,
    /// What is left to pay.
    Remaining,
}

impl AmountColumn {
    const ALL: [(AmountColumn, &'static str); 5] = [
        (AmountColumn::TaxBase, "tax_base"),
        (AmountColumn::Vat, "vat"),
        (AmountColumn::Total, "total"),
        (AmountColumn::Paid, "paid"),
        (AmountColumn::Remaining, "remaining"),
    ];
}

/// An inclusive bound on an amount, as a decimal scaled by 10^[`AMOUNT_SCALE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AmountBound {
    /// Which column.
    pub column: AmountColumn,
    /// `true` for `_min` (≥), `false` for `_max` (≤).
    pub lower: bool,
    /// The bound × 10^4.
    pub scaled: i64,
}

/// The payment-status quick filters; several are OR-ed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFilter {
    /// Nothing remains.
    Paid,
    /// Nothing paid, something remains.
    Unpaid,
    /// Something paid, something remains.
    PartiallyPaid,
    /// Something remains (either sign: a credit note not yet settled is open too).
    Open,
    /// Something remains to be paid and the due date has passed.
    Overdue,
}

impl StatusFilter {
    /// Every status filter with its query-string name.
    pub const NAMES: [(StatusFilter, &'static str); 5] = [
        (StatusFilter::Paid, "paid"),
        (StatusFilter::Unpaid, "unpaid"),
        (StatusFilter::PartiallyPaid, "partially_paid"),
        (StatusFilter::Open, "open"),
        (StatusFilter::Overdue, "overdue"),
    ];

    fn parse(s: &str) -> Option<Self> {
        Self::NAMES
            .iter()
            .find(|(_, name)| *name == s)
            .map(|(status, _)| *status)
    }
}

/// A column the grid can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortColumn {
    /// Document number.
    Number,
    /// Issue date.
    Date,
    /// Due date.
    DueDate,
    /// Document type.
    Type,
    /// Currency code.
    Currency,
    /// Net amount.
    TaxBase,
    /// VAT.
    Vat,
    /// Total.
    Total,
    /// Paid.
    Paid,
    /// Remaining.
    Remaining,
    /// Last download.
    DownloadedAt,
    /// Life-cycle state.
    State,
    /// Payment status.
    PaymentStatus,
    /// Overdue first or last.
    Overdue,
    /// The contractor's name (the issuer's grid only).
    Contractor,
    /// When the customer first opened it (the issuer's grid only).
    ViewedAt,
}

impl SortColumn {
    /// Every sortable column with its query-string name.
    pub const NAMES: [(SortColumn, &'static str); 16] = [
        (SortColumn::Number, "number"),
        (SortColumn::Date, "date"),
        (SortColumn::DueDate, "due_date"),
        (SortColumn::Type, "type"),
        (SortColumn::Currency, "currency"),
        (SortColumn::TaxBase, "tax_base"),
        (SortColumn::Vat, "vat"),
        (SortColumn::Total, "total"),
        (SortColumn::Paid, "paid"),
        (SortColumn::Remaining, "remaining"),
        (SortColumn::DownloadedAt, "downloaded_at"),
        (SortColumn::State, "state"),
        (SortColumn::PaymentStatus, "payment_status"),
        (SortColumn::Overdue, "overdue"),
        (SortColumn::Contractor, "contractor"),
        (SortColumn::ViewedAt, "viewed_at"),
    ];

    /// Whether only the issuer's grid sorts by it.
    pub fn issuer_only(self) -> bool {
        matches!(self, SortColumn::Contractor | SortColumn::ViewedAt)
    }

    /// The query-string name.
    pub fn name(self) -> &'static str {
        Self::NAMES
            .iter()
            .find(|(c, _)| *c == self)
            .map_or("date", |(_, n)| n)
    }
}

/// One sort key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SortKey {
    /// The column.
    pub column: SortColumn,
    /// Descending (`-column`).
    pub descending: bool,
}

/// Everything the grid's query string can say, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentQuery {
    /// Case-insensitive substring of the number (already lower-cased).
    pub number: Option<String>,
    /// Any of these types (empty: all released types).
    pub types: Vec<DocumentType>,
    /// Any of these currencies (empty: all).
    pub currencies: Vec<Currency>,
    /// Issue date ≥.
    pub date_from: Option<NaiveDate>,
    /// Issue date ≤.
    pub date_to: Option<NaiveDate>,
    /// Due date ≥.
    pub due_from: Option<NaiveDate>,
    /// Due date ≤.
    pub due_to: Option<NaiveDate>,
    /// Amount bounds.
    pub amounts: Vec<AmountBound>,
    /// Any of these payment statuses (empty: any).
    pub statuses: Vec<StatusFilter>,
    /// Downloaded at least once (`Some(true)`) or never (`Some(false)`).
    pub downloaded: Option<bool>,
    /// Last downloaded on or after this day.
    pub downloaded_from: Option<NaiveDate>,
    /// Last downloaded on or before this day.
    pub downloaded_to: Option<NaiveDate>,
    /// Free text over the number and line descriptions (already lower-cased).
    pub text: Option<String>,
    /// The issuer's grid only: any of these contractors (empty: all).
    pub contractors: Vec<i64>,
    /// The issuer's grid only: any of these states (empty: all).
    pub states: Vec<portal_types::DocumentState>,
    /// The issuer's grid only: opened by the customer (`Some(true)`) or not yet.
    pub viewed: Option<bool>,
    /// The issuer's grid only: marked as sent by the staff (`Some(true)`) or not.
    pub sent: Option<bool>,
    /// The issuer's grid only: the last comment is the customer's (`Some(true)`: waiting for
    /// an answer) or not.
    pub unanswered: Option<bool>,
    /// Sort keys, most significant first; never empty.
    pub sort: Vec<SortKey>,
    /// Page, from 1.
    pub page: u32,
    /// Rows per page.
    pub per_page: u32,
}

impl Default for DocumentQuery {
    fn default() -> Self {
        DocumentQuery {
            number: None,
            types: Vec::new(),
            currencies: Vec::new(),
            date_from: None,
            date_to: None,
            due_from: None,
            due_to: None,
            amounts: Vec::new(),
            statuses: Vec::new(),
            downloaded: None,
            downloaded_from: None,
            downloaded_to: None,
            text: None,
            contractors: Vec::new(),
            states: Vec::new(),
            viewed: None,
            sent: None,
            unanswered: None,
            sort: vec![SortKey {
                column: SortColumn::Date,
                descending: true,
            }],
            page: 1,
            per_page: DEFAULT_PER_PAGE,
        }
    }
}

/// Lower-cases for case-insensitive search the same way on every database (Unicode-aware, in
/// Rust, never SQL's `lower()`, which SQLite applies to ASCII only).
pub fn fold(text: &str) -> String {
    text.to_lowercase()
}

fn list(value: &str) -> impl Iterator<Item = &str> {
    value.split(',').map(str::trim).filter(|s| !s.is_empty())
}

fn date(key: &str, value: &str, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    match NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d") {
        Ok(d) if value.trim().len() == 10 => Some(d),
        _ => {
            errors.push(FieldError::new(
                key,
                "invalid_date",
                format!("`{value}` is not a date (YYYY-MM-DD)"),
            ));
            None
        }
    }
}

fn number<T: std::str::FromStr>(key: &str, value: &str, errors: &mut Vec<FieldError>) -> Option<T> {
    match value.trim().parse() {
        Ok(n) => Some(n),
        Err(_) => {
            errors.push(FieldError::new(
                key,
                "invalid_number",
                format!("`{value}` is not a whole number"),
            ));
            None
        }
    }
}

/// Longest free-text filter accepted.
pub const MAX_TEXT_FILTER: usize = 200;

/// A free-text filter, case-folded; `None` when empty. Control characters (a NUL cannot even
/// be stored, let alone matched) and overlong values are errors naming the parameter.
fn text_filter(key: &str, value: &str, errors: &mut Vec<FieldError>) -> Option<String> {
    let value = value.trim();
    if value.chars().any(char::is_control) {
        errors.push(FieldError::new(
            key,
            "invalid_character",
            "must not contain control characters",
        ));
        return None;
    }
    if value.chars().count() > MAX_TEXT_FILTER {
        errors.push(FieldError::new(
            key,
            "too_long",
            format!("must have at most {MAX_TEXT_FILTER} characters"),
        ));
        return None;
    }
    Some(fold(value)).filter(|s| !s.is_empty())
}

/// The names of every query parameter of the grid.
pub const PARAMETERS: [&str; 25] = [
    "number",
    "q",
    "type",
    "currency",
    "status",
    "date_from",
    "date_to",
    "due_from",
    "due_to",
    "downloaded",
    "downloaded_from",
    "downloaded_to",
    "page",
    "per_page",
    "sort",
    "tax_base_min",
    "tax_base_max",
    "vat_min",
    "vat_max",
    "total_min",
    "total_max",
    "paid_min",
    "paid_max",
    "remaining_min",
    "remaining_max",
];

/// The parameters only the issuer's grid has.
pub const ISSUER_PARAMETERS: [&str; 5] = ["contractor", "state", "viewed", "sent", "unanswered"];

/// Whose grid a query string is for: the issuer's has more columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// A customer's portal user.
    Portal,
    /// The issuer's staff.
    Issuer,
}

#[cfg(test)]
fn is_parameter(key: &str) -> bool {
    PARAMETERS.contains(&key)
}

impl DocumentQuery {
    /// Parses `key=value` pairs (already percent-decoded). Repeated list keys add up.
    pub fn parse<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<DocumentQuery, Vec<FieldError>> {
        Self::parse_for(Audience::Portal, pairs)
    }

    /// Parses the query string of `audience`'s grid: the issuer's adds `contractor`, `state`
    /// and `viewed`, and sorting by `contractor` and `viewed_at`.
    pub fn parse_for<'a>(
        audience: Audience,
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<DocumentQuery, Vec<FieldError>> {
        let issuer = audience == Audience::Issuer;
        let mut q = DocumentQuery::default();
        let mut errors = Vec::new();
        let mut sort_given = false;
        for (key, value) in pairs {
            // An empty value is no filter (HTML forms send every field, filled or not).
            if value.trim().is_empty()
                && (PARAMETERS.contains(&key) || (issuer && ISSUER_PARAMETERS.contains(&key)))
            {
                continue;
            }
            match key {
                "contractor" if issuer => {
                    for id in list(value) {
                        match id.parse::<i64>() {
                            Ok(id) if id > 0 && !q.contractors.contains(&id) => {
                                q.contractors.push(id)
                            }
                            Ok(id) if id > 0 => {}
                            _ => errors.push(FieldError::new(
                                key,
                                "invalid_value",
                                format!("`{id}` is not a contractor id"),
                            )),
                        }
                    }
                }
                "state" if issuer => {
                    for name in list(value) {
                        match portal_types::DocumentState::parse(name) {
                            Some(s) if !q.states.contains(&s) => q.states.push(s),
                            Some(_) => {}
                            None => errors.push(FieldError::new(
                                key,
                                "invalid_value",
                                format!("`{name}` is not a document state"),
                            )),
                        }
                    }
                }
                "viewed" | "sent" | "unanswered" if issuer => {
                    let flag = match value.trim() {
                        "true" => Some(true),
                        "false" => Some(false),
                        other => {
                            errors.push(FieldError::new(
                                key,
                                "invalid_value",
                                format!("`{other}` is not true or false"),
                            ));
                            None
                        }
                    };
                    match key {
                        "viewed" => q.viewed = flag.or(q.viewed),
                        "sent" => q.sent = flag.or(q.sent),
                        _ => q.unanswered = flag.or(q.unanswered),
                    }
                }
                "number" => q.number = text_filter(key, value, &mut errors),
                "q" => q.text = text_filter(key, value, &mut errors),
                "type" => {
                    for t in list(value) {
                        match DocumentType::parse(t) {
                            Some(t) if !q.types.contains(&t) => q.types.push(t),
                            Some(_) => {}
                            None => errors.push(FieldError::new(
                                "type",
                                "invalid_value",
                                format!("`{t}` is not a document type"),
                            )),
                        }
                    }
                }
                "currency" => {
                    for c in list(value) {
                        match Currency::from_code(&c.to_ascii_uppercase()) {
                            Some(c) if !q.currencies.contains(&c) => q.currencies.push(c),
                            Some(_) => {}
                            None => errors.push(FieldError::new(
                                "currency",
                                "invalid_value",
                                format!("`{c}` is not an ISO 4217 currency code"),
                            )),
                        }
                    }
                }
                "status" => {
                    for s in list(value) {
                        match StatusFilter::parse(s) {
                            Some(s) if !q.statuses.contains(&s) => q.statuses.push(s),
                            Some(_) => {}
                            None => errors.push(FieldError::new(
                                "status",
                                "invalid_value",
                                format!("`{s}` is not one of paid, unpaid, partially_paid, open, overdue"),
                            )),
                        }
                    }
                }
                "date_from" => q.date_from = date(key, value, &mut errors),
                "date_to" => q.date_to = date(key, value, &mut errors),
                "due_from" => q.due_from = date(key, value, &mut errors),
                "due_to" => q.due_to = date(key, value, &mut errors),
                "downloaded_from" => q.downloaded_from = date(key, value, &mut errors),
                "downloaded_to" => q.downloaded_to = date(key, value, &mut errors),
                "downloaded" => match value.trim() {
                    "true" => q.downloaded = Some(true),
                    "false" => q.downloaded = Some(false),
                    other => errors.push(FieldError::new(
                        key,
                        "invalid_value",
                        format!("`{other}` is not true or false"),
                    )),
                },
                "page" => match number::<u32>(key, value, &mut errors) {
                    Some(p) if (1..=1_000_000).contains(&p) => q.page = p,
                    Some(_) => errors.push(FieldError::new(
                        key,
                        "out_of_range",
                        "page must be between 1 and 1000000",
                    )),
                    None => {}
                },
                "per_page" => match number::<u32>(key, value, &mut errors) {
                    Some(p) if (1..=MAX_PER_PAGE).contains(&p) => q.per_page = p,
                    Some(_) => errors.push(FieldError::new(
                        key,
                        "out_of_range",
                        format!("per_page must be between 1 and {MAX_PER_PAGE}"),
                    )),
                    None => {}
                },
                "sort" => {
                    if !sort_given {
                        q.sort.clear();
                        sort_given = true;
                    }
                    for item in list(value) {
                        let (descending, name) = match item.strip_prefix('-') {
                            Some(rest) => (true, rest),
                            None => (false, item.strip_prefix('+').unwrap_or(item)),
                        };
                        match SortColumn::NAMES
                            .iter()
                            .find(|(c, n)| *n == name && (issuer || !c.issuer_only()))
                        {
                            // A column named again cannot change the order: the first
                            // mention already decides every tie it could break.
                            Some((column, _)) if !q.sort.iter().any(|k| k.column == *column) => {
                                q.sort.push(SortKey {
                                    column: *column,
                                    descending,
                                })
                            }
                            Some(_) => {}
                            None => errors.push(FieldError::new(
                                "sort",
                                "invalid_value",
                                format!("`{name}` is not a sortable column"),
                            )),
                        }
                    }
                }
                other => {
                    let amount = AmountColumn::ALL.iter().find_map(|(column, name)| {
                        let rest = other.strip_prefix(name)?;
                        match rest {
                            "_min" => Some((*column, true)),
                            "_max" => Some((*column, false)),
                            _ => None,
                        }
                    });
                    match amount {
                        Some((column, lower)) => match parse_scaled(value, AMOUNT_SCALE, true) {
                            Ok(scaled) => q.amounts.push(AmountBound {
                                column,
                                lower,
                                scaled,
                            }),
                            Err(e) => errors.push(FieldError::new(
                                key,
                                e.code(),
                                match e {
                                    MoneyError::NotANumber => {
                                        format!("`{value}` is not a decimal amount")
                                    }
                                    MoneyError::TooManyDecimals => {
                                        "at most four decimals".to_string()
                                    }
                                    MoneyError::OutOfRange => "the amount is too large".to_string(),
                                },
                            )),
                        },
                        None => errors.push(FieldError::new(
                            other,
                            "unknown_parameter",
                            format!("`{other}` is not a filter of the document list"),
                        )),
                    }
                }
            }
        }
        if sort_given && q.sort.is_empty() && errors.iter().all(|e| e.field != "sort") {
            errors.push(FieldError::new("sort", "required", "sort names no column"));
        }
        if errors.is_empty() {
            Ok(q)
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<DocumentQuery, Vec<FieldError>> {
        let pairs: Vec<(&str, &str)> = s
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| p.split_once('=').unwrap_or((p, "")))
            .collect();
        DocumentQuery::parse(pairs)
    }

    fn fields(s: &str) -> Vec<(String, String)> {
        parse(s)
            .expect_err("should fail")
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect()
    }

    #[test]
    fn empty_query_is_the_first_page_newest_first() {
        let q = parse("").expect("ok");
        assert_eq!(q, DocumentQuery::default());
        assert_eq!(
            q.sort,
            vec![SortKey {
                column: SortColumn::Date,
                descending: true
            }]
        );
        assert_eq!((q.page, q.per_page), (1, 50));
    }

    #[test]
    fn parses_every_filter() {
        let q = parse(
            "number=INV-12&type=invoice,credit_note&type=offer&currency=eur,BGN&date_from=2025-01-01&date_to=2025-12-31\
             &due_from=2025-02-01&due_to=2026-01-31&total_min=100.5&remaining_max=-0.01&status=unpaid,overdue\
             &downloaded=false&downloaded_from=2026-01-01&q=Консулт&sort=-due_date,number&page=3&per_page=200",
        )
        .expect("ok");
        assert_eq!(q.number.as_deref(), Some("inv-12"));
        assert_eq!(
            q.types,
            vec![
                DocumentType::Invoice,
                DocumentType::CreditNote,
                DocumentType::Offer
            ]
        );
        assert_eq!(
            q.currencies
                .iter()
                .map(|c| c.code().to_string())
                .collect::<Vec<_>>(),
            ["EUR", "BGN"]
        );
        assert_eq!(q.date_from, NaiveDate::from_ymd_opt(2025, 1, 1));
        assert_eq!(
            q.amounts[0],
            AmountBound {
                column: AmountColumn::Total,
                lower: true,
                scaled: 1_005_000
            }
        );
        assert_eq!(
            q.amounts[1],
            AmountBound {
                column: AmountColumn::Remaining,
                lower: false,
                scaled: -100
            }
        );
        assert_eq!(
            q.statuses,
            vec![StatusFilter::Unpaid, StatusFilter::Overdue]
        );
        assert_eq!(q.downloaded, Some(false));
        assert_eq!(q.text.as_deref(), Some("консулт"));
        assert_eq!(
            q.sort,
            vec![
                SortKey {
                    column: SortColumn::DueDate,
                    descending: true
                },
                SortKey {
                    column: SortColumn::Number,
                    descending: false
                }
            ]
        );
        assert_eq!((q.page, q.per_page), (3, 200));
    }

    #[test]
    fn bad_values_name_their_parameter() {
        assert_eq!(
            fields("date_from=2024-13-01"),
            [("date_from".into(), "invalid_date".into())]
        );
        assert_eq!(
            fields("due_to=2024-1-1"),
            [("due_to".into(), "invalid_date".into())]
        );
        assert_eq!(
            fields("total_min=abc"),
            [("total_min".into(), "invalid_number".into())]
        );
        assert_eq!(
            fields("vat_max=1.23456"),
            [("vat_max".into(), "too_many_decimals".into())]
        );
        assert_eq!(
            fields("sort=colour"),
            [("sort".into(), "invalid_value".into())]
        );
        assert_eq!(
            parse("sort=date,-date,number").expect("ok").sort,
            [
                SortKey {
                    column: SortColumn::Date,
                    descending: false
                },
                SortKey {
                    column: SortColumn::Number,
                    descending: false
                }
            ],
            "a column named again counts once, at its first place"
        );
        assert_eq!(
            fields("type=bill"),
            [("type".into(), "invalid_value".into())]
        );
        assert_eq!(
            fields("currency=EURO"),
            [("currency".into(), "invalid_value".into())]
        );
        assert_eq!(
            fields("status=late"),
            [("status".into(), "invalid_value".into())]
        );
        assert_eq!(
            fields("per_page=100000"),
            [("per_page".into(), "out_of_range".into())]
        );
        assert_eq!(
            fields("q=a\u{0}b"),
            [("q".into(), "invalid_character".into())]
        );
        assert_eq!(
            fields("number=\u{1b}[2J"),
            [("number".into(), "invalid_character".into())]
        );
        assert_eq!(
            fields(&format!("q={}", "x".repeat(MAX_TEXT_FILTER + 1))),
            [("q".into(), "too_long".into())]
        );
        assert_eq!(
            fields("per_page=0"),
            [("per_page".into(), "out_of_range".into())]
        );
        assert_eq!(
            fields("page=-1"),
            [("page".into(), "invalid_number".into())]
        );
        assert_eq!(
            fields("downloaded=yes"),
            [("downloaded".into(), "invalid_value".into())]
        );
        assert_eq!(
            fields("colour=red"),
            [("colour".into(), "unknown_parameter".into())]
        );
        assert_eq!(
            fields("total_between=1"),
            [("total_between".into(), "unknown_parameter".into())]
        );
        // a range that ends before it starts is no error: it matches nothing
        assert!(parse("date_from=2025-02-01&date_to=2025-01-01").is_ok());
        assert_eq!(fields("sort=,"), [("sort".into(), "required".into())]);
        assert_eq!(
            fields("page=x&per_page=999").len(),
            2,
            "every bad parameter is reported"
        );
    }

    #[test]
    fn an_empty_value_is_no_filter_as_html_forms_send_it() {
        let every = PARAMETERS
            .iter()
            .map(|p| format!("{p}="))
            .collect::<Vec<_>>()
            .join("&");
        assert_eq!(parse(&every).expect("ok"), DocumentQuery::default());
        assert_eq!(
            fields("colour="),
            [("colour".into(), "unknown_parameter".into())],
            "an unknown parameter is still refused"
        );
    }

    #[test]
    fn the_issuer_grid_has_more_filters_and_sort_keys_the_portal_refuses() {
        let pairs = [
            ("contractor", "7,9"),
            ("state", "draft,issued"),
            ("viewed", "false"),
            ("sort", "contractor,-viewed_at"),
        ];
        let q = DocumentQuery::parse_for(Audience::Issuer, pairs).expect("issuer");
        assert_eq!(q.contractors, [7, 9]);
        assert_eq!(
            q.states,
            [
                portal_types::DocumentState::Draft,
                portal_types::DocumentState::Issued
            ]
        );
        assert_eq!(q.viewed, Some(false));
        assert_eq!(q.sort[0].column, SortColumn::Contractor);
        let refused = DocumentQuery::parse(pairs).expect_err("portal");
        let mut fields: Vec<&str> = refused.iter().map(|e| e.field.as_str()).collect();
        fields.sort_unstable();
        assert_eq!(fields, ["contractor", "sort", "sort", "state", "viewed"]);
        assert!(
            DocumentQuery::parse([("contractor", "")]).is_err(),
            "unknown even when empty"
        );
    }

    #[test]
    fn the_amount_parameters_are_the_amount_columns() {
        for (_, name) in AmountColumn::ALL {
            for suffix in ["_min", "_max"] {
                assert!(is_parameter(&format!("{name}{suffix}")), "{name}{suffix}");
            }
        }
    }

    #[test]
    fn blank_text_filters_are_no_filter() {
        let q = parse("number=&q=%20").expect("ok");
        assert_eq!((q.number, q.text), (None, Some("%20".into())));
        let q = DocumentQuery::parse([("q", "  ")]).expect("ok");
        assert_eq!(q.text, None);
    }
}
