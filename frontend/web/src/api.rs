//! The apps' REST client, for either realm: `fetch` with the access token, one silent refresh
//! on 401, and problem+json errors decoded into [`ApiError`].
//!
//! Each app talks to one realm, chosen once at start ([`init_session`] with `/api/v1/portal`
//! or `/api/v1/issuer`). The access token lives only in memory (the [`Session`] signals). The
//! refresh token is an HttpOnly cookie the browser sends to `{realm}/auth/*` only; each one
//! works once, so every caller that needs a refresh shares the one in flight.

use std::cell::RefCell;

use futures::channel::oneshot;
use leptos::prelude::*;
use portal_types::{FieldError, Problem, TokenResponse};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, Headers, Request, RequestCredentials, RequestInit, Response};

/// The customer realm's base path.
pub const PORTAL: &str = "/api/v1/portal";
/// The issuer realm's base path.
pub const ISSUER: &str = "/api/v1/issuer";

/// Whether the user is signed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthState {
    /// Not known yet: a silent refresh may still sign the user in.
    Unknown,
    /// An access token is at hand.
    SignedIn,
    /// Not signed in.
    SignedOut,
    /// The session ended while the user was working: show the login with a message.
    Expired,
    /// The user signed out.
    LoggedOut,
}

/// The signed-in state shared by the app and this client.
#[derive(Debug, Clone, Copy)]
pub struct Session {
    /// The access token (memory only).
    pub token: RwSignal<Option<String>>,
    /// The organisation the token belongs to.
    pub organization: RwSignal<Option<String>>,
    /// See [`AuthState`].
    pub state: RwSignal<AuthState>,
    /// The user must choose a new password first.
    pub must_change_password: RwSignal<bool>,
}

impl Session {
    fn new() -> Self {
        Session {
            token: RwSignal::new(None),
            organization: RwSignal::new(None),
            state: RwSignal::new(AuthState::Unknown),
            must_change_password: RwSignal::new(false),
        }
    }

    /// Takes a freshly issued token.
    pub fn accept(&self, token: &TokenResponse) {
        self.token.set(Some(token.access_token.clone()));
        self.organization.set(Some(token.organization.clone()));
        self.must_change_password.set(token.must_change_password);
        self.state.set(AuthState::SignedIn);
    }

    /// Forgets the token; `state` says why.
    pub fn end(&self, state: AuthState) {
        self.token.set(None);
        self.state.set(state);
    }
}

thread_local! {
    static SESSION: RefCell<Option<Session>> = const { RefCell::new(None) };
    static BASE: std::cell::Cell<&'static str> = const { std::cell::Cell::new(PORTAL) };
    static REFRESH_WAITERS: RefCell<Option<Vec<RefreshWaiter>>> = const { RefCell::new(None) };
}

type RefreshWaiter = oneshot::Sender<Result<TokenResponse, ApiError>>;

/// Creates the session (once, at start) for the realm at `base` ([`PORTAL`] or [`ISSUER`]) and
/// returns it.
pub fn init_session(base: &'static str) -> Session {
    BASE.with(|b| b.set(base));
    let session = Session::new();
    SESSION.with(|s| *s.borrow_mut() = Some(session));
    session
}

/// The app's session.
pub fn session() -> Session {
    SESSION
        .with(|s| *s.borrow())
        .unwrap_or_else(|| init_session(base()))
}

/// The realm's base path, such as `/api/v1/portal`.
pub fn base() -> &'static str {
    BASE.with(std::cell::Cell::get)
}

/// Why a request failed.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// No answer (offline, server down, aborted).
    Network,
    /// An answer that is not a success. `problem` is the decoded problem+json body.
    Http {
        /// HTTP status.
        status: u16,
        /// The problem document, when the body was one.
        problem: Option<Problem>,
        /// `Retry-After` in seconds (429).
        retry_after: Option<u32>,
    },
    /// Not signed in, and a refresh could not help: the session has ended.
    Unauthorized,
    /// A success whose body did not decode.
    Decode,
}

impl ApiError {
    /// The HTTP status, if there was an answer.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Http { status, .. } => Some(*status),
            ApiError::Unauthorized => Some(401),
            _ => None,
        }
    }

    /// Per-field errors of a 422.
    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            ApiError::Http {
                problem: Some(p), ..
            } => &p.errors,
            _ => &[],
        }
    }
}

fn window() -> Result<web_sys::Window, ApiError> {
    web_sys::window().ok_or(ApiError::Network)
}

