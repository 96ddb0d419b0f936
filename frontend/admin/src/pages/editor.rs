//! `/admin/documents/new` and `/admin/documents/{id}/edit`: a draft written by hand — the
//! contractor picked by search, type, currency, dates, and lines added and removed by
//! keyboard, with each line's net, the VAT per rate and the total computed as you type by the
//! same arithmetic the server uses (`portal_domain::document`). Saving sends the lines as
//! typed (in the user's number format, converted to the API's decimals); the API's errors come
//! back next to their field, line by line, and nothing typed is lost.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use portal_domain::Currency;
use portal_domain::document::{LineInput as Amounts, line_net, totals};
use portal_domain::format::{format_money, format_percent_bp};
use portal_domain::locale::Locale;
use portal_domain::money::parse_scaled;
use portal_types::{
    Contractor, ContractorPage, DocumentState, DocumentType, DocumentUpdate, IssuerDocument,
    IssuerDocumentRow, LineInput, NewDocument,
};
use portal_ui::{TextField, text};
use portal_web::api::{self, ApiError};
use portal_web::components::{FormMessage, LoadError};
use portal_web::fmt;
use portal_web::html::Html;
use portal_web::url::encode;

use crate::app::{ROOT, focus_later, load_one_with, set_title, show_failure};
use crate::i18n::{Texts, TextsOf, fill, tr, trs, use_i18n};
use crate::pages::document::LineColumns;
use crate::pages::document::decode_document;

/// The API's names of a line's fields, in the order of the editor's columns.
const FIELDS: [&str; 6] = [
    "description",
    "quantity",
    "unit",
    "unit_price",
    "discount_percent",
    "vat_rate",
];

/// Types a draft can be written as (credit and debit notes come from their invoice).
const TYPES: [DocumentType; 4] = [
    DocumentType::Invoice,
    DocumentType::Offer,
    DocumentType::OrderConfirmation,
    DocumentType::DeliveryNote,
];

/// One line being edited: its six fields and an error for each.
#[derive(Clone, Copy)]
struct Line {
    key: u64,
    values: [RwSignal<String>; 6],
    errors: [RwSignal<Option<String>>; 6],
}

impl Line {
    fn new(key: u64, values: [String; 6]) -> Self {
        Line {
            key,
            values: values.map(RwSignal::new),
            errors: std::array::from_fn(|_| RwSignal::new(None)),
        }
    }

    fn value(&self, i: usize) -> String {
        self.values[i].get()
    }
}

/// A number as typed (`1.234,5` in German, `1,234.5` in English), scaled to `decimals`.
fn scaled(locale: Locale, typed: &str, decimals: u32, negative: bool) -> Option<i64> {
    let plain = fmt::parse_amount_input(locale, typed)?;
    parse_scaled(&plain, decimals, negative).ok()
}

/// A line's amounts as the server would read them, or `None` while a number is incomplete.
fn amounts(locale: Locale, values: &[String; 6], exponent: u32) -> Option<Amounts> {
    let discount = if values[4].trim().is_empty() {
        0
    } else {
        scaled(locale, &values[4], 2, false).filter(|d| *d <= 10_000)?
    };
    Some(Amounts {
        quantity_milli: scaled(locale, &values[1], 3, true)?,
        unit_price_minor: scaled(locale, &values[3], exponent, true)?,
        discount_bp: discount,
        vat_rate_bp: scaled(locale, &values[5], 2, false).filter(|v| *v <= 10_000)?,
    })
}

/// What the API gets for a line: numbers converted from the user's format, text trimmed.
fn line_input(locale: Locale, values: &[String; 6]) -> LineInput {
    let number =
        |s: &str| fmt::parse_amount_input(locale, s).unwrap_or_else(|| s.trim().to_owned());
    let discount = values[4].trim();
    LineInput {
        description: values[0].trim().to_owned(),
        quantity: number(&values[1]),
        unit: values[2].trim().to_owned(),
        unit_price: number(&values[3]),
        discount_percent: (!discount.is_empty()).then(|| number(discount)),
        vat_rate: number(&values[5]),
    }
}

