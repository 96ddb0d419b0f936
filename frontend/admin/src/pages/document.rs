//! `/admin/documents/{id}`: one document as the issuer sees it — its figures, lines and VAT
//! per rate, the payments with a form to record one (amount prefilled with what remains; the
//! form's `Idempotency-Key` stays the same until a payment is recorded, so a retried save never
//! records twice), the PDF, issuing a draft, the conversation with the customer, and the trail of
//! what happened to it (created, issued, opened and downloaded by the customer, paid).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use portal_domain::locale::Locale;
use portal_types::{
    CommentSide, DocumentState, DocumentType, IssuerDocument, IssuerDocumentRow, MarkSent,
    MarkedSent, NewPayment, Payment, PaymentMethod,
};
use portal_ui::{TextField, dyn_view, text};
use portal_web::api::{self, ApiError};
use portal_web::components::{FormMessage, LoadError};
use portal_web::fmt;
use portal_web::html::Html;
use portal_web::thread::Thread;

use crate::app::{ConfirmBox, Notice, ROOT, focus_later, load_one_with, set_title, show_failure};
use crate::i18n::{Texts, TextsOf, tr, trs, use_i18n};

/// Whether a decimal string is above zero.
fn positive(amount: &str) -> bool {
    !amount.starts_with('-') && amount.bytes().any(|b| (b'1'..=b'9').contains(&b))
}

/// A fresh idempotency key for the next payment.
fn new_key() -> String {
    format!(
        "admin-{:x}-{:x}",
        js_sys::Date::now() as u64,
        (js_sys::Math::random() * 1e15) as u64
    )
}

/// The document page.
/// `IssuerDocument` without going through `#[serde(flatten)]`: serde buffers a flattened struct
/// into an intermediate value, which brings a second copy of every field's deserializer into
/// the wasm. The row is read on its own (unknown fields are ignored) and the rest beside it.
pub fn decode_document(body: &str) -> Result<IssuerDocument, ApiError> {
    #[derive(serde::Deserialize)]
    struct Rest {
        lines: Vec<portal_types::DocumentLine>,
        vat_breakdown: Vec<portal_types::VatBreakdown>,
        payments: Vec<Payment>,
        notes: Option<String>,
        related_document_id: Option<i64>,
        related_document_number: Option<String>,
        portal_url: String,
        events: Vec<portal_types::Event>,
        decision: Option<portal_types::OfferDecision>,
        #[serde(deserialize_with = "portal_types::wire::deserialize_instant")]
        created_at: chrono::DateTime<chrono::Utc>,
        #[serde(deserialize_with = "portal_types::wire::deserialize_instant")]
        updated_at: chrono::DateTime<chrono::Utc>,
    }
    let row = api::parse(body)?;
    let rest: Rest = api::parse(body)?;
    Ok(IssuerDocument {
        row,
        lines: rest.lines,
        vat_breakdown: rest.vat_breakdown,
        payments: rest.payments,
        notes: rest.notes,
        related_document_id: rest.related_document_id,
        related_document_number: rest.related_document_number,
        portal_url: rest.portal_url,
        events: rest.events,
        decision: rest.decision,
        created_at: rest.created_at,
        updated_at: rest.updated_at,
    })
}

