//! Every text of the portal in its four languages. Numbers, amounts and dates are formatted by
//! `portal_domain::format` (see `fmt.rs`); this module holds words only.
//!
//! Each language is one `Texts` value, so a missing translation is a compile error.
//! Placeholders in braces (`{n}`, `{name}`) are filled with [`fill`].

use leptos::prelude::*;
use portal_domain::locale::Locale;
use portal_types::{DocumentState, DocumentType, PaymentStatus};

/// The chosen language, shared by every component.
#[derive(Debug, Clone, Copy)]
pub struct I18n {
    /// The language in use.
    pub locale: RwSignal<Locale>,
    /// Whether the user picked it (then the contractor's default no longer applies).
    pub chosen: RwSignal<bool>,
}

const STORAGE_KEY: &str = "portal.locale";

impl I18n {
    /// The language the user picked earlier on this device, else the browser's, else English.
    pub fn new() -> Self {
        let stored = storage()
            .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
            .and_then(|tag| Locale::parse(&tag));
        let locale = stored.or_else(browser_locale).unwrap_or_default();
        I18n {
            locale: RwSignal::new(locale),
            chosen: RwSignal::new(stored.is_some()),
        }
    }

    /// The texts of the current language (reactive).
    pub fn t(&self) -> &'static Texts {
        texts(self.locale.get())
    }

    /// The user picks a language: it wins over the contractor's default from now on.
    pub fn choose(&self, locale: Locale) {
        self.locale.set(locale);
        self.chosen.set(true);
        if let Some(s) = storage() {
            let _ = s.set_item(STORAGE_KEY, locale.as_str());
        }
    }

    /// The signed-in user's contractor prefers `tag`: used unless the user picked a language.
    pub fn default_to(&self, tag: &str) {
        if !self.chosen.get_untracked()
            && let Some(locale) = Locale::parse(tag)
        {
            self.locale.set(locale);
        }
    }
}

impl Default for I18n {
    fn default() -> Self {
        Self::new()
    }
}

/// The language context provided by the app.
pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn browser_locale() -> Option<Locale> {
    let navigator = web_sys::window()?.navigator();
    navigator
        .languages()
        .iter()
        .filter_map(|v| v.as_string())
        .chain(navigator.language())
        .find_map(|tag| Locale::parse(&tag))
}

/// Replaces `{key}` with `value` for each pair.
pub fn fill(template: &str, pairs: &[(&str, &str)]) -> String {
    let mut out = template.to_owned();
    for (key, value) in pairs {
        out = out.replace(&format!("{{{key}}}"), value);
    }
    out
}

/// The name of a language in that language (the switcher shows these).
pub fn native_name(locale: Locale) -> &'static str {
    match locale {
        Locale::Bg => "Български",
        Locale::En => "English",
        Locale::De => "Deutsch",
        Locale::Es => "Español",
    }
}

/// The texts of one language.
pub fn texts(locale: Locale) -> &'static Texts {
    match locale {
        Locale::Bg => &BG,
        Locale::En => &EN,
        Locale::De => &DE,
        Locale::Es => &ES,
    }
}

/// All words of the portal in one language.
#[derive(Debug)]
pub struct Texts {
    pub app_title: &'static str,
    pub skip_to_content: &'static str,
    pub main_nav: &'static str,
    pub nav_summary: &'static str,
    pub nav_documents: &'static str,
    pub nav_account: &'static str,
    pub logout: &'static str,
    pub language: &'static str,
    pub loading: &'static str,
    pub retry: &'static str,
    pub error_generic: &'static str,
    pub error_network: &'static str,
    pub not_found_title: &'static str,
    pub not_found_text: &'static str,
    pub doc_not_found_title: &'static str,
    pub doc_not_found_text: &'static str,
    pub back_to_documents: &'static str,
    pub go_home: &'static str,
    pub session_expired: &'static str,
    pub signed_out: &'static str,

    pub login_title: &'static str,
    pub login_intro: &'static str,
    pub username: &'static str,
    pub password: &'static str,
    pub sign_in: &'static str,
    pub signing_in: &'static str,
    pub invalid_credentials: &'static str,
    pub too_many_attempts: &'static str,
    pub seconds: &'static str,
    pub minutes: &'static str,
    pub required: &'static str,
    pub must_change_password: &'static str,

    pub welcome: &'static str,
    pub open: &'static str,
    pub overdue: &'static str,
    pub paid_12m: &'static str,
    pub doc_one: &'static str,
    pub doc_many: &'static str,
    pub by_type: &'static str,
    pub recent: &'static str,
    pub view_all: &'static str,
    pub no_documents_yet: &'static str,

