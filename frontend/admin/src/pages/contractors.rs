//! `/admin/contractors`: search the organisation's contractors (name, tax id, VAT number,
//! e-mail), see who has portal access, open a contractor's documents, and create a
//! contractor. The search is kept in the address (`?q=`).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_location, use_navigate};
use portal_types::{Contractor, ContractorPage, NewContractor};
use portal_ui::{Alert, TextField, Tone, text};
use portal_web::api::{self, ApiError};
use portal_web::components::{FormMessage, LoadError};
use portal_web::html::Html;
use portal_web::url::{encode, pairs};

use crate::app::{ROOT, set_title, show_failure};
use crate::i18n::{Texts, TextsOf, fill, tr, trs, use_i18n};

fn search_of(search: &str) -> String {
    pairs(search)
        .into_iter()
        .find(|(k, _)| k == "q")
        .map(|(_, v)| v)
        .unwrap_or_default()
}

/// The contractors page.
#[component]
pub fn ContractorsPage() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let navigate = StoredValue::new_local(use_navigate());
    let q = Memo::new(move |_| search_of(&location.search.get()));
    let list = RwSignal::new(None::<ContractorPage>);
    let error = RwSignal::new(None::<ApiError>);
    let creating = RwSignal::new(false);
    let created = RwSignal::new(None::<String>);
    let input = RwSignal::new(String::new());
    let generation = StoredValue::new(0u64);
    Effect::new(move |_| set_title(i18n.t().contractors_title));
    Effect::new(move |_| input.set(q.get()));

    let load = move || {
        let q = q.get();
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        let path = format!("{}/contractors?per_page=100&q={}", api::base(), encode(&q));
        spawn_local(async move {
            let result = api::get::<ContractorPage>(&path).await;
            if generation.try_get_value() != Some(mine) {
                return;
            }
            match result {
                Ok(p) => {
                    error.set(None);
                    list.set(Some(p));
                }
                Err(ApiError::Unauthorized) => {}
                Err(e) => error.set(Some(e)),
            }
        });
    };
    Effect::new(move |_| load());

    let search = move |value: String| {
        let value = value.trim().to_owned();
        let url = if value.is_empty() {
            format!("{ROOT}/contractors")
        } else {
            format!("{ROOT}/contractors?q={}", encode(&value))
        };
        navigate.with_value(|navigate| navigate(&url, NavigateOptions::default()));
    };

    let body = text(move || {
        let t = i18n.t();
        list.with(|p| {
            p.as_ref()
                .map(|p| rows_html(&p.items, t))
                .unwrap_or_default()
        })
    });
    let on_created = move |c: Contractor| {
        creating.set(false);
        created.set(Some(c.name));
        load();
    };

    view! {
        <div class="page-head page-head-row">
            <h1>{tr(|t| t.contractors_title)}</h1>
            <a class="btn" id="import-contractors" href=format!("{ROOT}/contractors/import")>
                {tr(|t| t.import_from_csv)}
            </a>
            <button
                type="button"
                class="btn btn-primary"
                aria-expanded=move || creating.get().to_string()
                on:click=move |_| {
                    created.set(None);
                    creating.update(|c| *c = !*c);
                }
            >
                {tr(|t| t.new_contractor)}
            </button>
        </div>
        {move || {
            created
                .get()
                .map(|name| {
                    view! {
                        <Alert tone=Tone::Success>
                            <p>{fill(i18n.t().created, &[("name", &name)])}</p>
                        </Alert>
                    }
                })
        }}
        <Show when=move || creating.get()>
            <NewContractorForm on_created=on_created on_cancel=move || creating.set(false) />
        </Show>
        <form
            class="filters admin-filters"
            role="search"
            on:submit=move |ev| {
                ev.prevent_default();
                search(input.get_untracked());
            }
        >
            <div class="field field-inline">
                <label for="c-search">{tr(|t| t.search_contractors)}</label>
                <input
                    id="c-search"
                    class="input"
                    type="search"
                    prop:value=input
                    on:input=move |ev| input.set(event_target_value(&ev))
                    on:change=move |ev| search(event_target_value(&ev))
                />
            </div>
        </form>
        {move || {
            error
                .get()
                .map(|e| {
                    let msg = if e == ApiError::Network {
                        i18n.common().error_network
                    } else {
                        i18n.t().load_error
                    };
                    view! { <LoadError message=msg.to_owned() on_retry=load /> }
                })
        }}
        <div
            class="table-wrap"
            role="region"
            aria-label=tr(|t| t.contractors_caption)
            tabindex="0"
        >
            <table class="table" id="contractors">
                <caption class="sr-only">{tr(|t| t.contractors_caption)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{tr(|t| t.col_name)}</th>
                        <th scope="col">{tr(|t| t.col_vat_number)}</th>
                        <th scope="col">{tr(|t| t.col_email)}</th>
                        <th scope="col">{tr(|t| t.col_portal)}</th>
                        <th scope="col">{tr(|t| t.nav_documents)}</th>
                    </tr>
                </thead>
                <tbody inner_html=body></tbody>
            </table>
            {move || {
                list.with(|p| p.as_ref().is_some_and(|p| p.items.is_empty()))
                    .then(|| {
                        view! {
                            <div class="table-message">
                                <p class="empty-title">{tr(|t| t.no_contractors)}</p>
                            </div>
                        }
                    })
            }}
        </div>
    }
}