#[component]
pub fn DocumentPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok())));
    let doc = RwSignal::new(None::<IssuerDocument>);
    let error = RwSignal::new(None::<ApiError>);
    let notice = RwSignal::new(None::<String>);
    let query = use_query_map();
    if query.with_untracked(|q| q.get("saved").is_some()) {
        notice.set(Some(i18n.t().saved_ok.to_owned()));
    }

    let load = move || load_one_with("documents", id.get(), doc, error, decode_document);
    Effect::new(move |_| load());
    Effect::new(move |_| {
        let t = i18n.t();
        let title = doc.with(|d| {
            d.as_ref().map(|d| {
                format!(
                    "{} {}",
                    t.common.doc_type(d.row.doc_type),
                    d.row.number.as_deref().unwrap_or(t.draft)
                )
            })
        });
        set_title(title.as_deref().unwrap_or(t.documents_title));
    });

    let body = dyn_view(move || {
        if let Some(e) = error.get() {
            let t = i18n.t();
            return if e.status() == Some(404) {
                view! {
                    <section class="empty-page">
                        <h1>{t.doc_not_found}</h1>
                        <a class="btn btn-primary" href=format!("{ROOT}/documents")>
                            {t.back_to_documents}
                        </a>
                    </section>
                }
                .into_any()
            } else {
                let msg = if e == ApiError::Network {
                    i18n.common().error_network
                } else {
                    t.load_error
                };
                view! { <LoadError message=msg.to_owned() on_retry=load /> }.into_any()
            };
        }
        if doc.with(Option::is_none) {
            return ().into_any();
        }
        view! { <Loaded doc=doc notice=notice reload=load /> }.into_any()
    });
    view! {
        <p class="back-link">
            <a href=format!("{ROOT}/documents")>{tr(|t| t.back_to_documents)}</a>
        </p>
        {body}
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn positive_amounts() {
        for (amount, expected) in [
            ("0.00", false),
            ("0", false),
            ("-5.00", false),
            ("0.01", true),
            ("120", true),
            ("10.50", true),
        ] {
            assert_eq!(super::positive(amount), expected, "{amount}");
        }
    }
}

