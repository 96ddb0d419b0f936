//! The home page: open and overdue amounts per currency, counts by type, recent documents.

use leptos::prelude::*;
use leptos::task::spawn_local;
use portal_domain::locale::Locale;
use portal_types::{PortalSummary, UnreadComments};
use portal_ui::{dyn_view, text};

use crate::app::{Account, portal_path, set_title, use_org};
use crate::components::{DelayedSpinner, LoadError, badges_html, load_failure};
use crate::i18n::{Texts, TextsOf, fill, tr, use_i18n};
use portal_web::api::{self, ApiError};
use portal_web::fmt;
use portal_web::html::Html;

/// The overview.
#[component]
pub fn SummaryPage() -> impl IntoView {
    let i18n = use_i18n();
    let account = expect_context::<Account>();
    let org = use_org();
    let summary = RwSignal::new(None::<Result<PortalSummary, ApiError>>);
    let fetch = move || {
        summary.set(None);
        spawn_local(async move {
            let result = api::get::<PortalSummary>(&format!("{}/summary", api::base())).await;
            let _ = summary.try_set(Some(result));
        });
    };
    fetch();
    Effect::new(move |_| set_title(i18n.t().nav_summary));
    // The issuer's replies this user has not read yet (shown only when there are some).
    let unread = RwSignal::new(None::<UnreadComments>);
    spawn_local(async move {
        if let Ok(u) = api::get::<UnreadComments>(&format!("{}/comments/unread", api::base())).await
        {
            let _ = unread.try_set(Some(u));
        }
    });
    let unread_list = text(move || {
        unread.with(|u| {
            u.as_ref()
                .map(|u| unread_html(u, i18n.t(), &org.get()))
                .unwrap_or_default()
        })
    });

    let welcome = text(move || {
        account
            .me
            .with(|me| {
                me.as_ref()
                    .map(|m| fill(i18n.t().welcome, &[("name", &m.first_name)]))
            })
            .unwrap_or_default()
    });
    let contractor = text(move || {
        account
            .me
            .with(|me| me.as_ref().map(|m| m.contractor_name.clone()))
            .unwrap_or_default()
    });
    let pay = move || {
        account
            .me
            .with(|m| m.as_ref().is_some_and(|m| m.permissions.pay))
    };
    let cards = text(move || {
        summary.with(|s| match s {
            Some(Ok(s)) => cards_html(s, i18n.t(), i18n.locale.get(), &org.get(), pay()),
            _ => String::new(),
        })
    });
    // "Pay open invoices" of a currency (a button in the card's markup): its open invoices and
    // debit notes, due first first, in one payment on the provider's page (see
    // `documents::picks`, whose chunk pays).
    let pay_all = move |ev: leptos::ev::MouseEvent| {
        use wasm_bindgen::JsCast;
        if let Some(button) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .filter(|el| el.has_attribute("data-pay-currency"))
        {
            spawn_local(crate::pages::documents::picks(
                button,
                i18n.locale.get_untracked(),
            ));
        }
    };
    let recent = text(move || {
        summary.with(|s| match s {
            Some(Ok(s)) => recent_html(s, i18n.t(), i18n.locale.get(), &org.get()),
            _ => String::new(),
        })
    });
    let types = text(move || {
        summary.with(|s| match s {
            Some(Ok(s)) => types_html(s, i18n.t(), &org.get()),
            _ => String::new(),
        })
    });

    view! {
        <div class="page-head">
            <h1>{welcome}</h1>
            <p class="muted">{contractor}</p>
        </div>
        {dyn_view(move || match summary.get() {
            None => view! { <DelayedSpinner /> }.into_any(),
            Some(Err(ApiError::Unauthorized)) => ().into_any(),
            Some(Err(e)) => view! { <LoadError message=load_failure(e) on_retry=fetch /> }.into_any(),
            Some(Ok(_)) => view! {
                <section
                    class="card unread-card"
                    id="unread"
                    aria-labelledby="unread-title"
                    hidden=move || unread_list.with(String::is_empty)
                >
                    <h2 class="card-title" id="unread-title">{tr(|t| t.unread_title)}</h2>
                    <ul class="type-list" inner_html=unread_list></ul>
                </section>
                <div class="summary-cards" inner_html=cards on:click=pay_all></div>
                <div class="summary-grid">
                    <section class="card" aria-labelledby="recent-title">
                        <div class="card-head">
                            <h2 class="card-title" id="recent-title">{tr(|t| t.recent)}</h2>
                            <a class="link-strong" href=portal_path(&org.get_untracked(), "/documents")>
                                {tr(|t| t.view_all)}
                            </a>
                        </div>
                        <div
                            class="table-scroll"
                            role="region"
                            tabindex="0"
                            aria-label=tr(|t| t.recent)
                            inner_html=recent
                        ></div>
                    </section>
                    <section class="card" aria-labelledby="types-title">
                        <h2 class="card-title" id="types-title">{tr(|t| t.by_type)}</h2>
                        <ul class="type-list" inner_html=types></ul>
                    </section>
                </div>
            }
            .into_any(),
        })}
    }
}

/// Starts paying the open invoices and debit notes of `currency` (due first first, at most 50)
/// in one payment: the provider's page to go to. (In `documents::picks`'s chunk.)
pub(crate) async fn pay_open_in(currency: String) -> Result<String, ApiError> {
    let list = format!(
        "{}/documents?currency={currency}&status=unpaid,partially_paid&type=invoice,debit_note&sort=due_date,number&per_page=50",
        api::base()
    );
    let page = api::get::<portal_types::DocumentPage>(&list).await?;
    pay_documents(page.items.iter().map(|d| d.id).collect()).await
}