    /// In the order of `DocumentType::ALL`.
    pub doc_types: [&'static str; 7],
    /// Paid, unpaid, partially paid.
    pub payment_statuses: [&'static str; 3],
    /// In the order of `DocumentState::ALL`.
    pub states: [&'static str; 6],

    pub col_number: &'static str,
    pub col_date: &'static str,
    pub col_due_date: &'static str,
    pub col_type: &'static str,
    pub col_currency: &'static str,
    pub col_tax_base: &'static str,
    pub col_vat: &'static str,
    pub col_total: &'static str,
    pub col_paid: &'static str,
    pub col_remaining: &'static str,
    pub col_downloaded: &'static str,
    pub col_download: &'static str,

    pub quick_label: &'static str,
    pub quick_all: &'static str,
    pub quick_unpaid: &'static str,
    pub quick_paid: &'static str,
    pub quick_overdue: &'static str,
    pub search_label: &'static str,
    pub filters: &'static str,
    pub filter_for: &'static str,
    pub filter_active: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    pub min: &'static str,
    pub max: &'static str,
    pub any: &'static str,
    pub downloaded_yes: &'static str,
    pub downloaded_no: &'static str,
    pub contains: &'static str,
    pub clear: &'static str,
    pub clear_all: &'static str,
    pub done: &'static str,
    pub remove_filter: &'static str,
    pub invalid_amount: &'static str,
    pub sort: &'static str,
    pub sort_hint: &'static str,
    pub ascending: &'static str,
    pub descending: &'static str,
    pub rows_per_page: &'static str,
    pub range: &'static str,
    pub page_of: &'static str,
    pub prev_page: &'static str,
    pub next_page: &'static str,
    pub pagination: &'static str,
    pub sum_of: &'static str,
    pub sums_caption: &'static str,
    pub empty_title: &'static str,
    pub empty_text: &'static str,
    pub load_error: &'static str,
    pub download_doc: &'static str,
    pub download_failed: &'static str,
    pub not_downloaded: &'static str,
    pub documents_caption: &'static str,

    pub status: &'static str,
    pub related: &'static str,
    pub first_viewed: &'static str,
    pub first_downloaded: &'static str,
    pub lines: &'static str,
    pub description: &'static str,
    pub quantity: &'static str,
    pub unit: &'static str,
    pub unit_price: &'static str,
    pub discount: &'static str,
    pub vat_rate: &'static str,
    pub net: &'static str,
    pub vat_breakdown: &'static str,
    pub payments: &'static str,
    pub payment_method: &'static str,
    pub amount: &'static str,
    /// Bank transfer, card, cash, provider.
    pub methods: [&'static str; 4],
    pub no_payments: &'static str,
    pub notes: &'static str,
    pub preview: &'static str,
    pub pdf_frame_title: &'static str,
    pub preview_failed: &'static str,
    pub print: &'static str,
    pub download: &'static str,
    pub details: &'static str,

    pub account_title: &'static str,
    pub personal: &'static str,
    pub contractor: &'static str,
    pub first_name: &'static str,
    pub last_name: &'static str,
    pub email: &'static str,
    pub change_password: &'static str,
    pub password_section_hint: &'static str,
    pub current_password: &'static str,
    pub new_password: &'static str,
    pub repeat_password: &'static str,
    pub new_password_hint: &'static str,
    pub confirm: &'static str,
    pub saving: &'static str,
    pub saved: &'static str,
    pub password_changed: &'static str,
    pub nothing_to_save: &'static str,
    pub fix_errors: &'static str,
    pub err_too_long: &'static str,
    pub err_invalid_characters: &'static str,
    pub err_invalid_email: &'static str,
    pub err_mismatch: &'static str,
    pub err_invalid_password: &'static str,
    pub err_too_short: &'static str,
    pub err_too_common: &'static str,
    pub err_contains_username: &'static str,
    pub err_unchanged: &'static str,
    pub err_current_required: &'static str,
    pub err_invalid: &'static str,
}

impl Texts {
    /// The name of a document type.
    pub fn doc_type(&self, t: DocumentType) -> &'static str {
        let i = DocumentType::ALL.iter().position(|x| *x == t).unwrap_or(0);
        self.doc_types[i]
    }

    /// The name of a payment status.
    pub fn payment_status(&self, s: PaymentStatus) -> &'static str {
        match s {
            PaymentStatus::Paid => self.payment_statuses[0],
            PaymentStatus::Unpaid => self.payment_statuses[1],
            PaymentStatus::PartiallyPaid => self.payment_statuses[2],
        }
    }

    /// The name of a document state.
    pub fn state(&self, s: DocumentState) -> &'static str {
        let i = DocumentState::ALL.iter().position(|x| *x == s).unwrap_or(0);
        self.states[i]
    }

    /// The name of a payment method (the wire code when unknown).
    pub fn method<'a>(&self, code: &'a str) -> &'a str {
        match code {
            "bank_transfer" => self.methods[0],
            "card" => self.methods[1],
            "cash" => self.methods[2],
            "provider" => self.methods[3],
            other => other,
        }
    }

    /// "1 document", "5 documents".
    pub fn documents(&self, n: u64) -> String {
        format!("{n} {}", if n == 1 { self.doc_one } else { self.doc_many })
    }

    /// The message for a field error code of the API.
    pub fn field_error(&self, code: &str) -> &'static str {
        match code {
            "required" => self.required,
            "too_long" => self.err_too_long,
            "invalid_characters" => self.err_invalid_characters,
            "invalid_email" => self.err_invalid_email,
            "mismatch" => self.err_mismatch,
            "invalid_password" => self.err_invalid_password,
            "too_short" => self.err_too_short,
            "too_common" => self.err_too_common,
            "contains_username" => self.err_contains_username,
            "unchanged" => self.err_unchanged,
            _ => self.err_invalid,
        }
    }

    /// "Try again in 42 s" / "… in 3 min".
    pub fn retry_after(&self, seconds: u32) -> String {
        let time = if seconds > 90 {
            fill(self.minutes, &[("n", &seconds.div_ceil(60).to_string())])
        } else {
            fill(self.seconds, &[("n", &seconds.max(1).to_string())])
        };
        fill(self.too_many_attempts, &[("time", &time)])
    }
}