#[component]
fn Loaded(
    doc: RwSignal<Option<IssuerDocument>>,
    notice: RwSignal<Option<String>>,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let get =
        move |f: fn(&IssuerDocument) -> String| doc.with(|d| d.as_ref().map(f)).unwrap_or_default();
    let heading = move || {
        let t = i18n.t();
        doc.with(|d| {
            d.as_ref()
                .map(|d| {
                    format!(
                        "{} {}",
                        t.common.doc_type(d.row.doc_type),
                        d.row.number.as_deref().unwrap_or(t.draft)
                    )
                })
                .unwrap_or_default()
        })
    };
    let facts = text(move || {
        let t = i18n.t();
        let l = i18n.locale.get();
        doc.with(|d| d.as_ref().map(|d| facts_html(d, t, l)).unwrap_or_default())
    });
    let lines = text(move || {
        let t = i18n.t();
        let l = i18n.locale.get();
        doc.with(|d| d.as_ref().map(|d| lines_html(d, t, l)).unwrap_or_default())
    });
    let payments = text(move || {
        let t = i18n.t();
        let l = i18n.locale.get();
        doc.with(|d| {
            d.as_ref()
                .map(|d| payments_html(&d.payments, &d.row.currency, t, l))
                .unwrap_or_default()
        })
    });
    let events = text(move || {
        let t = i18n.t();
        let l = i18n.locale.get();
        doc.with(|d| d.as_ref().map(|d| events_html(d, t, l)).unwrap_or_default())
    });
    let is_draft = move || {
        doc.with(|d| {
            d.as_ref()
                .is_some_and(|d| d.row.state == DocumentState::Draft)
        })
    };
    let can_pay = move || {
        doc.with(|d| {
            d.as_ref().is_some_and(|d| {
                d.row.state == DocumentState::Issued
                    && d.row.remaining.as_deref().is_some_and(positive)
            })
        })
    };
    let is_issued = move || {
        doc.with(|d| {
            d.as_ref()
                .is_some_and(|d| d.row.state == DocumentState::Issued)
        })
    };
    let accepted_offer = move || {
        doc.with(|d| {
            d.as_ref().is_some_and(|d| {
                d.row.doc_type == DocumentType::Offer && d.row.state == DocumentState::Accepted
            })
        })
    };
    let creditable = move || {
        doc.with(|d| {
            d.as_ref().is_some_and(|d| {
                matches!(
                    d.row.doc_type,
                    DocumentType::Invoice | DocumentType::DebitNote
                )
            })
        })
    };
    let action_failure = RwSignal::new(None::<String>);
    let id = move || doc.with(|d| d.as_ref().map_or(0, |d| d.row.id));
    // The thread is loaded once per document, not again with each reload of the document.
    let doc_id = Memo::new(move |_| id());
    let unsent = move || doc.with(|d| d.as_ref().is_some_and(|d| d.row.sent_at.is_none()));
    let sending = RwSignal::new(false);
    let mark_sent = move || {
        let ids = vec![id()];
        sending.set(true);
        action_failure.set(None);
        spawn_local(async move {
            let path = format!("{}/documents/mark-sent", api::base());
            let result = api::send::<_, MarkedSent>("POST", &path, &MarkSent { ids }).await;
            sending.set(false);
            match result {
                Ok(_) => {
                    notice.set(Some(i18n.t().ev_marked_sent.to_owned()));
                    reload();
                }
                Err(ApiError::Unauthorized) => {}
                Err(ApiError::Network) => {
                    action_failure.set(Some(i18n.common().error_network.to_owned()))
                }
                Err(_) => action_failure.set(Some(i18n.common().error_generic.to_owned())),
            }
        });
    };
    let pdf_busy = RwSignal::new(false);
    let download = move |_| {
        let (id, name) = doc.with_untracked(|d| {
            d.as_ref().map_or((0, String::new()), |d| {
                (
                    d.row.id,
                    d.row
                        .number
                        .clone()
                        .unwrap_or_else(|| format!("draft-{}", d.row.id)),
                )
            })
        });
        pdf_busy.set(true);
        spawn_local(async move {
            let path = format!("{}/documents/{id}/pdf", api::base());
            if let Ok((blob, filename)) = api::get_blob(&path).await {
                let _ = api::save_blob(&blob, &filename.unwrap_or_else(|| format!("{name}.pdf")));
            }
            pdf_busy.set(false);
        });
    };

    view! {
        <div class="page-head page-head-row">
            <h1>{heading}</h1>
            <div class="form-actions">
                <button type="button" class="btn" on:click=download disabled=move || pdf_busy.get()>
                    {tr(|t| t.download_pdf)}
                </button>
            </div>
        </div>
        <Notice text=notice />
        <div class="doc-actions">
            <Show when=is_draft>
                <a class="btn" id="edit-button" href=move || format!("{ROOT}/documents/{}/edit", id())>
                    {tr(|t| t.edit)}
                </a>
                <Confirmed action=Action::Issue id=Signal::derive(id) notice=notice reload=reload />
                <Confirmed action=Action::Delete id=Signal::derive(id) notice=notice reload=reload />
            </Show>
            <Show when=accepted_offer>
                <DraftButton id=Signal::derive(id) failure=action_failure action="convert"
                    body=r#"{"type":"invoice"}"# button_id="to-invoice" label=|t| t.to_invoice />
                <DraftButton id=Signal::derive(id) failure=action_failure action="convert"
                    body=r#"{"type":"order_confirmation"}"# button_id="to-order" label=|t| t.to_order />
            </Show>
            <Show when=is_issued>
                <Show when=creditable>
                    <DraftButton id=Signal::derive(id) failure=action_failure action="credit-note"
                        body="null" button_id="credit-note-button" label=|t| t.credit_note />
                </Show>
                <Show when=unsent>
                    <button type="button" class="btn" id="mark-sent" disabled=sending on:click=move |_| mark_sent()>
                        {tr(|t| t.mark_sent)}
                    </button>
                </Show>
                <Confirmed action=Action::Cancel id=Signal::derive(id) notice=notice reload=reload />
            </Show>
        </div>
        <FormMessage text=action_failure />
        <dl class="card facts" inner_html=facts></dl>
        <section class="card section" aria-labelledby="lines-title">
            <h2 id="lines-title">{tr(|t| t.lines)}</h2>
            <div class="table-wrap" role="region" aria-labelledby="lines-title" tabindex="0">
                <table class="table" id="lines">
                    <thead>
                        <tr>
                            <LineColumns />
                        </tr>
                    </thead>
                    <tbody inner_html=lines></tbody>
                </table>
            </div>
        </section>
        <section class="card section" aria-labelledby="payments-title">
            <h2 id="payments-title">{tr(|t| t.payments)}</h2>
            <div class="table-wrap">
                <table class="table" id="payments">
                    <thead>
                        <tr>
                            <th scope="col">{tr(|t| t.payment_date)}</th>
                            <th scope="col">{tr(|t| t.payment_method)}</th>
                            <th scope="col">{tr(|t| t.reference)}</th>
                            <th scope="col" class="num">{tr(|t| t.amount)}</th>
                        </tr>
                    </thead>
                    <tbody inner_html=payments></tbody>
                </table>
            </div>
            <Show when=can_pay>
                <RecordPayment doc=doc notice=notice reload=reload />
            </Show>
        </section>
        {move || (id() > 0).then(|| view! { <Preview id=id() title=Signal::derive(heading) /> })}
        {move || {
            let id = doc_id.get();
            (id > 0).then(|| view! { <Thread path=format!("{}/documents/{id}", api::base()) mine=CommentSide::Issuer /> })
        }}
        <section class="card section" aria-labelledby="events-title">
            <h2 id="events-title">{tr(|t| t.activity)}</h2>
            <ol class="events" id="events" inner_html=events></ol>
            <a href=move || format!("{ROOT}/activity?document={}", id())>{tr(|t| t.all_activity)}</a>
        </section>
        <p class="muted portal-link">
            {tr(|t| t.portal_link)}
            ": "
            <span>{move || get(|d| d.portal_url.clone())}</span>
        </p>
    }
}

