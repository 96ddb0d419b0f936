//! `/p/{org}/account`: the account form — contractor and username read-only, first and
//! last name, e-mail, and a new password with its repetition (the API also wants the current
//! one). Errors are shown next to their field; success says so.

use leptos::prelude::*;
use leptos::task::spawn_local;
use portal_types::{PasswordChange, PortalMe, PortalMeUpdate};
use portal_ui::{Alert, TextField, Tone};

use crate::app::{Account, set_title};
use crate::components::DelayedSpinner;
use crate::i18n::{TextsOf, tr, trs, use_i18n};
use portal_web::api::{self, ApiError, Session};

/// What the last Confirm achieved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Saved,
    PasswordChanged,
    SavedBoth,
    Nothing,
    FixErrors,
    Failed,
    Network,
    /// Too many wrong current passwords: try again after this many seconds.
    Throttled(u32),
}

/// The account page.
#[component]
pub fn AccountPage() -> impl IntoView {
    let i18n = use_i18n();
    let account = expect_context::<Account>();
    Effect::new(move |_| set_title(i18n.t().nav_account));
    // The form is built once the user is known, not again when saving updates `me`.
    let loaded = Memo::new(move |_| account.me.with(Option::is_some));
    move || match (loaded.get(), account.me.get_untracked()) {
        (true, Some(me)) => view! { <AccountForm me=me /> }.into_any(),
        _ => view! { <DelayedSpinner /> }.into_any(),
    }
}

