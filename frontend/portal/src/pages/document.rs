//! `/p/{org}/documents/{id}`: one document — header data, lines, VAT breakdown, payments, the
//! conversation with the issuer, the PDF previewed inline, Download and Print; on an open offer
//! the customer's decision (accept or reject, with a reason).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_location, use_params_map};
use portal_domain::locale::Locale;
use portal_types::{CommentSide, DocumentDetail, DocumentState, DocumentType, OfferDecision};
use portal_ui::{Icon, IconKind, dyn_view, text};

use crate::app::{Account, portal_path, set_title, use_org};
use crate::components::{DelayedSpinner, LoadError, download_document, load_failure};
use crate::i18n::{Texts, TextsOf, fill, tr, use_i18n};
use portal_web::api::{self, ApiError};
use portal_web::fmt;
use portal_web::html::Html;
use portal_web::thread::Thread;

/// `DocumentDetail` without going through `#[serde(flatten)]`: serde buffers a flattened
/// struct into an intermediate value, which brings a second copy of every field's
/// deserializer into the wasm (~5 kB gzip). The row is read on its own (unknown fields are
/// ignored) and the rest beside it.
fn decode_detail(body: &str) -> Result<DocumentDetail, ApiError> {
    #[derive(serde::Deserialize)]
    struct Rest {
        lines: Vec<portal_types::DocumentLine>,
        vat_breakdown: Vec<portal_types::VatBreakdown>,
        payments: Vec<portal_types::PaymentView>,
        notes: Option<String>,
        related_document_number: Option<String>,
        related_document_id: Option<i64>,
        #[serde(deserialize_with = "portal_types::wire::deserialize_optional_instant")]
        first_viewed_at: Option<chrono::DateTime<chrono::Utc>>,
        #[serde(deserialize_with = "portal_types::wire::deserialize_optional_instant")]
        first_downloaded_at: Option<chrono::DateTime<chrono::Utc>>,
        decision: Option<OfferDecision>,
        payment_code: Option<String>,
        #[serde(default)]
        payment_processing: Option<String>,
    }
    let row = api::parse(body)?;
    let rest: Rest = api::parse(body)?;
    Ok(DocumentDetail {
        row,
        lines: rest.lines,
        vat_breakdown: rest.vat_breakdown,
        payments: rest.payments,
        notes: rest.notes,
        related_document_number: rest.related_document_number,
        related_document_id: rest.related_document_id,
        first_viewed_at: rest.first_viewed_at,
        first_downloaded_at: rest.first_downloaded_at,
        decision: rest.decision,
        payment_code: rest.payment_code,
        payment_processing: rest.payment_processing,
    })
}

/// The document page.
#[component]
pub fn DocumentPage() -> impl IntoView {
    let params = use_params_map();
    let location = use_location();
    // While the router leaves this page the old id stays (no request for a page being left).
    let id = Memo::new(move |prev: Option<&Option<i64>>| {
        if !location.pathname.get().contains("/documents/") {
            return prev.copied().flatten();
        }
        params.with(|p| {
            p.get("id")
                .and_then(|v| v.parse::<i64>().ok())
                .filter(|v| *v > 0)
        })
    });
    let detail = RwSignal::new(None::<Result<DocumentDetail, ApiError>>);
    let fetch = move || {
        detail.set(None);
        let id = id.get_untracked();
        spawn_local(async move {
            let result = match id {
                Some(id) => api::get_text(&format!("{}/documents/{id}", api::base()))
                    .await
                    .and_then(|body| decode_detail(&body)),
                None => Err(ApiError::Http {
                    status: 404,
                    problem: None,
                    retry_after: None,
                }),
            };
            let _ = detail.try_set(Some(result));
        });
    };
    Effect::new(move |_| {
        id.track();
        fetch();
    });

    move || match detail.get() {
        None => view! { <DelayedSpinner /> }.into_any(),
        Some(Err(ApiError::Unauthorized)) => ().into_any(),
        Some(Err(e)) if e.status() == Some(404) => view! { <DocumentNotFound /> }.into_any(),
        Some(Err(e)) => view! { <LoadError message=load_failure(e) on_retry=fetch /> }.into_any(),
        Some(Ok(d)) => view! { <DocumentView detail=d /> }.into_any(),
    }
}