/// The column titles of a document's lines (the editor adds its own after them).
#[component]
pub fn LineColumns() -> impl IntoView {
    view! {
        <th scope="col">{tr(|t| t.description)}</th>
        <th scope="col" class="num">{tr(|t| t.quantity)}</th>
        <th scope="col">{tr(|t| t.unit)}</th>
        <th scope="col" class="num">{tr(|t| t.unit_price)}</th>
        <th scope="col" class="num">{tr(|t| t.discount)}</th>
        <th scope="col" class="num">{tr(|t| t.vat_rate)}</th>
        <th scope="col" class="num">{tr(|t| t.net)}</th>
    }
}

/// What the document page can do after asking first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    /// Issue a draft: it takes the next number and may mail the customer.
    Issue,
    /// Delete a draft.
    Delete,
    /// Cancel an issued document.
    Cancel,
}

impl Action {
    /// The button, the question, the confirming button.
    fn words(self, t: &Texts) -> [&'static str; 3] {
        match self {
            Action::Issue => [t.issue, t.issue_confirm, t.issue_confirm_yes],
            Action::Delete => [t.delete_draft, t.delete_confirm, t.delete_yes],
            Action::Cancel => [t.cancel_document, t.cancel_confirm, t.cancel_yes],
        }
    }

    fn slug(self) -> &'static str {
        match self {
            Action::Issue => "issue",
            Action::Delete => "delete",
            Action::Cancel => "cancel",
        }
    }
}