pub const EN: Texts = Texts {
    app_title: "Customer portal",
    skip_to_content: "Skip to content",
    main_nav: "Main navigation",
    nav_summary: "Overview",
    nav_documents: "Documents",
    nav_account: "Account",
    logout: "Sign out",
    language: "Language",
    loading: "Loading…",
    retry: "Try again",
    error_generic: "Something went wrong. Please try again.",
    error_network: "The server cannot be reached. Check your connection and try again.",
    not_found_title: "Page not found",
    not_found_text: "There is nothing at this address.",
    doc_not_found_title: "Document not found",
    doc_not_found_text: "This document does not exist or is not available to you.",
    back_to_documents: "Back to documents",
    go_home: "Go to the overview",
    session_expired: "Your session has expired. Please sign in again.",
    signed_out: "You have signed out.",

    login_title: "Sign in",
    login_intro: "Sign in to see your invoices and documents.",
    username: "Username",
    password: "Password",
    sign_in: "Sign in",
    signing_in: "Signing in…",
    invalid_credentials: "The username or password is incorrect.",
    too_many_attempts: "Too many attempts. Try again in {time}.",
    seconds: "{n} s",
    minutes: "{n} min",
    required: "Please fill in this field.",
    must_change_password: "Please choose a new password before you continue.",

    welcome: "Welcome, {name}",
    open: "Open",
    overdue: "Overdue",
    paid_12m: "Paid in the last 12 months",
    doc_one: "document",
    doc_many: "documents",
    by_type: "Your documents",
    recent: "Recent documents",
    view_all: "All documents",
    no_documents_yet: "No documents yet.",

    doc_types: [
        "Invoice",
        "Credit note",
        "Debit note",
        "Offer",
        "Reminder",
        "Delivery note",
        "Order confirmation",
    ],
    payment_statuses: ["Paid", "Unpaid", "Partially paid"],
    states: [
        "Draft",
        "Issued",
        "Cancelled",
        "Accepted",
        "Rejected",
        "Expired",
    ],

    col_number: "Number",
    col_date: "Date",
    col_due_date: "Due date",
    col_type: "Type",
    col_currency: "Currency",
    col_tax_base: "Tax base",
    col_vat: "VAT",
    col_total: "Total",
    col_paid: "Paid",
    col_remaining: "Remaining",
    col_downloaded: "Downloaded",
    col_download: "Download",

    quick_label: "Show",
    quick_all: "All",
    quick_unpaid: "Unpaid",
    quick_paid: "Paid",
    quick_overdue: "Overdue",
    search_label: "Search number or description",
    filters: "Filters",
    filter_for: "Filter {col}",
    filter_active: "(active)",
    from: "From",
    to: "To",
    min: "Min",
    max: "Max",
    any: "Any",
    downloaded_yes: "Downloaded",
    downloaded_no: "Not downloaded",
    contains: "Contains",
    clear: "Clear",
    clear_all: "Clear all filters",
    done: "Done",
    remove_filter: "Remove filter: {filter}",
    invalid_amount: "Enter an amount such as {example}.",
    sort: "Sort",
    sort_hint: "Click a column title to sort; Shift-click to add another sort key.",
    ascending: "ascending",
    descending: "descending",
    rows_per_page: "Rows per page",
    range: "{from}–{to} of {total}",
    page_of: "Page {p} of {n}",
    prev_page: "Previous page",
    next_page: "Next page",
    pagination: "Pagination",
    sum_of: "Total {cur}",
    sums_caption: "Totals of all matching documents",
    empty_title: "No documents match these filters",
    empty_text: "Change or clear the filters to see more.",
    load_error: "The documents could not be loaded.",
    download_doc: "Download {number} as PDF",
    download_failed: "The download failed. Please try again.",
    not_downloaded: "Not yet",
    documents_caption: "Your documents",

    status: "Status",
    related: "Corrects",
    first_viewed: "First viewed",
    first_downloaded: "First downloaded",
    lines: "Items",
    description: "Description",
    quantity: "Quantity",
    unit: "Unit",
    unit_price: "Unit price",
    discount: "Discount",
    vat_rate: "VAT rate",
    net: "Net",
    vat_breakdown: "VAT breakdown",
    payments: "Payments",
    payment_method: "Method",
    amount: "Amount",
    methods: ["Bank transfer", "Card", "Cash", "Online payment"],
    no_payments: "No payments recorded yet.",
    notes: "Notes",
    preview: "Preview",
    pdf_frame_title: "PDF of {doc}",
    preview_failed: "The preview could not be loaded.",
    print: "Print",
    download: "Download",
    details: "Details",

    account_title: "Your account",
    personal: "Personal details",
    contractor: "Contractor",
    first_name: "First name",
    last_name: "Last name",
    email: "E-mail",
    change_password: "Change password",
    password_section_hint: "Leave these empty to keep your password.",
    current_password: "Current password",
    new_password: "New password",
    repeat_password: "Repeat password",
    new_password_hint: "At least 10 characters.",
    confirm: "Confirm",
    saving: "Saving…",
    saved: "Your details have been saved.",
    password_changed: "Your password has been changed.",
    nothing_to_save: "There is nothing to save.",
    fix_errors: "Please correct the marked fields.",
    err_too_long: "This is too long.",
    err_invalid_characters: "This contains characters that are not allowed.",
    err_invalid_email: "This is not a valid e-mail address.",
    err_mismatch: "The passwords do not match.",
    err_invalid_password: "The current password is wrong.",
    err_too_short: "The password needs at least 10 characters.",
    err_too_common: "This password is too common. Choose another one.",
    err_contains_username: "The password must not contain your username.",
    err_unchanged: "The new password is the same as the current one.",
    err_current_required: "Enter your current password to set a new one.",
    err_invalid: "This value is not valid.",
};