/// One `fetch`, no retries.
async fn raw(
    method: &str,
    path: &str,
    body: Option<&str>,
    token: Option<&str>,
) -> Result<Response, ApiError> {
    let headers = Headers::new().map_err(|_| ApiError::Network)?;
    let init = RequestInit::new();
    init.set_method(method);
    init.set_credentials(RequestCredentials::SameOrigin);
    if let Some(token) = token {
        headers
            .set("Authorization", &format!("Bearer {token}"))
            .map_err(|_| ApiError::Network)?;
    }
    if let Some(body) = body {
        headers
            .set("Content-Type", "application/json")
            .map_err(|_| ApiError::Network)?;
        init.set_body(&JsValue::from_str(body));
    }
    init.set_headers(&headers);
    let request = Request::new_with_str_and_init(path, &init).map_err(|_| ApiError::Network)?;
    let response = JsFuture::from(window()?.fetch_with_request(&request))
        .await
        .map_err(|_| ApiError::Network)?;
    response.dyn_into().map_err(|_| ApiError::Network)
}

async fn text(response: &Response) -> Result<String, ApiError> {
    let promise = response.text().map_err(|_| ApiError::Network)?;
    JsFuture::from(promise)
        .await
        .map_err(|_| ApiError::Network)?
        .as_string()
        .ok_or(ApiError::Decode)
}

/// Turns a non-success answer into an [`ApiError`].
async fn failure(response: Response) -> ApiError {
    let status = response.status();
    let retry_after = response
        .headers()
        .get("Retry-After")
        .ok()
        .flatten()
        .and_then(|v| v.trim().parse().ok());
    let problem = match text(&response).await {
        Ok(body) => serde_json::from_str::<Problem>(&body).ok(),
        Err(_) => None,
    };
    ApiError::Http {
        status,
        problem,
        retry_after,
    }
}

/// The token of a login or refresh answer.
async fn token(response: Response) -> Result<TokenResponse, ApiError> {
    if !response.ok() {
        return Err(failure(response).await);
    }
    parse(&text(&response).await?)
}

/// `POST /auth/login` with the realm's login request. The caller accepts the token into the
/// session.
pub async fn login(request: &impl Serialize) -> Result<TokenResponse, ApiError> {
    let body = serde_json::to_string(request).map_err(|_| ApiError::Decode)?;
    let response = raw("POST", &format!("{}/auth/login", base()), Some(&body), None).await?;
    token(response).await
}

/// `POST /auth/password-reset`: asks for a reset link (the answer says nothing of whether the
/// login exists).
pub async fn request_password_reset(request: &impl Serialize) -> Result<(), ApiError> {
    let body = serde_json::to_string(request).map_err(|_| ApiError::Decode)?;
    let response = raw(
        "POST",
        &format!("{}/auth/password-reset", base()),
        Some(&body),
        None,
    )
    .await?;
    if response.ok() {
        Ok(())
    } else {
        Err(failure(response).await)
    }
}

/// `POST /auth/set-password`: a new password from a link; signs the user in. The caller
/// accepts the token into the session.
pub async fn set_password(request: &impl Serialize) -> Result<TokenResponse, ApiError> {
    let body = serde_json::to_string(request).map_err(|_| ApiError::Decode)?;
    let response = raw(
        "POST",
        &format!("{}/auth/set-password", base()),
        Some(&body),
        None,
    )
    .await?;
    token(response).await
}

/// `GET /auth/{action}` without a session, for `{"open": bool}`: whether the first-run setup
/// (`setup`) or public sign-up (`signup`) is open.
pub async fn auth_open(action: &str) -> bool {
    let Ok(response) = raw("GET", &format!("{}/auth/{action}", base()), None, None).await else {
        return false;
    };
    let Ok(body) = text(&response).await else {
        return false;
    };
    parse::<portal_types::SetupStatus>(&body).is_ok_and(|s| s.open)
}

/// `POST /auth/{action}` without a session (the admin's first-run setup, sign-up and its
/// confirmation): the JSON answer, a token to accept into the session where it signs in.
pub async fn auth_post<T: DeserializeOwned>(
    action: &str,
    request: &impl Serialize,
) -> Result<T, ApiError> {
    let body = serde_json::to_string(request).map_err(|_| ApiError::Decode)?;
    let response = raw(
        "POST",
        &format!("{}/auth/{action}", base()),
        Some(&body),
        None,
    )
    .await?;
    if !response.ok() {
        return Err(failure(response).await);
    }
    parse(&text(&response).await?)
}

