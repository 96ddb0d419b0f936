//! `/admin/settings` (owners and admins): what the customer portal shows and lets customers do
//! — the document types released to it, the actions, mails on new documents, portal access by
//! default and applying it to every existing customer (after saying how many) — and the staff
//! with their roles. Other roles are told they may not change settings; the API refuses them
//! too (403).

use leptos::prelude::*;
use leptos::task::spawn_local;
use portal_domain::access::{Permission, allows};
use portal_types::{
    AppliedToAll, CompanyFields, ContractorPage, DocumentType, OnlineFor, OrganizationSettings,
    PaymentSettings, PaymentSettingsUpdate, PortalActionsUpdate, PortalSettingsUpdate, Role,
    SettingsUpdate, StaffInvite, StaffList, StaffMember, StaffUpdate,
};
use portal_ui::{TextField, dyn_view};
use portal_web::api::{self, ApiError};
use portal_web::components::{FormMessage, LoadError};

use crate::app::{ConfirmBox, Notice, Staff, set_title, show_failure};
use crate::i18n::{TextsOf, fill, tr, trs, use_i18n};

/// Whether the signed-in member may change settings (and so sees them).
pub fn may_manage(staff: Staff, permission: Permission) -> bool {
    staff.me.with(|me| {
        me.as_ref().is_some_and(|me| {
            Role::ALL
                .iter()
                .find(|r| r.as_str() == me.role)
                .is_some_and(|r| allows(*r, permission))
        })
    })
}

/// The settings page.
#[component]
pub fn SettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let staff = expect_context::<Staff>();
    Effect::new(move |_| set_title(i18n.t().settings_title));
    let body = dyn_view(move || {
        if staff.me.with(Option::is_none) {
            return ().into_any();
        }
        if !may_manage(staff, Permission::ManageSettings) {
            return view! {
                <section class="empty-page" id="settings-refused">
                    <p>{tr(|t| t.settings_refused)}</p>
                </section>
            }
            .into_any();
        }
        view! {
            <PortalSettingsForm />
            <PaymentSettingsForm />
            <OnlinePayments />
            <super::api_keys::ApiKeys />
            <super::webhooks::Webhooks />
            <StaffSection />
        }
        .into_any()
    });
    view! {
        <h1>{tr(|t| t.settings_title)}</h1>
        {body}
    }
}