pub const BG: Texts = Texts {
    app_title: "Клиентски портал",
    skip_to_content: "Към съдържанието",
    main_nav: "Основна навигация",
    nav_summary: "Обобщение",
    nav_documents: "Документи",
    nav_account: "Профил",
    logout: "Изход",
    language: "Език",
    loading: "Зареждане…",
    retry: "Опитай отново",
    error_generic: "Нещо се обърка. Моля, опитайте отново.",
    error_network: "Сървърът не е достъпен. Проверете връзката си и опитайте отново.",
    not_found_title: "Страницата не е намерена",
    not_found_text: "На този адрес няма нищо.",
    doc_not_found_title: "Документът не е намерен",
    doc_not_found_text: "Този документ не съществува или не е достъпен за вас.",
    back_to_documents: "Обратно към документите",
    go_home: "Към обобщението",
    session_expired: "Сесията ви изтече. Моля, влезте отново.",
    signed_out: "Излязохте от портала.",

    login_title: "Вход",
    login_intro: "Влезте, за да видите вашите фактури и документи.",
    username: "Потребителско име",
    password: "Парола",
    sign_in: "Вход",
    signing_in: "Влизане…",
    invalid_credentials: "Грешно потребителско име или парола.",
    too_many_attempts: "Твърде много опити. Опитайте отново след {time}.",
    seconds: "{n} сек.",
    minutes: "{n} мин.",
    required: "Моля, попълнете това поле.",
    must_change_password: "Моля, изберете нова парола, преди да продължите.",

    welcome: "Здравейте, {name}",
    open: "Неплатени",
    overdue: "Просрочени",
    paid_12m: "Платени през последните 12 месеца",
    doc_one: "документ",
    doc_many: "документа",
    by_type: "Вашите документи",
    recent: "Последни документи",
    view_all: "Всички документи",
    no_documents_yet: "Все още няма документи.",

    doc_types: [
        "Фактура",
        "Кредитно известие",
        "Дебитно известие",
        "Оферта",
        "Напомняне",
        "Стокова разписка",
        "Потвърждение на поръчка",
    ],
    payment_statuses: ["Платена", "Неплатена", "Частично платена"],
    states: [
        "Чернова",
        "Издаден",
        "Анулиран",
        "Приет",
        "Отхвърлен",
        "Изтекъл",
    ],

    col_number: "Номер",
    col_date: "Дата",
    col_due_date: "Падеж",
    col_type: "Вид",
    col_currency: "Валута",
    col_tax_base: "Дан. основа",
    col_vat: "ДДС",
    col_total: "Общо",
    col_paid: "Платено",
    col_remaining: "Остатък",
    col_downloaded: "Изтеглен",
    col_download: "Изтегляне",

    quick_label: "Покажи",
    quick_all: "Всички",
    quick_unpaid: "Неплатени",
    quick_paid: "Платени",
    quick_overdue: "Просрочени",
    search_label: "Търсене по номер или описание",
    filters: "Филтри",
    filter_for: "Филтър: {col}",
    filter_active: "(активен)",
    from: "От",
    to: "До",
    min: "Мин.",
    max: "Макс.",
    any: "Всички",
    downloaded_yes: "Изтеглени",
    downloaded_no: "Неизтеглени",
    contains: "Съдържа",
    clear: "Изчисти",
    clear_all: "Изчисти всички филтри",
    done: "Готово",
    remove_filter: "Премахни филтъра: {filter}",
    invalid_amount: "Въведете сума, например {example}.",
    sort: "Сортиране",
    sort_hint: "Щракнете върху заглавие на колона, за да сортирате; Shift+щракване добавя още един ключ.",
    ascending: "възходящо",
    descending: "низходящо",
    rows_per_page: "Редове на страница",
    range: "{from}–{to} от {total}",
    page_of: "Страница {p} от {n}",
    prev_page: "Предишна страница",
    next_page: "Следваща страница",
    pagination: "Страници",
    sum_of: "Общо {cur}",
    sums_caption: "Суми на всички намерени документи",
    empty_title: "Няма документи, отговарящи на филтрите",
    empty_text: "Променете или изчистете филтрите, за да видите повече.",
    load_error: "Документите не можаха да бъдат заредени.",
    download_doc: "Изтегли {number} като PDF",
    download_failed: "Изтеглянето не бе успешно. Моля, опитайте отново.",
    not_downloaded: "Не",
    documents_caption: "Вашите документи",

    status: "Статус",
    related: "Към документ",
    first_viewed: "Първо отваряне",
    first_downloaded: "Първо изтегляне",
    lines: "Редове",
    description: "Описание",
    quantity: "Количество",
    unit: "Мярка",
    unit_price: "Ед. цена",
    discount: "Отстъпка",
    vat_rate: "Ставка ДДС",
    net: "Стойност",
    vat_breakdown: "ДДС по ставки",
    payments: "Плащания",
    payment_method: "Начин",
    amount: "Сума",
    methods: ["Банков превод", "Карта", "В брой", "Онлайн плащане"],
    no_payments: "Все още няма плащания.",
    notes: "Бележки",
    preview: "Преглед",
    pdf_frame_title: "PDF на {doc}",
    preview_failed: "Прегледът не можа да се зареди.",
    print: "Печат",
    download: "Изтегли",
    details: "Данни",

    account_title: "Вашият профил",
    personal: "Лични данни",
    contractor: "Контрагент",
    first_name: "Име",
    last_name: "Фамилия",
    email: "Имейл",
    change_password: "Смяна на паролата",
    password_section_hint: "Оставете полетата празни, за да запазите паролата си.",
    current_password: "Текуща парола",
    new_password: "Нова парола",
    repeat_password: "Повторете паролата",
    new_password_hint: "Поне 10 знака.",
    confirm: "Потвърди",
    saving: "Запазване…",
    saved: "Данните ви са запазени.",
    password_changed: "Паролата ви е сменена.",
    nothing_to_save: "Няма промени за запазване.",
    fix_errors: "Моля, коригирайте отбелязаните полета.",
    err_too_long: "Текстът е твърде дълъг.",
    err_invalid_characters: "Съдържа непозволени знаци.",
    err_invalid_email: "Невалиден имейл адрес.",
    err_mismatch: "Паролите не съвпадат.",
    err_invalid_password: "Текущата парола е грешна.",
    err_too_short: "Паролата трябва да е поне 10 знака.",
    err_too_common: "Тази парола е твърде често срещана. Изберете друга.",
    err_contains_username: "Паролата не трябва да съдържа потребителското ви име.",
    err_unchanged: "Новата парола съвпада с текущата.",
    err_current_required: "Въведете текущата си парола, за да зададете нова.",
    err_invalid: "Невалидна стойност.",
};