#[component]
fn BackLink() -> impl IntoView {
    let account = expect_context::<Account>();
    let org = use_org();
    let href = move || {
        account
            .last_grid
            .get()
            .unwrap_or_else(|| portal_path(&org.get(), "/documents"))
    };
    view! {
        <a class="back-link" href=href>
            <Icon kind=IconKind::ChevronLeft />
            <span>{tr(|t| t.back_to_documents)}</span>
        </a>
    }
}

/// Shown for an id that does not exist or belongs to another customer: no data at all.
#[component]
fn DocumentNotFound() -> impl IntoView {
    let i18n = use_i18n();
    Effect::new(move |_| set_title(i18n.t().doc_not_found_title));
    view! {
        <section class="empty-page">
            <h1>{tr(|t| t.doc_not_found_title)}</h1>
            <p>{tr(|t| t.doc_not_found_text)}</p>
            <BackLink />
        </section>
    }
}

/// The PDF shown inline, fetched with the access token and shown from a `blob:` URL.
#[component]
fn Preview(id: i64, title: Signal<String>, frame: NodeRef<leptos::html::Iframe>) -> impl IntoView {
    let url = RwSignal::new(None::<String>);
    let failed = RwSignal::new(false);
    spawn_local(async move {
        let path = format!("{}/documents/{id}/pdf?disposition=inline", api::base());
        match api::get_blob(&path).await {
            Ok((blob, _)) => match web_sys::Url::create_object_url_with_blob(&blob) {
                Ok(u) => {
                    if url.try_set(Some(u.clone())).is_some() {
                        // The page is gone already.
                        let _ = web_sys::Url::revoke_object_url(&u);
                    }
                }
                Err(_) => {
                    let _ = failed.try_set(true);
                }
            },
            Err(_) => {
                let _ = failed.try_set(true);
            }
        }
    });
    on_cleanup(move || {
        if let Some(Some(u)) = url.try_get_untracked() {
            let _ = web_sys::Url::revoke_object_url(&u);
        }
    });
    view! {
        <section class="card preview-card" aria-labelledby="preview-title">
            <h2 class="card-title" id="preview-title">
                {tr(|t| t.preview)}
            </h2>
            {move || {
                if failed.get() {
                    view! {
                        <p class="muted">{tr(|t| t.preview_failed)}</p>
                    }
                        .into_any()
                } else if let Some(u) = url.get() {
                    view! {
                        <iframe class="pdf-frame" src=u title=move || title.get() node_ref=frame></iframe>
                    }
                        .into_any()
                } else {
                    view! { <div class="pdf-frame pdf-loading"><DelayedSpinner /></div> }.into_any()
                }
            }}
        </section>
    }
}