/// The live totals: tax base, VAT per rate, total (the table under the lines).
fn totals_html(
    t: &Texts,
    l: Locale,
    currency: &str,
    lines: &[[String; 6]],
) -> (String, Vec<String>) {
    let exponent = Currency::from_code(currency).map_or(2, |c| c.exponent());
    let code = if Currency::from_code(currency).is_some() {
        currency
    } else {
        ""
    };
    let money = |minor: i64| {
        if code.is_empty() {
            portal_domain::format::format_amount(l, minor, exponent)
        } else {
            format_money(l, minor, exponent, code)
        }
    };
    let parsed: Vec<Option<Amounts>> = lines.iter().map(|v| amounts(l, v, exponent)).collect();
    let nets = parsed
        .iter()
        .map(|a| {
            a.as_ref()
                .map_or_else(|| "—".to_owned(), |a| money(line_net(a)))
        })
        .collect();
    let t_all = totals(&parsed.into_iter().flatten().collect::<Vec<_>>());
    let mut h = Html::with_capacity(600);
    let row = |h: &mut Html, label: &str, value: &str, class: &str| {
        h.raw("<tr class=\"")
            .text(class)
            .raw("\"><th scope=\"row\">")
            .text(label)
            .raw("</th><td class=\"num nowrap\">")
            .text(value)
            .raw("</td></tr>");
    };
    row(&mut h, t.tax_base, &money(t_all.tax_base), "");
    for r in &t_all.by_rate {
        let rate = format_percent_bp(l, u32::try_from(r.rate_bp).unwrap_or(0));
        row(
            &mut h,
            &fill(t.vat_at, &[("rate", &rate), ("base", &money(r.base))]),
            &money(r.vat),
            "",
        );
    }
    row(&mut h, t.col_total, &money(t_all.total), "grand-total");
    (h.finish(), nets)
}

/// The editor, for a new draft (`/documents/new`, optionally `?contractor=ID`) or a draft.
#[component]
pub fn EditorPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let id = params.with_untracked(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()));
    let existing = RwSignal::new(None::<IssuerDocument>);
    let error = RwSignal::new(None::<ApiError>);
    let ready = move || id.is_none() || existing.with(Option::is_some);
    let preset = query.with_untracked(|q| q.get("contractor").and_then(|v| v.parse::<i64>().ok()));

    Effect::new(move |_| {
        let t = i18n.t();
        set_title(if id.is_some() {
            t.edit_draft
        } else {
            t.new_document
        });
    });
    let load = move || {
        if id.is_some() {
            load_one_with("documents", id, existing, error, decode_document);
        }
    };
    load();

    let body = move || {
        if let Some(e) = error.get() {
            let t = i18n.t();
            let msg = match e {
                ApiError::Network => i18n.common().error_network,
                _ if e.status() == Some(404) => t.doc_not_found,
                _ => t.load_error,
            };
            return view! { <LoadError message=msg.to_owned() on_retry=load /> }.into_any();
        }
        if !ready() {
            return ().into_any();
        }
        let doc = existing.get_untracked();
        if doc
            .as_ref()
            .is_some_and(|d| d.row.state != DocumentState::Draft)
        {
            return view! {
                <section class="empty-page">
                    <h1>{tr(|t| t.not_a_draft)}</h1>
                    <a class="btn btn-primary" href=format!("{ROOT}/documents/{}", id.unwrap_or(0))>
                        {tr(|t| t.back_to_document)}
                    </a>
                </section>
            }
            .into_any();
        }
        view! { <Form doc=doc preset=preset /> }.into_any()
    };
    view! {
        <p class="back-link">
            <a href=format!("{ROOT}/documents")>{tr(|t| t.back_to_documents)}</a>
        </p>
        <h1>{move || if id.is_some() { i18n.t().edit_draft } else { i18n.t().new_document }}</h1>
        {body}
    }
}