pub const DE: Texts = Texts {
    app_title: "Kundenportal",
    skip_to_content: "Zum Inhalt springen",
    main_nav: "Hauptnavigation",
    nav_summary: "Übersicht",
    nav_documents: "Dokumente",
    nav_account: "Konto",
    logout: "Abmelden",
    language: "Sprache",
    loading: "Wird geladen…",
    retry: "Erneut versuchen",
    error_generic: "Etwas ist schiefgelaufen. Bitte versuchen Sie es erneut.",
    error_network: "Der Server ist nicht erreichbar. Prüfen Sie Ihre Verbindung und versuchen Sie es erneut.",
    not_found_title: "Seite nicht gefunden",
    not_found_text: "Unter dieser Adresse gibt es nichts.",
    doc_not_found_title: "Dokument nicht gefunden",
    doc_not_found_text: "Dieses Dokument gibt es nicht oder es ist für Sie nicht verfügbar.",
    back_to_documents: "Zurück zu den Dokumenten",
    go_home: "Zur Übersicht",
    session_expired: "Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an.",
    signed_out: "Sie haben sich abgemeldet.",

    login_title: "Anmelden",
    login_intro: "Melden Sie sich an, um Ihre Rechnungen und Dokumente zu sehen.",
    username: "Benutzername",
    password: "Passwort",
    sign_in: "Anmelden",
    signing_in: "Anmeldung läuft…",
    invalid_credentials: "Benutzername oder Passwort ist falsch.",
    too_many_attempts: "Zu viele Versuche. Versuchen Sie es in {time} erneut.",
    seconds: "{n} Sek.",
    minutes: "{n} Min.",
    required: "Bitte füllen Sie dieses Feld aus.",
    must_change_password: "Bitte wählen Sie ein neues Passwort, bevor Sie fortfahren.",

    welcome: "Willkommen, {name}",
    open: "Offen",
    overdue: "Überfällig",
    paid_12m: "Bezahlt in den letzten 12 Monaten",
    doc_one: "Dokument",
    doc_many: "Dokumente",
    by_type: "Ihre Dokumente",
    recent: "Neueste Dokumente",
    view_all: "Alle Dokumente",
    no_documents_yet: "Noch keine Dokumente.",

    doc_types: [
        "Rechnung",
        "Gutschrift",
        // soft hyphens: where the long compounds break in a narrow grid column
        "Belastungs\u{ad}anzeige",
        "Angebot",
        "Mahnung",
        "Lieferschein",
        "Auftrags\u{ad}bestätigung",
    ],
    payment_statuses: ["Bezahlt", "Unbezahlt", "Teilweise bezahlt"],
    states: [
        "Entwurf",
        "Ausgestellt",
        "Storniert",
        "Angenommen",
        "Abgelehnt",
        "Abgelaufen",
    ],

    col_number: "Nummer",
    col_date: "Datum",
    col_due_date: "Fällig am",
    col_type: "Art",
    col_currency: "Währung",
    col_tax_base: "Netto",
    col_vat: "USt.",
    col_total: "Gesamt",
    col_paid: "Bezahlt",
    col_remaining: "Rest\u{ad}betrag",
    col_downloaded: "Abgerufen",
    col_download: "Download",

    quick_label: "Anzeigen",
    quick_all: "Alle",
    quick_unpaid: "Unbezahlt",
    quick_paid: "Bezahlt",
    quick_overdue: "Überfällig",
    search_label: "Nummer oder Beschreibung suchen",
    filters: "Filter",
    filter_for: "Filter: {col}",
    filter_active: "(aktiv)",
    from: "Von",
    to: "Bis",
    min: "Min.",
    max: "Max.",
    any: "Alle",
    downloaded_yes: "Abgerufen",
    downloaded_no: "Nicht abgerufen",
    contains: "Enthält",
    clear: "Zurücksetzen",
    clear_all: "Alle Filter zurücksetzen",
    done: "Fertig",
    remove_filter: "Filter entfernen: {filter}",
    invalid_amount: "Geben Sie einen Betrag wie {example} ein.",
    sort: "Sortierung",
    sort_hint: "Klicken Sie auf einen Spaltentitel, um zu sortieren; Umschalt+Klick fügt eine weitere Sortierung hinzu.",
    ascending: "aufsteigend",
    descending: "absteigend",
    rows_per_page: "Zeilen pro Seite",
    range: "{from}–{to} von {total}",
    page_of: "Seite {p} von {n}",
    prev_page: "Vorherige Seite",
    next_page: "Nächste Seite",
    pagination: "Seitennavigation",
    sum_of: "Summe {cur}",
    sums_caption: "Summen aller gefundenen Dokumente",
    empty_title: "Keine Dokumente entsprechen diesen Filtern",
    empty_text: "Ändern oder entfernen Sie Filter, um mehr zu sehen.",
    load_error: "Die Dokumente konnten nicht geladen werden.",
    download_doc: "{number} als PDF herunterladen",
    download_failed: "Der Download ist fehlgeschlagen. Bitte versuchen Sie es erneut.",
    not_downloaded: "Noch nicht",
    documents_caption: "Ihre Dokumente",

    status: "Status",
    related: "Bezieht sich auf",
    first_viewed: "Zuerst angesehen",
    first_downloaded: "Zuerst abgerufen",
    lines: "Positionen",
    description: "Beschreibung",
    quantity: "Menge",
    unit: "Einheit",
    unit_price: "Einzelpreis",
    discount: "Rabatt",
    vat_rate: "USt.-Satz",
    net: "Netto",
    vat_breakdown: "USt.-Aufschlüsselung",
    payments: "Zahlungen",
    payment_method: "Zahlungsart",
    amount: "Betrag",
    methods: ["Überweisung", "Karte", "Bar", "Online-Zahlung"],
    no_payments: "Noch keine Zahlungen erfasst.",
    notes: "Anmerkungen",
    preview: "Vorschau",
    pdf_frame_title: "PDF von {doc}",
    preview_failed: "Die Vorschau konnte nicht geladen werden.",
    print: "Drucken",
    download: "Herunterladen",
    details: "Details",

    account_title: "Ihr Konto",
    personal: "Persönliche Daten",
    contractor: "Kunde",
    first_name: "Vorname",
    last_name: "Nachname",
    email: "E-Mail",
    change_password: "Passwort ändern",
    password_section_hint: "Leer lassen, um das Passwort zu behalten.",
    current_password: "Aktuelles Passwort",
    new_password: "Neues Passwort",
    repeat_password: "Passwort wiederholen",
    new_password_hint: "Mindestens 10 Zeichen.",
    confirm: "Bestätigen",
    saving: "Wird gespeichert…",
    saved: "Ihre Daten wurden gespeichert.",
    password_changed: "Ihr Passwort wurde geändert.",
    nothing_to_save: "Es gibt nichts zu speichern.",
    fix_errors: "Bitte korrigieren Sie die markierten Felder.",
    err_too_long: "Die Eingabe ist zu lang.",
    err_invalid_characters: "Enthält unzulässige Zeichen.",
    err_invalid_email: "Keine gültige E-Mail-Adresse.",
    err_mismatch: "Die Passwörter stimmen nicht überein.",
    err_invalid_password: "Das aktuelle Passwort ist falsch.",
    err_too_short: "Das Passwort muss mindestens 10 Zeichen haben.",
    err_too_common: "Dieses Passwort ist zu verbreitet. Wählen Sie ein anderes.",
    err_contains_username: "Das Passwort darf Ihren Benutzernamen nicht enthalten.",
    err_unchanged: "Das neue Passwort ist das aktuelle.",
    err_current_required: "Geben Sie Ihr aktuelles Passwort ein, um ein neues festzulegen.",
    err_invalid: "Ungültiger Wert.",
};

