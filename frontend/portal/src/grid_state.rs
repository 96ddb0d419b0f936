//! The document grid's whole state — filters, quick filter, sort keys, page and page size — as
//! it lives in the URL. The page's query string uses the API's own parameter names, so the
//! grid's address and the API request say the same thing and a bookmark reproduces the view.
//!
//! Reading is lenient (a hand-edited address with a bad value loses that value rather than
//! breaking the page); writing is canonical (defaults left out, fixed order).

use portal_types::DocumentType;
use portal_web::url::encode;

/// Page size when the address does not say.
pub const DEFAULT_PER_PAGE: u32 = 50;
/// The page sizes offered.
pub const PAGE_SIZES: [u32; 5] = [10, 25, 50, 100, 200];
/// The sort when the address does not say: newest first.
pub const DEFAULT_SORT: &str = "-date";

/// A money column with a min/max filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmountCol {
    /// Net amount.
    TaxBase,
    /// VAT.
    Vat,
    /// Total.
    Total,
    /// Paid so far.
    Paid,
    /// Left to pay.
    Remaining,
}

impl AmountCol {
    /// All five, in column order.
    pub const ALL: [AmountCol; 5] = [
        AmountCol::TaxBase,
        AmountCol::Vat,
        AmountCol::Total,
        AmountCol::Paid,
        AmountCol::Remaining,
    ];

    /// The API's column name (`tax_base`, …).
    pub fn key(self) -> &'static str {
        match self {
            AmountCol::TaxBase => "tax_base",
            AmountCol::Vat => "vat",
            AmountCol::Total => "total",
            AmountCol::Paid => "paid",
            AmountCol::Remaining => "remaining",
        }
    }

    fn index(self) -> usize {
        AmountCol::ALL.iter().position(|c| *c == self).unwrap_or(0)
    }
}

/// A date column with a from/to filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateCol {
    /// Issue date (`date_from`/`date_to`).
    Date,
    /// Due date (`due_from`/`due_to`).
    Due,
    /// Last download (`downloaded_from`/`downloaded_to`).
    Downloaded,
}

impl DateCol {
    /// The API's parameter prefix.
    pub fn prefix(self) -> &'static str {
        match self {
            DateCol::Date => "date",
            DateCol::Due => "due",
            DateCol::Downloaded => "downloaded",
        }
    }

    fn index(self) -> usize {
        match self {
            DateCol::Date => 0,
            DateCol::Due => 1,
            DateCol::Downloaded => 2,
        }
    }
}

/// The quick filters above the grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quick {
    /// No payment-status filter.
    All,
    /// Something remains to be paid (`status=unpaid,partially_paid`).
    Unpaid,
    /// Fully paid.
    Paid,
    /// Past due with something remaining.
    Overdue,
}

impl Quick {
    /// All four, in display order.
    pub const ALL: [Quick; 4] = [Quick::All, Quick::Unpaid, Quick::Paid, Quick::Overdue];

    fn statuses(self) -> &'static [&'static str] {
        match self {
            Quick::All => &[],
            Quick::Unpaid => &["unpaid", "partially_paid"],
            Quick::Paid => &["paid"],
            Quick::Overdue => &["overdue"],
        }
    }
}

/// One sort key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortKey {
    /// The API's column name.
    pub column: String,
    /// Descending.
    pub descending: bool,
}

/// The grid state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GridState {
    /// Number contains (`number`).
    pub number: String,
    /// Free text over number and line descriptions (`q`).
    pub text: String,
    /// Document types (`type`).
    pub types: Vec<DocumentType>,
    /// Currency codes (`currency`).
    pub currencies: Vec<String>,
    /// From/to per [`DateCol`], as `YYYY-MM-DD` or empty.
    pub dates: [(String, String); 3],
    /// Min/max per [`AmountCol`], as API decimal strings or empty.
    pub amounts: [(String, String); 5],
    /// Payment statuses (`status`).
    pub statuses: Vec<String>,
    /// Downloaded yes/no (`downloaded`).
    pub downloaded: Option<bool>,
    /// Sort keys, most significant first; empty means [`DEFAULT_SORT`].
    pub sort: Vec<SortKey>,
    /// Page, from 1.
    pub page: u32,
    /// Rows per page.
    pub per_page: u32,
}