/// A button that asks before it acts (the question is an `alertdialog`; Escape or "Keep it"
/// closes it and puts the focus back on the button).
#[component]
fn Confirmed(
    action: Action,
    id: Signal<i64>,
    notice: RwSignal<Option<String>>,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = StoredValue::new_local(use_navigate());
    let asking = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let slug = action.slug();
    let button_id = format!("{slug}-button");
    let close = move || {
        asking.set(false);
        focus_later(format!("{slug}-button"));
    };
    let act = move || {
        busy.set(true);
        failure.set(None);
        let id = id.get_untracked();
        spawn_local(async move {
            let base = format!("{}/documents/{id}", api::base());
            let result = match action {
                Action::Delete => api::send_no_content("DELETE", &base, &()).await,
                Action::Issue | Action::Cancel => {
                    api::send::<_, serde_json::Value>("POST", &format!("{base}/{slug}"), &())
                        .await
                        .map(|_| ())
                }
            };
            busy.set(false);
            let t = i18n.t();
            match result {
                Ok(()) if action == Action::Delete => {
                    let url = format!("{ROOT}/documents");
                    navigate.with_value(|n| n(&url, NavigateOptions::default()));
                }
                Ok(()) => {
                    asking.set(false);
                    notice.set(Some(
                        if action == Action::Issue {
                            t.issued_ok
                        } else {
                            t.cancelled_ok
                        }
                        .to_owned(),
                    ));
                    reload();
                }
                Err(e) => failure.set(Some(
                    e.field_errors()
                        .first()
                        .map(|f| format!("{}: {}", f.field, t.field_error(&f.code)))
                        .unwrap_or_else(|| i18n.common().error_generic.to_owned()),
                )),
            }
        });
    };
    let primary = action == Action::Issue;
    view! {
        <Show
            when=move || asking.get()
            fallback=move || {
                view! {
                    <button
                        type="button"
                        id=button_id.clone()
                        class=if primary { "btn btn-primary" } else { "btn" }
                        on:click=move |_| {
                            asking.set(true);
                            focus_later(format!("{slug}-yes"));
                        }
                    >
                        {move || action.words(i18n.t())[0]}
                    </button>
                }
            }
        >
            <ConfirmBox
                id=slug
                question=Signal::derive(move || action.words(i18n.t())[1].to_owned())
                yes=Signal::derive(move || action.words(i18n.t())[2].to_owned())
                primary=primary
                busy=busy
                on_yes=act
                on_no=close
            >
                <FormMessage text=failure />
            </ConfirmBox>
        </Show>
    }
}

/// Drafts a document from this one — a credit note for an invoice (`credit-note`), an invoice
/// or order confirmation from an accepted offer (`convert` with `body`) — and opens the draft
/// in the editor.
#[component]
fn DraftButton(
    id: Signal<i64>,
    failure: RwSignal<Option<String>>,
    action: &'static str,
    body: &'static str,
    button_id: &'static str,
    label: fn(&'static Texts) -> &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = StoredValue::new_local(use_navigate());
    let busy = RwSignal::new(false);
    let create = move |_| {
        busy.set(true);
        let id = id.get_untracked();
        spawn_local(async move {
            let path = format!("{}/documents/{id}/{action}", api::base());
            // Only the row is read: the draft's id.
            let result = api::send_text("POST", &path, body.to_owned())
                .await
                .and_then(|body| api::parse::<IssuerDocumentRow>(&body));
            busy.set(false);
            match result {
                Ok(row) => {
                    let url = format!("{ROOT}/documents/{}/edit", row.id);
                    navigate.with_value(|n| n(&url, NavigateOptions::default()));
                }
                Err(_) => failure.set(Some(i18n.common().error_generic.to_owned())),
            }
        });
    };
    view! {
        <button type="button" id=button_id class="btn" on:click=create disabled=move || busy.get()>
            {tr(label)}
        </button>
    }
}

/// Records a payment: amount prefilled with what remains, today, bank transfer.
#[component]
fn RecordPayment(
    doc: RwSignal<Option<IssuerDocument>>,
    notice: RwSignal<Option<String>>,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let remaining = doc.with_untracked(|d| {
        d.as_ref()
            .and_then(|d| d.row.remaining.clone())
            .unwrap_or_default()
    });
    let amount = RwSignal::new(remaining);
    let today = fmt::now().date_naive().format("%Y-%m-%d").to_string();
    let date = RwSignal::new(today);
    let method = RwSignal::new("bank_transfer".to_owned());
    let reference = RwSignal::new(String::new());
    let amount_error = RwSignal::new(None::<String>);
    let date_error = RwSignal::new(None::<String>);
    let reference_error = RwSignal::new(None::<String>);
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    // The same key for every try of this payment; a new one once it is recorded.
    let key = StoredValue::new(new_key());

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let c = i18n.common();
        let l = i18n.locale.get_untracked();
        amount_error.set(None);
        date_error.set(None);
        reference_error.set(None);
        failure.set(None);
        let typed = amount.get_untracked();
        let Some(value) = fmt::parse_amount_input(l, &typed) else {
            amount_error.set(Some(c.err_invalid.to_owned()));
            return;
        };
        let Some(day) = fmt::parse_iso_date(date.get_untracked().trim()) else {
            date_error.set(Some(c.err_invalid.to_owned()));
            return;
        };
        let reference = reference.get_untracked().trim().to_owned();
        let body = NewPayment {
            amount: value,
            date: Some(day),
            method: PaymentMethod::ALL
                .iter()
                .copied()
                .find(|m| m.as_str() == method.get_untracked())
                .unwrap_or(PaymentMethod::BankTransfer),
            reference: (!reference.is_empty()).then_some(reference),
        };
        let id = doc.with_untracked(|d| d.as_ref().map_or(0, |d| d.row.id));
        let idempotency_key = key.get_value();
        busy.set(true);
        spawn_local(async move {
            let result = api::send_idempotent::<_, Payment>(
                "POST",
                &format!("{}/documents/{id}/payments", api::base()),
                &body,
                &idempotency_key,
            )
            .await;
            busy.set(false);
            match result {
                Ok(_) => {
                    key.set_value(new_key());
                    notice.set(Some(i18n.t().payment_recorded.to_owned()));
                    reload();
                }
                Err(e) => show_failure(
                    i18n,
                    &e,
                    &[
                        ("amount", amount_error),
                        ("date", date_error),
                        ("reference", reference_error),
                    ],
                    failure,
                ),
            }
        });
    };

    view! {
        <form class="form form-inline-card" on:submit=submit novalidate=true aria-labelledby="pay-title">
            <h3 id="pay-title">{tr(|t| t.record_payment)}</h3>
            <div class="field-row">
                <TextField id="pay-amount" label=trs(|t| t.amount) value=amount error=amount_error required=true />
                <TextField id="pay-date" label=trs(|t| t.payment_date) value=date error=date_error kind="date" required=true />
                <div class="field">
                    <label for="pay-method">{tr(|t| t.payment_method)}</label>
                    <select
                        id="pay-method"
                        class="select"
                        prop:value=method
                        on:change=move |ev| method.set(event_target_value(&ev))
                    >
                        {PaymentMethod::ALL
                            .iter()
                            .map(|m| {
                                let code = m.as_str();
                                view! { <option value=code>{move || i18n.t().method(code)}</option> }
                            })
                            .collect_view()}
                    </select>
                </div>
                <TextField id="pay-reference" label=trs(|t| t.reference) value=reference error=reference_error />
            </div>
            <FormMessage text=failure />
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" disabled=move || busy.get()>
                    {tr(|t| t.save_payment)}
                </button>
            </div>
        </form>
    }
}

