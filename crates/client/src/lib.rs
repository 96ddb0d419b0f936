//! A typed client of the customer portal's REST API, for integrators and for the API's own
//! integration tests (which is why it cannot drift from the server: both use `portal-types`).
//!
//! ```no_run
//! # async fn demo() -> Result<(), portal_client::ClientError> {
//! let client = portal_client::Client::new("http://127.0.0.1:8080");
//! client.portal_login("demo", "acme", "demo-portal-pass").await?;
//! let me = client.portal_me().await?;
//! println!("signed in for {}", me.contractor_name);
//! # Ok(()) }
//! ```
//!
//! The client keeps the access token in memory and the refresh token (an HttpOnly cookie for
//! browsers) itself, sending it only to the refresh and logout endpoints.

pub mod webhooks;

use std::sync::Mutex;

use portal_types::*;
use reqwest::header::{AUTHORIZATION, COOKIE, HeaderMap, RETRY_AFTER, SET_COOKIE};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// What can go wrong talking to the API.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The API answered with a problem+json error.
    #[error("HTTP {status}: {} ({})", problem.code, problem.detail.clone().unwrap_or_default())]
    Api {
        /// HTTP status.
        status: u16,
        /// The problem body.
        problem: Box<Problem>,
        /// `Retry-After` in seconds, for 429 and 503.
        retry_after: Option<u64>,
    },
    /// The server could not be reached or the connection failed.
    #[error("transport: {0}")]
    Transport(#[from] reqwest::Error),
    /// The answer was not what the API documents.
    #[error("unexpected response: {0}")]
    Unexpected(String),
}

impl ClientError {
    /// The HTTP status of an API error.
    pub fn status(&self) -> Option<u16> {
        match self {
            ClientError::Api { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The problem `code` of an API error.
    pub fn code(&self) -> Option<&str> {
        match self {
            ClientError::Api { problem, .. } => Some(problem.code.as_str()),
            _ => None,
        }
    }
}

/// Which side of the API a session is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Realm {
    /// Customer portal (`/api/v1/portal`).
    Portal,
    /// Issuer (`/api/v1/issuer`).
    Issuer,
}

impl Realm {
    fn prefix(self) -> &'static str {
        match self {
            Realm::Portal => "/api/v1/portal",
            Realm::Issuer => "/api/v1/issuer",
        }
    }

    fn cookie(self) -> &'static str {
        match self {
            Realm::Portal => "portal_refresh",
            Realm::Issuer => "issuer_refresh",
        }
    }
}

#[derive(Debug, Default, Clone)]
struct Session {
    realm: Option<Realm>,
    access_token: Option<String>,
    refresh_token: Option<String>,
}

/// A client bound to one server and holding at most one session.
#[derive(Debug)]
pub struct Client {
    base: String,
    http: reqwest::Client,
    session: Mutex<Session>,
}

impl Client {
    /// A client of the server at `base_url` (e.g. `http://127.0.0.1:8080`).
    pub fn new(base_url: &str) -> Self {
        Client {
            base: base_url.trim_end_matches('/').to_string(),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                // Below any server's keep-alive (ours is 75 s, actix-web's own default 5 s): a
                // pooled connection the server is closing would fail the next request with
                // `IncompleteMessage`.
                .pool_idle_timeout(std::time::Duration::from_secs(3))
                .build()
                .unwrap_or_default(),
            session: Mutex::new(Session::default()),
        }
    }