impl Default for GridState {
    fn default() -> Self {
        GridState {
            number: String::new(),
            text: String::new(),
            types: Vec::new(),
            currencies: Vec::new(),
            dates: Default::default(),
            amounts: Default::default(),
            statuses: Vec::new(),
            downloaded: None,
            sort: Vec::new(),
            page: 1,
            per_page: DEFAULT_PER_PAGE,
        }
    }
}

const SORTABLE: [&str; 11] = [
    "number",
    "date",
    "due_date",
    "type",
    "currency",
    "tax_base",
    "vat",
    "total",
    "paid",
    "remaining",
    "downloaded_at",
];
const STATUSES: [&str; 5] = ["paid", "unpaid", "partially_paid", "open", "overdue"];

fn valid_date(s: &str) -> bool {
    portal_web::fmt::parse_iso_date(s).is_some()
}

fn valid_amount(s: &str) -> bool {
    portal_domain::money::parse_scaled(s, 4, true).is_ok()
}

fn list(value: &str) -> impl Iterator<Item = &str> {
    value.split(',').map(str::trim).filter(|s| !s.is_empty())
}

impl GridState {
    /// Reads the state from query pairs (already percent-decoded), dropping what is invalid.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> GridState {
        let mut s = GridState::default();
        for (key, value) in pairs {
            let value = value.trim();
            match key {
                "number" => s.number = value.to_owned(),
                "q" => s.text = value.to_owned(),
                "type" => {
                    for t in list(value).filter_map(DocumentType::parse) {
                        if !s.types.contains(&t) {
                            s.types.push(t);
                        }
                    }
                }
                "currency" => {
                    for c in list(value) {
                        let c = c.to_ascii_uppercase();
                        if portal_domain::Currency::from_code(&c).is_some()
                            && !s.currencies.contains(&c)
                        {
                            s.currencies.push(c);
                        }
                    }
                }
                "status" => {
                    for st in list(value).filter(|v| STATUSES.contains(v)) {
                        if !s.statuses.iter().any(|x| x == st) {
                            s.statuses.push(st.to_owned());
                        }
                    }
                }
                "downloaded" => {
                    s.downloaded = match value {
                        "true" => Some(true),
                        "false" => Some(false),
                        _ => None,
                    }
                }
                "sort" => {
                    s.sort.clear();
                    for item in list(value) {
                        let (descending, name) = match item.strip_prefix('-') {
                            Some(rest) => (true, rest),
                            None => (false, item),
                        };
                        if SORTABLE.contains(&name) && !s.sort.iter().any(|k| k.column == name) {
                            s.sort.push(SortKey {
                                column: name.to_owned(),
                                descending,
                            });
                        }
                    }
                }
                "page" => s.page = value.parse().ok().filter(|p| *p >= 1).unwrap_or(1),
                "per_page" => {
                    s.per_page = value
                        .parse()
                        .ok()
                        .filter(|p| (1..=200).contains(p))
                        .unwrap_or(DEFAULT_PER_PAGE)
                }
                other => {
                    for col in [DateCol::Date, DateCol::Due, DateCol::Downloaded] {
                        let slot = &mut s.dates[col.index()];
                        if other == format!("{}_from", col.prefix()) && valid_date(value) {
                            slot.0 = value.to_owned();
                        } else if other == format!("{}_to", col.prefix()) && valid_date(value) {
                            slot.1 = value.to_owned();
                        }
                    }
                    for col in AmountCol::ALL {
                        let slot = &mut s.amounts[col.index()];
                        if other == format!("{}_min", col.key()) && valid_amount(value) {
                            slot.0 = value.to_owned();
                        } else if other == format!("{}_max", col.key()) && valid_amount(value) {
                            slot.1 = value.to_owned();
                        }
                    }
                }
            }
        }
        // `sort=-date` is the default spelled out: the same state.
        if s.sort_param() == DEFAULT_SORT {
            s.sort.clear();
        }
        s
    }

    /// The canonical query pairs (defaults left out).
    pub fn to_pairs(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        let mut push = |k: &str, v: String| {
            if !v.is_empty() {
                out.push((k.to_owned(), v));
            }
        };
        push("q", self.text.trim().to_owned());
        push("number", self.number.trim().to_owned());
        push(
            "type",
            self.types
                .iter()
                .map(|t| t.as_str())
                .collect::<Vec<_>>()
                .join(","),
        );
        push("currency", self.currencies.join(","));
        for col in [DateCol::Date, DateCol::Due, DateCol::Downloaded] {
            let (from, to) = &self.dates[col.index()];
            push(&format!("{}_from", col.prefix()), from.clone());
            push(&format!("{}_to", col.prefix()), to.clone());
        }
        for col in AmountCol::ALL {
            let (min, max) = &self.amounts[col.index()];
            push(&format!("{}_min", col.key()), min.clone());
            push(&format!("{}_max", col.key()), max.clone());
        }
        push("status", self.statuses.join(","));
        push(
            "downloaded",
            self.downloaded.map(|d| d.to_string()).unwrap_or_default(),
        );
        let sort = self.sort_param();
        if sort != DEFAULT_SORT {
            push("sort", sort);
        }
        if self.page != 1 {
            push("page", self.page.to_string());
        }
        if self.per_page != DEFAULT_PER_PAGE {
            push("per_page", self.per_page.to_string());
        }
        out
    }

    /// The query string for the page address (`?…`, or empty).
    pub fn to_query(&self) -> String {
        let pairs = self.to_pairs();
        if pairs.is_empty() {
            return String::new();
        }
        let encoded: Vec<String> = pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", encode(v)))
            .collect();
        format!("?{}", encoded.join("&"))
    }

    /// The query string for the API: the same, with page and page size always given.
    pub fn to_api_query(&self) -> String {
        let mut pairs = self.to_pairs();
        pairs.retain(|(k, _)| k != "page" && k != "per_page" && k != "sort");
        pairs.push(("sort".into(), self.sort_param()));
        pairs.push(("page".into(), self.page.to_string()));
        pairs.push(("per_page".into(), self.per_page.to_string()));
        let encoded: Vec<String> = pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", encode(v)))
            .collect();
        encoded.join("&")
    }

    /// `-date,number`.
    pub fn sort_param(&self) -> String {
        if self.sort.is_empty() {
            return DEFAULT_SORT.to_owned();
        }
        self.sort
            .iter()
            .map(|k| {
                if k.descending {
                    format!("-{}", k.column)
                } else {
                    k.column.clone()
                }
            })
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The effective sort keys (the default when none are given).
    pub fn effective_sort(&self) -> Vec<SortKey> {
        if self.sort.is_empty() {
            vec![SortKey {
                column: "date".into(),
                descending: true,
            }]
        } else {
            self.sort.clone()
        }
    }

    /// A header click: a plain click sorts by this column alone (toggling its direction when
    /// it already is the only key); a shift-click adds it as a further key or toggles it.
    pub fn click_sort(&mut self, column: &str, add: bool) {
        let mut keys = self.effective_sort();
        let pos = keys.iter().position(|k| k.column == column);
        if add {
            match pos {
                Some(i) => keys[i].descending = !keys[i].descending,
                None => keys.push(SortKey {
                    column: column.to_owned(),
                    descending: false,
                }),
            }
        } else {
            let descending = match pos {
                Some(0) if keys.len() == 1 => !keys[0].descending,
                _ => false,
            };
            keys = vec![SortKey {
                column: column.to_owned(),
                descending,
            }];
        }
        self.sort = keys;
        self.page = 1;
    }

    /// Which quick filter the statuses amount to, if any.
    pub fn quick(&self) -> Option<Quick> {
        Quick::ALL.into_iter().find(|q| {
            let want = q.statuses();
            want.len() == self.statuses.len()
                && want.iter().all(|w| self.statuses.iter().any(|s| s == w))
        })
    }

    /// Applies a quick filter.
    pub fn set_quick(&mut self, quick: Quick) {
        self.statuses = quick.statuses().iter().map(|s| (*s).to_owned()).collect();
        self.page = 1;
    }

    /// From/to of a date column.
    pub fn date_range(&self, col: DateCol) -> &(String, String) {
        &self.dates[col.index()]
    }

    /// Sets from/to of a date column.
    pub fn set_date_range(&mut self, col: DateCol, from: String, to: String) {
        self.dates[col.index()] = (from, to);
        self.page = 1;
    }

    /// Min/max of an amount column.
    pub fn amount_range(&self, col: AmountCol) -> &(String, String) {
        &self.amounts[col.index()]
    }

    /// Sets min/max of an amount column.
    pub fn set_amount_range(&mut self, col: AmountCol, min: String, max: String) {
        self.amounts[col.index()] = (min, max);
        self.page = 1;
    }

    /// Whether any filter (not sort or paging) is set.
    pub fn is_filtered(&self) -> bool {
        let mut plain = self.clone();
        plain.sort.clear();
        plain.page = 1;
        plain.per_page = DEFAULT_PER_PAGE;
        plain != GridState::default()
    }

    /// Removes every filter, keeping sort and page size.
    pub fn clear_filters(&mut self) {
        *self = GridState {
            sort: std::mem::take(&mut self.sort),
            per_page: self.per_page,
            ..GridState::default()
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(q: &str) -> GridState {
        let pairs: Vec<(&str, &str)> = q.split('&').filter_map(|p| p.split_once('=')).collect();
        GridState::from_pairs(pairs)
    }

    #[test]
    fn round_trips_through_the_query() {
        let s = parse(
            "type=invoice,credit_note&currency=eur&date_from=2026-01-01&total_min=100.5&status=overdue&downloaded=false&sort=number,-date&page=2&per_page=25",
        );
        assert_eq!(
            s.types,
            vec![DocumentType::Invoice, DocumentType::CreditNote]
        );
        assert_eq!(s.currencies, vec!["EUR".to_string()]);
        assert_eq!(s.date_range(DateCol::Date).0, "2026-01-01");
        assert_eq!(s.amount_range(AmountCol::Total).0, "100.5");
        assert_eq!(s.quick(), Some(Quick::Overdue));
        assert_eq!(s.downloaded, Some(false));
        assert_eq!(s.sort_param(), "number,-date");
        assert_eq!(
            s.to_query(),
            "?type=invoice,credit_note&currency=EUR&date_from=2026-01-01&total_min=100.5&status=overdue&downloaded=false&sort=number,-date&page=2&per_page=25"
        );
        let again = parse(s.to_query().trim_start_matches('?'));
        assert_eq!(again, s);
    }

    #[test]
    fn drops_invalid_values_and_defaults() {
        let s = parse(
            "type=bogus&date_from=2026-13-01&total_min=abc&sort=-date&page=0&per_page=999&x=1",
        );
        assert_eq!(s, GridState::default());
        assert_eq!(s.to_query(), "");
        assert_eq!(s.to_api_query(), "sort=-date&page=1&per_page=50");
    }

    #[test]
    fn header_clicks_sort_and_shift_adds_keys() {
        let mut s = GridState::default();
        s.click_sort("number", false);
        assert_eq!(s.sort_param(), "number");
        s.click_sort("number", false);
        assert_eq!(s.sort_param(), "-number");
        s.click_sort("total", true);
        assert_eq!(s.sort_param(), "-number,total");
        s.click_sort("total", true);
        assert_eq!(s.sort_param(), "-number,-total");
        s.click_sort("date", false);
        assert_eq!(s.sort_param(), "date");
    }

    #[test]
    fn quick_filters_map_to_statuses() {
        let mut s = GridState::default();
        assert_eq!(s.quick(), Some(Quick::All));
        s.set_quick(Quick::Unpaid);
        assert_eq!(s.to_query(), "?status=unpaid,partially_paid");
        assert_eq!(s.quick(), Some(Quick::Unpaid));
        s.statuses = vec!["open".into()];
        assert_eq!(s.quick(), None);
    }
}