#[component]
fn PortalSettingsForm() -> impl IntoView {
    let i18n = use_i18n();
    let loaded = RwSignal::new(None::<OrganizationSettings>);
    let error = RwSignal::new(None::<ApiError>);
    let types: Vec<(DocumentType, RwSignal<bool>)> = DocumentType::ALL
        .iter()
        .map(|t| (*t, RwSignal::new(false)))
        .collect();
    let types = StoredValue::new(types);
    let download = RwSignal::new(false);
    let comment = RwSignal::new(false);
    let accept = RwSignal::new(false);
    let reason_required = RwSignal::new(false);
    let groups: [(CompanyFields, RwSignal<bool>); 3] = [
        (CompanyFields::Contact, RwSignal::new(false)),
        (CompanyFields::Bank, RwSignal::new(false)),
        (CompanyFields::Tax, RwSignal::new(false)),
    ];
    let pay = RwSignal::new(false);
    let by_default = RwSignal::new(false);
    let email_new = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let fill_from = move |s: &OrganizationSettings| {
        let p = &s.portal;
        types.with_value(|types| {
            for (t, on) in types {
                on.set(p.document_types.contains(t));
            }
        });
        download.set(p.actions.download);
        comment.set(p.actions.comment);
        accept.set(p.actions.accept_offers);
        reason_required.set(p.rejection_reason_required);
        for (g, on) in groups {
            on.set(p.company_fields.contains(&g));
        }
        pay.set(p.actions.pay);
        by_default.set(p.access_by_default);
        email_new.set(p.email_new_documents);
    };
    let load = move || {
        spawn_local(async move {
            match api::get::<OrganizationSettings>(&format!("{}/settings", api::base())).await {
                Ok(s) => {
                    fill_from(&s);
                    error.set(None);
                    loaded.set(Some(s));
                }
                Err(ApiError::Unauthorized) => {}
                Err(e) => error.set(Some(e)),
            }
        });
    };
    load();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        failure.set(None);
        notice.set(None);
        let document_types: Vec<DocumentType> = types.with_value(|types| {
            types
                .iter()
                .filter(|(_, on)| on.get_untracked())
                .map(|(t, _)| *t)
                .collect()
        });
        // Only what was changed here: another admin's change of another setting meanwhile stays.
        let Some(before) = loaded.get_untracked() else {
            return;
        };
        let p = &before.portal;
        let mut was = p.document_types.clone();
        was.sort();
        let mut now = document_types.clone();
        now.sort();
        let changed = |now: bool, was: bool| (now != was).then_some(now);
        let body = SettingsUpdate {
            portal: Some(PortalSettingsUpdate {
                document_types: (now != was).then_some(document_types),
                actions: Some(PortalActionsUpdate {
                    download: changed(download.get_untracked(), p.actions.download),
                    comment: changed(comment.get_untracked(), p.actions.comment),
                    accept_offers: changed(accept.get_untracked(), p.actions.accept_offers),
                    pay: changed(pay.get_untracked(), p.actions.pay),
                }),
                company_fields: {
                    let mut was = p.company_fields.clone();
                    was.sort();
                    let now: Vec<CompanyFields> = groups
                        .iter()
                        .filter(|(_, on)| on.get_untracked())
                        .map(|(g, _)| *g)
                        .collect();
                    let mut sorted = now.clone();
                    sorted.sort();
                    (sorted != was).then_some(now)
                },
                rejection_reason_required: changed(
                    reason_required.get_untracked(),
                    p.rejection_reason_required,
                ),
                access_by_default: changed(by_default.get_untracked(), p.access_by_default),
                email_new_documents: changed(email_new.get_untracked(), p.email_new_documents),
            }),
        };
        busy.set(true);
        spawn_local(async move {
            let result = api::send::<_, OrganizationSettings>(
                "PATCH",
                &format!("{}/settings", api::base()),
                &body,
            )
            .await;
            busy.set(false);
            match result {
                Ok(s) => {
                    fill_from(&s);
                    loaded.set(Some(s));
                    notice.set(Some(i18n.t().settings_saved.to_owned()));
                }
                Err(e) => show_failure(i18n, &e, &[], failure),
            }
        });
    };
    let check = move |id: String, on: RwSignal<bool>, label: Signal<String>| {
        view! {
            <label class="check">
                <input
                    type="checkbox"
                    id=id
                    prop:checked=on
                    on:change=move |ev| on.set(event_target_checked(&ev))
                />
                {label}
            </label>
        }
    };
    let type_boxes = types.with_value(|types| {
        types
            .iter()
            .map(|(t, on)| {
                let t = *t;
                check(
                    format!("type-{}", t.as_str()),
                    *on,
                    Signal::derive(move || i18n.common().doc_type(t).to_owned()),
                )
            })
            .collect_view()
    });
    view! {
        {move || {
            error
                .get()
                .map(|_| view! { <LoadError message=i18n.t().load_error.to_owned() on_retry=load /> })
        }}
        <form class="card section form" on:submit=save novalidate=true aria-labelledby="portal-title">
            <h2 id="portal-title">{tr(|t| t.portal_settings)}</h2>
            <fieldset class="checks">
                <legend>{tr(|t| t.released_types)}</legend>
                {type_boxes}
            </fieldset>
            <fieldset class="checks">
                <legend>{tr(|t| t.released_actions)}</legend>
                {check("action-download".into(), download, trs(|t| t.action_download))}
                {check("action-comment".into(), comment, trs(|t| t.action_comment))}
                {check("action-accept".into(), accept, trs(|t| t.action_accept))}
                {check("reason-required".into(), reason_required, trs(|t| t.rejection_reason_required))}
                {check("action-pay".into(), pay, trs(|t| t.action_pay))}
            </fieldset>
            <fieldset class="checks">
                <legend>{tr(|t| t.company_fields)}</legend>
                {check("company-contact".into(), groups[0].1, trs(|t| t.company_contact))}
                {check("company-bank".into(), groups[1].1, trs(|t| t.company_bank))}
                {check("company-tax".into(), groups[2].1, trs(|t| t.company_tax))}
            </fieldset>
            <fieldset class="checks">
                <legend>{tr(|t| t.mails_and_access)}</legend>
                {check("email-new".into(), email_new, trs(|t| t.email_new_documents))}
                {check("access-default".into(), by_default, trs(|t| t.access_by_default))}
            </fieldset>
            <FormMessage text=failure />
            <Notice text=notice />
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" id="save-settings" disabled=move || busy.get()>
                    {tr(|t| t.save)}
                </button>
            </div>
        </form>
        <ApplyToAll />
    }
}

