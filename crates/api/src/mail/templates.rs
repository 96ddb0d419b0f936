//! The mails, in the recipient's language (bg, en, de, es): plain text and the same in HTML.
//! Document names come from the PDF's labels (`portal_pdf::title`), amounts and dates from the
//! domain's formatting, so a mail says exactly what the PDF says.

use chrono::NaiveDate;
use portal_domain::format::{format_date, format_money};
use portal_domain::locale::Locale;
use portal_store::outbox::Email;
use portal_types::DocumentType;

/// The words of one mail in one language: a subject, a greeting, paragraphs, a button label.
pub struct Words {
    subject: String,
    greeting: String,
    paragraphs: Vec<String>,
    action: &'static str,
    footer: String,
    /// Someone's own words, quoted after the first paragraph (plain text, line breaks kept).
    quote: Option<String>,
}

fn greeting(locale: Locale, name: Option<&str>) -> String {
    match (locale, name.filter(|n| !n.trim().is_empty())) {
        (Locale::Bg, Some(n)) => format!("Здравейте, {n},"),
        (Locale::Bg, None) => "Здравейте,".to_string(),
        (Locale::En, Some(n)) => format!("Hello {n},"),
        (Locale::En, None) => "Hello,".to_string(),
        (Locale::De, Some(n)) => format!("Guten Tag {n},"),
        (Locale::De, None) => "Guten Tag,".to_string(),
        (Locale::Es, Some(n)) => format!("Hola, {n}:"),
        (Locale::Es, None) => "Hola:".to_string(),
    }
}

fn ignore_if_unexpected(locale: Locale) -> &'static str {
    match locale {
        Locale::Bg => "Ако не очаквате това писмо, можете да го пренебрегнете.",
        Locale::En => "If you did not expect this mail, you can ignore it.",
        Locale::De => "Wenn Sie diese E-Mail nicht erwartet haben, können Sie sie ignorieren.",
        Locale::Es => "Si no esperaba este correo, puede ignorarlo.",
    }
}

fn sent_for(locale: Locale, organization: &str) -> String {
    match locale {
        Locale::Bg => format!("Изпратено от клиентския портал на {organization}."),
        Locale::En => format!("Sent by the customer portal of {organization}."),
        Locale::De => format!("Gesendet vom Kundenportal von {organization}."),
        Locale::Es => format!("Enviado por el portal de clientes de {organization}."),
    }
}

/// An invitation to a customer's portal user: set a password through the link.
pub fn portal_invitation(
    locale: Locale,
    organization: &str,
    name: Option<&str>,
    username: &str,
    valid_days: i64,
) -> Words {
    let (subject, invited, login, valid, action) = match locale {
        Locale::Bg => (
            format!("Покана за клиентския портал на {organization}"),
            format!(
                "{organization} ви кани в своя клиентски портал: там са всички документи, издадени за вас, и какво е платено и какво не."
            ),
            format!(
                "Вашето потребителско име е „{username}“. Изберете парола чрез бутона по-долу."
            ),
            format!("Връзката е валидна {valid_days} дни и може да се използва веднъж."),
            "Изберете парола",
        ),
        Locale::En => (
            format!("Your invitation to the customer portal of {organization}"),
            format!(
                "{organization} invites you to its customer portal, where you find every document issued to you and what is paid and what is open."
            ),
            format!("Your username is “{username}”. Choose a password with the button below."),
            format!("The link is valid for {valid_days} days and works once."),
            "Choose a password",
        ),
        Locale::De => (
            format!("Ihre Einladung zum Kundenportal von {organization}"),
            format!(
                "{organization} lädt Sie in sein Kundenportal ein: Dort finden Sie alle Dokumente, die für Sie ausgestellt wurden, und was bezahlt und was offen ist."
            ),
            format!(
                "Ihr Benutzername ist „{username}“. Wählen Sie über die Schaltfläche unten ein Passwort."
            ),
            format!("Der Link ist {valid_days} Tage gültig und funktioniert einmal."),
            "Passwort wählen",
        ),
        Locale::Es => (
            format!("Su invitación al portal de clientes de {organization}"),
            format!(
                "{organization} le invita a su portal de clientes, donde encontrará todos los documentos emitidos a su nombre y qué está pagado y qué está pendiente."
            ),
            format!(
                "Su nombre de usuario es «{username}». Elija una contraseña con el botón de abajo."
            ),
            format!("El enlace es válido durante {valid_days} días y funciona una sola vez."),
            "Elegir contraseña",
        ),
    };
    Words {
        subject,
        greeting: greeting(locale, name),
        paragraphs: vec![invited, login, valid],
        action,
        footer: sent_for(locale, organization),
        quote: None,
    }
}