    /// The server's base URL.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    fn session(&self) -> Session {
        self.session.lock().map(|s| s.clone()).unwrap_or_default()
    }

    fn update(&self, f: impl FnOnce(&mut Session)) {
        if let Ok(mut s) = self.session.lock() {
            f(&mut s);
        }
    }

    /// The current access token, if signed in.
    pub fn access_token(&self) -> Option<String> {
        self.session().access_token
    }

    /// Replaces the access token (e.g. to try a forged one).
    pub fn set_access_token(&self, token: Option<String>) {
        self.update(|s| s.access_token = token);
    }

    /// The current refresh token, if signed in.
    pub fn refresh_token(&self) -> Option<String> {
        self.session().refresh_token
    }

    /// Replaces the refresh token (e.g. to replay an old one).
    pub fn set_refresh_token(&self, realm: Realm, token: Option<String>) {
        self.update(|s| {
            s.realm = Some(realm);
            s.refresh_token = token;
        });
    }

    /// A request to `path` with the access token attached, for calls this client does not wrap.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let builder = self.http.request(method, format!("{}{}", self.base, path));
        match self.access_token() {
            Some(token) => builder.header(AUTHORIZATION, format!("Bearer {token}")),
            None => builder,
        }
    }

    async fn send<T: DeserializeOwned>(&self, builder: RequestBuilder) -> Result<T, ClientError> {
        let response = builder.send().await?;
        let response = check(response).await?;
        response
            .json::<T>()
            .await
            .map_err(|e| ClientError::Unexpected(e.to_string()))
    }

    fn remember(&self, realm: Realm, headers: &HeaderMap, token: &TokenResponse) {
        let refresh = refresh_from(headers, realm);
        self.update(|s| {
            s.realm = Some(realm);
            s.access_token = Some(token.access_token.clone());
            if refresh.is_some() {
                s.refresh_token = refresh;
            }
        });
    }

    async fn login<B: Serialize>(
        &self,
        realm: Realm,
        body: &B,
    ) -> Result<TokenResponse, ClientError> {
        self.sign_in(realm, "login", body).await
    }

    /// `POST {realm}/auth/{action}` answering a token: remembers the token and the refresh
    /// cookie, as a sign-in.
    async fn sign_in<B: Serialize>(
        &self,
        realm: Realm,
        action: &str,
        body: &B,
    ) -> Result<TokenResponse, ClientError> {
        let response = self
            .http
            .post(format!("{}{}/auth/{action}", self.base, realm.prefix()))
            .json(body)
            .send()
            .await?;
        let response = check(response).await?;
        let headers = response.headers().clone();
        let token: TokenResponse = response
            .json()
            .await
            .map_err(|e| ClientError::Unexpected(e.to_string()))?;
        self.remember(realm, &headers, &token);
        Ok(token)
    }

    /// Signs a portal user in.
    pub async fn portal_login(
        &self,
        organization: &str,
        username: &str,
        password: &str,
    ) -> Result<TokenResponse, ClientError> {
        let body = PortalLoginRequest {
            organization: organization.to_string(),
            username: username.to_string(),
            password: password.to_string(),
        };
        self.login(Realm::Portal, &body).await
    }

    /// Signs a staff user in.
    pub async fn issuer_login(
        &self,
        email: &str,
        password: &str,
    ) -> Result<TokenResponse, ClientError> {
        let body = IssuerLoginRequest {
            email: email.to_string(),
            password: password.to_string(),
        };
        self.login(Realm::Issuer, &body).await
    }

    /// Exchanges the refresh token for new tokens.
    pub async fn refresh(&self) -> Result<TokenResponse, ClientError> {
        let session = self.session();
        let realm = session.realm.unwrap_or(Realm::Portal);
        let mut builder = self
            .http
            .post(format!("{}{}/auth/refresh", self.base, realm.prefix()));
        if let Some(token) = session.refresh_token {
            builder = builder.header(COOKIE, format!("{}={token}", realm.cookie()));
        }
        let response = check(builder.send().await?).await?;
        let headers = response.headers().clone();
        let token: TokenResponse = response
            .json()
            .await
            .map_err(|e| ClientError::Unexpected(e.to_string()))?;
        self.remember(realm, &headers, &token);
        Ok(token)
    }

    /// Ends the session on the server and forgets the tokens.
    pub async fn logout(&self) -> Result<(), ClientError> {
        let session = self.session();
        let realm = session.realm.unwrap_or(Realm::Portal);
        let mut builder = self
            .http
            .post(format!("{}{}/auth/logout", self.base, realm.prefix()));
        if let Some(token) = session.refresh_token {
            builder = builder.header(COOKIE, format!("{}={token}", realm.cookie()));
        }
        check(builder.send().await?).await?;
        self.update(|s| *s = Session::default());
        Ok(())
    }

    /// `GET /health`.
    pub async fn health(&self) -> Result<HealthStatus, ClientError> {
        self.send(self.http.get(format!("{}/health", self.base)))
            .await
    }

    /// `GET /ready`.
    pub async fn ready(&self) -> Result<HealthStatus, ClientError> {
        self.send(self.http.get(format!("{}/ready", self.base)))
            .await
    }

    /// `GET /api/v1/openapi.json`.
    pub async fn openapi(&self) -> Result<serde_json::Value, ClientError> {
        self.send(self.http.get(format!("{}/api/v1/openapi.json", self.base)))
            .await
    }

    /// `GET /api/v1/portal/me`.
    pub async fn portal_me(&self) -> Result<PortalMe, ClientError> {
        self.send(self.request(Method::GET, "/api/v1/portal/me"))
            .await
    }

    /// `GET /api/v1/issuer/me`.
    pub async fn issuer_me(&self) -> Result<StaffMe, ClientError> {
        self.send(self.request(Method::GET, "/api/v1/issuer/me"))
            .await
    }

    /// `PATCH /api/v1/portal/me`: change the portal user's names or e-mail.
    pub async fn update_portal_me(&self, update: &PortalMeUpdate) -> Result<PortalMe, ClientError> {
        self.send(
            self.request(Method::PATCH, "/api/v1/portal/me")
                .json(update),
        )
        .await
    }

    /// `GET /api/v1/portal/company`.
    pub async fn portal_company(&self) -> Result<portal_types::PortalCompany, ClientError> {
        self.send(self.request(Method::GET, "/api/v1/portal/company"))
            .await
    }

    /// `PATCH /api/v1/portal/company`: change the customer's company data.
    pub async fn update_portal_company(
        &self,
        update: &portal_types::CompanyUpdate,
    ) -> Result<portal_types::PortalCompany, ClientError> {
        self.send(
            self.request(Method::PATCH, "/api/v1/portal/company")
                .json(update),
        )
        .await
    }

    /// `POST /api/v1/portal/me/password`; the user's other sessions end.
    pub async fn change_portal_password(&self, change: &PasswordChange) -> Result<(), ClientError> {
        let response = self
            .request(Method::POST, "/api/v1/portal/me/password")
            .json(change)
            .send()
            .await?;
        check(response).await.map(|_| ())
    }

    /// `GET /api/v1/portal/documents` with grid parameters such as `("status", "open")`,
    /// `("sort", "-total")` or `("page", "2")`.
    pub async fn portal_documents(
        &self,
        query: &[(&str, &str)],
    ) -> Result<DocumentPage, ClientError> {
        self.send(
            self.request(Method::GET, "/api/v1/portal/documents")
                .query(query),
        )
        .await
    }

    /// `GET /api/v1/portal/documents/{id}`: one document with lines, VAT and payments.
    pub async fn portal_document(&self, id: i64) -> Result<DocumentDetail, ClientError> {
        self.send(self.request(Method::GET, &format!("/api/v1/portal/documents/{id}")))
            .await
    }

    /// `POST /api/v1/portal/documents/{id}/accept` or `/reject` (`decision`): decides an offer.
    pub async fn decide_offer(
        &self,
        id: i64,
        decision: &str,
        reason: Option<&str>,
    ) -> Result<DocumentDetail, ClientError> {
        let body = portal_types::DecisionRequest {
            reason: reason.map(str::to_string),
        };
        self.send(
            self.request(
                Method::POST,
                &format!("/api/v1/portal/documents/{id}/{decision}"),
            )
            .json(&body),
        )
        .await
    }

    /// `GET /api/v1/portal/documents/{id}/pdf`: the PDF's bytes. A download (`inline` false)
    /// is recorded as received; a preview as viewed.
    pub async fn portal_document_pdf(&self, id: i64, inline: bool) -> Result<Vec<u8>, ClientError> {
        let disposition = if inline { "inline" } else { "attachment" };
        let response = self
            .request(Method::GET, &format!("/api/v1/portal/documents/{id}/pdf"))
            .query(&[("disposition", disposition)])
            .send()
            .await?;
        Ok(check(response).await?.bytes().await?.to_vec())
    }

    /// `GET /api/v1/portal/summary`: open and overdue amounts, counts, recent documents.
    pub async fn portal_summary(&self) -> Result<PortalSummary, ClientError> {
        self.send(self.request(Method::GET, "/api/v1/portal/summary"))
            .await
    }

    /// `POST /api/v1/portal/payments/checkout`: starts paying documents online.
    pub async fn checkout(
        &self,
        request: &CheckoutRequest,
    ) -> Result<CheckoutStarted, ClientError> {
        self.send(
            self.request(Method::POST, "/api/v1/portal/payments/checkout")
                .json(request),
        )
        .await
    }

    /// `GET /api/v1/portal/payments/{id}`: what became of a payment.
    pub async fn payment_attempt(&self, id: &str) -> Result<PaymentAttempt, ClientError> {
        self.send(self.request(Method::GET, &format!("/api/v1/portal/payments/{id}")))
            .await
    }
}

