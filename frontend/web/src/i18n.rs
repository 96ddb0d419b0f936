//! The language machinery both apps share — the chosen language, kept on the device and
//! followed by every component — and the words both use: document types, states, payment
//! statuses and methods, loading and error messages, the API's field error codes. Each app
//! keeps its own words in its own `Texts` (the customer never downloads the issuer's).
//!
//! Placeholders in braces (`{n}`, `{name}`) are filled with [`fill`].

use leptos::prelude::*;
use portal_domain::locale::Locale;
use portal_types::{DocumentState, DocumentType, PaymentStatus};

/// The chosen language, shared by every component (provided as context by the app).
#[derive(Debug, Clone, Copy)]
pub struct I18n {
    /// The language in use.
    pub locale: RwSignal<Locale>,
    /// Whether the user picked it (then the account's default no longer applies).
    pub chosen: RwSignal<bool>,
    storage_key: &'static str,
}

impl I18n {
    /// The language the user picked earlier on this device (kept under `storage_key`), else
    /// the browser's, else English.
    pub fn new(storage_key: &'static str) -> Self {
        let stored = storage()
            .and_then(|s| s.get_item(storage_key).ok().flatten())
            .and_then(|tag| Locale::parse(&tag));
        let locale = stored.or_else(browser_locale).unwrap_or_default();
        I18n {
            locale: RwSignal::new(locale),
            chosen: RwSignal::new(stored.is_some()),
            storage_key,
        }
    }

    /// The shared words of the current language (reactive).
    pub fn common(&self) -> &'static Common {
        common(self.locale.get())
    }

    /// The user picks a language: it wins over the account's default from now on.
    pub fn choose(&self, locale: Locale) {
        self.locale.set(locale);
        self.chosen.set(true);
        if let Some(s) = storage() {
            let _ = s.set_item(self.storage_key, locale.as_str());
        }
    }

    /// The signed-in user's account prefers `tag`: used unless the user picked a language.
    pub fn default_to(&self, tag: &str) {
        if !self.chosen.get_untracked()
            && let Some(locale) = Locale::parse(tag)
        {
            self.locale.set(locale);
        }
    }
}

/// The language context provided by the app.
pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