pub const ES: Texts = Texts {
    app_title: "Portal de clientes",
    skip_to_content: "Saltar al contenido",
    main_nav: "Navegación principal",
    nav_summary: "Resumen",
    nav_documents: "Documentos",
    nav_account: "Cuenta",
    logout: "Cerrar sesión",
    language: "Idioma",
    loading: "Cargando…",
    retry: "Reintentar",
    error_generic: "Algo ha salido mal. Inténtelo de nuevo.",
    error_network: "No se puede conectar con el servidor. Compruebe su conexión e inténtelo de nuevo.",
    not_found_title: "Página no encontrada",
    not_found_text: "No hay nada en esta dirección.",
    doc_not_found_title: "Documento no encontrado",
    doc_not_found_text: "Este documento no existe o no está disponible para usted.",
    back_to_documents: "Volver a los documentos",
    go_home: "Ir al resumen",
    session_expired: "Su sesión ha caducado. Inicie sesión de nuevo.",
    signed_out: "Ha cerrado la sesión.",

    login_title: "Iniciar sesión",
    login_intro: "Inicie sesión para ver sus facturas y documentos.",
    username: "Nombre de usuario",
    password: "Contraseña",
    sign_in: "Entrar",
    signing_in: "Entrando…",
    invalid_credentials: "El nombre de usuario o la contraseña no son correctos.",
    too_many_attempts: "Demasiados intentos. Vuelva a intentarlo dentro de {time}.",
    seconds: "{n} s",
    minutes: "{n} min",
    required: "Rellene este campo.",
    must_change_password: "Elija una contraseña nueva antes de continuar.",

    welcome: "Hola, {name}",
    open: "Pendiente",
    overdue: "Vencido",
    paid_12m: "Pagado en los últimos 12 meses",
    doc_one: "documento",
    doc_many: "documentos",
    by_type: "Sus documentos",
    recent: "Documentos recientes",
    view_all: "Todos los documentos",
    no_documents_yet: "Todavía no hay documentos.",

    doc_types: [
        "Factura",
        "Nota de crédito",
        "Nota de débito",
        "Oferta",
        "Recordatorio",
        "Albarán",
        "Confirmación de pedido",
    ],
    payment_statuses: ["Pagado", "No pagado", "Pagado en parte"],
    states: [
        "Borrador",
        "Emitido",
        "Anulado",
        "Aceptado",
        "Rechazado",
        "Caducado",
    ],

    col_number: "Número",
    col_date: "Fecha",
    col_due_date: "Vencimiento",
    col_type: "Tipo",
    col_currency: "Moneda",
    col_tax_base: "Base imponible",
    col_vat: "IVA",
    col_total: "Total",
    col_paid: "Pagado",
    col_remaining: "Pendiente",
    col_downloaded: "Descargado",
    col_download: "Descargar",

    quick_label: "Mostrar",
    quick_all: "Todos",
    quick_unpaid: "No pagados",
    quick_paid: "Pagados",
    quick_overdue: "Vencidos",
    search_label: "Buscar por número o descripción",
    filters: "Filtros",
    filter_for: "Filtrar: {col}",
    filter_active: "(activo)",
    from: "Desde",
    to: "Hasta",
    min: "Mín.",
    max: "Máx.",
    any: "Todos",
    downloaded_yes: "Descargados",
    downloaded_no: "No descargados",
    contains: "Contiene",
    clear: "Borrar",
    clear_all: "Borrar todos los filtros",
    done: "Listo",
    remove_filter: "Quitar filtro: {filter}",
    invalid_amount: "Introduzca un importe como {example}.",
    sort: "Orden",
    sort_hint: "Haga clic en el título de una columna para ordenar; Mayús+clic añade otro criterio.",
    ascending: "ascendente",
    descending: "descendente",
    rows_per_page: "Filas por página",
    range: "{from}–{to} de {total}",
    page_of: "Página {p} de {n}",
    prev_page: "Página anterior",
    next_page: "Página siguiente",
    pagination: "Paginación",
    sum_of: "Total {cur}",
    sums_caption: "Totales de todos los documentos encontrados",
    empty_title: "Ningún documento coincide con estos filtros",
    empty_text: "Cambie o borre los filtros para ver más.",
    load_error: "No se han podido cargar los documentos.",
    download_doc: "Descargar {number} en PDF",
    download_failed: "La descarga ha fallado. Inténtelo de nuevo.",
    not_downloaded: "Aún no",
    documents_caption: "Sus documentos",

    status: "Estado",
    related: "Rectifica",
    first_viewed: "Visto por primera vez",
    first_downloaded: "Descargado por primera vez",
    lines: "Líneas",
    description: "Descripción",
    quantity: "Cantidad",
    unit: "Unidad",
    unit_price: "Precio unitario",
    discount: "Descuento",
    vat_rate: "Tipo de IVA",
    net: "Neto",
    vat_breakdown: "Desglose del IVA",
    payments: "Pagos",
    payment_method: "Método",
    amount: "Importe",
    methods: ["Transferencia", "Tarjeta", "Efectivo", "Pago en línea"],
    no_payments: "Todavía no hay pagos registrados.",
    notes: "Notas",
    preview: "Vista previa",
    pdf_frame_title: "PDF de {doc}",
    preview_failed: "No se ha podido cargar la vista previa.",
    print: "Imprimir",
    download: "Descargar",
    details: "Datos",

    account_title: "Su cuenta",
    personal: "Datos personales",
    contractor: "Cliente",
    first_name: "Nombre",
    last_name: "Apellidos",
    email: "Correo electrónico",
    change_password: "Cambiar la contraseña",
    password_section_hint: "Déjelos vacíos para mantener su contraseña.",
    current_password: "Contraseña actual",
    new_password: "Contraseña nueva",
    repeat_password: "Repetir la contraseña",
    new_password_hint: "Al menos 10 caracteres.",
    confirm: "Confirmar",
    saving: "Guardando…",
    saved: "Sus datos se han guardado.",
    password_changed: "Su contraseña se ha cambiado.",
    nothing_to_save: "No hay cambios que guardar.",
    fix_errors: "Corrija los campos marcados.",
    err_too_long: "El texto es demasiado largo.",
    err_invalid_characters: "Contiene caracteres no permitidos.",
    err_invalid_email: "La dirección de correo no es válida.",
    err_mismatch: "Las contraseñas no coinciden.",
    err_invalid_password: "La contraseña actual no es correcta.",
    err_too_short: "La contraseña debe tener al menos 10 caracteres.",
    err_too_common: "Esta contraseña es demasiado común. Elija otra.",
    err_contains_username: "La contraseña no debe contener su nombre de usuario.",
    err_unchanged: "La contraseña nueva es igual a la actual.",
    err_current_required: "Introduzca su contraseña actual para establecer una nueva.",
    err_invalid: "Valor no válido.",
};

/// A text of the current language that follows language changes, for a view or an attribute.
/// All call sites share one closure type, which keeps the wasm small (a closure per text
/// would each bring its own copy of the rendering code).
pub fn tr(
    pick: fn(&'static Texts) -> &'static str,
) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let i18n = use_i18n();
    move || pick(i18n.t())
}

/// [`tr`] as a `Signal<String>`, for component properties.
pub fn trs(pick: fn(&'static Texts) -> &'static str) -> Signal<String> {
    let i18n = use_i18n();
    Signal::derive(move || pick(i18n.t()).to_owned())
}
