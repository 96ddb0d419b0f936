//! The conversation on a document, the same panel in both apps: the thread (text shown as
//! text, files as download buttons) and, where the caller may write, a message with files
//! picked or dropped onto the form.

use leptos::prelude::*;
use leptos::task::spawn_local;
use portal_domain::locale::Locale;
use portal_types::{AttachmentInfo, Comment, CommentSide, CommentThread};
use wasm_bindgen::JsCast;

use crate::api::{self, ApiError};
use crate::components::FormMessage;
use crate::fmt;
use crate::html::Html;
use crate::i18n::{Common, fill, use_i18n};

/// What files the picker offers (the server judges them by their content).
const ACCEPT: &str = ".pdf,.png,.jpg,.jpeg,.txt,application/pdf,image/png,image/jpeg,text/plain";

/// The thread of the document at `path` (`{base}/documents/{id}`), written from side `mine`.
///
/// Markup written as text (see `html.rs`) with one listener per kind of event on the panel:
/// the customer's portal carries it too, and `view!` would cost its bundle far more.
#[component]
pub fn Thread(path: String, mine: CommentSide) -> impl IntoView {
    let i18n = use_i18n();
    let path = StoredValue::new(path);
    let thread = RwSignal::new(None::<CommentThread>);
    let failed = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let busy = StoredValue::new(false);
    let load = move || {
        spawn_local(async move {
            let url = format!("{}/comments", path.get_value());
            match api::get_text(&url).await.and_then(|b| decode(&b)) {
                Ok(t) => {
                    let _ = thread.try_set(Some(t));
                    let _ = failed.try_set(false);
                }
                Err(ApiError::Unauthorized) => {}
                Err(_) => {
                    let _ = failed.try_set(true);
                }
            }
        });
    };
    load();
    let items = move || {
        let c = i18n.common();
        let l = i18n.locale.get();
        if failed.get() {
            let mut h = Html::with_capacity(100);
            h.element("li", "muted", c.error_network);
            return h.finish();
        }
        thread.with(|t| {
            t.as_ref()
                .map(|t| items_html(t, mine, c, l))
                .unwrap_or_default()
        })
    };
    // Drawn again only when the language changes or commenting opens or closes.
    let can_comment = Memo::new(move |_| thread.with(|t| t.as_ref().map(|t| t.can_comment)));
    let form = move || {
        let c = i18n.common();
        match can_comment.get() {
            Some(true) => form_html(c),
            Some(false) => {
                let mut h = Html::with_capacity(100);
                h.raw("<p class=\"muted\" id=\"thread-closed\">")
                    .text(c.thread_closed)
                    .raw("</p>");
                h.finish()
            }
            None => String::new(),
        }
    };

    // A file's button carries its id and name.
    let click = move |ev: leptos::ev::MouseEvent| {
        let Some(button) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("[data-file]").ok().flatten())
        else {
            return;
        };
        let id = button.get_attribute("data-file").unwrap_or_default();
        let name = button.get_attribute("data-name").unwrap_or_default();
        let url = format!("{}/attachments/{id}", path.get_value());
        spawn_local(async move {
            if let Ok((blob, _)) = api::get_blob(&url).await {
                let _ = api::save_blob(&blob, &name);
            }
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(form) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok())
        else {
            return;
        };
        if busy.get_value() {
            return;
        }
        let Ok(data) = web_sys::FormData::new_with_form(&form) else {
            return;
        };
        let names = picked(&form);
        if names.is_empty() {
            // A picker with nothing picked still sends an empty, nameless file.
            data.delete("file");
        }
        busy.set_value(true);
        error.set(None);
        spawn_local(async move {
            let url = format!("{}/comments", path.get_value());
            let result = api::send_form(&url, &data).await;
            busy.set_value(false);
            match result {
                Ok(_) => {
                    form.reset();
                    load();
                }
                Err(ApiError::Unauthorized) => {}
                Err(e) => error.set(Some(problem(&e, &names, i18n.common()))),
            }
        });
    };
    // Files dropped anywhere on the panel go to the picker.
    let drop_files = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        let picker = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("comment-files"))
            .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok());
        if let (Some(files), Some(picker)) = (ev.data_transfer().and_then(|d| d.files()), picker) {
            picker.set_files(Some(&files));
        }
    };

    view! {
        <section
            class="card section thread"
            aria-labelledby="thread-title"
            on:click=click
            on:submit=submit
            on:dragover=|ev: leptos::ev::DragEvent| ev.prevent_default()
            on:drop=drop_files
        >
            <h2 id="thread-title">{move || i18n.common().thread_title}</h2>
            <ol class="thread-items" id="thread" inner_html=items></ol>
            <div inner_html=form></div>
            <FormMessage text=error id="comment-error" />
        </section>
    }
    .into_any()
}

