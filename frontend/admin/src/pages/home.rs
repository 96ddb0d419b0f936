//! `/admin`: what needs attention today — overdue invoices with what remains per currency,
//! invoices issued more than a week ago that the customer has not opened, offers awaiting an
//! answer, documents whose customer waits for an answer to a comment, and what customers did
//! recently. Each list links to the documents page with the
//! same filters, so "show all" is one click.

use leptos::prelude::*;
use portal_domain::locale::Locale;
use portal_types::{EventPage, IssuerDocumentPage, UnreadComments};
use portal_ui::text;
use portal_web::api;
use portal_web::fmt;
use portal_web::html::Html;

use crate::app::{ROOT, set_title};
use crate::i18n::{Texts, TextsOf, fill, tr, use_i18n};
use crate::listing::{Panel, panel};

/// Days after which an unopened invoice is worth a call.
const UNSEEN_DAYS: i64 = 7;

/// The overview page.
#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    Effect::new(move |_| set_title(i18n.t().home_title));
    let cutoff = (fmt::now().date_naive() - chrono::Duration::days(UNSEEN_DAYS))
        .format("%Y-%m-%d")
        .to_string();
    let overdue_q = "type=invoice&status=overdue".to_owned();
    let unseen_q = format!("type=invoice&state=issued&viewed=false&date_to={cutoff}");
    let offers_q = "type=offer&state=issued".to_owned();
    let unanswered_q = "unanswered=true".to_owned();

    let list = |query: &str| {
        panel::<IssuerDocumentPage>(format!("{}/documents?{query}&per_page=5", api::base()))
    };
    let overdue = list(&overdue_q);
    let unseen = list(&unseen_q);
    let offers = list(&offers_q);
    let unanswered = list(&unanswered_q);
    let events = panel::<EventPage>(format!(
        "{}/events?actor=portal_user&per_page=10",
        api::base()
    ));
    let unread = panel::<UnreadComments>(format!("{}/comments/unread", api::base()));
    let unread_html = text(move || {
        let t = i18n.t();
        if unread.failed.get() {
            return failed_item(t);
        }
        unread
            .data
            .with(|u| u.as_ref().map(|u| unread_html(u, t)).unwrap_or_default())
    });

    let card = move |id: &'static str,
                     title: Signal<String>,
                     loaded: Panel<IssuerDocumentPage>,
                     query: String,
                     empty: fn(&Texts) -> &'static str,
                     with_sums: bool| {
        let page = loaded.data;
        let items = text(move || {
            let t = i18n.t();
            let l = i18n.locale.get();
            if loaded.failed.get() {
                return failed_item(t);
            }
            page.with(|p| {
                p.as_ref()
                    .map(|p| items_html(p, t, l, empty))
                    .unwrap_or_default()
            })
        });
        let sums = text(move || {
            let l = i18n.locale.get();
            let t = i18n.t();
            page.with(|p| {
                p.as_ref()
                    .filter(|_| with_sums)
                    .map(|p| sums_line(p, t, l))
                    .unwrap_or_default()
            })
        });
        let href = format!("{ROOT}/documents?{query}");
        let total = move || page.with(|p| p.as_ref().map_or(0, |p| p.total));
        view! {
            <section class="card section home-card" id=id aria-labelledby=format!("{id}-title")>
                <h2 id=format!("{id}-title")>{title}</h2>
                <p class="home-sums" hidden=move || sums.with(String::is_empty)>{sums}</p>
                <ul class="home-list" inner_html=items></ul>
                <Show when=move || { total() > 0 }>
                    <a href=href.clone()>{move || fill(i18n.t().show_all, &[("n", &total().to_string())])}</a>
                </Show>
            </section>
        }
    };
    let events_html = text(move || {
        let t = i18n.t();
        let l = i18n.locale.get();
        if events.failed.get() {
            return failed_item(t);
        }
        events.data.with(|p| {
            p.as_ref()
                .map(|p| activity_html(p, t, l, t.recent_none, true))
                .unwrap_or_default()
        })
    });
    view! {
        <h1>{tr(|t| t.home_title)}</h1>
        <div class="home-grid">
            {card("overdue", Signal::derive(move || i18n.t().overdue_title.to_owned()), overdue, overdue_q, |t| t.overdue_none, true)}
            {card(
                "unseen",
                Signal::derive(move || fill(i18n.t().unseen_title, &[("n", &UNSEEN_DAYS.to_string())])),
                unseen,
                unseen_q,
                |t| t.unseen_none,
                false,
            )}
            {card("offers", Signal::derive(move || i18n.t().offers_title.to_owned()), offers, offers_q, |t| t.offers_none, false)}
            {card(
                "unanswered",
                Signal::derive(move || i18n.t().unanswered_title.to_owned()),
                unanswered,
                unanswered_q,
                |t| t.unanswered_none,
                false,
            )}
            <section class="card section home-card" id="unread" aria-labelledby="unread-title">
                <h2 id="unread-title">{tr(|t| t.unread_title)}</h2>
                <ul class="home-list" inner_html=unread_html></ul>
            </section>
            <section class="card section home-card" id="recent" aria-labelledby="recent-title">
                <h2 id="recent-title">{tr(|t| t.recent_title)}</h2>
                <ul class="home-list" inner_html=events_html></ul>
                <a href=format!("{ROOT}/activity?actor=portal_user")>{tr(|t| t.all_activity)}</a>
            </section>
        </div>
    }
}