fn rows_html(items: &[Contractor], t: &Texts) -> String {
    let mut h = Html::with_capacity(items.len() * 400);
    for c in items {
        h.raw("<tr>");
        h.raw("<td><a href=\"")
            .text(&format!("{ROOT}/contractors/{}", c.id))
            .raw("\">")
            .text(&c.name)
            .raw("</a></td>");
        h.element("td", "nowrap", c.vat_number.as_deref().unwrap_or("—"));
        h.element("td", "", c.email.as_deref().unwrap_or("—"));
        h.raw("<td>");
        if c.portal_access {
            h.element("span", "badge badge-success", t.portal_on);
        } else {
            h.element("span", "badge badge-muted", t.portal_off);
        }
        h.raw("</td><td><a href=\"")
            .text(&format!("{ROOT}/documents?contractor={}", c.id))
            .raw("\">")
            .text(t.nav_documents)
            .raw("<span class=\"sr-only\">: ")
            .text(&c.name)
            .raw("</span></a></td></tr>");
    }
    h.finish()
}

/// The form for a new contractor: the API checks every field and names the wrong ones.
#[component]
fn NewContractorForm(
    on_created: impl Fn(Contractor) + Copy + Send + Sync + 'static,
    on_cancel: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let name = RwSignal::new(String::new());
    let vat = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let portal = RwSignal::new(true);
    let name_error = RwSignal::new(None::<String>);
    let vat_error = RwSignal::new(None::<String>);
    let email_error = RwSignal::new(None::<String>);
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let c = i18n.common();
        let n = name.get_untracked().trim().to_owned();
        name_error.set(n.is_empty().then(|| c.required.to_owned()));
        vat_error.set(None);
        email_error.set(None);
        failure.set(None);
        if n.is_empty() {
            return;
        }
        let opt = |s: RwSignal<String>| {
            let v = s.get_untracked().trim().to_owned();
            (!v.is_empty()).then_some(v)
        };
        let body = NewContractor {
            name: n,
            kind: None,
            tax_id: None,
            vat_number: opt(vat),
            address: None,
            email: opt(email),
            phone: None,
            iban: None,
            bic: None,
            locale: None,
            salesperson_id: None,
            payment_terms_days: None,
            portal_access: Some(portal.get_untracked()),
        };
        busy.set(true);
        spawn_local(async move {
            let result =
                api::send::<_, Contractor>("POST", &format!("{}/contractors", api::base()), &body)
                    .await;
            busy.set(false);
            match result {
                Ok(contractor) => on_created(contractor),
                Err(e) => show_failure(
                    i18n,
                    &e,
                    &[
                        ("name", name_error),
                        ("vat_number", vat_error),
                        ("email", email_error),
                    ],
                    failure,
                ),
            }
        });
    };

    view! {
        <form
            class="card form form-card"
            on:submit=submit
            on:keydown=move |ev| {
                if ev.key() == "Escape" {
                    on_cancel();
                }
            }
            novalidate=true
            aria-labelledby="new-contractor-title"
        >
            <h2 id="new-contractor-title">{tr(|t| t.new_contractor)}</h2>
            <TextField id="c-name" label=trs(|t| t.name) value=name error=name_error required=true />
            <TextField id="c-vat" label=trs(|t| t.vat_number) value=vat error=vat_error />
            <TextField
                id="c-email"
                label=trs(|t| t.email)
                value=email
                error=email_error
                kind="email"
            />
            <label class="check">
                <input
                    type="checkbox"
                    prop:checked=portal
                    on:change=move |ev| portal.set(event_target_checked(&ev))
                />
                {tr(|t| t.portal_access)}
            </label>
            <FormMessage text=failure />
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" disabled=move || busy.get()>
                    {tr(|t| t.create)}
                </button>
                <button type="button" class="btn" on:click=move |_| on_cancel()>
                    {tr(|t| t.cancel)}
                </button>
            </div>
        </form>
    }
}