pub(crate) fn storage() -> Option<web_sys::Storage> {
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

/// A shared word of the current language that follows language changes, as a
/// `Signal<String>`: the type the apps already render for their own words, so it brings no
/// rendering code of its own into the bundle.
pub fn cts(pick: fn(&'static Common) -> &'static str) -> Signal<String> {
    let i18n = use_i18n();
    Signal::derive(move || pick(i18n.common()).to_owned())
}

/// The shared words of one language.
pub fn common(locale: Locale) -> &'static Common {
    match locale {
        Locale::Bg => &BG,
        Locale::En => &EN,
        Locale::De => &DE,
        Locale::Es => &ES,
    }
}

/// The words both apps use, in one language.
#[derive(Debug)]
pub struct Common {
    pub language: &'static str,
    pub loading: &'static str,
    pub retry: &'static str,
    pub error_generic: &'static str,
    pub error_network: &'static str,
    pub required: &'static str,
    pub too_many_attempts: &'static str,
    pub seconds: &'static str,
    pub minutes: &'static str,
    /// In the order of `DocumentType::ALL`.
    pub doc_types: [&'static str; 7],
    /// Paid, unpaid, partially paid.
    pub payment_statuses: [&'static str; 3],
    /// In the order of `DocumentState::ALL`.
    pub states: [&'static str; 6],
    /// Bank transfer, card, cash, provider.
    pub methods: [&'static str; 4],
    pub err_too_long: &'static str,
    pub err_invalid_characters: &'static str,
    pub err_invalid_email: &'static str,
    pub err_mismatch: &'static str,
    pub err_invalid_password: &'static str,
    pub err_too_short: &'static str,
    pub err_too_common: &'static str,
    pub err_contains_username: &'static str,
    pub err_unchanged: &'static str,
    pub err_invalid: &'static str,
    pub thread_title: &'static str,
    pub thread_empty: &'static str,
    pub thread_message: &'static str,
    pub thread_files: &'static str,
    pub thread_send: &'static str,
    pub thread_closed: &'static str,
    pub thread_err_type: &'static str,
    pub thread_err_large: &'static str,
    pub thread_err_many: &'static str,
    pub thread_err_empty: &'static str,
    pub thread_err_file: &'static str,
    pub thread_new: &'static str,
}

impl Common {
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

pub const EN: Common = Common {
    language: "Language",
    loading: "Loading…",
    retry: "Try again",
    error_generic: "Something went wrong. Please try again.",
    error_network: "The server cannot be reached. Check your connection and try again.",
    required: "Please fill in this field.",
    too_many_attempts: "Too many attempts. Try again in {time}.",
    seconds: "{n} s",
    minutes: "{n} min",
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

    methods: ["Bank transfer", "Card", "Cash", "Online payment"],
    err_too_long: "This is too long.",
    err_invalid_characters: "This contains characters that are not allowed.",
    err_invalid_email: "This is not a valid e-mail address.",
    err_mismatch: "The passwords do not match.",
    err_invalid_password: "The current password is wrong.",
    err_too_short: "The password needs at least 10 characters.",
    err_too_common: "This password is too common. Choose another one.",
    err_contains_username: "The password must not contain your username.",
    err_unchanged: "The new password is the same as the current one.",
    err_invalid: "This value is not valid.",
    thread_title: "Comments",
    thread_empty: "No comments yet.",
    thread_message: "Your message",
    thread_files: "Attach files: PDF, PNG, JPEG or text (or drop them here)",
    thread_send: "Send",
    thread_closed: "Comments are closed for this document.",
    thread_err_type: "“{name}” cannot be attached: only PDF, PNG, JPEG and plain text files are accepted.",
    thread_err_large: "“{name}” is too large.",
    thread_err_many: "Too many files for one message.",
    thread_err_empty: "Write a message or attach a file.",
    thread_err_file: "“{name}” cannot be attached: it is empty or its name is not allowed.",
    thread_new: "New",
};

pub const BG: Common = Common {
    language: "Език",
    loading: "Зареждане…",
    retry: "Опитай отново",
    error_generic: "Нещо се обърка. Моля, опитайте отново.",
    error_network: "Сървърът не е достъпен. Проверете връзката си и опитайте отново.",
    required: "Моля, попълнете това поле.",
    too_many_attempts: "Твърде много опити. Опитайте отново след {time}.",
    seconds: "{n} сек.",
    minutes: "{n} мин.",
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

    methods: ["Банков превод", "Карта", "В брой", "Онлайн плащане"],
    err_too_long: "Текстът е твърде дълъг.",
    err_invalid_characters: "Съдържа непозволени знаци.",
    err_invalid_email: "Невалиден имейл адрес.",
    err_mismatch: "Паролите не съвпадат.",
    err_invalid_password: "Текущата парола е грешна.",
    err_too_short: "Паролата трябва да е поне 10 знака.",
    err_too_common: "Тази парола е твърде често срещана. Изберете друга.",
    err_contains_username: "Паролата не трябва да съдържа потребителското ви име.",
    err_unchanged: "Новата парола съвпада с текущата.",
    err_invalid: "Невалидна стойност.",
    thread_title: "Коментари",
    thread_empty: "Все още няма коментари.",
    thread_message: "Вашето съобщение",
    thread_files: "Прикачете файлове: PDF, PNG, JPEG или текст (или ги пуснете тук)",
    thread_send: "Изпрати",
    thread_closed: "Коментарите по този документ са затворени.",
    thread_err_type: "„{name}“ не може да се прикачи: приемат се само PDF, PNG, JPEG и текстови файлове.",
    thread_err_large: "„{name}“ е твърде голям.",
    thread_err_many: "Твърде много файлове за едно съобщение.",
    thread_err_empty: "Напишете съобщение или прикачете файл.",
    thread_err_file: "„{name}“ не може да се прикачи: празен е или името му не е позволено.",
    thread_new: "Ново",
};

pub const DE: Common = Common {
    language: "Sprache",
    loading: "Wird geladen…",
    retry: "Erneut versuchen",
    error_generic: "Etwas ist schiefgelaufen. Bitte versuchen Sie es erneut.",
    error_network: "Der Server ist nicht erreichbar. Prüfen Sie Ihre Verbindung und versuchen Sie es erneut.",
    required: "Bitte füllen Sie dieses Feld aus.",
    too_many_attempts: "Zu viele Versuche. Versuchen Sie es in {time} erneut.",
    seconds: "{n} Sek.",
    minutes: "{n} Min.",
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

    methods: ["Überweisung", "Karte", "Bar", "Online-Zahlung"],
    err_too_long: "Die Eingabe ist zu lang.",
    err_invalid_characters: "Enthält unzulässige Zeichen.",
    err_invalid_email: "Keine gültige E-Mail-Adresse.",
    err_mismatch: "Die Passwörter stimmen nicht überein.",
    err_invalid_password: "Das aktuelle Passwort ist falsch.",
    err_too_short: "Das Passwort muss mindestens 10 Zeichen haben.",
    err_too_common: "Dieses Passwort ist zu verbreitet. Wählen Sie ein anderes.",
    err_contains_username: "Das Passwort darf Ihren Benutzernamen nicht enthalten.",
    err_unchanged: "Das neue Passwort ist das aktuelle.",
    err_invalid: "Ungültiger Wert.",
    thread_title: "Kommentare",
    thread_empty: "Noch keine Kommentare.",
    thread_message: "Ihre Nachricht",
    thread_files: "Dateien anhängen: PDF, PNG, JPEG oder Text (oder hierher ziehen)",
    thread_send: "Senden",
    thread_closed: "Für dieses Dokument sind keine Kommentare möglich.",
    thread_err_type: "„{name}“ kann nicht angehängt werden: nur PDF-, PNG-, JPEG- und Textdateien sind möglich.",
    thread_err_large: "„{name}“ ist zu groß.",
    thread_err_many: "Zu viele Dateien für eine Nachricht.",
    thread_err_empty: "Schreiben Sie eine Nachricht oder hängen Sie eine Datei an.",
    thread_err_file: "„{name}“ kann nicht angehängt werden: die Datei ist leer oder ihr Name ist nicht erlaubt.",
    thread_new: "Neu",
};

pub const ES: Common = Common {
    language: "Idioma",
    loading: "Cargando…",
    retry: "Reintentar",
    error_generic: "Algo ha salido mal. Inténtelo de nuevo.",
    error_network: "No se puede conectar con el servidor. Compruebe su conexión e inténtelo de nuevo.",
    required: "Rellene este campo.",
    too_many_attempts: "Demasiados intentos. Vuelva a intentarlo dentro de {time}.",
    seconds: "{n} s",
    minutes: "{n} min",
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

    methods: ["Transferencia", "Tarjeta", "Efectivo", "Pago en línea"],
    err_too_long: "El texto es demasiado largo.",
    err_invalid_characters: "Contiene caracteres no permitidos.",
    err_invalid_email: "La dirección de correo no es válida.",
    err_mismatch: "Las contraseñas no coinciden.",
    err_invalid_password: "La contraseña actual no es correcta.",
    err_too_short: "La contraseña debe tener al menos 10 caracteres.",
    err_too_common: "Esta contraseña es demasiado común. Elija otra.",
    err_contains_username: "La contraseña no debe contener su nombre de usuario.",
    err_unchanged: "La contraseña nueva es igual a la actual.",
    err_invalid: "Valor no válido.",
    thread_title: "Comentarios",
    thread_empty: "Todavía no hay comentarios.",
    thread_message: "Su mensaje",
    thread_files: "Adjuntar archivos: PDF, PNG, JPEG o texto (o arrástrelos aquí)",
    thread_send: "Enviar",
    thread_closed: "Los comentarios están cerrados para este documento.",
    thread_err_type: "«{name}» no se puede adjuntar: solo se aceptan archivos PDF, PNG, JPEG y de texto.",
    thread_err_large: "«{name}» es demasiado grande.",
    thread_err_many: "Demasiados archivos para un mensaje.",
    thread_err_empty: "Escriba un mensaje o adjunte un archivo.",
    thread_err_file: "«{name}» no se puede adjuntar: está vacío o su nombre no está permitido.",
    thread_new: "Nuevo",
};