/// A file to attach to a comment: its name and its bytes.
#[derive(Debug, Clone)]
pub struct FileUpload {
    /// The name shown beside it.
    pub name: String,
    /// Its content (its type is judged from it by the server).
    pub bytes: Vec<u8>,
}

impl Client {
    /// `GET {realm}/documents/{id}/comments`: the document's thread, oldest first.
    pub async fn comments(&self, realm: Realm, id: i64) -> Result<CommentThread, ClientError> {
        self.send(self.request(
            Method::GET,
            &format!("{}/documents/{id}/comments", realm.prefix()),
        ))
        .await
    }

    /// `GET {realm}/comments/unread`: the caller's documents with unread comments.
    pub async fn unread_comments(
        &self,
        realm: Realm,
    ) -> Result<portal_types::UnreadComments, ClientError> {
        self.send(self.request(Method::GET, &format!("{}/comments/unread", realm.prefix())))
            .await
    }

    /// `POST {realm}/documents/{id}/comments`: a comment with files (as `multipart/form-data`),
    /// or without (as JSON).
    pub async fn post_comment(
        &self,
        realm: Realm,
        id: i64,
        body: &str,
        files: &[FileUpload],
    ) -> Result<Comment, ClientError> {
        let builder = self.request(
            Method::POST,
            &format!("{}/documents/{id}/comments", realm.prefix()),
        );
        let builder = if files.is_empty() {
            builder.json(&NewComment {
                body: body.to_string(),
            })
        } else {
            let mut form = reqwest::multipart::Form::new().text("body", body.to_string());
            for file in files {
                form = form.part(
                    "file",
                    reqwest::multipart::Part::bytes(file.bytes.clone())
                        .file_name(file.name.clone())
                        .mime_str("application/octet-stream")?,
                );
            }
            builder.multipart(form)
        };
        self.send(builder).await
    }