/// Everything but the PDF, as markup (see `html.rs`).
fn main_html(d: &DocumentDetail, t: &Texts, l: Locale, org: &str) -> String {
    let r = &d.row;
    let money = |v: &str| fmt::money(l, v, &r.currency);
    let amount = |v: &str| fmt::amount(l, v, &r.currency);
    let when = |at: Option<chrono::DateTime<chrono::Utc>>| {
        at.map(|at| fmt::date_time(l, at))
            .unwrap_or_else(|| t.not_downloaded.to_owned())
    };
    let mut h = Html::with_capacity(4096);
    h.raw("<div class=\"doc-summary\"><section class=\"card\" aria-labelledby=\"details-title\">")
        .raw("<h2 class=\"card-title\" id=\"details-title\">")
        .text(t.details)
        .raw("</h2><dl class=\"fields fields-wide\">")
        .field(t.col_date, &fmt::date(l, r.date), "")
        .field(
            t.col_due_date,
            &r.due_date
                .map(|x| fmt::date(l, x))
                .unwrap_or_else(|| "—".into()),
            "",
        )
        .field(t.col_currency, &r.currency, "");
    if let Some(number) = &d.related_document_number {
        h.raw("<div>").element("dt", "", t.related).raw("<dd>");
        match d.related_document_id {
            Some(id) => {
                h.raw("<a href=\"")
                    .text(&portal_path(org, &format!("/documents/{id}")))
                    .raw("\">")
                    .text(number)
                    .raw("</a>");
            }
            None => {
                h.text(number);
            }
        }
        h.raw("</dd></div>");
    }
    if let Some(at) = d.first_viewed_at {
        h.field(t.first_viewed, &fmt::date_time(l, at), "");
    }
    h.field(t.first_downloaded, &when(d.first_downloaded_at), "")
        .field(t.col_downloaded, &when(r.downloaded_at), "downloaded-at")
        .raw("</dl></section>");

    h.raw("<section class=\"card\" aria-labelledby=\"amounts-title\">")
        .raw("<h2 class=\"card-title\" id=\"amounts-title\">")
        .text(t.amount)
        .raw("</h2><dl class=\"totals\">")
        .field(t.col_tax_base, &money(&r.tax_base), "")
        .field(t.col_vat, &money(&r.vat), "")
        .raw("<div class=\"total-strong\">")
        .element("dt", "", t.col_total)
        .element("dd", "", &money(&r.total))
        .raw("</div>");
    if let (Some(paid), Some(remaining)) = (&r.paid, &r.remaining) {
        h.field(t.col_paid, &money(paid), "")
            .raw("<div class=\"total-strong\">")
            .element("dt", "", t.col_remaining)
            .element("dd", "", &money(remaining))
            .raw("</div>");
    }
    h.raw("</dl></section></div>");
    if let Some(code) = &d.payment_code {
        transfer_html(&mut h, code, t, l);
    }

    let section = |h: &mut Html, id: &str, title: &str| {
        h.raw("<section class=\"card\" aria-labelledby=\"")
            .raw(id)
            .raw("\"><h2 class=\"card-title\" id=\"")
            .raw(id)
            .raw("\">")
            .text(title)
            .raw("</h2>");
    };
    let head = |h: &mut Html, caption: &str, cols: &[(&str, bool)]| {
        h.raw("<div class=\"table-scroll\" role=\"region\" tabindex=\"0\" aria-label=\"")
            .text(caption)
            .raw("\"><table class=\"table table-compact\">")
            .element("caption", "sr-only", caption)
            .raw("<thead><tr>");
        for (label, num) in cols {
            h.raw(if *num {
                "<th scope=\"col\" class=\"num\">"
            } else {
                "<th scope=\"col\">"
            })
            .text(label)
            .raw("</th>");
        }
        h.raw("</tr></thead><tbody>");
    };

    if !d.lines.is_empty() {
        section(&mut h, "lines-title", t.lines);
        head(
            &mut h,
            t.lines,
            &[
                ("#", true),
                (t.description, false),
                (t.quantity, true),
                (t.unit, false),
                (t.unit_price, true),
                (t.discount, true),
                (t.vat_rate, true),
                (t.net, true),
                (t.col_vat, true),
            ],
        );
        for line in &d.lines {
            h.raw("<tr>")
                .element("td", "num", &line.position.to_string())
                .element("td", "wrap", &line.description)
                .element("td", "num", &fmt::decimal(l, &line.quantity))
                .element("td", "", &line.unit)
                .element("td", "num", &amount(&line.unit_price))
                .element("td", "num", &fmt::percent(l, &line.discount_percent))
                .element("td", "num", &fmt::percent(l, &line.vat_rate))
                .element("td", "num", &amount(&line.net))
                .element("td", "num", &amount(&line.vat))
                .raw("</tr>");
        }
        h.raw("</tbody></table></div></section>");
    }

    if !d.vat_breakdown.is_empty() {
        section(&mut h, "vat-title", t.vat_breakdown);
        head(
            &mut h,
            t.vat_breakdown,
            &[
                (t.vat_rate, true),
                (t.col_tax_base, true),
                (t.col_vat, true),
            ],
        );
        for b in &d.vat_breakdown {
            h.raw("<tr><th scope=\"row\" class=\"num\">")
                .text(&fmt::percent(l, &b.rate))
                .raw("</th>")
                .element("td", "num", &money(&b.tax_base))
                .element("td", "num", &money(&b.vat))
                .raw("</tr>");
        }
        h.raw("</tbody></table></div></section>");
    }

    if r.paid.is_some() {
        section(&mut h, "payments-title", t.payments);
        if d.payments.is_empty() {
            h.element("p", "muted", t.no_payments);
        } else {
            head(
                &mut h,
                t.payments,
                &[
                    (t.col_date, false),
                    (t.payment_method, false),
                    (t.amount, true),
                ],
            );
            for p in &d.payments {
                h.raw("<tr>")
                    .element("td", "", &fmt::date(l, p.date))
                    .element("td", "", t.method(&p.method))
                    .element("td", "num", &money(&p.amount))
                    .raw("</tr>");
            }
            h.raw("</tbody></table></div>");
        }
        h.raw("</section>");
    }

    if let Some(notes) = d.notes.as_deref().filter(|n| !n.trim().is_empty()) {
        section(&mut h, "notes-title", t.notes);
        h.element("p", "notes", notes).raw("</section>");
    }
    h.finish()
}

