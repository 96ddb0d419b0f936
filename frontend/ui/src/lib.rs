//! Small UI pieces shared by the customer portal and the admin app: icons, a spinner, alerts,
//! badges and labelled form fields. They know nothing about the API or the languages; callers
//! pass in the (translated) text.
//!
//! Styling comes from class names only (the CSP forbids inline styles); `frontend/style/` holds
//! the stylesheet.

use std::sync::Arc;

use leptos::prelude::*;

/// Reactive text. Every call returns the same type (`Signal<String>`), so the wasm holds one
/// copy of the code that renders and updates it, not one per call site as a closure would.
pub fn text(f: impl Fn() -> String + Send + Sync + 'static) -> Signal<String> {
    Signal::derive(f)
}

/// A reactive yes/no for attributes and classes (see [`text`] for why).
pub fn flag(f: impl Fn() -> bool + Send + Sync + 'static) -> Signal<bool> {
    Signal::derive(f)
}

/// A reactive part of a view (see [`text`] for why).
pub fn dyn_view(f: impl Fn() -> AnyView + Send + Sync + 'static) -> impl IntoView {
    erased_view(Arc::new(f))
}

fn erased_view(f: Arc<dyn Fn() -> AnyView + Send + Sync>) -> impl IntoView + use<> {
    move || f()
}

/// The icons the apps use (24×24 outline paths, drawn with `currentColor`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IconKind {
    /// Arrow into a tray.
    Download,
    /// A printer.
    Print,
    /// A funnel.
    Filter,
    /// Arrow up (ascending).
    ArrowUp,
    /// Arrow down (descending).
    ArrowDown,
    /// Both arrows (sortable, not sorted).
    Sortable,
    /// Chevron pointing left.
    ChevronLeft,
    /// Chevron pointing right.
    ChevronRight,
    /// A cross.
    Close,
    /// A magnifier.
    Search,
    /// Door with an arrow (sign out).
    Logout,
    /// A globe (language).
    Globe,
    /// A document.
    Document,
    /// A warning triangle.
    Warning,
    /// A check mark.
    Check,
}

impl IconKind {
    fn path(self) -> &'static str {
        match self {
            IconKind::Download => "M12 3v12m0 0l-5-5m5 5l5-5M4 19h16",
            IconKind::Print => {
                "M7 8V3h10v5M7 17H5a2 2 0 01-2-2v-5a2 2 0 012-2h14a2 2 0 012 2v5a2 2 0 01-2 2h-2M7 14h10v7H7z"
            }
            IconKind::Filter => "M4 5h16l-6 8v5l-4 2v-7L4 5z",
            IconKind::ArrowUp => "M12 19V5m0 0l-6 6m6-6l6 6",
            IconKind::ArrowDown => "M12 5v14m0 0l-6-6m6 6l6-6",
            IconKind::Sortable => "M8 9l4-4 4 4M8 15l4 4 4-4",
            IconKind::ChevronLeft => "M15 18l-6-6 6-6",
            IconKind::ChevronRight => "M9 6l6 6-6 6",
            IconKind::Close => "M6 6l12 12M18 6L6 18",
            IconKind::Search => "M11 18a7 7 0 100-14 7 7 0 000 14zm10 3l-5-5",
            IconKind::Logout => "M15 4h4v16h-4M10 8l-4 4 4 4M6 12h11",
            IconKind::Globe => {
                "M12 21a9 9 0 100-18 9 9 0 000 18zM3 12h18M12 3c2.5 2.7 3.5 5.7 3.5 9s-1 6.3-3.5 9c-2.5-2.7-3.5-5.7-3.5-9s1-6.3 3.5-9z"
            }
            IconKind::Document => "M6 3h8l4 4v14H6zM14 3v4h4M9 12h6M9 16h6",
            IconKind::Warning => "M12 4l9 16H3L12 4zm0 6v4m0 3v.01",
            IconKind::Check => "M5 12l5 5 9-10",
        }
    }
}