/// A link to set a new password, after the user asked for one.
pub fn password_reset(
    locale: Locale,
    organization: &str,
    name: Option<&str>,
    valid_hours: i64,
) -> Words {
    let (subject, asked, valid, action) = match locale {
        Locale::Bg => (
            format!("Нова парола за клиентския портал на {organization}"),
            "Получихме заявка за нова парола за вашия профил. Изберете я чрез бутона по-долу.".to_string(),
            format!("Връзката е валидна {valid_hours} часа и може да се използва веднъж. Текущата ви парола остава валидна, докато не изберете нова."),
            "Изберете нова парола",
        ),
        Locale::En => (
            format!("A new password for the customer portal of {organization}"),
            "We were asked for a new password for your account. Choose it with the button below.".to_string(),
            format!("The link is valid for {valid_hours} hours and works once. Your current password keeps working until you choose a new one."),
            "Choose a new password",
        ),
        Locale::De => (
            format!("Neues Passwort für das Kundenportal von {organization}"),
            "Für Ihr Konto wurde ein neues Passwort angefordert. Wählen Sie es über die Schaltfläche unten.".to_string(),
            format!("Der Link ist {valid_hours} Stunden gültig und funktioniert einmal. Ihr bisheriges Passwort gilt weiter, bis Sie ein neues wählen."),
            "Neues Passwort wählen",
        ),
        Locale::Es => (
            format!("Nueva contraseña para el portal de clientes de {organization}"),
            "Hemos recibido una solicitud de nueva contraseña para su cuenta. Elíjala con el botón de abajo.".to_string(),
            format!("El enlace es válido durante {valid_hours} horas y funciona una sola vez. Su contraseña actual sigue sirviendo hasta que elija una nueva."),
            "Elegir nueva contraseña",
        ),
    };
    Words {
        subject,
        greeting: greeting(locale, name),
        paragraphs: vec![asked, valid, ignore_if_unexpected(locale).to_string()],
        action,
        footer: sent_for(locale, organization),
        quote: None,
    }
}

/// A new document in the portal.
#[allow(clippy::too_many_arguments)]
pub fn new_document(
    locale: Locale,
    organization: &str,
    name: Option<&str>,
    doc_type: DocumentType,
    number: &str,
    total_minor: i64,
    exponent: u32,
    currency: &str,
    due_date: Option<NaiveDate>,
) -> Words {
    let title = portal_pdf::title(doc_type, locale);
    let total = format_money(locale, total_minor, exponent, currency);
    let due = due_date.map(|d| format_date(locale, d));
    let (subject, issued, amount, action) = match locale {
        Locale::Bg => (
            format!("{title} № {number} от {organization}"),
            format!("{organization} издаде за вас документ: {title} № {number}."),
            match &due {
                Some(due) => format!("Сума: {total}, с падеж {due}."),
                None => format!("Сума: {total}."),
            },
            "Отворете документа",
        ),
        Locale::En => (
            format!("{title} {number} from {organization}"),
            format!("{organization} has issued a document to you: {title} {number}."),
            match &due {
                Some(due) => format!("Amount: {total}, due {due}."),
                None => format!("Amount: {total}."),
            },
            "Open the document",
        ),
        Locale::De => (
            format!("{title} Nr. {number} von {organization}"),
            format!("{organization} hat ein Dokument für Sie ausgestellt: {title} Nr. {number}."),
            match &due {
                Some(due) => format!("Betrag: {total}, fällig am {due}."),
                None => format!("Betrag: {total}."),
            },
            "Dokument öffnen",
        ),
        Locale::Es => (
            format!("{title} n.º {number} de {organization}"),
            format!("{organization} ha emitido un documento a su nombre: {title} n.º {number}."),
            match &due {
                Some(due) => format!("Importe: {total}, vencimiento el {due}."),
                None => format!("Importe: {total}."),
            },
            "Abrir el documento",
        ),
    };
    Words {
        subject,
        greeting: greeting(locale, name),
        paragraphs: vec![issued, amount],
        action,
        footer: sent_for(locale, organization),
        quote: None,
    }
}