#[component]
fn Form(doc: Option<IssuerDocument>, preset: Option<i64>) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = StoredValue::new_local(use_navigate());
    let id = doc.as_ref().map(|d| d.row.id);
    let today = fmt::now().date_naive().format("%Y-%m-%d").to_string();
    let iso = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();

    let contractor = RwSignal::new(
        doc.as_ref()
            .map(|d| (d.row.contractor_id, d.row.contractor_name.clone())),
    );
    let doc_type = RwSignal::new(
        doc.as_ref()
            .map_or(DocumentType::Invoice, |d| d.row.doc_type),
    );
    let currency = RwSignal::new(
        doc.as_ref()
            .map_or_else(|| "EUR".to_owned(), |d| d.row.currency.clone()),
    );
    let issue_date = RwSignal::new(doc.as_ref().map_or(today, |d| iso(d.row.date)));
    let due_date = RwSignal::new(
        doc.as_ref()
            .and_then(|d| d.row.due_date)
            .map(iso)
            .unwrap_or_default(),
    );
    let notes = RwSignal::new(
        doc.as_ref()
            .and_then(|d| d.notes.clone())
            .unwrap_or_default(),
    );
    let related = doc.as_ref().and_then(|d| d.related_document_id);
    // The due date follows the contractor's payment terms from the issue date while nobody
    // has typed one of their own (an invoice or debit note only).
    let terms = RwSignal::new(None::<u16>);
    let auto_due = StoredValue::new(None::<String>);
    Effect::new(move |_| {
        let (Some(days), Some(issue)) = (terms.get(), fmt::parse_iso_date(&issue_date.get()))
        else {
            return;
        };
        if !portal_domain::document::is_payable(doc_type.get()) {
            return;
        }
        let typed = due_date.get_untracked();
        if !typed.is_empty() && Some(&typed) != auto_due.get_value().as_ref() {
            return;
        }
        if let Some(due) = issue.checked_add_days(chrono::Days::new(u64::from(days))) {
            let due = iso(due);
            auto_due.set_value(Some(due.clone()));
            due_date.set(due);
        }
    });
    let l = i18n.locale.get_untracked();
    let next_key = StoredValue::new(0u64);
    let new_line = move |values: [String; 6]| {
        next_key.update_value(|k| *k += 1);
        Line::new(next_key.get_value(), values)
    };
    let first_lines: Vec<Line> = match &doc {
        Some(d) => d
            .lines
            .iter()
            .map(|line| {
                let discount = if parse_scaled(&line.discount_percent, 2, false) == Ok(0) {
                    String::new()
                } else {
                    fmt::decimal(l, &line.discount_percent)
                };
                new_line([
                    line.description.clone(),
                    fmt::decimal(l, &line.quantity),
                    line.unit.clone(),
                    fmt::decimal(l, &line.unit_price),
                    discount,
                    fmt::decimal(l, &line.vat_rate),
                ])
            })
            .collect(),
        None => vec![new_line([
            String::new(),
            "1".to_owned(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ])],
    };
    let lines = RwSignal::new(first_lines);

    let contractor_error = RwSignal::new(None::<String>);
    let currency_error = RwSignal::new(None::<String>);
    let issue_date_error = RwSignal::new(None::<String>);
    let due_date_error = RwSignal::new(None::<String>);
    let lines_error = RwSignal::new(None::<String>);
    let notes_error = RwSignal::new(None::<String>);
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    let add_line = move || {
        let rate = lines.with_untracked(|ls| ls.last().map(|l| l.values[5].get_untracked()));
        let line = new_line([
            String::new(),
            "1".to_owned(),
            String::new(),
            String::new(),
            String::new(),
            rate.unwrap_or_default(),
        ]);
        let key = line.key;
        lines.update(|ls| ls.push(line));
        focus_later(format!("line-{key}-description"));
    };
    let remove_line = move |key: u64| {
        let mut next_focus = "add-line".to_owned();
        lines.update(|ls| {
            if let Some(i) = ls.iter().position(|l| l.key == key) {
                ls.remove(i);
                if let Some(other) = ls
                    .get(i)
                    .or_else(|| i.checked_sub(1).and_then(|j| ls.get(j)))
                {
                    next_focus = format!("line-{}-description", other.key);
                }
            }
        });
        focus_later(next_focus);
    };

    let live = Memo::new(move |_| {
        let t = i18n.t();
        let l = i18n.locale.get();
        let values: Vec<[String; 6]> = lines.with(|ls| {
            ls.iter()
                .map(|line| std::array::from_fn(|i| line.value(i)))
                .collect()
        });
        currency.with(|c| totals_html(t, l, c.trim(), &values))
    });
    let live_totals = text(move || live.with(|(h, _)| h.clone()));
    let net_of = move |key: u64| {
        move || {
            let i = lines.with(|ls| ls.iter().position(|l| l.key == key));
            i.and_then(|i| live.with(|(_, nets)| nets.get(i).cloned()))
                .unwrap_or_default()
        }
    };

    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let c = i18n.common();
        let l = i18n.locale.get_untracked();
        for e in [
            contractor_error,
            currency_error,
            issue_date_error,
            due_date_error,
            lines_error,
            notes_error,
            failure,
        ] {
            e.set(None);
        }
        lines.with_untracked(|ls| {
            for line in ls {
                for e in line.errors {
                    e.set(None);
                }
            }
        });
        let Some((contractor_id, _)) = contractor.get_untracked() else {
            contractor_error.set(Some(c.required.to_owned()));
            failure.set(Some(i18n.t().fix_errors.to_owned()));
            return;
        };
        let date = |s: RwSignal<String>, e: RwSignal<Option<String>>| {
            let v = s.get_untracked();
            if v.trim().is_empty() {
                return Ok(None);
            }
            fmt::parse_iso_date(v.trim())
                .map(Some)
                .ok_or_else(|| e.set(Some(c.err_invalid.to_owned())))
        };
        let (Ok(issue), Ok(due)) = (
            date(issue_date, issue_date_error),
            date(due_date, due_date_error),
        ) else {
            failure.set(Some(i18n.t().fix_errors.to_owned()));
            return;
        };
        let inputs: Vec<LineInput> = lines.with_untracked(|ls| {
            ls.iter()
                .map(|line| line_input(l, &std::array::from_fn(|i| line.values[i].get_untracked())))
                .collect()
        });
        let cur = currency.get_untracked().trim().to_ascii_uppercase();
        let notes_text = notes.get_untracked();
        let path_and_body = match id {
            None => (
                "POST",
                format!("{}/documents", api::base()),
                serde_json::to_value(NewDocument {
                    contractor_id,
                    doc_type: doc_type.get_untracked(),
                    currency: Some(cur),
                    issue_date: issue,
                    due_date: due,
                    lines: inputs,
                    notes: (!notes_text.trim().is_empty()).then_some(notes_text),
                    related_document_id: related,
                }),
            ),
            Some(id) => (
                "PATCH",
                format!("{}/documents/{id}", api::base()),
                serde_json::to_value(DocumentUpdate {
                    contractor_id: Some(contractor_id),
                    doc_type: Some(doc_type.get_untracked()),
                    currency: Some(cur),
                    issue_date: issue,
                    due_date: due,
                    lines: Some(inputs),
                    notes: Some(notes_text),
                    related_document_id: None,
                }),
            ),
        };
        let (method, path, Ok(body)) = path_and_body else {
            return;
        };
        busy.set(true);
        spawn_local(async move {
            // Only the row is read: the id to go to.
            let result = api::send::<_, IssuerDocumentRow>(method, &path, &body).await;
            busy.set(false);
            match result {
                Ok(saved) => {
                    let url = format!("{ROOT}/documents/{}?saved=1", saved.id);
                    navigate.with_value(|n| n(&url, NavigateOptions::default()));
                }
                Err(e) => {
                    let mut fields: Vec<(String, RwSignal<Option<String>>)> = vec![
                        ("contractor_id".into(), contractor_error),
                        ("currency".into(), currency_error),
                        ("issue_date".into(), issue_date_error),
                        ("due_date".into(), due_date_error),
                        ("lines".into(), lines_error),
                        ("notes".into(), notes_error),
                    ];
                    lines.with_untracked(|ls| {
                        for (i, line) in ls.iter().enumerate() {
                            for (f, name) in FIELDS.iter().enumerate() {
                                fields.push((format!("lines[{i}].{name}"), line.errors[f]));
                            }
                        }
                    });
                    let refs: Vec<(&str, RwSignal<Option<String>>)> =
                        fields.iter().map(|(n, s)| (n.as_str(), *s)).collect();
                    show_failure(i18n, &e, &refs, failure);
                }
            }
        });
    };

    view! {
        <form class="form editor" on:submit=save novalidate=true>
            <section class="card section" aria-labelledby="head-title">
                <h2 id="head-title" class="sr-only">{tr(|t| t.document_head)}</h2>
                <ContractorPicker chosen=contractor terms=terms error=contractor_error preset=preset />
                <div class="field-row">
                    <div class="field">
                        <label for="doc-type">{tr(|t| t.col_type)}</label>
                        <select
                            id="doc-type"
                            class="select"
                            on:change=move |ev| {
                                let v = event_target_value(&ev);
                                if let Some(t) = DocumentType::ALL.iter().find(|t| t.as_str() == v) {
                                    doc_type.set(*t);
                                }
                            }
                        >
                            {move || {
                                let c = i18n.common();
                                let mut types = TYPES.to_vec();
                                let current = doc_type.get_untracked();
                                if !types.contains(&current) {
                                    types.push(current);
                                }
                                types
                                    .into_iter()
                                    .map(|ty| {
                                        view! {
                                            <option value=ty.as_str() selected=ty == current>
                                                {c.doc_type(ty)}
                                            </option>
                                        }
                                    })
                                    .collect_view()
                            }}
                        </select>
                    </div>
                    <TextField id="doc-currency" label=trs(|t| t.col_currency) value=currency error=currency_error required=true />
                    <TextField id="doc-issue-date" label=trs(|t| t.col_date) value=issue_date error=issue_date_error kind="date" required=true />
                    <TextField
                        id="doc-due-date"
                        label=trs(|t| t.col_due_date)
                        value=due_date
                        error=due_date_error
                        kind="date"
                        hint=Signal::derive(move || {
                            terms.get().map(|n| fill(i18n.t().terms_hint, &[("n", &n.to_string())])).unwrap_or_default()
                        })
                    />
                </div>
            </section>
            <section class="card section" aria-labelledby="lines-title">
                <h2 id="lines-title">{tr(|t| t.lines)}</h2>
                <div class="table-wrap">
                    <table class="table editor-lines" id="editor-lines">
                        <thead>
                            <tr>
                                <LineColumns />
                                <th scope="col"><span class="sr-only">{tr(|t| t.remove_line)}</span></th>
                            </tr>
                        </thead>
                        <tbody>
                            <For each=move || lines.get() key=|line| line.key let:line>
                                <LineRow line=line lines=lines net=Signal::derive(net_of(line.key)) on_remove=remove_line />
                            </For>
                        </tbody>
                    </table>
                </div>
                <p class="field-error" id="lines-error" hidden=move || lines_error.with(Option::is_none)>
                    {move || lines_error.get().unwrap_or_default()}
                </p>
                <button type="button" id="add-line" class="btn" on:click=move |_| add_line()>
                    {tr(|t| t.add_line)}
                </button>
            </section>
            <section class="card section" aria-labelledby="totals-title">
                <h2 id="totals-title">{tr(|t| t.totals)}</h2>
                <table class="table totals-table" id="live-totals" aria-live="polite">
                    <tbody inner_html=live_totals></tbody>
                </table>
            </section>
            <section class="card section">
                <div class="field" class:field-invalid=move || notes_error.with(Option::is_some)>
                    <label for="doc-notes">{tr(|t| t.notes)}</label>
                    <textarea
                        id="doc-notes"
                        class="input textarea"
                        rows="3"
                        prop:value=notes
                        on:input=move |ev| notes.set(event_target_value(&ev))
                    ></textarea>
                    <p class="field-error" hidden=move || notes_error.with(Option::is_none)>
                        {move || notes_error.get().unwrap_or_default()}
                    </p>
                </div>
            </section>
            <FormMessage text=failure />
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" disabled=move || busy.get()>
                    {tr(|t| t.save_draft)}
                </button>
                <a
                    class="btn"
                    href=match id {
                        Some(id) => format!("{ROOT}/documents/{id}"),
                        None => format!("{ROOT}/documents"),
                    }
                >
                    {tr(|t| t.cancel)}
                </a>
            </div>
        </form>
    }
}

