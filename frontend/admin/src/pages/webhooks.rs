//! The settings' webhooks (owners and admins): register an endpoint with the events it wants —
//! its signing secret shown once — and for each: send a test event, read the delivery log
//! (every attempt, the body sent) and resend, rotate the secret, disable, enable, delete.

use leptos::prelude::*;
use leptos::task::spawn_local;
use portal_types::webhooks::EVENT_TYPES;
use portal_types::{
    CreatedWebhookEndpoint, NewWebhookEndpoint, RotatedWebhookSecret, WebhookDelivery,
    WebhookDeliveryDetail, WebhookDeliveryList, WebhookEndpoint, WebhookEndpointList,
    WebhookEndpointUpdate,
};
use portal_ui::{TextField, dyn_view};
use portal_web::api::{self, ApiError};
use portal_web::components::FormMessage;

use crate::app::show_failure;
use crate::i18n::{TextsOf, fill, tr, trs, use_i18n};

fn path(rest: &str) -> String {
    format!("{}/webhooks{rest}", api::base())
}

#[component]
pub fn Webhooks() -> impl IntoView {
    let i18n = use_i18n();
    let endpoints = RwSignal::new(None::<Vec<WebhookEndpoint>>);
    let load = move || {
        spawn_local(async move {
            if let Ok(list) = api::get::<WebhookEndpointList>(&path("")).await {
                let _ = endpoints.try_set(Some(list.items));
            }
        });
    };
    load();

    let url = RwSignal::new(String::new());
    let url_error = RwSignal::new(None::<String>);
    let description = RwSignal::new(String::new());
    let description_error = RwSignal::new(None::<String>);
    let picked: Vec<(&'static str, RwSignal<bool>)> = EVENT_TYPES
        .iter()
        .map(|e| (*e, RwSignal::new(false)))
        .collect();
    let picked = StoredValue::new(picked);
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    // A secret to show once: (what it is, the secret).
    let secret = RwSignal::new(None::<(&'static str, String)>);
    // The endpoint whose log is open.
    let open_log = RwSignal::new(None::<i64>);

    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        failure.set(None);
        url_error.set(None);
        description_error.set(None);
        let events: Vec<String> = picked.with_value(|p| {
            p.iter()
                .filter(|(_, on)| on.get_untracked())
                .map(|(e, _)| (*e).to_owned())
                .collect()
        });
        if events.is_empty() {
            failure.set(Some(i18n.t().webhook_no_event.to_owned()));
            return;
        }
        let body = NewWebhookEndpoint {
            url: url.get_untracked(),
            events,
            description: Some(description.get_untracked()),
        };
        busy.set(true);
        spawn_local(async move {
            let result: Result<CreatedWebhookEndpoint, ApiError> =
                api::send("POST", &path(""), &body).await;
            busy.set(false);
            match result {
                Ok(made) => {
                    secret.set(Some((i18n.t().webhook_secret_once, made.secret)));
                    url.set(String::new());
                    description.set(String::new());
                    picked.with_value(|p| p.iter().for_each(|(_, on)| on.set(false)));
                    load();
                }
                Err(e) => show_failure(
                    i18n,
                    &e,
                    &[("url", url_error), ("description", description_error)],
                    failure,
                ),
            }
        });
    };

    let act = move |id: i64, action: &'static str| {
        spawn_local(async move {
            let t = i18n.t();
            match action {
                "test" => {
                    let _ =
                        api::send::<_, WebhookDelivery>("POST", &path(&format!("/{id}/test")), &())
                            .await;
                    open_log.set(Some(id));
                }
                "rotate" => {
                    if let Ok(r) = api::send::<_, RotatedWebhookSecret>(
                        "POST",
                        &path(&format!("/{id}/rotate-secret")),
                        &(),
                    )
                    .await
                    {
                        secret.set(Some((t.webhook_rotated, r.secret)));
                    }
                }
                "delete" => {
                    let _ = api::send_no_content("DELETE", &path(&format!("/{id}")), &()).await;
                }
                _ => {
                    let body = WebhookEndpointUpdate {
                        enabled: Some(action == "enable"),
                        ..Default::default()
                    };
                    let _ =
                        api::send::<_, WebhookEndpoint>("PATCH", &path(&format!("/{id}")), &body)
                            .await;
                }
            }
            load();
        });
    };

    let rows = move || {
        let t = i18n.t();
        let l = i18n.locale.get();
        endpoints.with(|list| {
            let Some(list) = list else {
                return ().into_any();
            };
            if list.is_empty() {
                return view! { <p class="muted" id="webhooks-none">{t.webhooks_none}</p> }.into_any();
            }
            list.iter()
                .map(|e| {
                    let id = e.id;
                    let enabled = e.status == "enabled";
                    let (class, status) = if enabled {
                        ("badge badge-success", t.webhook_enabled)
                    } else {
                        ("badge badge-muted", t.webhook_disabled)
                    };
                    let reason = match e.disabled_reason.as_deref() {
                        Some("gone") => Some(t.webhook_reason_gone),
                        Some("failing") => Some(t.webhook_reason_failing),
                        _ => None,
                    };
                    let failing = e.failing_since.map(|at| {
                        fill(t.webhook_failing_since, &[("at", &portal_web::fmt::date_time(l, at))])
                    });
                    let label = e.url.clone();
                    view! {
                        <article class="webhook" aria-label=label>
                            <div class="webhook-head">
                                <code class="webhook-url">{e.url.clone()}</code>
                                <span class=class>{status}</span>
                            </div>
                            {(!e.description.is_empty()).then(|| view! { <p>{e.description.clone()}</p> })}
                            <p class="muted small">{e.events.join(", ")}</p>
                            {reason.map(|r| view! { <p class="warning small">{r}</p> })}
                            {failing.map(|f| view! { <p class="warning small">{f}</p> })}
                            <div class="form-actions">
                                <button type="button" class="btn btn-small" on:click=move |_| act(id, "test")>{t.webhook_test}</button>
                                <button
                                    type="button"
                                    class="btn btn-small"
                                    aria-expanded=move || (open_log.get() == Some(id)).to_string()
                                    on:click=move |_| open_log.update(|o| *o = if *o == Some(id) { None } else { Some(id) })
                                >
                                    {t.webhook_log}
                                </button>
                                <button type="button" class="btn btn-small" on:click=move |_| act(id, "rotate")>{t.webhook_rotate}</button>
                                {if enabled {
                                    view! { <button type="button" class="btn btn-small" on:click=move |_| act(id, "disable")>{t.webhook_disable}</button> }.into_any()
                                } else {
                                    view! { <button type="button" class="btn btn-small" on:click=move |_| act(id, "enable")>{t.webhook_enable}</button> }.into_any()
                                }}
                                <button type="button" class="btn btn-small btn-danger" on:click=move |_| act(id, "delete")>{t.webhook_delete}</button>
                            </div>
                            {move || (open_log.get() == Some(id)).then(|| view! { <DeliveryLog endpoint=id /> })}
                        </article>
                    }
                })
                .collect_view()
                .into_any()
        })
    };

    let event_fields = picked.with_value(|p| {
        p.iter()
            .map(|(event, on)| {
                let on = *on;
                let id = format!("event-{}", event.replace('.', "-"));
                view! {
                    <label class="check">
                        <input type="checkbox" id=id prop:checked=on on:change=move |ev| on.set(event_target_checked(&ev)) />
                        <code>{*event}</code>
                    </label>
                }
            })
            .collect_view()
    });

    let shown_once = dyn_view(move || {
        secret
            .get()
            .map(|(what, value)| {
                view! {
                    <div class="alert alert-success" role="status" id="webhook-secret-shown">
                        <p>{what}</p>
                        <input
                            class="input mono"
                            id="webhook-secret"
                            readonly=true
                            aria-label=tr(|t| t.webhook_secret)
                            prop:value=value
                        />
                        <button type="button" class="btn btn-small" on:click=move |_| secret.set(None)>
                            {tr(|t| t.api_key_done)}
                        </button>
                    </div>
                }
            })
            .into_any()
    });

    view! {
        <section class="card section" aria-labelledby="webhooks-title">
            <h2 id="webhooks-title">{tr(|t| t.webhooks_title)}</h2>
            <p class="muted">{tr(|t| t.webhooks_intro)}</p>
            {shown_once}
            <div id="webhooks">{rows}</div>
            <form class="form webhook-form" on:submit=create novalidate=true aria-labelledby="webhook-new-title">
                <h3 id="webhook-new-title">{tr(|t| t.webhook_new)}</h3>
                <TextField id="endpoint-url" label=trs(|t| t.webhook_endpoint_url) value=url error=url_error />
                <TextField id="endpoint-description" label=trs(|t| t.webhook_description) value=description error=description_error />
                <fieldset class="scope-grid">
                    <legend>{tr(|t| t.webhook_events)}</legend>
                    {event_fields}
                </fieldset>
                <FormMessage text=failure />
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" id="create-webhook" disabled=move || busy.get()>
                        {tr(|t| t.webhook_create)}
                    </button>
                </div>
            </form>
        </section>
    }
}

/// The last deliveries of an endpoint, each with its attempts and body on demand, and resend.
#[component]
fn DeliveryLog(endpoint: i64) -> impl IntoView {
    let i18n = use_i18n();
    let page = RwSignal::new(None::<Vec<WebhookDelivery>>);
    let load = move || {
        spawn_local(async move {
            let at = path(&format!("/{endpoint}/deliveries?per_page=20"));
            if let Ok(list) = api::get::<WebhookDeliveryList>(&at).await {
                let _ = page.try_set(Some(list.items));
            }
        });
    };
    load();
    // While something is still on its way, look again every two seconds.
    let handle = set_interval_with_handle(
        move || {
            if page.with_untracked(|p| {
                p.as_ref()
                    .is_some_and(|p| p.iter().any(|d| d.status == "pending"))
            }) {
                load();
            }
        },
        std::time::Duration::from_secs(2),
    )
    .ok();
    on_cleanup(move || {
        if let Some(h) = handle {
            h.clear();
        }
    });
    let opened = RwSignal::new(None::<WebhookDeliveryDetail>);
    let open = move |id: i64| {
        spawn_local(async move {
            let at = path(&format!("/{endpoint}/deliveries/{id}"));
            if let Ok(d) = api::get::<WebhookDeliveryDetail>(&at).await {
                opened.set(Some(d));
            }
        });
    };
    let resend = move |id: i64| {
        spawn_local(async move {
            let at = path(&format!("/{endpoint}/deliveries/{id}/resend"));
            if api::send::<_, WebhookDelivery>("POST", &at, &())
                .await
                .is_ok()
            {
                load();
            }
        });
    };
    let rows = move || {
        let t = i18n.t();
        let l = i18n.locale.get();
        page.with(|p| {
            let Some(p) = p else { return ().into_any() };
            if p.is_empty() {
                return view! { <p class="muted">{t.webhook_log_none}</p> }.into_any();
            }
            let rows = p
                .iter()
                .map(|d| {
                    let id = d.id;
                    let (class, status) = match d.status.as_str() {
                        "succeeded" => ("badge badge-success", t.webhook_succeeded),
                        "pending" => ("badge badge-warning", t.webhook_pending),
                        _ => ("badge badge-danger", t.webhook_failed),
                    };
                    let answer = match (d.last_status, &d.last_error) {
                        (Some(s), _) => s.to_string(),
                        (None, Some(e)) => e.clone(),
                        _ => String::new(),
                    };
                    view! {
                        <tr>
                            <td>{portal_web::fmt::date_time(l, d.created_at)}</td>
                            <td><code>{d.event_type.clone()}</code></td>
                            <td><span class=class>{status}</span></td>
                            <td class="num">{d.attempts}</td>
                            <td>{answer}</td>
                            <td>
                                <button type="button" class="btn btn-small" on:click=move |_| open(id)>{t.webhook_details}</button>
                                <button type="button" class="btn btn-small" on:click=move |_| resend(id)>{t.webhook_resend}</button>
                            </td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <div class="table-wrap">
                    <table class="table webhook-log">
                        <thead>
                            <tr>
                                <th scope="col">{t.webhook_when}</th>
                                <th scope="col">{t.webhook_event}</th>
                                <th scope="col">{t.col_state}</th>
                                <th scope="col">{t.webhook_attempts}</th>
                                <th scope="col">{t.webhook_last_answer}</th>
                                <th scope="col">{t.actions}</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            }
            .into_any()
        })
    };
    let detail = move || {
        let t = i18n.t();
        let l = i18n.locale.get();
        opened.get().map(|d| {
            let attempts = d
                .attempt_log
                .iter()
                .map(|a| {
                    let outcome = match (&a.error, a.response_status) {
                        (Some(e), _) => e.clone(),
                        (None, Some(s)) => s.to_string(),
                        (None, None) => String::new(),
                    };
                    view! {
                        <li>
                            {format!("#{} · {} · {} ms · {outcome}", a.attempt, portal_web::fmt::date_time(l, a.started_at), a.duration_ms)}
                            {a.response_body.clone().filter(|b| !b.is_empty()).map(|b| view! { <pre class="mono small">{b}</pre> })}
                        </li>
                    }
                })
                .collect_view();
            view! {
                <div class="webhook-detail">
                    <h4>{format!("{} · {}", d.delivery.event_type, d.delivery.message_id)}</h4>
                    <ol>{attempts}</ol>
                    <p class="small">{t.webhook_payload}</p>
                    <pre class="mono small">{d.payload.clone()}</pre>
                </div>
            }
        })
    };
    view! {
        <div class="webhook-deliveries">
            {rows}
            {detail}
        </div>
    }
}