/// To the salesperson (or the owners and admins): a customer accepted or rejected an offer.
#[allow(clippy::too_many_arguments)]
pub fn offer_decided(
    locale: Locale,
    organization: &str,
    name: Option<&str>,
    customer: &str,
    person: &str,
    number: &str,
    accepted: bool,
    reason: Option<&str>,
) -> Words {
    let title = portal_pdf::title(DocumentType::Offer, locale);
    let (subject, decided, because, action) = match (locale, accepted) {
        (Locale::Bg, true) => (
            format!("{customer} прие {title} № {number}"),
            format!("{person} от {customer} прие {title} № {number} в портала."),
            "Мотив:",
            "Отворете офертата",
        ),
        (Locale::Bg, false) => (
            format!("{customer} отказа {title} № {number}"),
            format!("{person} от {customer} отказа {title} № {number} в портала."),
            "Мотив:",
            "Отворете офертата",
        ),
        (Locale::En, true) => (
            format!("{customer} accepted {title} {number}"),
            format!("{person} of {customer} accepted {title} {number} in the portal."),
            "Reason given:",
            "Open the offer",
        ),
        (Locale::En, false) => (
            format!("{customer} rejected {title} {number}"),
            format!("{person} of {customer} rejected {title} {number} in the portal."),
            "Reason given:",
            "Open the offer",
        ),
        (Locale::De, true) => (
            format!("{customer} hat {title} Nr. {number} angenommen"),
            format!("{person} von {customer} hat {title} Nr. {number} im Portal angenommen."),
            "Angegebener Grund:",
            "Angebot öffnen",
        ),
        (Locale::De, false) => (
            format!("{customer} hat {title} Nr. {number} abgelehnt"),
            format!("{person} von {customer} hat {title} Nr. {number} im Portal abgelehnt."),
            "Angegebener Grund:",
            "Angebot öffnen",
        ),
        (Locale::Es, true) => (
            format!("{customer} ha aceptado {title} n.º {number}"),
            format!("{person} de {customer} ha aceptado {title} n.º {number} en el portal."),
            "Motivo indicado:",
            "Abrir la oferta",
        ),
        (Locale::Es, false) => (
            format!("{customer} ha rechazado {title} n.º {number}"),
            format!("{person} de {customer} ha rechazado {title} n.º {number} en el portal."),
            "Motivo indicado:",
            "Abrir la oferta",
        ),
    };
    let mut paragraphs = vec![decided];
    if let Some(reason) = reason {
        paragraphs.push(format!("{because} \u{201c}{reason}\u{201d}"));
    }
    Words {
        subject,
        greeting: greeting(locale, name),
        paragraphs,
        action,
        footer: sent_for(locale, organization),
        quote: None,
    }
}

/// A receipt to the customer who paid online: how much, for which documents.
pub fn payment_receipt(
    locale: Locale,
    organization: &str,
    name: Option<&str>,
    amount: &str,
    numbers: &str,
    reference: &str,
) -> Words {
    let (subject, paid, by, action) = match locale {
        Locale::Bg => (
            format!("Получено плащане: {amount}"),
            format!("Получихме Вашето плащане от {amount} по {numbers}. Благодарим Ви!"),
            format!("Референция на плащането: {reference}"),
            "Отворете портала",
        ),
        Locale::En => (
            format!("Payment received: {amount}"),
            format!("We have received your payment of {amount} for {numbers}. Thank you!"),
            format!("Payment reference: {reference}"),
            "Open the portal",
        ),
        Locale::De => (
            format!("Zahlung erhalten: {amount}"),
            format!("Wir haben Ihre Zahlung über {amount} für {numbers} erhalten. Vielen Dank!"),
            format!("Zahlungsreferenz: {reference}"),
            "Portal öffnen",
        ),
        Locale::Es => (
            format!("Pago recibido: {amount}"),
            format!("Hemos recibido su pago de {amount} por {numbers}. ¡Gracias!"),
            format!("Referencia del pago: {reference}"),
            "Abrir el portal",
        ),
    };
    Words {
        subject,
        greeting: greeting(locale, name),
        paragraphs: vec![paid, by],
        action,
        footer: sent_for(locale, organization),
        quote: None,
    }
}

/// What about an online payment needs the issuer's attention.
pub enum PaymentProblem<'a> {
    /// The provider reported another amount (or currency) than was asked: nothing recorded.
    Mismatch {
        /// What the provider reported.
        reported: &'a str,
        /// What was asked.
        asked: &'a str,
    },
    /// Paid, but more than the documents still owed when it arrived.
    Unallocated {
        /// The excess.
        amount: &'a str,
    },
}