/// "Pay by bank transfer": the EPC QR code a banking app scans (the PDF prints the same) and,
/// to copy, what it carries — payee, IBAN, BIC, amount, reference. Nothing when the payload is
/// not one (never expected: the server builds it).
fn transfer_html(h: &mut Html, payload: &str, t: &Texts, l: Locale) {
    let Ok(symbol) = portal_domain::epc::symbol(payload) else {
        return;
    };
    let lines: Vec<&str> = payload.split('\n').collect();
    let line = |i: usize| lines.get(i).copied().unwrap_or_default();
    // Four light modules around the symbol, as scanners expect.
    let side = symbol.width + 8;
    let mut path = String::with_capacity(symbol.width * symbol.width * 2);
    for (row, start, end) in symbol.runs() {
        let len = end - start;
        path.push_str(&format!("M{} {}h{len}v1h-{len}z", start + 4, row + 4));
    }
    // The IBAN in groups of four, as printed on cards and statements.
    let iban = portal_domain::epc::in_fours(line(6));
    let reference = portal_domain::epc::reference_of(payload);
    let amount = line(7).strip_prefix("EUR").unwrap_or_default();
    // A detail with a button that copies it (see `copy_clicked`); the IBAN is copied compact.
    let copyable = |h: &mut Html, label: &str, shown: &str, value: &str| {
        h.raw("<div>")
            .element("dt", "", label)
            .raw("<dd class=\"copyable\"><span>")
            .text(shown)
            .raw("</span><button type=\"button\" class=\"btn btn-ghost btn-sm copy-btn\" data-copy=\"")
            .text(value)
            .raw("\" aria-label=\"")
            .text(&format!("{}: {label}", t.copy))
            .raw("\">")
            .text(t.copy)
            .raw("</button></dd></div>");
    };
    h.raw("<section class=\"card transfer-card\" aria-labelledby=\"transfer-title\">")
        .raw("<h2 class=\"card-title\" id=\"transfer-title\">")
        .text(t.pay_by_transfer)
        .raw("</h2><div class=\"transfer\">")
        .raw(&format!(
            "<svg class=\"transfer-code\" viewBox=\"0 0 {side} {side}\" shape-rendering=\"crispEdges\" role=\"img\" aria-label=\""
        ))
        .text(t.transfer_code)
        .raw("\"><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path fill=\"#000\" d=\"")
        .raw(&path)
        .raw("\"/></svg><div>")
        .element("p", "muted", t.scan_to_pay)
        .raw("<dl class=\"fields transfer-fields\">");
    copyable(h, t.payee, line(5), line(5));
    copyable(h, "IBAN", &iban, line(6));
    if !line(4).is_empty() {
        copyable(h, "BIC", line(4), line(4));
    }
    copyable(h, t.amount, &fmt::money(l, amount, "EUR"), amount);
    copyable(
        h,
        t.transfer_reference,
        &portal_domain::epc::printed_reference(reference),
        reference,
    );
    h.raw("</dl></div></div></section>");
}

/// A click in the document's sections: on a Copy button, its value to the clipboard and the
/// button says "Copied" (the browser refuses without a secure context; the text stays
/// selectable then).
fn copy_clicked(ev: web_sys::MouseEvent, copied: &'static str) {
    use wasm_bindgen::JsCast;
    let Some(button) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|e| e.closest("[data-copy]").ok().flatten())
    else {
        return;
    };
    let Some(value) = button.get_attribute("data-copy") else {
        return;
    };
    let Some(window) = web_sys::window() else {
        return;
    };
    let written = window.navigator().clipboard().write_text(&value);
    spawn_local(async move {
        if wasm_bindgen_futures::JsFuture::from(written).await.is_ok() {
            button.set_text_content(Some(copied));
        }
    });
}