fn money_or_dash(h: &mut Html, label: &str, v: Option<&str>, currency: &str, l: Locale) {
    match v {
        Some(v) => h.field(label, &fmt::money(l, v, currency), ""),
        None => h.field(label, "—", "muted"),
    };
}

fn facts_html(d: &IssuerDocument, t: &Texts, l: Locale) -> String {
    let r = &d.row;
    let mut h = Html::with_capacity(1200);
    h.field(t.col_contractor, &r.contractor_name, "");
    h.field(t.col_state, t.common.state(r.state), "");
    h.field(t.col_date, &fmt::date(l, r.date), "");
    h.field(
        t.col_due_date,
        &r.due_date
            .map(|d| fmt::date(l, d))
            .unwrap_or_else(|| "—".into()),
        "",
    );
    h.field(t.col_total, &fmt::money(l, &r.total, &r.currency), "");
    money_or_dash(&mut h, t.col_paid, r.paid.as_deref(), &r.currency, l);
    money_or_dash(
        &mut h,
        t.col_remaining,
        r.remaining.as_deref(),
        &r.currency,
        l,
    );
    let when = |at: Option<chrono::DateTime<chrono::Utc>>| {
        at.map(|at| fmt::date_time(l, at))
            .unwrap_or_else(|| t.not_yet.to_owned())
    };
    h.field(t.col_viewed, &when(r.viewed_at), "");
    h.field(t.col_downloaded, &when(r.first_downloaded_at), "");
    if r.state != DocumentState::Draft {
        h.field(t.filter_sent, &when(r.sent_at), "");
    }
    if let Some(decision) = &d.decision {
        let said = format!(
            "{} · {} · {}",
            t.common.state(decision.state),
            decision.decided_by,
            fmt::date_time(l, decision.decided_at)
        );
        h.field(t.decision, &said, "");
        if let Some(reason) = &decision.reason {
            h.field(t.decision_reason, reason, "");
        }
    }
    h.finish()
}