fn payment_problem(locale: Locale, problem: &PaymentProblem<'_>) -> String {
    match (locale, problem) {
        (Locale::Bg, PaymentProblem::Mismatch { reported, asked }) => {
            format!(
                "Stripe отчете {reported}, а беше поискано {asked}. Проверете плащането в Stripe и го отразете ръчно."
            )
        }
        (Locale::En, PaymentProblem::Mismatch { reported, asked }) => {
            format!(
                "Stripe reported {reported} where {asked} was asked. Check the payment in Stripe and record it by hand."
            )
        }
        (Locale::De, PaymentProblem::Mismatch { reported, asked }) => {
            format!(
                "Stripe meldete {reported}, verlangt waren {asked}. Prüfen Sie die Zahlung in Stripe und verbuchen Sie sie von Hand."
            )
        }
        (Locale::Es, PaymentProblem::Mismatch { reported, asked }) => {
            format!(
                "Stripe informó de {reported} cuando se pidieron {asked}. Compruebe el pago en Stripe y regístrelo a mano."
            )
        }
        (Locale::Bg, PaymentProblem::Unallocated { amount }) => {
            format!(
                "{amount} надвишават дължимото към момента на плащането и не са отнесени към документ."
            )
        }
        (Locale::En, PaymentProblem::Unallocated { amount }) => {
            format!(
                "{amount} exceeded what was open when the payment arrived and is not allocated to a document."
            )
        }
        (Locale::De, PaymentProblem::Unallocated { amount }) => {
            format!(
                "{amount} überstiegen den offenen Betrag beim Eingang der Zahlung und sind keinem Dokument zugeordnet."
            )
        }
        (Locale::Es, PaymentProblem::Unallocated { amount }) => {
            format!(
                "{amount} superaban lo pendiente cuando llegó el pago y no están asignados a ningún documento."
            )
        }
    }
}

/// To the issuer's staff: a customer paid online; and what needs their attention, if anything.
#[allow(clippy::too_many_arguments)]
pub fn payment_received_staff(
    locale: Locale,
    organization: &str,
    name: Option<&str>,
    customer: &str,
    amount: &str,
    numbers: &str,
    recorded: bool,
    problem: Option<PaymentProblem<'_>>,
) -> Words {
    let (subject, paid, unrecorded, attention, action) = match locale {
        Locale::Bg => (
            format!("{customer} плати {amount} онлайн"),
            format!(
                "{customer} плати {amount} онлайн (Stripe) по {numbers}; плащането е отразено."
            ),
            format!("{customer} плати онлайн (Stripe) по {numbers}, но плащането не е отразено."),
            "Изисква внимание:",
            "Отворете документа",
        ),
        Locale::En => (
            format!("{customer} paid {amount} online"),
            format!(
                "{customer} paid {amount} online (Stripe) for {numbers}; the payment is recorded."
            ),
            format!(
                "{customer} paid online (Stripe) for {numbers}, but the payment was not recorded."
            ),
            "Needs your attention:",
            "Open the document",
        ),
        Locale::De => (
            format!("{customer} hat {amount} online bezahlt"),
            format!(
                "{customer} hat {amount} online (Stripe) für {numbers} bezahlt; die Zahlung ist verbucht."
            ),
            format!(
                "{customer} hat online (Stripe) für {numbers} bezahlt, die Zahlung wurde aber nicht verbucht."
            ),
            "Bitte prüfen:",
            "Dokument öffnen",
        ),
        Locale::Es => (
            format!("{customer} ha pagado {amount} en línea"),
            format!(
                "{customer} ha pagado {amount} en línea (Stripe) por {numbers}; el pago está registrado."
            ),
            format!(
                "{customer} ha pagado en línea (Stripe) por {numbers}, pero el pago no se ha registrado."
            ),
            "Requiere su atención:",
            "Abrir el documento",
        ),
    };
    let mut paragraphs = vec![if recorded { paid } else { unrecorded }];
    if let Some(problem) = problem {
        paragraphs.push(format!("{attention} {}", payment_problem(locale, &problem)));
    }
    Words {
        subject,
        greeting: greeting(locale, name),
        paragraphs,
        action,
        footer: sent_for(locale, organization),
        quote: None,
    }
}

/// To the issuer's owners and admins: a webhook endpoint was disabled, because it answered
/// 410 Gone (`gone`) or because every delivery failed for two days.
pub fn webhook_disabled(
    locale: Locale,
    organization: &str,
    name: Option<&str>,
    url: &str,
    gone: bool,
) -> Words {
    let (subject, what, then, action) = match locale {
        Locale::Bg => (
            "Уебхук адрес е спрян".to_string(),
            if gone {
                format!("Адресът {url} отговори, че вече не съществува (410 Gone), и е спрян.")
            } else {
                format!("Всички доставки до {url} се провалят от два дни и адресът е спрян.")
            },
            "Събитията, които не са доставени, чакат; включете адреса отново в настройките, когато приемникът работи.",
            "Отворете настройките",
        ),
        Locale::En => (
            "A webhook endpoint was disabled".to_string(),
            if gone {
                format!("{url} answered that it no longer exists (410 Gone) and was disabled.")
            } else {
                format!("Every delivery to {url} has failed for two days, so it was disabled.")
            },
            "Undelivered events wait; enable the endpoint again in the settings once the receiver works.",
            "Open the settings",
        ),
        Locale::De => (
            "Ein Webhook-Endpunkt wurde deaktiviert".to_string(),
            if gone {
                format!(
                    "{url} antwortete, dass es ihn nicht mehr gibt (410 Gone), und wurde deaktiviert."
                )
            } else {
                format!(
                    "Alle Zustellungen an {url} scheitern seit zwei Tagen; der Endpunkt wurde deaktiviert."
                )
            },
            "Nicht zugestellte Ereignisse warten; aktivieren Sie den Endpunkt in den Einstellungen wieder, sobald der Empfänger funktioniert.",
            "Einstellungen öffnen",
        ),
        Locale::Es => (
            "Se ha desactivado un destino de webhooks".to_string(),
            if gone {
                format!("{url} respondió que ya no existe (410 Gone) y se ha desactivado.")
            } else {
                format!(
                    "Todos los envíos a {url} fallan desde hace dos días, así que se ha desactivado."
                )
            },
            "Los eventos no entregados esperan; vuelva a activar el destino en los ajustes cuando el receptor funcione.",
            "Abrir los ajustes",
        ),
    };
    Words {
        subject,
        greeting: greeting(locale, name),
        paragraphs: vec![what, then.to_string()],
        action,
        footer: sent_for(locale, organization),
        quote: None,
    }
}