#[component]
fn DocumentView(detail: DocumentDetail) -> impl IntoView {
    let i18n = use_i18n();
    let org = use_org();
    let id = detail.row.id;
    let number = detail.row.number.clone();
    let doc_type = detail.row.doc_type;
    let detail = RwSignal::new(detail);
    let download_busy = RwSignal::new(false);
    let download_failed = RwSignal::new(false);
    let frame = NodeRef::<leptos::html::Iframe>::new();

    let heading = text(move || format!("{} {}", i18n.t().doc_type(doc_type), number));
    Effect::new(move |_| set_title(&heading.get()));
    let frame_title = text(move || fill(i18n.t().pdf_frame_title, &[("doc", &heading.get())]));
    let badges = text(move || {
        let mut h = Html::default();
        detail.with(|d| crate::components::badges_html(&mut h, i18n.t(), &d.row));
        h.finish()
    });
    let body = text(move || detail.with(|d| main_html(d, i18n.t(), i18n.locale.get(), &org.get())));

    let download = move |_| {
        let number = detail.with_untracked(|d| d.row.number.clone());
        download_busy.set(true);
        download_failed.set(false);
        spawn_local(async move {
            let result = download_document(id, &number).await;
            download_busy.set(false);
            match result {
                Ok(()) => {
                    let now = fmt::now();
                    detail.update(|d| {
                        d.row.downloaded_at = Some(now);
                        d.first_downloaded_at.get_or_insert(now);
                    });
                }
                Err(_) => download_failed.set(true),
            }
        });
    };
    let print = move |_| {
        let printed = frame
            .get()
            .and_then(|f| f.content_window())
            .map(|w| w.print().is_ok())
            .unwrap_or(false);
        if !printed && let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };

    view! {
        <BackLink />
        <div class="doc-head">
            <div>
                <h1>{heading}</h1>
                <span class="badges" inner_html=badges></span>
            </div>
            <div class="doc-actions">
                <button type="button" class="btn" on:click=print>
                    <Icon kind=IconKind::Print />
                    <span>{tr(|t| t.print)}</span>
                </button>
                <button
                    type="button"
                    class="btn btn-primary"
                    on:click=download
                    disabled=download_busy
                >
                    <Icon kind=IconKind::Download />
                    <span>{tr(|t| t.download)}</span>
                </button>
            </div>
        </div>
        {dyn_view(move || {
            download_failed
                .get()
                .then(|| {
                    view! {
                        <div class="alert alert-danger" role="alert">
                            <p>{tr(|t| t.download_failed)}</p>
                        </div>
                    }
                })
                .into_any()
        })}
        <div class="doc-layout">
            <div class="doc-main">
                {(doc_type == DocumentType::Offer).then(|| view! { <Decision detail=detail /> })}
                {matches!(doc_type, DocumentType::Invoice | DocumentType::DebitNote)
                    .then(|| view! { <PayOnline detail=detail /> })}
                <div
                    class="doc-sections"
                    inner_html=body
                    on:click=move |ev| copy_clicked(ev, i18n.t().copied)
                ></div>
                <Thread path=format!("{}/documents/{id}", api::base()) mine=CommentSide::Customer />
            </div>
            <div class="doc-side">
                <Preview id=id title=frame_title frame=frame />
            </div>
        </div>
    }
}