/// One line's inputs, its live net and its remove button. Each input is named for screen
/// readers by its column and line number ("Quantity, line 2").
#[component]
fn LineRow(
    line: Line,
    lines: RwSignal<Vec<Line>>,
    net: Signal<String>,
    on_remove: impl Fn(u64) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let position = move || {
        lines.with(|ls| {
            ls.iter()
                .position(|l| l.key == line.key)
                .map_or(0, |i| i + 1)
        })
    };
    let labels: [fn(&Texts) -> &'static str; 6] = [
        |t| t.description,
        |t| t.quantity,
        |t| t.unit,
        |t| t.unit_price,
        |t| t.discount,
        |t| t.vat_rate,
    ];
    let cells = (0..6)
        .map(|i| {
            let value = line.values[i];
            let error = line.errors[i];
            let input_id = format!("line-{}-{}", line.key, FIELDS[i]);
            let error_id = format!("{input_id}-error");
            let label = labels[i];
            let numeric = !matches!(i, 0 | 2);
            let invalid = move || error.with(Option::is_some);
            let label_text = move || {
                fill(
                    i18n.t().field_of_line,
                    &[("field", label(i18n.t())), ("n", &position().to_string())],
                )
            };
            view! {
                <td class=if numeric { "num" } else { "" } class:field-invalid=invalid>
                    <input
                        id=input_id
                        class=if numeric { "input input-num" } else { "input" }
                        inputmode=if numeric { "decimal" } else { "text" }
                        aria-label=label_text
                        aria-invalid=move || invalid().to_string()
                        aria-describedby=move || invalid().then(|| error_id.clone())
                        prop:value=value
                        on:input=move |ev| {
                            value.set(event_target_value(&ev));
                            error.set(None);
                        }
                    />
                    <span class="field-error" id=format!("line-{}-{}-error", line.key, FIELDS[i]) hidden=move || !invalid()>
                        {move || error.get().unwrap_or_default()}
                    </span>
                </td>
            }
        })
        .collect_view();
    view! {
        <tr>
            {cells}
            <td class="num nowrap line-net">{move || net.get()}</td>
            <td>
                <button
                    type="button"
                    class="btn btn-ghost btn-small"
                    aria-label=move || fill(i18n.t().remove_line_n, &[("n", &position().to_string())])
                    disabled=move || lines.with(|ls| ls.len() < 2)
                    on:click=move |_| on_remove(line.key)
                >
                    "×"
                </button>
            </td>
        </tr>
    }
}