fn lines_html(d: &IssuerDocument, t: &Texts, l: Locale) -> String {
    let mut h = Html::with_capacity(d.lines.len() * 400 + 400);
    let c = &d.row.currency;
    for line in &d.lines {
        h.raw("<tr>");
        h.element("td", "", &line.description);
        h.element("td", "num", &fmt::decimal(l, &line.quantity));
        h.element("td", "", &line.unit);
        h.element("td", "num nowrap", &fmt::money(l, &line.unit_price, c));
        h.element("td", "num", &fmt::percent(l, &line.discount_percent));
        h.element("td", "num", &fmt::percent(l, &line.vat_rate));
        h.element("td", "num nowrap", &fmt::money(l, &line.net, c));
        h.raw("</tr>");
    }
    for v in &d.vat_breakdown {
        h.raw("<tr class=\"subtotal\">")
            .raw("<td colspan=\"5\">")
            .text(t.vat_rate)
            .raw("</td>");
        h.element("td", "num", &fmt::percent(l, &v.rate));
        h.element("td", "num nowrap", &fmt::money(l, &v.vat, c));
        h.raw("</tr>");
    }
    h.finish()
}

fn payments_html(payments: &[Payment], currency: &str, t: &Texts, l: Locale) -> String {
    let mut h = Html::with_capacity(payments.len() * 300 + 100);
    if payments.is_empty() {
        h.raw("<tr><td colspan=\"4\" class=\"muted\">")
            .text(t.no_payments)
            .raw("</td></tr>");
    }
    for p in payments {
        h.raw("<tr>");
        h.element("td", "nowrap", &fmt::date(l, p.date));
        h.element("td", "", t.method(&p.method));
        h.element("td", "", p.reference.as_deref().unwrap_or("—"));
        h.element("td", "num nowrap", &fmt::money(l, &p.amount, currency));
        h.raw("</tr>");
    }
    h.finish()
}

fn events_html(d: &IssuerDocument, t: &Texts, l: Locale) -> String {
    let mut h = Html::with_capacity(d.events.len() * 200 + 100);
    if d.events.is_empty() {
        h.element("li", "muted", t.no_events);
    }
    for e in &d.events {
        h.raw("<li><span class=\"event-when\">")
            .text(&fmt::date_time(l, e.created_at))
            .raw("</span> ")
            .element("span", "event-kind", t.event(&e.kind));
        // Who did it; for a mail, to whom it went.
        let to = e.details.as_ref().and_then(|d| d["to"].as_str());
        if let Some(who) = e.actor_name.as_deref().or(to) {
            h.raw(" · ").element("span", "event-who", who);
        }
        h.raw("</li>");
    }
    h.finish()
}

/// The stored PDF, shown inline (fetched with the access token, shown from a `blob:` URL).
#[component]
fn Preview(id: i64, title: Signal<String>) -> impl IntoView {
    let (url, failed) = portal_web::components::blob_url(format!(
        "{}/documents/{id}/pdf?disposition=inline",
        api::base()
    ));
    view! {
        <section class="card section preview-card" aria-labelledby="preview-title">
            <h2 id="preview-title">{tr(|t| t.preview)}</h2>
            {move || {
                if failed.get() {
                    view! { <p class="muted">{tr(|t| t.preview_failed)}</p> }.into_any()
                } else if let Some(u) = url.get() {
                    view! { <iframe class="pdf-frame" src=u title=move || title.get()></iframe> }.into_any()
                } else {
                    view! {
                        <div class="pdf-frame pdf-loading">
                            <portal_web::components::DelayedSpinner />
                        </div>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}