/// The thread from its JSON, read by the browser's own parser: serde's code for these types
/// would cost the customer's bundle several kB.
fn decode(body: &str) -> Result<CommentThread, ApiError> {
    use js_sys::{Array, JSON, Reflect};
    use wasm_bindgen::JsValue;
    let root = JSON::parse(body).map_err(|_| ApiError::Decode)?;
    let get = |v: &JsValue, key: &str| {
        Reflect::get(v, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    };
    let text = |v: &JsValue, key: &str| get(v, key).as_string().ok_or(ApiError::Decode);
    let number = |v: &JsValue, key: &str| {
        get(v, key)
            .as_f64()
            .map(|n| n as i64)
            .ok_or(ApiError::Decode)
    };
    let mut items = Vec::new();
    for c in Array::from(&get(&root, "items")).iter() {
        let mut attachments = Vec::new();
        for a in Array::from(&get(&c, "attachments")).iter() {
            attachments.push(AttachmentInfo {
                id: number(&a, "id")?,
                filename: text(&a, "filename")?,
                content_type: text(&a, "content_type")?,
                size_bytes: number(&a, "size_bytes")?,
            });
        }
        items.push(Comment {
            id: number(&c, "id")?,
            side: if text(&c, "side")? == "issuer" {
                CommentSide::Issuer
            } else {
                CommentSide::Customer
            },
            author: text(&c, "author")?,
            body: text(&c, "body")?,
            created_at: portal_types::wire::parse_instant(&text(&c, "created_at")?)
                .ok_or(ApiError::Decode)?,
            attachments,
        });
    }
    Ok(CommentThread {
        items,
        can_comment: get(&root, "can_comment")
            .as_bool()
            .ok_or(ApiError::Decode)?,
        last_read_comment_id: number(&root, "last_read_comment_id").unwrap_or(0),
    })
}

/// The names of the files picked in `form`'s picker.
fn picked(form: &web_sys::HtmlFormElement) -> Vec<String> {
    let mut names = Vec::new();
    if let Some(list) = form
        .query_selector("input[type=file]")
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
        .and_then(|i| i.files())
    {
        for i in 0..list.length() {
            if let Some(file) = list.get(i) {
                names.push(file.name());
            }
        }
    }
    names
}

/// The message form: its parts are named as the API reads them (`body`, `file`).
fn form_html(c: &Common) -> String {
    let mut h = Html::with_capacity(900);
    h.raw("<form class=\"thread-form\" id=\"comment-form\" novalidate><div class=\"field\"><label for=\"comment-body\">")
        .text(c.thread_message)
        .raw("</label><textarea id=\"comment-body\" name=\"body\" class=\"input textarea\" rows=\"3\" maxlength=\"10000\"></textarea></div><div class=\"field\"><label for=\"comment-files\">")
        .text(c.thread_files)
        .raw("</label><input type=\"file\" id=\"comment-files\" name=\"file\" multiple accept=\"")
        .raw(ACCEPT)
        .raw("\"></div><div class=\"form-actions\"><button type=\"submit\" class=\"btn btn-primary\" id=\"comment-send\">")
        .text(c.thread_send)
        .raw("</button></div></form>");
    h.finish()
}

/// The thread's items as markup; every word from data escaped.
fn items_html(t: &CommentThread, mine: CommentSide, c: &Common, l: Locale) -> String {
    let mut h = Html::with_capacity(256 * t.items.len() + 64);
    if t.items.is_empty() {
        h.element("li", "muted thread-empty", c.thread_empty);
    }
    for item in &t.items {
        // The other side's words since the reader last opened the thread.
        let new = item.side != mine && item.id > t.last_read_comment_id;
        h.raw(if item.side == mine {
            "<li class=\"comment comment-mine\">"
        } else if new {
            "<li class=\"comment comment-new\">"
        } else {
            "<li class=\"comment\">"
        });
        h.raw("<p class=\"comment-meta\">")
            .element("strong", "", &item.author)
            .raw(" · ")
            .element("time", "", &fmt::date_time(l, item.created_at));
        if new {
            h.raw(" ").element("span", "badge badge-info", c.thread_new);
        }
        h.raw("</p>");
        if !item.body.is_empty() {
            h.element("p", "comment-body", &item.body);
        }
        if !item.attachments.is_empty() {
            h.raw("<ul class=\"comment-files\">");
            for a in &item.attachments {
                h.raw("<li><button type=\"button\" class=\"btn btn-sm\" data-file=\"")
                    .text(&a.id.to_string())
                    .raw("\" data-name=\"")
                    .text(&a.filename)
                    .raw("\">")
                    .text(&a.filename)
                    .raw("</button> ")
                    .element("span", "muted", &size(a.size_bytes))
                    .raw("</li>");
            }
            h.raw("</ul>");
        }
        h.raw("</li>");
    }
    h.finish()
}

/// A file size for people: bytes, kB or MB (one decimal), in integer arithmetic.
fn size(bytes: i64) -> String {
    const KB: i64 = 1024;
    const MB: i64 = 1024 * 1024;
    if bytes < KB {
        format!("{bytes} B")
    } else if bytes < MB {
        format!("{} kB", (bytes + KB - 1) / KB)
    } else {
        let tenths = (bytes * 10 + MB - 1) / MB;
        format!("{}.{} MB", tenths / 10, tenths % 10)
    }
}

/// What went wrong with a message, in words: each refused file by its name.
fn problem(e: &ApiError, names: &[String], c: &Common) -> String {
    if *e == ApiError::Network {
        return c.error_network.to_owned();
    }
    let errors = e.field_errors();
    if errors.is_empty() {
        return c.error_generic.to_owned();
    }
    let name_of = |field: &str| {
        field
            .strip_prefix("file[")
            .and_then(|rest| rest.strip_suffix(']'))
            .and_then(|i| i.parse::<usize>().ok())
            .and_then(|i| names.get(i))
            .map_or("", String::as_str)
            .to_owned()
    };
    errors
        .iter()
        .map(|f| match f.code.as_str() {
            "unsupported_type" => fill(c.thread_err_type, &[("name", &name_of(&f.field))]),
            "too_large" => fill(c.thread_err_large, &[("name", &name_of(&f.field))]),
            "too_many" => c.thread_err_many.to_owned(),
            "required" => c.thread_err_empty.to_owned(),
            "too_long" => c.err_too_long.to_owned(),
            "empty" | "invalid_name" => fill(c.thread_err_file, &[("name", &name_of(&f.field))]),
            _ => c.error_generic.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(size(0), "0 B");
        assert_eq!(size(1023), "1023 B");
        assert_eq!(size(1024), "1 kB");
        assert_eq!(size(1025), "2 kB");
        assert_eq!(size(10 * 1024 * 1024), "10.0 MB");
        assert_eq!(size(1_500_000), "1.5 MB");
    }
}