#[component]
fn AccountForm(me: PortalMe) -> impl IntoView {
    let i18n = use_i18n();
    let account = expect_context::<Account>();
    let session = expect_context::<Session>();

    let contractor = RwSignal::new(me.contractor_name.clone());
    let username = RwSignal::new(me.username.clone());
    let first_name = RwSignal::new(me.first_name.clone());
    let last_name = RwSignal::new(me.last_name.clone());
    let email = RwSignal::new(me.email.clone().unwrap_or_default());
    let current_password = RwSignal::new(String::new());
    let new_password = RwSignal::new(String::new());
    let repeat_password = RwSignal::new(String::new());
    // (field, code) pairs: translated when shown, so switching language re-translates them.
    let errors = RwSignal::new(Vec::<(String, String)>::new());
    let outcome = RwSignal::new(None::<Outcome>);
    let busy = RwSignal::new(false);

    let error_for = move |field: &'static str| {
        Signal::derive(move || {
            let t = i18n.t();
            errors.with(|e| {
                e.iter().find(|(f, _)| f == field).map(|(_, code)| {
                    if code == "current_required" {
                        t.err_current_required.to_owned()
                    } else {
                        t.field_error(code).to_owned()
                    }
                })
            })
        })
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let Some(original) = account.me.get_untracked() else {
            return;
        };
        let first = first_name.get_untracked().trim().to_owned();
        let last = last_name.get_untracked().trim().to_owned();
        let mail = email.get_untracked().trim().to_owned();
        let update = PortalMeUpdate {
            first_name: (first != original.first_name).then_some(first),
            last_name: (last != original.last_name).then_some(last),
            email: (mail != original.email.clone().unwrap_or_default()).then_some(mail),
        };
        let profile_changed =
            update.first_name.is_some() || update.last_name.is_some() || update.email.is_some();
        let current = current_password.get_untracked();
        let new = new_password.get_untracked();
        let repeat = repeat_password.get_untracked();
        let password_wanted = !current.is_empty() || !new.is_empty() || !repeat.is_empty();

        let mut local = Vec::new();
        if password_wanted {
            if current.is_empty() {
                local.push(("current_password".to_owned(), "current_required".to_owned()));
            }
            if new.is_empty() {
                local.push(("new_password".to_owned(), "required".to_owned()));
            }
            if new != repeat {
                local.push(("new_password_repeat".to_owned(), "mismatch".to_owned()));
            }
        }
        errors.set(local.clone());
        if !local.is_empty() {
            outcome.set(Some(Outcome::FixErrors));
            return;
        }
        if !profile_changed && !password_wanted {
            outcome.set(Some(Outcome::Nothing));
            return;
        }
        busy.set(true);
        outcome.set(None);
        spawn_local(async move {
            let mut field_errors: Vec<(String, String)> = Vec::new();
            let mut failure = None;
            let mut saved = false;
            let mut changed_password = false;
            if profile_changed {
                match api::send::<_, PortalMe>("PATCH", &format!("{}/me", api::base()), &update)
                    .await
                {
                    Ok(me) => {
                        saved = true;
                        account.me.set(Some(me));
                    }
                    Err(e) => collect(e, &mut field_errors, &mut failure),
                }
            }
            if password_wanted && failure.is_none() {
                let body = PasswordChange {
                    current_password: current,
                    new_password: new,
                    new_password_repeat: repeat,
                };
                match api::send_no_content("POST", &format!("{}/me/password", api::base()), &body)
                    .await
                {
                    Ok(()) => {
                        changed_password = true;
                        session.must_change_password.set(false);
                        current_password.set(String::new());
                        new_password.set(String::new());
                        repeat_password.set(String::new());
                    }
                    Err(e) => collect(e, &mut field_errors, &mut failure),
                }
            }
            busy.set(false);
            let has_field_errors = !field_errors.is_empty();
            errors.set(field_errors);
            outcome.set(Some(match (failure, has_field_errors) {
                (Some(f), _) => f,
                (None, true) => Outcome::FixErrors,
                (None, false) => match (saved, changed_password) {
                    (true, true) => Outcome::SavedBoth,
                    (false, true) => Outcome::PasswordChanged,
                    _ => Outcome::Saved,
                },
            }));
        });
    };

    let message = move || {
        let t = i18n.t();
        outcome.get().map(|o| {
            let (tone, text) = match o {
                Outcome::Saved => (Tone::Success, t.saved.to_owned()),
                Outcome::PasswordChanged => (Tone::Success, t.password_changed.to_owned()),
                Outcome::SavedBoth => {
                    (Tone::Success, format!("{} {}", t.saved, t.password_changed))
                }
                Outcome::Nothing => (Tone::Info, t.nothing_to_save.to_owned()),
                Outcome::FixErrors => (Tone::Danger, t.fix_errors.to_owned()),
                Outcome::Failed => (Tone::Danger, t.common.error_generic.to_owned()),
                Outcome::Network => (Tone::Danger, t.common.error_network.to_owned()),
                Outcome::Throttled(secs) => (Tone::Danger, t.retry_after(secs)),
            };
            view! {
                <Alert tone=tone>
                    <p id="account-message">{text}</p>
                </Alert>
            }
        })
    };

    let no_error = Signal::derive(|| None::<String>);

    view! {
        <div class="page-head">
            <h1>{tr(|t| t.account_title)}</h1>
        </div>
        {move || {
            session
                .must_change_password
                .get()
                .then(|| {
                    view! {
                        <Alert tone=Tone::Warning>
                            <p>{tr(|t| t.must_change_password)}</p>
                        </Alert>
                    }
                })
        }}
        <form class="card form account-form" on:submit=submit novalidate=true>
            <fieldset class="form-section">
                <legend>{tr(|t| t.personal)}</legend>
                <TextField id="contractor" label=trs(|t| t.contractor) value=contractor error=no_error readonly=true />
                <div class="field-row">
                    <TextField
                        id="first_name"
                        label=trs(|t| t.first_name)
                        value=first_name
                        error=error_for("first_name")
                        autocomplete="given-name"
                        required=true
                    />
                    <TextField
                        id="last_name"
                        label=trs(|t| t.last_name)
                        value=last_name
                        error=error_for("last_name")
                        autocomplete="family-name"
                        required=true
                    />
                </div>
                <div class="field-row">
                    <TextField id="username" label=trs(|t| t.username) value=username error=no_error readonly=true autocomplete="username" />
                    <TextField
                        id="email"
                        label=trs(|t| t.email)
                        value=email
                        error=error_for("email")
                        kind="email"
                        autocomplete="email"
                    />
                </div>
            </fieldset>
            <fieldset class="form-section">
                <legend>{tr(|t| t.change_password)}</legend>
                <p class="muted form-hint">{tr(|t| t.password_section_hint)}</p>
                <TextField
                    id="current_password"
                    label=trs(|t| t.current_password)
                    value=current_password
                    error=error_for("current_password")
                    kind="password"
                    autocomplete="current-password"
                />
                <div class="field-row">
                    <TextField
                        id="new_password"
                        label=trs(|t| t.new_password)
                        value=new_password
                        error=error_for("new_password")
                        kind="password"
                        autocomplete="new-password"
                        hint=trs(|t| t.new_password_hint)
                    />
                    <TextField
                        id="new_password_repeat"
                        label=trs(|t| t.repeat_password)
                        value=repeat_password
                        error=error_for("new_password_repeat")
                        kind="password"
                        autocomplete="new-password"
                    />
                </div>
            </fieldset>
            <div class="form-message" aria-live="polite">{message}</div>
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" disabled=move || busy.get()>
                    {move || if busy.get() { i18n.t().saving } else { i18n.t().confirm }}
                </button>
            </div>
        </form>
    }
}

fn collect(e: ApiError, fields: &mut Vec<(String, String)>, failure: &mut Option<Outcome>) {
    match e {
        ApiError::Http { status: 422, .. } if !e.field_errors().is_empty() => {
            for f in e.field_errors() {
                fields.push((f.field.clone(), f.code.clone()));
            }
        }
        ApiError::Http {
            status: 429,
            retry_after,
            ..
        } => *failure = Some(Outcome::Throttled(retry_after.unwrap_or(60))),
        ApiError::Network => *failure = Some(Outcome::Network),
        ApiError::Unauthorized => {}
        _ => *failure = Some(Outcome::Failed),
    }
}