/// `POST /auth/refresh`, shared: concurrent callers wait for the same request, because a
/// refresh cookie is valid once and a second use would end the whole session.
pub async fn refresh() -> Result<TokenResponse, ApiError> {
    // `None`: no refresh under way. `Some(waiters)`: one is; the callers that came later wait.
    let waiting = REFRESH_WAITERS.with(|slot| {
        let mut slot = slot.borrow_mut();
        match slot.as_mut() {
            Some(waiters) => {
                let (tx, rx) = oneshot::channel();
                waiters.push(tx);
                Some(rx)
            }
            None => {
                *slot = Some(Vec::new());
                None
            }
        }
    });
    let result = match waiting {
        Some(rx) => rx.await.unwrap_or(Err(ApiError::Network)),
        None => {
            let result = match raw("POST", &format!("{}/auth/refresh", base()), None, None).await {
                Ok(response) => token(response).await,
                Err(e) => Err(e),
            };
            let waiters = REFRESH_WAITERS
                .with(|slot| slot.borrow_mut().take())
                .unwrap_or_default();
            for tx in waiters {
                let _ = tx.send(result.clone());
            }
            result
        }
    };
    if let Ok(token) = &result {
        session().accept(token);
    }
    result
}

/// `POST /auth/logout`: ends the session on the server and clears the cookie.
pub async fn logout() {
    let token = session().token.get_untracked();
    let _ = raw(
        "POST",
        &format!("{}/auth/logout", base()),
        None,
        token.as_deref(),
    )
    .await;
    session().end(AuthState::LoggedOut);
}

/// A request with the access token; on 401 one refresh and one retry. When the refresh fails
/// the session is marked expired (the shell then shows the login) and `Unauthorized` returned.
async fn authed(method: &str, path: &str, body: Option<&str>) -> Result<Response, ApiError> {
    let session = session();
    let token = match session.token.get_untracked() {
        Some(t) => t,
        None => match refresh().await {
            Ok(t) => t.access_token,
            Err(e) => return Err(expired(e)),
        },
    };
    let response = raw(method, path, body, Some(&token)).await?;
    if response.status() != 401 {
        return Ok(response);
    }
    // Someone may have refreshed meanwhile; else refresh now.
    let fresh = match session.token.get_untracked() {
        Some(current) if current != token => current,
        _ => match refresh().await {
            Ok(t) => t.access_token,
            Err(e) => return Err(expired(e)),
        },
    };
    let response = raw(method, path, body, Some(&fresh)).await?;
    if response.status() == 401 {
        return Err(expired(ApiError::Unauthorized));
    }
    Ok(response)
}

fn expired(error: ApiError) -> ApiError {
    match error {
        ApiError::Network => ApiError::Network,
        _ => {
            let session = session();
            if session.state.get_untracked() == AuthState::SignedIn {
                session.end(AuthState::Expired);
            }
            ApiError::Unauthorized
        }
    }
}

/// The body of a successful answer, or the error. Not generic, so its state machine exists
/// once in the wasm whatever the callers decode.
async fn request_text(method: &str, path: &str, body: Option<String>) -> Result<String, ApiError> {
    let response = authed(method, path, body.as_deref()).await?;
    if !response.ok() {
        return Err(failure(response).await);
    }
    text(&response).await
}

/// `GET` a resource's body as text (for callers that decode it themselves).
pub async fn get_text(path: &str) -> Result<String, ApiError> {
    request_text("GET", path, None).await
}

/// Sends a JSON body (serialised by the caller); returns the answer's body as text (for callers
/// that decode it themselves).
pub async fn send_text(method: &str, path: &str, body: String) -> Result<String, ApiError> {
    request_text(method, path, Some(body)).await
}

/// Decodes a JSON body.
pub fn parse<T: DeserializeOwned>(body: &str) -> Result<T, ApiError> {
    serde_json::from_str(body).map_err(|_| ApiError::Decode)
}

/// `GET` a JSON resource.
pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    parse(&request_text("GET", path, None).await?)
}

/// Sends a JSON body; returns the decoded answer.
pub async fn send<B: Serialize, T: DeserializeOwned>(
    method: &str,
    path: &str,
    body: &B,
) -> Result<T, ApiError> {
    let body = serde_json::to_string(body).map_err(|_| ApiError::Decode)?;
    parse(&request_text(method, path, Some(body)).await?)
}

/// [`send`] with an `Idempotency-Key`: the server answers a retry with the same key and body
/// with the first answer and changes nothing more, so a save retried after a timeout never
/// happens twice. One refresh and one retry on 401, as for every request.
///
/// Its own small request path rather than a parameter of the common one: the customer portal
/// never sends a key, and its bundle sits at the edge of its size budget.
pub async fn send_idempotent<B: Serialize, T: DeserializeOwned>(
    method: &str,
    path: &str,
    body: &B,
    key: &str,
) -> Result<T, ApiError> {
    let body = serde_json::to_string(body).map_err(|_| ApiError::Decode)?;
    let body = JsValue::from_str(&body);
    let headers = [
        ("Content-Type", "application/json"),
        ("Idempotency-Key", key),
    ];
    parse(&with_headers(method, path, &body, &headers).await?)
}