/// The contractor: a search field and the matching contractors to choose from.
#[component]
fn ContractorPicker(
    chosen: RwSignal<Option<(i64, String)>>,
    /// The chosen contractor's payment terms (days), once it is chosen here.
    terms: RwSignal<Option<u16>>,
    error: RwSignal<Option<String>>,
    preset: Option<i64>,
) -> impl IntoView {
    let i18n = use_i18n();
    let q = RwSignal::new(String::new());
    let found = RwSignal::new(Vec::<Contractor>::new());
    let generation = StoredValue::new(0u64);
    let search = move |q: String| {
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        let path = format!(
            "{}/contractors?per_page=20&q={}",
            api::base(),
            encode(q.trim())
        );
        spawn_local(async move {
            if let Ok(page) = api::get::<ContractorPage>(&path).await
                && generation.try_get_value() == Some(mine)
            {
                if chosen.with_untracked(Option::is_none)
                    && let Some(first) = page.items.first()
                    && page.items.len() == 1
                {
                    chosen.set(Some((first.id, first.name.clone())));
                    terms.set(first.payment_terms_days);
                }
                found.set(page.items);
            }
        });
    };
    search(String::new());
    if let Some(id) = preset
        && chosen.with_untracked(Option::is_none)
    {
        spawn_local(async move {
            if let Ok(c) =
                api::get::<Contractor>(&format!("{}/contractors/{id}", api::base())).await
            {
                terms.set(c.payment_terms_days);
                chosen.set(Some((c.id, c.name)));
            }
        });
    }
    let options = move || {
        let current = chosen.get();
        let mut items: Vec<(i64, String)> =
            found.with(|f| f.iter().map(|c| (c.id, c.name.clone())).collect());
        if let Some(c) = &current
            && !items.iter().any(|(id, _)| *id == c.0)
        {
            items.insert(0, c.clone());
        }
        let none = current.is_none();
        let placeholder =
            view! { <option value="" selected=none>{i18n.t().choose_contractor}</option> };
        let rest = items
            .into_iter()
            .map(|(id, name)| {
                let selected = current.as_ref().is_some_and(|c| c.0 == id);
                view! { <option value=id.to_string() selected=selected>{name}</option> }
            })
            .collect_view();
        view! { {placeholder} {rest} }
    };
    let invalid = move || error.with(Option::is_some);
    view! {
        <div class="field-row">
            <div class="field">
                <label for="doc-contractor-search">{tr(|t| t.search_contractors)}</label>
                <input
                    id="doc-contractor-search"
                    class="input"
                    type="search"
                    autocomplete="off"
                    prop:value=q
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        q.set(v.clone());
                        search(v);
                    }
                    on:keydown=move |ev| {
                        if ev.key() == "Enter" {
                            ev.prevent_default();
                        }
                    }
                />
            </div>
            <div class="field" class:field-invalid=invalid>
                <label for="doc-contractor">{tr(|t| t.col_contractor)}</label>
                <select
                    id="doc-contractor"
                    class="select"
                    aria-invalid=move || invalid().to_string()
                    aria-describedby=move || invalid().then_some("doc-contractor-error")
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        let picked = found.with_untracked(|f| {
                            f.iter().find(|c| c.id.to_string() == v).map(|c| (c.id, c.name.clone(), c.payment_terms_days))
                        });
                        terms.set(picked.as_ref().and_then(|p| p.2));
                        chosen.set(picked.map(|(id, name, _)| (id, name)));
                        error.set(None);
                    }
                >
                    {options}
                </select>
                <p class="field-error" id="doc-contractor-error" hidden=move || !invalid()>
                    {move || error.get().unwrap_or_default()}
                </p>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(v: [&str; 6]) -> [String; 6] {
        v.map(str::to_owned)
    }

    #[test]
    fn typed_numbers_follow_the_locale() {
        let Some(a) = amounts(
            Locale::De,
            &line(["x", "1,5", "h", "1.200,50", "10", "19"]),
            2,
        ) else {
            panic!("a complete line");
        };
        assert_eq!(a.quantity_milli, 1500);
        assert_eq!(a.unit_price_minor, 120_050);
        assert_eq!(a.discount_bp, 1000);
        assert_eq!(a.vat_rate_bp, 1900);
        // 1.5 × 1200.50 = 1800.75, less 10 % = 1620.675 → 1620.68
        assert_eq!(line_net(&a), 162_068);
        assert!(amounts(Locale::En, &line(["x", "2", "", "abc", "", "20"]), 2).is_none());
        assert!(amounts(Locale::En, &line(["x", "2", "", "1", "101", "20"]), 2).is_none());
    }

    #[test]
    fn the_api_gets_plain_decimals() {
        let input = line_input(
            Locale::Bg,
            &line([" Услуга ", "2", "ч", "1 234,5", "", "20"]),
        );
        assert_eq!(input.description, "Услуга");
        assert_eq!(input.unit_price, "1234.5");
        assert_eq!(input.quantity, "2");
        assert_eq!(input.discount_percent, None);
        assert_eq!(input.vat_rate, "20");
    }
}
