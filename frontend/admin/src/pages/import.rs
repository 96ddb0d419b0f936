//! `/admin/contractors/import`: bring a business's customers over from a CSV file. Choosing
//! the file checks it at once (a dry run on the server, which reads every row with the checks
//! of the contractor form): the columns as guessed from their names, each changeable, and a
//! preview of what each row will do — new, changes a contractor already here (same tax number,
//! else e-mail), unchanged, or its errors with the line. Importing writes all good rows in one
//! transaction; rows with errors only when the user chooses to skip them.

use leptos::prelude::*;
use leptos::task::spawn_local;
use portal_types::{ImportAction, ImportField, ImportReport, ImportRow};
use portal_ui::{Alert, Tone, text};
use portal_web::api::{self, ApiError};
use portal_web::components::FormMessage;
use portal_web::html::Html;
use portal_web::url::encode;
use wasm_bindgen::JsCast;
use web_sys::{Blob, HtmlInputElement};

use crate::app::{ROOT, set_title};
use crate::i18n::{I18n, Texts, TextsOf, fill, tr, use_i18n};

/// A field's label.
fn label(t: &'static Texts, field: ImportField) -> &'static str {
    match field {
        ImportField::Name => t.name,
        ImportField::Kind => t.f_kind,
        ImportField::TaxId => t.tax_id,
        ImportField::VatNumber => t.vat_number,
        ImportField::Email => t.email,
        ImportField::Phone => t.phone,
        ImportField::Street => t.street,
        ImportField::City => t.city,
        ImportField::PostalCode => t.postal_code,
        ImportField::Country => t.country,
        ImportField::Iban => t.iban,
        ImportField::Bic => t.bic,
        ImportField::Locale => t.f_locale,
        ImportField::PaymentTermsDays => t.payment_terms,
    }
}

/// What a refused file is, in this language.
fn refusal(i18n: I18n, e: &ApiError) -> String {
    let t = i18n.t();
    let code = e.field_errors().first().map(|f| f.code.as_str());
    match (e, code) {
        (_, Some("invalid_encoding")) => t.err_invalid_encoding,
        (_, Some(code)) if code.starts_with("lines") => t.import_fix_or_skip,
        (ApiError::Network, _) => i18n.common().error_network,
        (e, _) if matches!(e.status(), Some(413 | 422)) => t.err_bad_file,
        _ => i18n.common().error_generic,
    }
    .to_owned()
}

/// The import page.
#[component]
pub fn ImportPage() -> impl IntoView {
    let i18n = use_i18n();
    Effect::new(move |_| set_title(i18n.t().import_title));
    let file = StoredValue::new_local(None::<Blob>);
    let report = RwSignal::new(None::<ImportReport>);
    // The mapping chosen by the user; `None` while the server's guess stands.
    let columns = RwSignal::new(None::<Vec<Option<ImportField>>>);
    let skip = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let done = RwSignal::new(None::<String>);
    let generation = StoredValue::new(0u64);

    let run = move |dry_run: bool| {
        let Some(blob) = file.get_value() else {
            return;
        };
        let mut path = format!(
            "{}/contractors/import?dry_run={dry_run}&skip_bad_rows={}",
            api::base(),
            skip.get_untracked()
        );
        if let Some(columns) = columns.get_untracked() {
            let names: Vec<&str> = columns
                .iter()
                .map(|c| c.map_or("", ImportField::as_str))
                .collect();
            path.push_str("&columns=");
            path.push_str(&encode(&names.join(",")));
        }
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        busy.set(true);
        failure.set(None);
        spawn_local(async move {
            let result = api::send_file::<ImportReport>("POST", &path, &blob, "text/csv").await;
            if generation.try_get_value() != Some(mine) {
                return;
            }
            busy.set(false);
            match result {
                Ok(r) => {
                    if !r.dry_run {
                        let t = i18n.t();
                        done.set(Some(fill(
                            t.import_done,
                            &[
                                ("created", &r.created.to_string()),
                                ("updated", &r.updated.to_string()),
                                ("invalid", &r.invalid.to_string()),
                            ],
                        )));
                    }
                    report.set(Some(r));
                }
                Err(ApiError::Unauthorized) => {}
                Err(e) => {
                    if !dry_run {
                        // The file may have changed on disk; show what it says now.
                        report.set(None);
                    }
                    failure.set(Some(refusal(i18n, &e)));
                }
            }
        });
    };

    let choose = move |ev: leptos::ev::Event| {
        // `input.files[0]`, read through JavaScript: web-sys' File and FileList bindings
        // would be compiled into the customer portal too (features are shared in the build).
        let input = event_target::<HtmlInputElement>(&ev);
        let chosen = js_sys::Reflect::get(&input, &"files".into())
            .and_then(|files| js_sys::Reflect::get(&files, &0.into()))
            .ok()
            .filter(|f| f.is_instance_of::<Blob>());
        file.set_value(chosen.map(|f| f.unchecked_into::<Blob>()));
        columns.set(None);
        skip.set(false);
        done.set(None);
        report.set(None);
        run(true);
    };

    let remap = move |index: usize, value: String| {
        let Some(mut current) = report.with_untracked(|r| r.as_ref().map(|r| r.columns.clone()))
        else {
            return;
        };
        let field = ImportField::parse(&value);
        for (i, c) in current.iter_mut().enumerate() {
            if i == index {
                *c = field;
            } else if field.is_some() && *c == field {
                // A field is read from one column: the one it had before lets it go.
                *c = None;
            }
        }
        columns.set(Some(current));
        run(true);
    };

    view! {
        <div class="page-head">
            <p class="back-link">
                <a href=format!("{ROOT}/contractors")>{tr(|t| t.back_to_contractors)}</a>
            </p>
            <h1>{tr(|t| t.import_title)}</h1>
            <p class="lead">{tr(|t| t.import_intro)}</p>
        </div>
        <section class="card form-card import-card">
            <div class="field">
                <label for="import-file">{tr(|t| t.import_file)}</label>
                <input
                    id="import-file"
                    class="input"
                    type="file"
                    accept=".csv,.txt,text/csv,text/plain"
                    on:change=choose
                />
            </div>
            <p class="muted" role="status">
                {move || busy.get().then(|| i18n.t().import_reading)}
            </p>
            <FormMessage text=failure />
        </section>
        {move || {
            done.get()
                .map(|message| {
                    view! {
                        <Alert tone=Tone::Success>
                            <p id="import-done">{message}</p>
                            <p>
                                <a href=format!("{ROOT}/contractors")>
                                    {tr(|t| t.back_to_contractors)}
                                </a>
                            </p>
                        </Alert>
                    }
                })
        }}
        <Show when=move || report.with(Option::is_some)>
            <Mapping report=report busy=busy remap=remap />
            <Outcome report=report skip=skip busy=busy done=done run=run />
        </Show>
    }
}

/// The columns of the file and the field each is read into.
#[component]
fn Mapping(
    report: RwSignal<Option<ImportReport>>,
    busy: RwSignal<bool>,
    remap: impl Fn(usize, String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let headers = Memo::new(move |_| {
        report.with(|r| r.as_ref().map(|r| r.headers.clone()).unwrap_or_default())
    });
    let rows = move || {
        headers
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, header)| {
                let current = move || {
                    report.with(|r| {
                        r.as_ref()
                            .and_then(|r| r.columns.get(i).copied().flatten())
                            .map_or("", ImportField::as_str)
                            .to_owned()
                    })
                };
                let id = format!("map-{i}");
                view! {
                    <tr>
                        <th scope="row">
                            <label for=id.clone()>{header}</label>
                        </th>
                        <td>
                            <select
                                id=id
                                class="input"
                                prop:value=current
                                disabled=move || busy.get()
                                on:change=move |ev| remap(i, event_target_value(&ev))
                            >
                                <option value="">{tr(|t| t.import_ignore)}</option>
                                {ImportField::ALL
                                    .into_iter()
                                    .map(|f| {
                                        view! {
                                            <option value=f.as_str()>
                                                {move || label(i18n.t(), f)}
                                            </option>
                                        }
                                    })
                                    .collect_view()}
                            </select>
                        </td>
                    </tr>
                }
            })
            .collect_view()
    };
    let missing = move || report.with(|r| r.as_ref().is_some_and(|r| !r.missing.is_empty()));
    view! {
        <section class="card import-card" aria-labelledby="import-columns-title">
            <h2 id="import-columns-title">{tr(|t| t.import_columns)}</h2>
            <p class="muted">{tr(|t| t.import_columns_hint)}</p>
            <Show when=missing>
                <Alert tone=Tone::Warning>
                    <p id="import-missing">{tr(|t| t.import_missing)}</p>
                </Alert>
            </Show>
            <div class="table-wrap">
                <table class="table import-mapping" id="import-mapping">
                    <thead>
                        <tr>
                            <th scope="col">{tr(|t| t.import_column)}</th>
                            <th scope="col">{tr(|t| t.import_field)}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}

/// What importing does: the counts, the preview, skipping bad rows and the import button.
#[component]
fn Outcome(
    report: RwSignal<Option<ImportReport>>,
    skip: RwSignal<bool>,
    busy: RwSignal<bool>,
    done: RwSignal<Option<String>>,
    run: impl Fn(bool) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let counts = move || {
        report.with(|r| {
            r.as_ref()
                .map(|r| (r.rows, r.created, r.updated, r.unchanged, r.invalid))
                .unwrap_or_default()
        })
    };
    let summary = move || {
        let (rows, created, updated, unchanged, invalid) = counts();
        fill(
            i18n.t().import_summary,
            &[
                ("rows", &rows.to_string()),
                ("created", &created.to_string()),
                ("updated", &updated.to_string()),
                ("unchanged", &unchanged.to_string()),
                ("invalid", &invalid.to_string()),
            ],
        )
    };
    let body = text(move || {
        let t = i18n.t();
        report.with(|r| {
            r.as_ref()
                .map(|r| preview_html(&r.preview, t))
                .unwrap_or_default()
        })
    });
    let has_invalid = move || counts().4 > 0;
    let missing = move || report.with(|r| r.as_ref().is_some_and(|r| !r.missing.is_empty()));
    let nothing = move || {
        let (rows, created, updated, _, invalid) = counts();
        rows > 0 && created + updated == 0 && invalid == 0
    };
    let blocked = move || {
        let (_, created, updated, _, invalid) = counts();
        busy.get()
            || done.with(Option::is_some)
            || missing()
            || created + updated == 0
            || (invalid > 0 && !skip.get())
    };
    view! {
        <section class="card import-card" aria-labelledby="import-preview-title">
            <h2 id="import-preview-title">{tr(|t| t.import_preview)}</h2>
            <p id="import-summary">{summary}</p>
            <p class="muted">{tr(|t| t.import_preview_hint)}</p>
            <div class="table-wrap" role="region" aria-labelledby="import-preview-title" tabindex="0">
                <table class="table" id="import-preview">
                    <thead>
                        <tr>
                            <th scope="col" class="num">{tr(|t| t.import_line)}</th>
                            <th scope="col">{tr(|t| t.import_action)}</th>
                            <th scope="col">{tr(|t| t.name)}</th>
                            <th scope="col">{tr(|t| t.tax_id)}</th>
                            <th scope="col">{tr(|t| t.email)}</th>
                            <th scope="col">{tr(|t| t.import_errors)}</th>
                        </tr>
                    </thead>
                    <tbody inner_html=body></tbody>
                </table>
            </div>
            <Show when=move || has_invalid() && done.with(Option::is_none)>
                <p class="muted">{tr(|t| t.import_fix_or_skip)}</p>
                <label class="check">
                    <input
                        id="import-skip"
                        type="checkbox"
                        prop:checked=skip
                        on:change=move |ev| skip.set(event_target_checked(&ev))
                    />
                    {tr(|t| t.import_skip)}
                </label>
            </Show>
            <Show when=nothing>
                <p id="import-nothing">{tr(|t| t.import_nothing)}</p>
            </Show>
            <div class="form-actions">
                <button
                    id="import-submit"
                    type="button"
                    class="btn btn-primary"
                    disabled=blocked
                    on:click=move |_| run(false)
                >
                    {tr(|t| t.import_submit)}
                </button>
            </div>
        </section>
    }
}

/// The preview's rows.
fn preview_html(rows: &[ImportRow], t: &'static Texts) -> String {
    let mut h = Html::with_capacity(rows.len() * 300);
    for row in rows {
        let value = |field: ImportField| {
            row.values
                .iter()
                .find(|v| v.field == field)
                .map_or("", |v| v.value.as_str())
        };
        let (badge, word) = match row.action {
            ImportAction::Create => ("badge badge-success", t.import_create),
            ImportAction::Update => ("badge badge-info", t.import_update),
            ImportAction::Unchanged => ("badge badge-muted", t.import_unchanged),
            ImportAction::Invalid => ("badge badge-danger", t.import_invalid),
        };
        h.raw(if row.errors.is_empty() {
            "<tr>"
        } else {
            "<tr class=\"row-error\">"
        });
        h.element("td", "num", &row.line.to_string());
        h.raw("<td>");
        h.element("span", badge, word);
        h.raw("</td>");
        match (row.contractor_id, row.action) {
            (Some(id), ImportAction::Create | ImportAction::Update | ImportAction::Unchanged) => {
                h.raw("<td><a href=\"")
                    .text(&format!("{ROOT}/contractors/{id}"))
                    .raw("\">")
                    .text(value(ImportField::Name))
                    .raw("</a></td>");
            }
            _ => {
                h.element("td", "", value(ImportField::Name));
            }
        }
        h.element("td", "nowrap", value(ImportField::TaxId));
        h.element("td", "", value(ImportField::Email));
        let errors: Vec<String> = row
            .errors
            .iter()
            .map(|e| {
                let field = ImportField::parse(&e.field).map_or("", |f| label(t, f));
                let mut said = t.field_error(&e.code).to_owned();
                if e.code == "duplicate_in_file"
                    && let Some(line) = e.message.split_whitespace().nth(1)
                {
                    said = format!("{said} ({} {line})", t.import_line);
                }
                if field.is_empty() {
                    said
                } else {
                    format!("{field}: {said}")
                }
            })
            .collect();
        h.element("td", "import-errors", &errors.join("; "));
        h.raw("</tr>");
    }
    h.finish()
}