/// An offer's decision: what was decided (by whom, when, why), or — while the offer is open and
/// the issuer takes decisions in the portal — Accept and Reject, each confirmed with a reason
/// (required on a rejection when the issuer says so). The answer replaces the document shown.
#[component]
fn Decision(detail: RwSignal<DocumentDetail>) -> impl IntoView {
    let i18n = use_i18n();
    let account = expect_context::<Account>();
    let allowed = move || {
        account.me.with(|m| {
            m.as_ref()
                .map(|m| {
                    (
                        m.permissions.accept_offers,
                        m.permissions.rejection_reason_required,
                    )
                })
                .unwrap_or((false, false))
        })
    };
    // `Some(true)`: accepting, `Some(false)`: rejecting, waiting for the confirmation.
    let choice = RwSignal::new(None::<bool>);
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<&'static str>);
    let busy = RwSignal::new(false);
    let id = detail.with_untracked(|d| d.row.id);
    let decide = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(accept) = choice.get_untracked() else {
            return;
        };
        if busy.get_untracked() {
            return;
        }
        let text = reason.get_untracked();
        if !accept && allowed().1 && text.trim().is_empty() {
            error.set(Some(i18n.t().reason_missing));
            return;
        }
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let path = format!(
                "{}/documents/{id}/{}",
                api::base(),
                if accept { "accept" } else { "reject" }
            );
            let body = portal_types::DecisionRequest {
                reason: (!text.trim().is_empty()).then_some(text),
            };
            let body = serde_json::to_string(&body).unwrap_or_default();
            let result = api::send_text("POST", &path, body)
                .await
                .and_then(|b| decode_detail(&b));
            let _ = busy.try_set(false);
            let t = i18n.t();
            match result {
                Ok(d) => {
                    choice.set(None);
                    detail.set(d);
                }
                Err(ApiError::Unauthorized) => {}
                Err(e) => {
                    let code = match &e {
                        ApiError::Http {
                            problem: Some(p), ..
                        } => p.code.as_str(),
                        _ => "",
                    };
                    let message = match (e.status(), code) {
                        (Some(422), _) if accept => t.common.err_invalid,
                        (Some(422), _) => match e.field_errors().first().map(|f| f.code.as_str()) {
                            Some("required") => t.reason_missing,
                            Some("too_long") => t.common.err_too_long,
                            Some("invalid_characters") => t.common.err_invalid_characters,
                            _ => t.common.err_invalid,
                        },
                        (Some(409), "offer_expired") => t.offer_expired_short,
                        (Some(409 | 403), _) => t.offer_not_open,
                        (None, _) if e == ApiError::Network => t.common.error_network,
                        _ => t.common.error_generic,
                    };
                    let _ = error.try_set(Some(message));
                    // Decided or expired meanwhile: show the offer as it is now.
                    if e.status() == Some(409)
                        && let Ok(d) = api::get_text(&format!("{}/documents/{id}", api::base()))
                            .await
                            .and_then(|b| decode_detail(&b))
                    {
                        let _ = choice.try_set(None);
                        let _ = detail.try_set(d);
                    }
                }
            }
        });
    };
    let pick = move |accept: bool| {
        error.set(None);
        choice.set(Some(accept));
    };
    move || {
        let t = i18n.t();
        let l = i18n.locale.get();
        let (state, due, decision) =
            detail.with(|d| (d.row.state, d.row.due_date, d.decision.clone()));
        let today = fmt::now().date_naive();
        let past = due.is_some_and(|d| d < today);
        let date = |d: Option<chrono::NaiveDate>| d.map(|d| fmt::date(l, d)).unwrap_or_default();
        let body = if let Some(d) = decision {
            let template = if d.state == DocumentState::Accepted {
                t.decided_accepted
            } else {
                t.decided_rejected
            };
            let line = fill(
                template,
                &[
                    ("name", &d.decided_by),
                    ("date", &fmt::date_time(l, d.decided_at)),
                ],
            );
            view! {
                <p id="decision-made">{line}</p>
                {d.reason.map(|r| view! { <p class="comment-body decision-reason">{r}</p> })}
            }
            .into_any()
        } else if state == DocumentState::Expired || (state == DocumentState::Issued && past) {
            view! { <p id="decision-expired">{fill(t.offer_expired, &[("date", &date(due))])}</p> }
                .into_any()
        } else if state != DocumentState::Issued || !allowed().0 {
            return ().into_any();
        } else {
            let intro = match due {
                Some(_) => fill(t.offer_open, &[("date", &date(due))]),
                None => t.offer_open_undated.to_owned(),
            };
            let form = move || {
                let accept = choice.get()?;
                let t = i18n.t();
                let required = !accept && allowed().1;
                Some(view! {
                    <form class="decision-form" on:submit=decide novalidate=true>
                        <div class="field">
                            <label for="decision-reason">
                                {if required { t.reason_required } else { t.reason_optional }}
                            </label>
                            <textarea
                                id="decision-reason"
                                class="input textarea"
                                rows="3"
                                maxlength="2000"
                                required=required
                                aria-invalid=move || error.get().is_some().to_string()
                                aria-describedby="decision-error"
                                prop:value=reason
                                on:input=move |ev| reason.set(event_target_value(&ev))
                            ></textarea>
                        </div>
                        <p class="field-hint">{t.decision_final}</p>
                        <div class="form-actions">
                            <button type="submit" class="btn btn-primary" id="decision-confirm" disabled=busy>
                                {if accept { t.confirm_accept } else { t.confirm_reject }}
                            </button>
                            <button type="button" class="btn" on:click=move |_| choice.set(None)>
                                {t.cancel}
                            </button>
                        </div>
                    </form>
                })
            };
            view! {
                <p>{intro}</p>
                {move || {
                    choice.get().is_none().then(|| view! {
                        <div class="form-actions">
                            <button type="button" class="btn btn-primary" id="offer-accept" on:click=move |_| pick(true)>
                                {tr(|t| t.accept_offer)}
                            </button>
                            <button type="button" class="btn" id="offer-reject" on:click=move |_| pick(false)>
                                {tr(|t| t.reject_offer)}
                            </button>
                        </div>
                    })
                }}
                {form}
            }
            .into_any()
        };
        view! {
            <section class="card decision-card" aria-labelledby="decision-title">
                <h2 class="card-title" id="decision-title">{t.decision_title}</h2>
                {body}
                <p class="field-error" id="decision-error" role="alert">{move || error.get()}</p>
            </section>
        }
        .into_any()
    }
}

