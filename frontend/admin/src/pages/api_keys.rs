//! The settings' API keys (owners and admins): make one with a name, a level per resource and an
//! optional expiry — its whole key shown once, to copy — and see, and revoke, the others.

use leptos::prelude::*;
use leptos::task::spawn_local;
use portal_types::api_keys::RESOURCES;
use portal_types::{ApiKey, ApiKeyList, CreatedApiKey, NewApiKey};
use portal_ui::{TextField, dyn_view};
use portal_web::api::{self, ApiError};
use portal_web::components::FormMessage;

use crate::app::show_failure;
use crate::i18n::{TextsOf, fill, tr, trs, use_i18n};

#[component]
pub fn ApiKeys() -> impl IntoView {
    let i18n = use_i18n();
    let keys = RwSignal::new(None::<Vec<ApiKey>>);
    let load = move || {
        spawn_local(async move {
            if let Ok(list) = api::get::<ApiKeyList>(&format!("{}/api-keys", api::base())).await {
                let _ = keys.try_set(Some(list.items));
            }
        });
    };
    load();

    let name = RwSignal::new(String::new());
    let name_error = RwSignal::new(None::<String>);
    let expires = RwSignal::new(String::new());
    // One level per resource: "" (none), "read" or "write".
    let levels: Vec<(&'static str, RwSignal<String>)> = RESOURCES
        .iter()
        .map(|r| (*r, RwSignal::new(String::new())))
        .collect();
    let levels = StoredValue::new(levels);
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let created = RwSignal::new(None::<String>);

    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        failure.set(None);
        name_error.set(None);
        let scopes: Vec<String> = levels.with_value(|l| {
            l.iter()
                .filter_map(|(r, level)| {
                    let level = level.get_untracked();
                    (!level.is_empty()).then(|| format!("{r}:{level}"))
                })
                .collect()
        });
        if scopes.is_empty() {
            failure.set(Some(i18n.t().api_key_no_scope.to_owned()));
            return;
        }
        // The end of the chosen day, in UTC.
        let expires_at = chrono::NaiveDate::parse_from_str(&expires.get_untracked(), "%Y-%m-%d")
            .ok()
            .and_then(|d| d.and_hms_opt(23, 59, 59))
            .map(|t| t.and_utc());
        let body = NewApiKey {
            name: name.get_untracked(),
            scopes,
            expires_at,
            rate_limit_per_minute: None,
        };
        busy.set(true);
        spawn_local(async move {
            let result: Result<CreatedApiKey, ApiError> =
                api::send("POST", &format!("{}/api-keys", api::base()), &body).await;
            busy.set(false);
            match result {
                Ok(made) => {
                    created.set(Some(made.token));
                    name.set(String::new());
                    expires.set(String::new());
                    levels.with_value(|l| l.iter().for_each(|(_, level)| level.set(String::new())));
                    load();
                }
                Err(e) => show_failure(i18n, &e, &[("name", name_error)], failure),
            }
        });
    };

    let revoke = move |id: i64| {
        spawn_local(async move {
            let path = format!("{}/api-keys/{id}", api::base());
            if api::send_no_content("DELETE", &path, &()).await.is_ok() {
                load();
            }
        });
    };

    let rows = move || {
        let t = i18n.t();
        let l = i18n.locale.get();
        keys.with(|list| {
            let Some(list) = list else {
                return ().into_any();
            };
            if list.is_empty() {
                return view! { <p class="muted" id="api-keys-none">{t.api_keys_none}</p> }.into_any();
            }
            let rows = list
                .iter()
                .map(|k| {
                    let (class, status) = match k.status.as_str() {
                        "active" => ("badge badge-success", t.api_key_active),
                        "expired" => ("badge badge-muted", t.api_key_expired),
                        _ => ("badge badge-muted", t.api_key_revoked),
                    };
                    let used = match (&k.last_used_at, &k.last_used_ip) {
                        (Some(at), Some(ip)) => format!("{} · {ip}", portal_web::fmt::date_time(l, *at)),
                        (Some(at), None) => portal_web::fmt::date_time(l, *at),
                        _ => t.api_key_never_used.to_owned(),
                    };
                    let id = k.id;
                    let active = k.status == "active";
                    let label = fill(t.api_key_revoke_named, &[("name", &k.name)]);
                    view! {
                        <tr>
                            <td>{k.name.clone()}</td>
                            <td><code>{k.hint.clone()}</code></td>
                            <td class="scopes">{k.scopes.join(", ")}</td>
                            <td>{used}</td>
                            <td><span class=class>{status}</span></td>
                            <td>
                                {active.then(|| view! {
                                    <button type="button" class="btn btn-small btn-danger" aria-label=label on:click=move |_| revoke(id)>
                                        {t.api_key_revoke}
                                    </button>
                                })}
                            </td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <div class="table-wrap">
                    <table class="table" id="api-keys">
                        <thead>
                            <tr>
                                <th scope="col">{t.api_key_name}</th>
                                <th scope="col">{t.api_key_key}</th>
                                <th scope="col">{t.api_key_scopes}</th>
                                <th scope="col">{t.api_key_last_used}</th>
                                <th scope="col">{t.col_state}</th>
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

    let scope_fields = levels.with_value(|l| {
        l.iter()
            .map(|(resource, level)| {
                let level = *level;
                let id = format!("scope-{resource}");
                view! {
                    <div class="scope-row">
                        <label for=id.clone()><code>{*resource}</code></label>
                        <select id=id class="select" prop:value=level on:change=move |ev| level.set(event_target_value(&ev))>
                            <option value="">{tr(|t| t.scope_none)}</option>
                            <option value="read">{tr(|t| t.scope_read)}</option>
                            <option value="write">{tr(|t| t.scope_write)}</option>
                        </select>
                    </div>
                }
            })
            .collect_view()
    });

    let shown_once = dyn_view(move || {
        created
            .get()
            .map(|token| {
                view! {
                    <div class="alert alert-success" role="status" id="api-key-created">
                        <p>{tr(|t| t.api_key_shown_once)}</p>
                        <input
                            class="input mono"
                            id="api-key-token"
                            readonly=true
                            aria-label=tr(|t| t.api_key_key)
                            prop:value=token
                            on:focus=move |ev| {
                                use wasm_bindgen::JsCast;
                                if let Some(input) = ev
                                    .target()
                                    .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                                {
                                    input.select();
                                }
                            }
                        />
                        <button type="button" class="btn btn-small" on:click=move |_| created.set(None)>
                            {tr(|t| t.api_key_done)}
                        </button>
                    </div>
                }
            })
            .into_any()
    });

    view! {
        <section class="card section" aria-labelledby="api-keys-title">
            <h2 id="api-keys-title">{tr(|t| t.api_keys_title)}</h2>
            <p class="muted">{tr(|t| t.api_keys_intro)}</p>
            {shown_once}
            {rows}
            <form class="form api-key-form" on:submit=create novalidate=true aria-labelledby="api-key-new-title">
                <h3 id="api-key-new-title">{tr(|t| t.api_key_new)}</h3>
                <TextField id="api-key-name" label=trs(|t| t.api_key_name) value=name error=name_error />
                <fieldset class="scope-grid">
                    <legend>{tr(|t| t.api_key_scopes)}</legend>
                    {scope_fields}
                </fieldset>
                <div class="field">
                    <label for="api-key-expires">{tr(|t| t.api_key_expires)}</label>
                    <input
                        type="date"
                        class="input"
                        id="api-key-expires"
                        prop:value=expires
                        on:input=move |ev| expires.set(event_target_value(&ev))
                    />
                </div>
                <FormMessage text=failure />
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" id="create-api-key" disabled=move || busy.get()>
                        {tr(|t| t.api_key_create)}
                    </button>
                </div>
            </form>
        </section>
    }
}