/// An invitation to the issuer's staff: set a password and sign in to the admin.
pub fn staff_invitation(
    locale: Locale,
    organization: &str,
    name: Option<&str>,
    inviter: &str,
    valid_days: i64,
) -> Words {
    let (subject, invited, valid, action) = match locale {
        Locale::Bg => (
            format!("Покана за екипа на {organization} в клиентския портал"),
            format!("{inviter} ви кани да управлявате клиентския портал на {organization}."),
            format!(
                "Изберете парола чрез бутона по-долу. Връзката е валидна {valid_days} дни и може да се използва веднъж."
            ),
            "Изберете парола",
        ),
        Locale::En => (
            format!("Join the {organization} team in the customer portal"),
            format!("{inviter} invites you to run the customer portal of {organization}."),
            format!(
                "Choose a password with the button below. The link is valid for {valid_days} days and works once."
            ),
            "Choose a password",
        ),
        Locale::De => (
            format!("Einladung ins Team von {organization} im Kundenportal"),
            format!("{inviter} lädt Sie ein, das Kundenportal von {organization} zu betreuen."),
            format!(
                "Wählen Sie über die Schaltfläche unten ein Passwort. Der Link ist {valid_days} Tage gültig und funktioniert einmal."
            ),
            "Passwort wählen",
        ),
        Locale::Es => (
            format!("Únase al equipo de {organization} en el portal de clientes"),
            format!("{inviter} le invita a gestionar el portal de clientes de {organization}."),
            format!(
                "Elija una contraseña con el botón de abajo. El enlace es válido durante {valid_days} días y funciona una sola vez."
            ),
            "Elegir contraseña",
        ),
    };
    Words {
        subject,
        greeting: greeting(locale, name),
        paragraphs: vec![invited, valid, ignore_if_unexpected(locale).to_string()],
        action,
        footer: sent_for(locale, organization),
        quote: None,
    }
}

fn sent_by_portal(locale: Locale, site: &str) -> String {
    match locale {
        Locale::Bg => format!("Изпратено от клиентския портал на {site}."),
        Locale::En => format!("Sent by the customer portal at {site}."),
        Locale::De => format!("Gesendet vom Kundenportal unter {site}."),
        Locale::Es => format!("Enviado por el portal de clientes en {site}."),
    }
}

/// The link that confirms a sign-up: the organisation is created when it is followed.
pub fn signup_confirmation(
    locale: Locale,
    organization: &str,
    name: &str,
    site: &str,
    valid_hours: i64,
) -> Words {
    let (subject, asked, valid, action) = match locale {
        Locale::Bg => (
            format!("Потвърдете регистрацията на {organization}"),
            format!(
                "Получихме заявка за нова организация {organization} в клиентския портал с този адрес като собственик. Потвърдете адреса, за да я създадете."
            ),
            format!(
                "Връзката е валидна {valid_hours} часа и може да се използва веднъж. Дотогава нищо не е създадено."
            ),
            "Потвърдете и влезте",
        ),
        Locale::En => (
            format!("Confirm the sign-up of {organization}"),
            format!(
                "We were asked to create the organisation {organization} in the customer portal, with this address as its owner. Confirm the address to create it."
            ),
            format!(
                "The link is valid for {valid_hours} hours and works once. Nothing is created until then."
            ),
            "Confirm and sign in",
        ),
        Locale::De => (
            format!("Bestätigen Sie die Registrierung von {organization}"),
            format!(
                "Es wurde beantragt, die Organisation {organization} im Kundenportal anzulegen, mit dieser Adresse als Inhaber. Bestätigen Sie die Adresse, um sie anzulegen."
            ),
            format!(
                "Der Link ist {valid_hours} Stunden gültig und funktioniert einmal. Bis dahin wird nichts angelegt."
            ),
            "Bestätigen und anmelden",
        ),
        Locale::Es => (
            format!("Confirme el registro de {organization}"),
            format!(
                "Hemos recibido una solicitud para crear la organización {organization} en el portal de clientes, con esta dirección como propietario. Confirme la dirección para crearla."
            ),
            format!(
                "El enlace es válido durante {valid_hours} horas y funciona una sola vez. Hasta entonces no se crea nada."
            ),
            "Confirmar y entrar",
        ),
    };
    Words {
        subject,
        greeting: greeting(locale, Some(name)),
        paragraphs: vec![asked, valid, ignore_if_unexpected(locale).to_string()],
        action,
        footer: sent_by_portal(locale, site),
        quote: None,
    }
}