    /// `GET {realm}/documents/{id}/attachments/{attachment}`: an attachment's bytes.
    pub async fn attachment(
        &self,
        realm: Realm,
        id: i64,
        attachment: i64,
    ) -> Result<Vec<u8>, ClientError> {
        let response = self
            .request(
                Method::GET,
                &format!("{}/documents/{id}/attachments/{attachment}", realm.prefix()),
            )
            .send()
            .await?;
        Ok(check(response).await?.bytes().await?.to_vec())
    }
}

mod issuer;
pub use issuer::ImportOptions;

/// Turns a non-success response into `ClientError::Api`.
pub async fn check(response: Response) -> Result<Response, ClientError> {
    let status = response.status();
    if status.is_success() || status == StatusCode::NOT_MODIFIED {
        return Ok(response);
    }
    let retry_after = response
        .headers()
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    let text = response.text().await?;
    let problem: Problem = serde_json::from_str(&text).map_err(|_| {
        ClientError::Unexpected(format!("HTTP {status} without a problem body: {text}"))
    })?;
    Err(ClientError::Api {
        status: status.as_u16(),
        problem: Box::new(problem),
        retry_after,
    })
}

/// The refresh token a response set, if any (an empty value means it was cleared).
fn refresh_from(headers: &HeaderMap, realm: Realm) -> Option<String> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|cookie| {
            let (name, rest) = cookie.split_once('=')?;
            let name = name.trim().trim_start_matches("__Secure-");
            (name == realm.cookie()).then(|| rest.split(';').next().unwrap_or("").to_string())
        })
}