/// A decorative icon; give the surrounding control a text or an `aria-label`.
#[component]
pub fn Icon(kind: IconKind) -> impl IntoView {
    view! {
        <svg
            class="icon"
            viewBox="0 0 24 24"
            fill="none"
            stroke="currentColor"
            stroke-width="2"
            stroke-linecap="round"
            stroke-linejoin="round"
            aria-hidden="true"
            focusable="false"
        >
            <path d=kind.path()></path>
        </svg>
    }
}

/// A spinning ring with a text for screen readers.
#[component]
pub fn Spinner(#[prop(into)] label: Signal<String>) -> impl IntoView {
    view! {
        <span class="spinner" role="status">
            <span class="spinner-ring" aria-hidden="true"></span>
            <span class="sr-only">{label}</span>
        </span>
    }
}

/// The tone of an [`Alert`] or a [`Badge`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tone {
    /// Neutral information.
    #[default]
    Info,
    /// Something went well.
    Success,
    /// Needs attention.
    Warning,
    /// Something failed.
    Danger,
    /// Low emphasis.
    Muted,
}

impl Tone {
    /// The CSS modifier: `info`, `success`, `warning`, `danger`, `muted`.
    pub fn class(self) -> &'static str {
        match self {
            Tone::Info => "info",
            Tone::Success => "success",
            Tone::Warning => "warning",
            Tone::Danger => "danger",
            Tone::Muted => "muted",
        }
    }
}

/// A message box. Errors are announced at once (`role="alert"`), the rest politely.
#[component]
pub fn Alert(#[prop(optional)] tone: Tone, children: Children) -> impl IntoView {
    let role = if tone == Tone::Danger {
        "alert"
    } else {
        "status"
    };
    view! {
        <div class=format!("alert alert-{}", tone.class()) role=role>
            {children()}
        </div>
    }
}

/// A small coloured label (payment status, overdue, …).
#[component]
pub fn Badge(#[prop(optional)] tone: Tone, children: Children) -> impl IntoView {
    view! { <span class=format!("badge badge-{}", tone.class())>{children()}</span> }
}

/// A labelled text input with its error shown beneath and tied to it by `aria-describedby`.
#[component]
pub fn TextField(
    /// Element id (also the `name`).
    id: &'static str,
    /// The visible label.
    #[prop(into)]
    label: Signal<String>,
    /// The value, two-way.
    value: RwSignal<String>,
    /// The error under the field, if any.
    #[prop(into)]
    error: Signal<Option<String>>,
    /// `text`, `password`, `email`.
    #[prop(default = "text")]
    kind: &'static str,
    /// The browser's autofill hint.
    #[prop(default = "off")]
    autocomplete: &'static str,
    /// A hint under the field.
    #[prop(optional, into)]
    hint: Option<Signal<String>>,
    /// Read-only field.
    #[prop(optional)]
    readonly: bool,
    /// Required field.
    #[prop(optional)]
    required: bool,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let has_hint = hint.is_some();
    let invalid = flag(move || error.with(Option::is_some));
    let described = {
        let error_id = error_id.clone();
        let hint_id = hint_id.clone();
        text(move || {
            let mut ids = Vec::new();
            if has_hint {
                ids.push(hint_id.clone());
            }
            if invalid.get() {
                ids.push(error_id.clone());
            }
            ids.join(" ")
        })
    };
    view! {
        <div class="field" class:field-invalid=invalid>
            <label for=id>{label}</label>
            <input
                id=id
                name=id
                type=kind
                autocomplete=autocomplete
                readonly=readonly
                required=required
                aria-invalid=text(move || invalid.get().to_string())
                aria-describedby=described
                prop:value=value
                on:input=move |ev| value.set(event_target_value(&ev))
            />
            {hint.map(|h| view! { <p class="field-hint" id=hint_id.clone()>{h}</p> })}
            <p class="field-error" id=error_id.clone() hidden=flag(move || !invalid.get())>
                {text(move || error.get().unwrap_or_default())}
            </p>
        </div>
    }
}