/// The answer to a sign-up with an address that already signs in: no second account, a
/// pointer to signing in instead (the sign-up's answer does not say the address is known).
pub fn signup_existing_account(
    locale: Locale,
    organization: &str,
    name: &str,
    site: &str,
) -> Words {
    let (subject, asked, instead, action) = match locale {
        Locale::Bg => (
            "Вече имате профил в клиентския портал".to_string(),
            format!("Получихме заявка за нова организация {organization} с този адрес, но с него вече се влиза в клиентския портал, затова нищо не е създадено."),
            "Влезте с паролата си. Ако сте я забравили, помолете собственик на вашата организация да ви изпрати нова покана.".to_string(),
            "Вход",
        ),
        Locale::En => (
            "You already have an account in the customer portal".to_string(),
            format!("We were asked to create the organisation {organization} with this address, but the address already signs in to the customer portal, so nothing was created."),
            "Sign in with your password. If you forgot it, ask an owner of your organisation to send you a new invitation.".to_string(),
            "Sign in",
        ),
        Locale::De => (
            "Sie haben bereits ein Konto im Kundenportal".to_string(),
            format!("Es wurde beantragt, die Organisation {organization} mit dieser Adresse anzulegen, aber mit dieser Adresse meldet man sich bereits im Kundenportal an; es wurde nichts angelegt."),
            "Melden Sie sich mit Ihrem Passwort an. Falls Sie es vergessen haben, bitten Sie einen Inhaber Ihrer Organisation um eine neue Einladung.".to_string(),
            "Anmelden",
        ),
        Locale::Es => (
            "Ya tiene una cuenta en el portal de clientes".to_string(),
            format!("Hemos recibido una solicitud para crear la organización {organization} con esta dirección, pero esta dirección ya inicia sesión en el portal de clientes, así que no se ha creado nada."),
            "Entre con su contraseña. Si la ha olvidado, pida a un propietario de su organización que le envíe una nueva invitación.".to_string(),
            "Entrar",
        ),
    };
    Words {
        subject,
        greeting: greeting(locale, Some(name)),
        paragraphs: vec![asked, instead, ignore_if_unexpected(locale).to_string()],
        action,
        footer: sent_by_portal(locale, site),
        quote: None,
    }
}

/// A field of a contractor's company data, as people call it.
pub fn field_label(locale: Locale, field: &str) -> &str {
    let [bg, en, de, es] = match field {
        "name" => ["Име", "Name", "Name", "Nombre"],
        "tax_id" => ["ЕИК", "Tax id", "Steuernummer", "NIF"],
        "vat_number" => ["ДДС номер", "VAT number", "USt-IdNr.", "NIF-IVA"],
        "address.street" => ["Адрес", "Street", "Straße", "Dirección"],
        "address.city" => ["Град", "City", "Ort", "Ciudad"],
        "address.postal_code" => ["Пощенски код", "Postal code", "PLZ", "Código postal"],
        "address.country" => ["Държава", "Country", "Land", "País"],
        "email" => ["Имейл", "E-mail", "E-Mail", "Correo electrónico"],
        "phone" => ["Телефон", "Phone", "Telefon", "Teléfono"],
        "iban" => ["IBAN", "IBAN", "IBAN", "IBAN"],
        "bic" => ["BIC", "BIC", "BIC", "BIC"],
        other => return other,
    };
    match locale {
        Locale::Bg => bg,
        Locale::En => en,
        Locale::De => de,
        Locale::Es => es,
    }
}