/// Sends a file as the body, with its media type (`text/csv`); returns the decoded answer.
/// Like [`send_idempotent`], a path of its own that the customer portal leaves out.
pub async fn send_file<T: DeserializeOwned>(
    method: &str,
    path: &str,
    file: &Blob,
    content_type: &str,
) -> Result<T, ApiError> {
    let headers = [("Content-Type", content_type)];
    parse(&with_headers(method, path, file.as_ref(), &headers).await?)
}

/// Sends a `multipart/form-data` body (a comment with its files; the browser writes its
/// boundary); returns the answer's body as text.
pub async fn send_form(path: &str, form: &web_sys::FormData) -> Result<String, ApiError> {
    with_headers("POST", path, form.as_ref(), &[]).await
}

/// A request with the access token and `headers`: one refresh and one retry on 401; the
/// body of a successful answer, or the error.
async fn with_headers(
    method: &str,
    path: &str,
    body: &JsValue,
    headers: &[(&str, &str)],
) -> Result<String, ApiError> {
    let token = match session().token.get_untracked() {
        Some(t) => t,
        None => refresh().await.map_err(expired)?.access_token,
    };
    let mut response = fetch_with(method, path, body, &token, headers).await?;
    if response.status() == 401 {
        let fresh = refresh().await.map_err(expired)?.access_token;
        response = fetch_with(method, path, body, &fresh, headers).await?;
        if response.status() == 401 {
            return Err(expired(ApiError::Unauthorized));
        }
    }
    if !response.ok() {
        return Err(failure(response).await);
    }
    text(&response).await
}

/// One `fetch` with the access token and `headers`.
async fn fetch_with(
    method: &str,
    path: &str,
    body: &JsValue,
    token: &str,
    extra: &[(&str, &str)],
) -> Result<Response, ApiError> {
    let headers = Headers::new().map_err(|_| ApiError::Network)?;
    let bearer = format!("Bearer {token}");
    for (name, value) in [("Authorization", bearer.as_str())]
        .iter()
        .chain(extra.iter())
    {
        headers.set(name, value).map_err(|_| ApiError::Network)?;
    }
    let init = RequestInit::new();
    init.set_method(method);
    init.set_credentials(RequestCredentials::SameOrigin);
    init.set_body(body);
    init.set_headers(&headers);
    let request = Request::new_with_str_and_init(path, &init).map_err(|_| ApiError::Network)?;
    let response = JsFuture::from(window()?.fetch_with_request(&request))
        .await
        .map_err(|_| ApiError::Network)?;
    response.dyn_into().map_err(|_| ApiError::Network)
}

/// Sends a JSON body to an endpoint that answers 204.
pub async fn send_no_content<B: Serialize>(
    method: &str,
    path: &str,
    body: &B,
) -> Result<(), ApiError> {
    let body = serde_json::to_string(body).map_err(|_| ApiError::Decode)?;
    request_text(method, path, Some(body)).await.map(|_| ())
}

/// A binary resource (a PDF) and the file name from `Content-Disposition`.
pub async fn get_blob(path: &str) -> Result<(Blob, Option<String>), ApiError> {
    let response = authed("GET", path, None).await?;
    if !response.ok() {
        return Err(failure(response).await);
    }
    let filename = response
        .headers()
        .get("Content-Disposition")
        .ok()
        .flatten()
        .and_then(|v| {
            let start = v.find("filename=\"")? + 10;
            let rest = &v[start..];
            Some(rest[..rest.find('"')?].to_owned())
        });
    let promise = response.blob().map_err(|_| ApiError::Network)?;
    let blob = JsFuture::from(promise)
        .await
        .map_err(|_| ApiError::Network)?
        .dyn_into::<Blob>()
        .map_err(|_| ApiError::Decode)?;
    Ok((blob, filename))
}

/// Saves a blob as a file through a temporary `<a download>`.
pub fn save_blob(blob: &Blob, filename: &str) -> Result<(), JsValue> {
    let url = web_sys::Url::create_object_url_with_blob(blob)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("no document"))?;
    let anchor: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    anchor.set_href(&url);
    anchor.set_download(filename);
    anchor.set_hidden(true);
    if let Some(body) = document.body() {
        body.append_child(&anchor)?;
        anchor.click();
        body.remove_child(&anchor)?;
    }
    // Revoke later: the download starts asynchronously.
    let revoke = url.clone();
    leptos::prelude::set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&revoke);
        },
        std::time::Duration::from_secs(60),
    );
    Ok(())
}