/// The documents whose customers wrote what the signed-in member has not read yet.
fn unread_html(u: &UnreadComments, t: &Texts) -> String {
    let mut h = Html::with_capacity(u.items.len() * 200 + 100);
    if u.items.is_empty() {
        h.element("li", "muted", t.unread_none);
    }
    for d in &u.items {
        h.raw("<li><a href=\"")
            .text(&format!("{ROOT}/documents/{}", d.document_id))
            .raw("\">")
            .text(&format!("{} {}", t.common.doc_type(d.doc_type), d.number))
            .raw("</a> <span>")
            .text(&d.contractor_name)
            .raw("</span> ")
            .element(
                "span",
                "badge badge-info",
                &fill(t.unread_count, &[("n", &d.unread.to_string())]),
            )
            .raw("</li>");
    }
    h.finish()
}

/// A list item saying the list could not be loaded.
pub fn failed_item(t: &Texts) -> String {
    let mut h = Html::with_capacity(100);
    h.element("li", "muted", t.load_error);
    h.finish()
}

/// "3 invoices · €1,234.00 — 1 invoices · BGN 20.00": count and what remains, per currency.
pub fn sums_line(p: &IssuerDocumentPage, t: &Texts, l: Locale) -> String {
    p.sums
        .iter()
        .map(|s| {
            format!(
                "{} · {}",
                fill(t.overdue_count, &[("n", &s.count.to_string())]),
                fmt::money(l, &s.remaining, &s.currency)
            )
        })
        .collect::<Vec<_>>()
        .join(" — ")
}

fn items_html(
    p: &IssuerDocumentPage,
    t: &Texts,
    l: Locale,
    empty: fn(&Texts) -> &'static str,
) -> String {
    let mut h = Html::with_capacity(p.items.len() * 300 + 100);
    if p.items.is_empty() {
        h.element("li", "muted", empty(t));
    }
    for d in &p.items {
        let amount = d.remaining.as_deref().unwrap_or(&d.total);
        h.raw("<li><a href=\"")
            .text(&format!("{ROOT}/documents/{}", d.id))
            .raw("\">")
            .text(d.number.as_deref().unwrap_or(t.draft))
            .raw("</a> <span>")
            .text(&d.contractor_name)
            .raw("</span> <span class=\"num nowrap\">")
            .text(&fmt::money(l, amount, &d.currency))
            .raw("</span> <span class=\"muted nowrap\">")
            .text(&fmt::date(l, d.due_date.unwrap_or(d.date)))
            .raw("</span></li>");
    }
    h.finish()
}

/// The trail as list items (`empty` when there are none); `with_contractor` links each to its
/// contractor (not wanted on the contractor's own page).
pub fn activity_html(
    p: &EventPage,
    t: &Texts,
    l: Locale,
    empty: &str,
    with_contractor: bool,
) -> String {
    let mut h = Html::with_capacity(p.items.len() * 250 + 100);
    if p.items.is_empty() {
        h.element("li", "muted", empty);
    }
    for e in &p.items {
        h.raw("<li><span class=\"event-when\">")
            .text(&fmt::date_time(l, e.created_at))
            .raw("</span> ")
            .text(t.event(&e.kind));
        if let Some(who) = &e.actor_name {
            h.raw(" · ").element("span", "event-who", who);
        }
        if let Some(doc) = e.document_id {
            let label = match &e.document_number {
                Some(n) => n.clone(),
                None => format!("{} #{doc}", t.document_n),
            };
            h.raw(" · <a href=\"")
                .text(&format!("{ROOT}/documents/{doc}"))
                .raw("\">")
                .text(&label)
                .raw("</a>");
        }
        if let Some(c) = e.contractor_id.filter(|_| with_contractor) {
            h.raw(" · <a href=\"")
                .text(&format!("{ROOT}/contractors/{c}"))
                .raw("\">")
                .text(e.contractor_name.as_deref().unwrap_or(t.col_contractor))
                .raw("</a>");
        }
        h.raw("</li>");
    }
    h.finish()
}