/// A customer changed its company data in the portal: each change listed (old → new, as
/// text), and a warning when the bank account changed.
pub fn company_changed(
    locale: Locale,
    organization: &str,
    name: Option<&str>,
    customer: &str,
    person: &str,
    changes: &[portal_store::contractor_changes::FieldChange],
) -> Words {
    let (subject, changed, bank, action) = match locale {
        Locale::Bg => (
            format!("{customer} промени фирмените си данни"),
            format!("{person} от {customer} промени фирмените данни в портала:"),
            "Банковата сметка е променена. Потвърдете я с клиента по познат канал, преди да я използвате.",
            "Отворете контрагента",
        ),
        Locale::En => (
            format!("{customer} changed its company data"),
            format!("{person} of {customer} changed the company data in the portal:"),
            "The bank account was changed. Confirm it with the customer through a channel you know before you use it.",
            "Open the contractor",
        ),
        Locale::De => (
            format!("{customer} hat seine Firmendaten geändert"),
            format!("{person} von {customer} hat die Firmendaten im Portal geändert:"),
            "Die Bankverbindung wurde geändert. Bestätigen Sie sie beim Kunden über einen bekannten Weg, bevor Sie sie verwenden.",
            "Kontakt öffnen",
        ),
        Locale::Es => (
            format!("{customer} ha cambiado sus datos de empresa"),
            format!("{person} de {customer} ha cambiado los datos de empresa en el portal:"),
            "La cuenta bancaria ha cambiado. Confírmela con el cliente por un canal conocido antes de usarla.",
            "Abrir el contacto",
        ),
    };
    let list = changes
        .iter()
        .map(|c| {
            format!(
                "{}: {} \u{2192} {}",
                field_label(locale, c.field),
                c.old_value.as_deref().unwrap_or("\u{2014}"),
                c.new_value.as_deref().unwrap_or("\u{2014}"),
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    let mut paragraphs = vec![changed];
    if changes.iter().any(|c| matches!(c.field, "iban" | "bic")) {
        paragraphs.push(bank.to_string());
    }
    Words {
        subject,
        greeting: greeting(locale, name),
        paragraphs,
        action,
        footer: sent_for(locale, organization),
        quote: Some(list),
    }
}

/// A new comment on a document, to the other side: the author's words quoted.
#[allow(clippy::too_many_arguments)]
pub fn comment_posted(
    locale: Locale,
    organization: &str,
    name: Option<&str>,
    author: &str,
    doc_type: DocumentType,
    number: &str,
    body: &str,
    files: usize,
) -> Words {
    let title = portal_pdf::title(doc_type, locale);
    let (subject, wrote, attached, action) = match locale {
        Locale::Bg => (
            format!("Нов коментар по {title} № {number}"),
            format!("{author} написа по {title} № {number}:"),
            format!("Приложени файлове: {files}."),
            "Отворете документа",
        ),
        Locale::En => (
            format!("New comment on {title} {number}"),
            format!("{author} wrote on {title} {number}:"),
            format!("Files attached: {files}."),
            "Open the document",
        ),
        Locale::De => (
            format!("Neuer Kommentar zu {title} Nr. {number}"),
            format!("{author} schrieb zu {title} Nr. {number}:"),
            format!("Angehängte Dateien: {files}."),
            "Dokument öffnen",
        ),
        Locale::Es => (
            format!("Nuevo comentario sobre {title} n.º {number}"),
            format!("{author} escribió sobre {title} n.º {number}:"),
            format!("Archivos adjuntos: {files}."),
            "Abrir el documento",
        ),
    };
    let mut paragraphs = vec![wrote];
    if files > 0 {
        paragraphs.push(attached);
    }
    Words {
        subject,
        greeting: greeting(locale, name),
        paragraphs,
        action,
        footer: sent_for(locale, organization),
        quote: (!body.is_empty()).then(|| body.to_string()),
    }
}

/// The mail to `to`: the words with the link, as plain text and as HTML.
pub fn compose(locale: Locale, to: &str, to_name: Option<&str>, words: Words, link: &str) -> Email {
    let mut text = format!("{}\n\n", words.greeting);
    for (i, p) in words.paragraphs.iter().enumerate() {
        text.push_str(p);
        text.push_str("\n\n");
        if let (0, Some(quote)) = (i, &words.quote) {
            for line in quote.lines() {
                text.push_str("> ");
                text.push_str(line);
                text.push('\n');
            }
            text.push('\n');
        }
    }
    text.push_str(&format!(
        "{}: {link}\n\n-- \n{}\n",
        words.action, words.footer
    ));

    let mut html = format!(
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title></head>\
         <body style=\"font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#1f2933\">\
         {}<p>{}</p>",
        locale.as_str(),
        escape(&words.subject),
        portal_store::outbox::LOGO_MARK,
        escape(&words.greeting)
    );
    for (i, p) in words.paragraphs.iter().enumerate() {
        html.push_str(&format!("<p>{}</p>", escape(p)));
        if let (0, Some(quote)) = (i, &words.quote) {
            html.push_str(&format!(
                "<blockquote style=\"margin:0 0 1em;padding:4px 12px;border-left:3px solid #cbd2d9;\
                 white-space:pre-wrap\">{}</blockquote>",
                escape(quote)
            ));
        }
    }
    html.push_str(&format!(
        "<p><a href=\"{}\" style=\"display:inline-block;padding:10px 18px;background:#1d4ed8;color:#ffffff;\
         text-decoration:none;border-radius:4px\">{}</a></p>\
         <p style=\"font-size:13px;color:#52606d\">{}</p></body></html>",
        escape(link),
        escape(words.action),
        escape(&words.footer)
    ));
    Email {
        to: to.to_string(),
        to_name: to_name.map(str::to_string),
        subject: words.subject,
        text,
        html,
        language: locale.as_str().to_string(),
        about: None,
        logo: None,
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mail_exists_in_every_language_and_carries_its_link_once_per_body() {
        let link = "https://portal.example/p/demo/set-password?token=abc&x=1";
        for locale in Locale::ALL {
            for words in [
                portal_invitation(locale, "Demo <Ltd>", Some("Ana"), "ana", 7),
                password_reset(locale, "Demo <Ltd>", None, 2),
                signup_confirmation(locale, "Demo <Ltd>", "Ana", "portal.example", 24),
                signup_existing_account(locale, "Demo <Ltd>", "Ana", "portal.example"),
                offer_decided(
                    locale,
                    "Demo <Ltd>",
                    Some("Ana"),
                    "Acme",
                    "Bob",
                    "0000000007",
                    true,
                    None,
                ),
                offer_decided(
                    locale,
                    "Demo <Ltd>",
                    None,
                    "Acme",
                    "Bob",
                    "7",
                    false,
                    Some("<b>too dear</b>"),
                ),
                new_document(
                    locale,
                    "Demo <Ltd>",
                    Some("Ana"),
                    DocumentType::Invoice,
                    "0000000042",
                    123_456,
                    2,
                    "EUR",
                    NaiveDate::from_ymd_opt(2026, 12, 31),
                ),
                staff_invitation(locale, "Demo <Ltd>", Some("Bo"), "Ana", 7),
                comment_posted(
                    locale,
                    "Demo <Ltd>",
                    Some("Ana"),
                    "Bob (Acme)",
                    DocumentType::Invoice,
                    "0000000042",
                    "Paid on Monday",
                    1,
                ),
            ] {
                let mail = compose(locale, "ana@example.com", Some("Ana"), words, link);
                assert_eq!(mail.text.matches(link).count(), 1, "{}", mail.text);
                assert_eq!(
                    mail.html.matches("token=abc&amp;x=1").count(),
                    1,
                    "{}",
                    mail.html
                );
                assert!(mail.html.contains("Demo &lt;Ltd&gt;"), "{}", mail.html);
                assert!(!mail.html.contains("Demo <Ltd>"), "markup is escaped");
                assert_eq!(mail.language, locale.as_str());
            }
        }
    }

    #[test]
    fn a_document_mail_names_the_document_and_amount_as_the_pdf_does() {
        let words = new_document(
            Locale::De,
            "Demo GmbH",
            None,
            DocumentType::Invoice,
            "0000000042",
            123_456,
            2,
            "EUR",
            NaiveDate::from_ymd_opt(2026, 12, 31),
        );
        assert_eq!(words.subject, "Rechnung Nr. 0000000042 von Demo GmbH");
        assert!(
            words.paragraphs[1].contains("1.234,56\u{a0}€"),
            "{}",
            words.paragraphs[1]
        );
        assert!(words.paragraphs[1].contains("31.12.2026"));
    }

    #[test]
    fn a_comment_is_quoted_as_text_in_both_parts_and_its_markup_stays_inert() {
        let body = "<script>alert(1)</script>\nline two & <b>bold</b>";
        let words = comment_posted(
            Locale::En,
            "Demo",
            Some("Ana"),
            "Bob <bob@example.com>",
            DocumentType::Invoice,
            "0000000042",
            body,
            2,
        );
        let mail = compose(
            Locale::En,
            "ana@example.com",
            None,
            words,
            "https://x/p/demo",
        );
        assert_eq!(mail.subject, "New comment on Invoice 0000000042");
        assert!(
            mail.text.contains("Invoice 0000000042:\n\n> <script>alert(1)</script>\n> line two & <b>bold</b>\n\nFiles attached: 2."),
            "{}",
            mail.text
        );
        assert!(
            mail.html.contains("&lt;script&gt;alert(1)&lt;/script&gt;\nline two &amp; &lt;b&gt;bold&lt;/b&gt;</blockquote>"),
            "{}",
            mail.html
        );
        assert!(!mail.html.contains("<script>") && !mail.html.contains("<b>"));
        assert!(
            mail.html
                .contains("Bob &lt;bob@example.com&gt; wrote on Invoice 0000000042:")
        );
    }
}