/// Paying online: on an open invoice or debit note where the issuer takes payments online,
/// a card with the amount and Pay, which goes to the payment provider's page. Back from it
/// (`?payment=pa_…`), what became of the payment — asked again for a while while the provider
/// confirms — and the document shown afresh once it is paid.
#[component]
fn PayOnline(detail: RwSignal<DocumentDetail>) -> impl IntoView {
    let i18n = use_i18n();
    let account = expect_context::<Account>();
    let query = leptos_router::hooks::use_query_map();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<&'static str>);
    // The outcome of a payment the customer is back from.
    let outcome = RwSignal::new(None::<(portal_types::AttemptStatus, String)>);
    let id = detail.with_untracked(|d| d.row.id);

    let (attempt, cancelled) = query.with_untracked(|q| {
        (
            q.get("payment").filter(|p| p.starts_with("pa_")),
            q.get("cancelled").is_some(),
        )
    });
    if let Some(attempt) = attempt {
        spawn_local(async move {
            let path = format!("{}/payments/{attempt}", api::base());
            // The provider's confirmation usually arrives within seconds.
            for round in 0..15 {
                let Ok(a) = api::get::<portal_types::PaymentAttempt>(&path).await else {
                    return;
                };
                let money = fmt::money(i18n.locale.get_untracked(), &a.amount, &a.currency);
                // Waiting for the webhook (a card payment settles within seconds).
                let open = a.status == portal_types::AttemptStatus::Open;
                if open && (cancelled || round == 14) {
                    let status = if cancelled {
                        portal_types::AttemptStatus::Expired
                    } else {
                        a.status
                    };
                    let _ = outcome.try_set(Some((status, money)));
                    return;
                }
                if !open {
                    let _ = outcome.try_set(Some((a.status, money)));
                    if a.status == portal_types::AttemptStatus::Succeeded
                        && let Ok(d) = api::get_text(&format!("{}/documents/{id}", api::base()))
                            .await
                            .and_then(|b| decode_detail(&b))
                    {
                        let _ = detail.try_set(d);
                    }
                    return;
                }
                if outcome.try_set(Some((a.status, money))).is_some() {
                    return;
                }
                let (wake, woken) = futures::channel::oneshot::channel::<()>();
                set_timeout(
                    move || {
                        let _ = wake.send(());
                    },
                    std::time::Duration::from_secs(2),
                );
                let _ = woken.await;
            }
        });
    }

    let payable = move || {
        let allowed = account
            .me
            .with(|m| m.as_ref().is_some_and(|m| m.permissions.pay));
        detail.with(|d| {
            let r = &d.row;
            let open = r.remaining.as_deref().is_some_and(|v| {
                v.bytes().any(|b| (b'1'..=b'9').contains(&b)) && !v.starts_with('-')
            });
            (allowed
                && open
                && d.payment_processing.is_none()
                && matches!(r.doc_type, DocumentType::Invoice | DocumentType::DebitNote)
                && matches!(r.state, DocumentState::Issued))
            .then(|| {
                fmt::money(
                    i18n.locale.get(),
                    r.remaining.as_deref().unwrap_or("0"),
                    &r.currency,
                )
            })
        })
    };
    // Less than what remains, where the issuer allows it: `Some(minimum)` in whole units.
    let partial = move || {
        account
            .me
            .with(|m| m.as_ref().and_then(|m| m.permissions.pay_partial_minimum))
    };
    let other_amount = RwSignal::new(false);
    let amount_text = RwSignal::new(String::new());
    let pay = move |_| {
        let t = i18n.t();
        let amount = if other_amount.get_untracked() {
            match fmt::parse_amount_input(i18n.locale.get_untracked(), &amount_text.get_untracked())
            {
                Some(a) => Some(a),
                None => {
                    error.set(Some(t.pay_amount_invalid));
                    return;
                }
            }
        } else {
            None
        };
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let body = portal_types::CheckoutRequest {
                document_ids: vec![id],
                amount,
            };
            let path = format!("{}/payments/checkout", api::base());
            let result: Result<portal_types::CheckoutStarted, _> =
                api::send("POST", &path, &body).await;
            match result {
                Ok(started) => {
                    if let Some(w) = web_sys::window() {
                        let _ = w.location().assign(&started.checkout_url);
                    }
                }
                Err(ApiError::Unauthorized) => {
                    let _ = busy.try_set(false);
                }
                Err(e) => {
                    let _ = busy.try_set(false);
                    let t = i18n.t();
                    let field = e
                        .field_errors()
                        .first()
                        .map(|f| (f.field.clone(), f.code.clone()));
                    let _ = error.try_set(Some(match (e.status(), field) {
                        (Some(422), Some((f, code))) if f == "amount" => match code.as_str() {
                            "below_minimum" => t.pay_amount_too_small,
                            "exceeds_remaining" => t.pay_amount_too_large,
                            _ => t.pay_amount_invalid,
                        },
                        (None, _) if e == ApiError::Network => t.common.error_network,
                        _ => t.common.error_generic,
                    }));
                }
            }
        });
    };

    move || {
        let t = i18n.t();
        let notice = outcome.get().map(|(status, money)| {
            use portal_types::AttemptStatus as S;
            let (class, text) = match status {
                S::Succeeded => (
                    "alert alert-success",
                    fill(t.payment_received, &[("amount", &money)]),
                ),
                S::Open | S::Processing => ("alert alert-info", t.payment_processing.to_owned()),
                S::Expired => ("alert alert-info", t.payment_cancelled.to_owned()),
                S::Failed | S::Mismatch => ("alert alert-danger", t.payment_failed.to_owned()),
            };
            view! {
                <div class=class role="status" id="payment-outcome">
                    <p>{text}</p>
                </div>
            }
        });
        let card = payable().map(|money| {
            let minimum = partial();
            let label = if other_amount.get() {
                t.pay_this_amount.to_owned()
            } else {
                fill(t.pay_now, &[("amount", &money)])
            };
            view! {
                <section class="card pay-online" aria-labelledby="pay-title">
                    <div>
                        <h2 class="card-title" id="pay-title">{t.pay_online_title}</h2>
                        <p>{t.pay_online_text}</p>
                        {minimum.map(|min| {
                            let currency = detail.with_untracked(|d| d.row.currency.clone());
                            let hint = fill(
                                t.pay_amount_hint,
                                &[
                                    ("min", &fmt::money(i18n.locale.get_untracked(), &min.to_string(), &currency)),
                                    ("max", &money),
                                ],
                            );
                            view! {
                                <label class="check pay-other">
                                    <input
                                        type="checkbox"
                                        id="pay-other-amount"
                                        prop:checked=other_amount
                                        on:change=move |ev| {
                                            other_amount.set(event_target_checked(&ev));
                                            error.set(None);
                                        }
                                    />
                                    {t.pay_other_amount}
                                </label>
                                {move || other_amount.get().then(|| view! {
                                    <div class="field pay-amount">
                                        <label for="pay-amount">{i18n.t().pay_amount_label}</label>
                                        <input
                                            id="pay-amount"
                                            inputmode="decimal"
                                            autocomplete="off"
                                            aria-describedby="pay-amount-hint"
                                            prop:value=amount_text
                                            on:input=move |ev| {
                                                amount_text.set(event_target_value(&ev));
                                                error.set(None);
                                            }
                                        />
                                        <p class="field-hint" id="pay-amount-hint">{hint.clone()}</p>
                                    </div>
                                })}
                            }
                        })}
                    </div>
                    <button
                        type="button"
                        class="btn btn-primary"
                        id="pay-online"
                        on:click=pay
                        disabled=busy
                    >
                        {label}
                    </button>
                    {move || error.get().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                </section>
            }
        });
        // A payment the bank has yet to confirm (SEPA debit): said, and no second one started.
        let processing = outcome.with(Option::is_none).then(|| {
            detail.with(|d| {
                d.payment_processing.as_ref().map(|amount| {
                    let money = fmt::money(i18n.locale.get(), amount, &d.row.currency);
                    view! {
                        <div class="alert alert-info" role="status" id="payment-processing">
                            <p>{fill(t.payment_pending, &[("amount", &money)])}</p>
                        </div>
                    }
                })
            })
        });
        view! { {notice} {processing} {card} }
    }
}