/// Starts paying `ids` (open documents of one currency) in one payment: the provider's page to
/// go to. (In `documents::picks`'s chunk.)
pub(crate) async fn pay_documents(ids: Vec<i64>) -> Result<String, ApiError> {
    let body = portal_types::CheckoutRequest {
        document_ids: ids,
        amount: None,
    };
    let started: portal_types::CheckoutStarted =
        api::send("POST", &format!("{}/payments/checkout", api::base()), &body).await?;
    Ok(started.checkout_url)
}

/// The documents with replies the user has not read: each a link, with how many; empty when
/// there are none.
fn unread_html(u: &UnreadComments, t: &Texts, org: &str) -> String {
    let mut h = Html::default();
    for d in &u.items {
        h.raw("<li><a class=\"type-chip\" href=\"")
            .text(&portal_path(org, &format!("/documents/{}", d.document_id)))
            .raw("\">")
            .element(
                "span",
                "",
                &format!("{} {}", t.doc_type(d.doc_type), d.number),
            )
            .element(
                "span",
                "count",
                &fill(t.unread_count, &[("n", &d.unread.to_string())]),
            )
            .raw("</a></li>");
    }
    h.finish()
}

/// One card per currency: open, overdue, paid in the last 12 months.
fn cards_html(s: &PortalSummary, t: &Texts, l: Locale, org: &str, pay: bool) -> String {
    let docs = portal_path(org, "/documents");
    let mut h = Html::default();
    if s.currencies.is_empty() {
        h.element("p", "muted", t.no_documents_yet);
    }
    for c in &s.currencies {
        let money = |v: &str| fmt::money(l, v, &c.currency);
        h.raw("<section class=\"card currency-card\" aria-label=\"")
            .text(&c.currency)
            .raw("\">")
            .element("h2", "card-title", &c.currency)
            .raw("<div class=\"stats\"><div class=\"stat\">")
            .element("p", "stat-label", t.open)
            .element("p", "stat-value", &money(&c.open))
            .raw("<p class=\"stat-meta\"><a href=\"")
            .text(&docs)
            .raw("?currency=")
            .text(&c.currency)
            .raw("&amp;status=unpaid,partially_paid\">")
            .text(&t.documents(c.open_count))
            .raw("</a></p></div>")
            .raw(if c.overdue_count > 0 {
                "<div class=\"stat stat-danger\">"
            } else {
                "<div class=\"stat\">"
            })
            .element("p", "stat-label", t.overdue)
            .element("p", "stat-value", &money(&c.overdue))
            .raw("<p class=\"stat-meta\"><a href=\"")
            .text(&docs)
            .raw("?currency=")
            .text(&c.currency)
            .raw("&amp;status=overdue\">")
            .text(&t.documents(c.overdue_count))
            .raw("</a></p></div><div class=\"stat\">")
            .element("p", "stat-label", t.paid_12m)
            .element("p", "stat-value", &money(&c.paid_last_12_months))
            .raw("</div></div>");
        if pay && c.open_count > 0 {
            h.raw("<p class=\"pay-all\"><button type=\"button\" class=\"btn btn-primary\" data-pay-currency=\"")
                .text(&c.currency)
                .raw("\">")
                .text(t.pay_all_open)
                .raw("</button></p>");
        }
        h.raw("</section>");
    }
    h.finish()
}

/// The most recent documents as a small table.
fn recent_html(s: &PortalSummary, t: &Texts, l: Locale, org: &str) -> String {
    let mut h = Html::default();
    h.raw("<table class=\"table table-compact\">")
        .element("caption", "sr-only", t.recent)
        .raw("<thead><tr>")
        .raw("<th scope=\"col\">")
        .text(t.col_number)
        .raw("</th><th scope=\"col\">")
        .text(t.col_type)
        .raw("</th><th scope=\"col\">")
        .text(t.col_date)
        .raw("</th><th scope=\"col\" class=\"num\">")
        .text(t.col_total)
        .raw("</th><th scope=\"col\">")
        .text(t.status)
        .raw("</th></tr></thead><tbody>");
    for r in &s.recent {
        h.raw(if r.overdue {
            "<tr class=\"overdue\">"
        } else {
            "<tr>"
        })
        .raw("<th scope=\"row\"><a href=\"")
        .text(&portal_path(org, &format!("/documents/{}", r.id)))
        .raw("\">")
        .text(&r.number)
        .raw("</a></th>")
        .element("td", "", t.doc_type(r.doc_type))
        .element("td", "", &fmt::date(l, r.date))
        .element("td", "num", &fmt::money(l, &r.total, &r.currency))
        .raw("<td><span class=\"badges\">");
        badges_html(&mut h, t, r);
        h.raw("</span></td></tr>");
    }
    h.raw("</tbody></table>");
    h.finish()
}

/// How many documents of each type, each a link to the grid filtered by it.
fn types_html(s: &PortalSummary, t: &Texts, org: &str) -> String {
    let docs = portal_path(org, "/documents");
    let mut h = Html::default();
    for c in &s.counts {
        h.raw("<li><a class=\"type-chip\" href=\"")
            .text(&docs)
            .raw("?type=")
            .text(c.doc_type.as_str())
            .raw("\">")
            .element("span", "", t.doc_type(c.doc_type))
            .element("span", "count", &c.count.to_string())
            .raw("</a></li>");
    }
    h.finish()
}