/// Online payment through Stripe: the account's keys (write-only: a hint of the stored key is
/// all that shows), the webhook address to register in Stripe's dashboard, partial payments
/// and who may pay online.
#[component]
fn PaymentSettingsForm() -> impl IntoView {
    let i18n = use_i18n();
    let loaded = RwSignal::new(None::<PaymentSettings>);
    let secret_key = RwSignal::new(String::new());
    let webhook_secret = RwSignal::new(String::new());
    let partial = RwSignal::new(false);
    let minimum = RwSignal::new(String::new());
    let selected = RwSignal::new(false);
    let key_error = RwSignal::new(None::<String>);
    let hook_error = RwSignal::new(None::<String>);
    let minimum_error = RwSignal::new(None::<String>);
    let failure = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let path = move || format!("{}/settings/payments", api::base());
    let show = move |s: PaymentSettings| {
        partial.set(s.allow_partial);
        minimum.set(s.partial_minimum.to_string());
        selected.set(s.online_for == OnlineFor::Selected);
        secret_key.set(String::new());
        webhook_secret.set(String::new());
        loaded.set(Some(s));
    };
    spawn_local(async move {
        if let Ok(s) = api::get::<PaymentSettings>(&path()).await {
            show(s);
        }
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        for e in [key_error, hook_error, minimum_error, failure, notice] {
            e.set(None);
        }
        let Some(before) = loaded.get_untracked() else {
            return;
        };
        let text = |s: RwSignal<String>| {
            Some(s.get_untracked().trim().to_owned()).filter(|v| !v.is_empty())
        };
        let minimum_now = match minimum.get_untracked().trim().parse::<i64>() {
            Ok(n) if n >= 0 => n,
            _ => {
                minimum_error.set(Some(i18n.t().field_error("out_of_range").to_owned()));
                return;
            }
        };
        let online_for = if selected.get_untracked() {
            OnlineFor::Selected
        } else {
            OnlineFor::All
        };
        let body = PaymentSettingsUpdate {
            stripe_secret_key: text(secret_key),
            stripe_webhook_secret: text(webhook_secret),
            allow_partial: Some(partial.get_untracked()).filter(|p| *p != before.allow_partial),
            partial_minimum: Some(minimum_now).filter(|m| *m != before.partial_minimum),
            online_for: Some(online_for).filter(|o| *o != before.online_for),
        };
        busy.set(true);
        spawn_local(async move {
            let result = api::send::<_, PaymentSettings>("PATCH", &path(), &body).await;
            busy.set(false);
            match result {
                Ok(s) => {
                    show(s);
                    notice.set(Some(i18n.t().payment_settings_saved.to_owned()));
                }
                Err(e) => show_failure(
                    i18n,
                    &e,
                    &[
                        ("stripe_secret_key", key_error),
                        ("stripe_webhook_secret", hook_error),
                        ("partial_minimum", minimum_error),
                    ],
                    failure,
                ),
            }
        });
    };
    let disconnect = move |_| {
        busy.set(true);
        spawn_local(async move {
            let result = api::send_text(
                "DELETE",
                &format!("{}/settings/payments/stripe", api::base()),
                String::new(),
            )
            .await
            .and_then(|b| api::parse::<PaymentSettings>(&b));
            busy.set(false);
            match result {
                Ok(s) => show(s),
                Err(e) => show_failure(i18n, &e, &[], failure),
            }
        });
    };
    let test = move |_| {
        failure.set(None);
        notice.set(None);
        busy.set(true);
        spawn_local(async move {
            let result = api::send_text(
                "POST",
                &format!("{}/settings/payments/test", api::base()),
                String::new(),
            )
            .await
            .and_then(|b| api::parse::<portal_types::StripeCheck>(&b));
            busy.set(false);
            let t = i18n.t();
            match result {
                Ok(check) => notice.set(Some(
                    if check.livemode {
                        t.stripe_test_ok_live
                    } else {
                        t.stripe_test_ok_test
                    }
                    .to_owned(),
                )),
                Err(ApiError::Http {
                    status: 502,
                    problem: Some(p),
                    ..
                }) if p.code == "stripe_refused" => failure.set(Some(fill(
                    t.stripe_test_refused,
                    &[("detail", p.detail.as_deref().unwrap_or_default())],
                ))),
                Err(e) => show_failure(i18n, &e, &[], failure),
            }
        });
    };
    let status = move || {
        let t = i18n.t();
        loaded.with(|s| {
            let s = s.as_ref()?;
            Some(match (&s.stripe.key_hint, s.stripe.configured) {
                (Some(hint), true) => fill(
                    t.stripe_connected,
                    &[
                        ("key", hint),
                        (
                            "mode",
                            if s.stripe.test_mode {
                                t.stripe_test
                            } else {
                                t.stripe_live
                            },
                        ),
                    ],
                ),
                _ => t.stripe_not_connected.to_owned(),
            })
        })
    };
    let connected = move || loaded.with(|s| s.as_ref().is_some_and(|s| s.stripe.configured));
    let webhook = move || {
        loaded.with(|s| {
            s.as_ref()
                .map(|s| s.stripe.webhook_url.clone())
                .unwrap_or_default()
        })
    };
    view! {
        <form class="card section form" on:submit=save novalidate=true aria-labelledby="payments-title" id="payment-settings">
            <h2 id="payments-title">{tr(|t| t.online_payments)}</h2>
            <p class="muted">{tr(|t| t.stripe_intro)}</p>
            <p id="stripe-status">{status}</p>
            <div class="field">
                <span class="field-label" id="webhook-url-label">{tr(|t| t.webhook_url)}</span>
                <code id="webhook-url">{webhook}</code>
            </div>
            <TextField
                id="stripe-secret-key"
                label=trs(|t| t.stripe_secret_key)
                value=secret_key
                error=key_error
                kind="password"
                autocomplete="off"
                hint=trs(|t| t.secret_hint)
            />
            <TextField
                id="stripe-webhook-secret"
                label=trs(|t| t.stripe_webhook_secret)
                value=webhook_secret
                error=hook_error
                kind="password"
                autocomplete="off"
                hint=trs(|t| t.secret_hint)
            />
            <fieldset class="checks">
                <legend>{tr(|t| t.online_for)}</legend>
                <label class="check">
                    <input type="radio" name="online-for" id="online-for-all" prop:checked=move || !selected.get() on:change=move |_| selected.set(false) />
                    {tr(|t| t.online_for_all)}
                </label>
                <label class="check">
                    <input type="radio" name="online-for" id="online-for-selected" prop:checked=selected on:change=move |_| selected.set(true) />
                    {tr(|t| t.online_for_selected)}
                </label>
            </fieldset>
            <label class="check">
                <input type="checkbox" id="allow-partial" prop:checked=partial on:change=move |ev| partial.set(event_target_checked(&ev)) />
                {tr(|t| t.allow_partial)}
            </label>
            <TextField id="partial-minimum" label=trs(|t| t.partial_minimum) value=minimum error=minimum_error />
            <FormMessage text=failure />
            <Notice text=notice />
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" id="save-payments" disabled=move || busy.get()>
                    {tr(|t| t.save)}
                </button>
                {move || connected().then(|| view! {
                    <button type="button" class="btn" id="test-stripe" on:click=test disabled=move || busy.get()>
                        {tr(|t| t.stripe_test_connection)}
                    </button>
                    <button type="button" class="btn" id="disconnect-stripe" on:click=disconnect disabled=move || busy.get()>
                        {tr(|t| t.disconnect_stripe)}
                    </button>
                })}
            </div>
        </form>
    }
}

/// The latest online payments: who paid what for which documents, and what needs checking
/// (another amount than asked, money beyond what was open).
#[component]
fn OnlinePayments() -> impl IntoView {
    let i18n = use_i18n();
    let list = RwSignal::new(None::<portal_types::OnlinePaymentPage>);
    spawn_local(async move {
        let path = format!("{}/payments/online?per_page=20", api::base());
        if let Ok(page) = api::get::<portal_types::OnlinePaymentPage>(&path).await {
            list.set(Some(page));
        }
    });
    let rows = move || {
        let t = i18n.t();
        let l = i18n.locale.get();
        list.with(|page| {
            let Some(page) = page else {
                return ().into_any();
            };
            if page.items.is_empty() {
                return view! { <p class="muted" id="online-payments-none">{t.online_payments_none}</p> }.into_any();
            }
            let rows = page
                .items
                .iter()
                .map(|p| {
                    use portal_types::AttemptStatus as S;
                    let (class, label) = match p.status {
                        S::Open => ("badge badge-info", t.attempt_open),
                        S::Processing => ("badge badge-info", t.attempt_processing),
                        S::Succeeded if p.unallocated.is_some() => ("badge badge-warning", t.attempt_check),
                        S::Succeeded => ("badge badge-success", t.attempt_paid),
                        S::Failed => ("badge badge-muted", t.attempt_failed),
                        S::Expired => ("badge badge-muted", t.attempt_expired),
                        S::Mismatch => ("badge badge-danger", t.attempt_check),
                    };
                    let mut note = Vec::new();
                    if let Some(received) = &p.received
                        && p.status == S::Mismatch
                    {
                        note.push(fill(t.attempt_reported, &[("amount", &portal_web::fmt::money(l, received, &p.currency))]));
                    }
                    if let Some(extra) = &p.unallocated {
                        note.push(fill(t.attempt_unallocated, &[("amount", &portal_web::fmt::money(l, extra, &p.currency))]));
                    }
                    let docs = p
                        .documents
                        .iter()
                        .map(|d| {
                            view! { <a href=format!("/admin/documents/{}", d.document_id)>{d.number.clone()}</a>" " }
                        })
                        .collect_view();
                    view! {
                        <tr>
                            <td>{portal_web::fmt::date_time(l, p.created_at)}</td>
                            <td><a href=format!("/admin/contractors/{}", p.contractor_id)>{p.contractor_name.clone()}</a></td>
                            <td>{docs}</td>
                            <td class="num">{portal_web::fmt::money(l, &p.amount, &p.currency)}</td>
                            <td><span class=class>{label}</span>" "{note.join(" ")}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <div class="table-wrap">
                    <table class="table" id="online-payments">
                        <thead>
                            <tr>
                                <th scope="col">{t.attempt_started}</th>
                                <th scope="col">{t.attempt_customer}</th>
                                <th scope="col">{t.attempt_documents}</th>
                                <th scope="col" class="num">{t.attempt_amount}</th>
                                <th scope="col">{t.col_state}</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            }
            .into_any()
        })
    };
    view! {
        <section class="card section" aria-labelledby="online-payments-title">
            <h2 id="online-payments-title">{tr(|t| t.online_payments_recent)}</h2>
            {rows}
        </section>
    }
}

/// Portal access for every existing customer, after saying how many get it.
#[component]
fn ApplyToAll() -> impl IntoView {
    let i18n = use_i18n();
    let without = RwSignal::new(None::<u64>);
    let asking = RwSignal::new(false);
    let notice = RwSignal::new(None::<String>);
    let failure = RwSignal::new(None::<String>);
    let count = move || {
        spawn_local(async move {
            let path = format!("{}/contractors?portal_access=false&per_page=1", api::base());
            if let Ok(p) = api::get::<ContractorPage>(&path).await {
                without.set(Some(p.total));
            }
        });
    };
    count();
    let apply = move || {
        spawn_local(async move {
            let path = format!("{}/settings/portal/apply-to-all", api::base());
            match api::send::<_, AppliedToAll>("POST", &path, &()).await {
                Ok(r) => {
                    asking.set(false);
                    notice.set(Some(fill(
                        i18n.t().applied_to_all,
                        &[("n", &r.updated.to_string())],
                    )));
                    count();
                }
                Err(_) => failure.set(Some(i18n.common().error_generic.to_owned())),
            }
        });
    };
    view! {
        <section class="card section" aria-labelledby="apply-title">
            <h2 id="apply-title">{tr(|t| t.apply_title)}</h2>
            <p>
                {move || {
                    without
                        .get()
                        .map(|n| fill(i18n.t().without_access, &[("n", &n.to_string())]))
                }}
            </p>
            <FormMessage text=failure />
            <Notice text=notice />
            <Show
                when=move || asking.get()
                fallback=move || {
                    view! {
                        <button
                            type="button"
                            class="btn"
                            id="apply-button"
                            disabled=move || without.get().is_none_or(|n| n == 0)
                            on:click=move |_| asking.set(true)
                        >
                            {tr(|t| t.apply_button)}
                        </button>
                    }
                }
            >
                <ConfirmBox
                    id="apply"
                    question=Signal::derive(move || fill(i18n.t().apply_confirm, &[("n", &without.get().unwrap_or(0).to_string())]))
                    yes=trs(|t| t.apply_yes)
                    primary=true
                    on_yes=apply
                    on_no=move || asking.set(false)
                />
            </Show>
        </section>
    }
}

/// The staff, their roles, and inviting a colleague.
#[component]
fn StaffSection() -> impl IntoView {
    let i18n = use_i18n();
    let members = RwSignal::new(Vec::<StaffMember>::new());
    let failure = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let load = move || {
        spawn_local(async move {
            if let Ok(list) = api::get::<StaffList>(&format!("{}/staff", api::base())).await {
                members.set(list.items);
            }
        });
    };
    load();
    let change = move |id: i64, update: StaffUpdate| {
        failure.set(None);
        notice.set(None);
        spawn_local(async move {
            let path = format!("{}/staff/{id}", api::base());
            match api::send::<_, StaffMember>("PATCH", &path, &update).await {
                Ok(_) => notice.set(Some(i18n.t().user_saved.to_owned())),
                Err(e) => {
                    let t = i18n.t();
                    failure.set(Some(
                        match e.status() {
                            Some(403) => t.not_allowed,
                            Some(409) => t.last_owner,
                            _ => i18n.common().error_generic,
                        }
                        .to_owned(),
                    ));
                }
            }
            load();
        });
    };
    let rows = move || {
        members
            .get()
            .into_iter()
            .map(|m| {
                let id = m.id;
                let role_id = format!("role-{id}");
                let active = m.active;
                let role = m.role;
                let label = fill(i18n.t().role_of, &[("name", &m.name)]);
                view! {
                    <tr>
                        <td>{m.name.clone()}</td>
                        <td>{m.email.clone()}</td>
                        <td>
                            <select
                                id=role_id
                                class="select"
                                aria-label=label
                                on:change=move |ev| {
                                    let v = event_target_value(&ev);
                                    if let Some(r) = Role::ALL.iter().find(|r| r.as_str() == v) {
                                        change(id, StaffUpdate { role: Some(*r), ..Default::default() });
                                    }
                                }
                            >
                                {Role::ALL
                                    .iter()
                                    .map(|r| {
                                        let r = *r;
                                        view! {
                                            <option value=r.as_str() selected=r == role>
                                                {move || i18n.t().role(r.as_str())}
                                            </option>
                                        }
                                    })
                                    .collect_view()}
                            </select>
                        </td>
                        <td>
                            {if m.invited {
                                view! { <span class="badge badge-info">{tr(|t| t.user_invited)}</span> }.into_any()
                            } else if active {
                                view! { <span class="badge badge-success">{tr(|t| t.user_active)}</span> }.into_any()
                            } else {
                                view! { <span class="badge badge-muted">{tr(|t| t.user_disabled)}</span> }.into_any()
                            }}
                        </td>
                        <td>
                            <button
                                type="button"
                                class="btn btn-small"
                                on:click=move |_| change(id, StaffUpdate { active: Some(!active), ..Default::default() })
                            >
                                {move || if active { i18n.t().disable } else { i18n.t().enable }}
                            </button>
                        </td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <section class="card section" aria-labelledby="staff-title">
            <h2 id="staff-title">{tr(|t| t.staff_title)}</h2>
            <FormMessage text=failure />
            <Notice text=notice />
            <div class="table-wrap">
                <table class="table" id="staff">
                    <thead>
                        <tr>
                            <th scope="col">{tr(|t| t.name)}</th>
                            <th scope="col">{tr(|t| t.email)}</th>
                            <th scope="col">{tr(|t| t.role_label)}</th>
                            <th scope="col">{tr(|t| t.col_state)}</th>
                            <th scope="col">{tr(|t| t.actions)}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <InviteStaff on_done=move || load() />
        </section>
    }
}

#[component]
fn InviteStaff(on_done: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let i18n = use_i18n();
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Sales);
    let name_error = RwSignal::new(None::<String>);
    let email_error = RwSignal::new(None::<String>);
    let failure = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        name_error.set(None);
        email_error.set(None);
        failure.set(None);
        let body = StaffInvite {
            email: email.get_untracked().trim().to_owned(),
            name: name.get_untracked().trim().to_owned(),
            role: role.get_untracked(),
        };
        spawn_local(async move {
            let result =
                api::send::<_, StaffMember>("POST", &format!("{}/staff", api::base()), &body).await;
            match result {
                Ok(m) => {
                    notice.set(Some(fill(i18n.t().staff_invited, &[("name", &m.email)])));
                    name.set(String::new());
                    email.set(String::new());
                    on_done();
                }
                Err(e) => show_failure(
                    i18n,
                    &e,
                    &[("name", name_error), ("email", email_error)],
                    failure,
                ),
            }
        });
    };
    view! {
        <form class="form form-inline-card" on:submit=submit novalidate=true aria-labelledby="invite-title">
            <h3 id="invite-title">{tr(|t| t.invite_staff)}</h3>
            <div class="field-row">
                <TextField id="s-name" label=trs(|t| t.name) value=name error=name_error required=true />
                <TextField id="s-email" label=trs(|t| t.email) value=email error=email_error kind="email" required=true />
                <div class="field">
                    <label for="s-role">{tr(|t| t.role_label)}</label>
                    <select
                        id="s-role"
                        class="select"
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            if let Some(r) = Role::ALL.iter().find(|r| r.as_str() == v) {
                                role.set(*r);
                            }
                        }
                    >
                        {Role::ALL
                            .iter()
                            .map(|r| {
                                let r = *r;
                                view! {
                                    <option value=r.as_str() selected=r == Role::Sales>
                                        {move || i18n.t().role(r.as_str())}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
            </div>
            <FormMessage text=failure />
            <Notice text=notice />
            <div class="form-actions">
                <button type="submit" class="btn btn-primary">{tr(|t| t.invite)}</button>
            </div>
        </form>
    }
}
