//! Cross-cutting middleware: a request id on every log line and response, an access log,
//! and the security headers every response carries.

use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::{DefaultHeaders, Next};
use tracing::Instrument;

/// The response header carrying the request id.
pub const REQUEST_ID: &str = "x-request-id";

/// Content-Security-Policy: only our own scripts, plus compiling our own WebAssembly.
pub const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; object-src 'none'; \
frame-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// Gives each request an id (a UUID), runs it inside a span carrying that id so every log line
/// of the request shows it, logs the outcome, and returns the id as `X-Request-Id`.
pub async fn request_id(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = uuid::Uuid::new_v4().to_string();
    let span = tracing::info_span!(
        "request",
        request_id = %id,
        method = %req.method(),
        path = %req.path(),
    );
    let started = Instant::now();
    let result = next.call(req).instrument(span.clone()).await;
    let _entered = span.enter();
    match result {
        Ok(mut res) => {
            let status = res.status().as_u16();
            let ms = started.elapsed().as_secs_f64() * 1000.0;
            if status >= 500 {
                tracing::error!(status, ms, "response");
            } else {
                tracing::info!(status, ms, "response");
            }
            if let Ok(value) = HeaderValue::from_str(&id) {
                res.headers_mut()
                    .insert(HeaderName::from_static(REQUEST_ID), value);
            }
            rate_limit_headers(&mut res);
            Ok(res)
        }
        Err(err) => {
            tracing::error!(error = %err, "request failed before a response");
            Err(err)
        }
    }
}

/// An API key's limit on its answers, as the IETF's RateLimit header fields draft has them
/// (`RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` in seconds).
fn rate_limit_headers<B>(res: &mut ServiceResponse<B>) {
    use actix_web::HttpMessage;
    let Some(info) = res
        .request()
        .extensions()
        .get::<crate::auth::api_key::RateInfo>()
        .copied()
    else {
        return;
    };
    let headers = res.headers_mut();
    for (name, value) in [
        ("ratelimit-limit", u64::from(info.limit)),
        ("ratelimit-remaining", u64::from(info.remaining)),
        ("ratelimit-reset", info.reset_secs),
    ] {
        headers.insert(HeaderName::from_static(name), HeaderValue::from(value));
    }
}

/// Admits API keys on `/api/v1/issuer/…` before any extractor runs: a refused key (unknown,
/// revoked, over its limit, without the path's scope) is answered here; an admitted one leaves
/// its [`crate::auth::IssuerSession`] for the handler's extractor.
pub async fn api_keys(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<actix_web::body::EitherBody<impl MessageBody>>, actix_web::Error> {
    use actix_web::HttpMessage;
    let token = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim().to_owned())
        .filter(|t| portal_domain::api_key::is_key(t));
    if let Some(token) = token
        && req.path().starts_with("/api/v1/issuer/")
    {
        let Some(state) = req
            .app_data::<actix_web::web::Data<crate::state::AppState>>()
            .cloned()
        else {
            return Err(actix_web::error::ErrorInternalServerError("no state"));
        };
        match crate::auth::session::admit_key(&state, req.request(), &token).await {
            Ok(session) => {
                req.extensions_mut().insert(session);
            }
            Err(refused) => {
                // Carrying the error, so that the database gate around this sees an outage.
                let response = actix_web::HttpResponse::from_error(refused);
                return Ok(req.into_response(response).map_into_right_body());
            }
        }
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

/// The database gate (see [`crate::db_gate`]): while it is closed, a request that needs the
/// database is answered 503 at once; a response that found the database unreachable closes it.
pub async fn database_gate(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<actix_web::body::EitherBody<impl MessageBody>>, actix_web::Error> {
    use crate::error::ApiError;
    use actix_web::ResponseError;
    let Some(state) = req
        .app_data::<actix_web::web::Data<crate::state::AppState>>()
        .cloned()
    else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body);
    };
    if state.database.is_closed() && crate::db_gate::needs_database(req.path()) {
        let response = ApiError::DatabaseUnavailable("the gate is closed".into()).error_response();
        return Ok(req.into_response(response).map_into_right_body());
    }
    let res = next.call(req).await?;
    if res
        .response()
        .error()
        .and_then(|e| e.as_error::<ApiError>())
        .is_some_and(|e| matches!(e, ApiError::DatabaseUnavailable(_)))
    {
        state.database.report_unreachable(&state.db);
    }
    Ok(res.map_into_left_body())
}

/// The last line of defence: a handler that panics (a bug; nothing a client sends should reach
/// one) answers a problem+json 500 and is logged, instead of dropping the connection.
pub async fn catch_panic(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    use futures_util::FutureExt;
    match std::panic::AssertUnwindSafe(next.call(req))
        .catch_unwind()
        .await
    {
        Ok(result) => result.map(ServiceResponse::map_into_boxed_body),
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            // An error (not a response) from a middleware is answered with its problem+json.
            Err(crate::error::ApiError::internal(format!("a handler panicked: {message}")).into())
        }
    }
}

/// Security headers added to every response that does not set its own.
pub fn security_headers(tls: bool) -> DefaultHeaders {
    let headers = DefaultHeaders::new()
        .add((header::CONTENT_SECURITY_POLICY, CSP))
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::REFERRER_POLICY, "same-origin"))
        .add((header::X_FRAME_OPTIONS, "DENY"))
        .add(("cross-origin-opener-policy", "same-origin"))
        .add(("cross-origin-resource-policy", "same-origin"))
        .add((
            "permissions-policy",
            "camera=(), microphone=(), geolocation=(), payment=()",
        ));
    if tls {
        headers.add((
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=63072000; includeSubDomains",
        ))
    } else {
        headers
    }
}

#[cfg(test)]
mod tests {
    use actix_web::middleware::from_fn;
    use actix_web::{App, HttpResponse, test, web};

    use super::catch_panic;

    #[actix_web::test]
    async fn a_panicking_handler_answers_a_problem_500_not_a_dropped_connection() {
        let app = test::init_service(
            App::new()
                .wrap(from_fn(catch_panic))
                .route(
                    "/boom",
                    web::get().to(|| async {
                        let bytes = "€".as_bytes();
                        let _ = std::str::from_utf8(&bytes[..1]).expect("a bug");
                        HttpResponse::Ok().finish()
                    }),
                )
                .route("/fine", web::get().to(HttpResponse::Ok)),
        )
        .await;
        // The server answers an error from the middleware stack with its error response.
        let error =
            test::try_call_service(&app, test::TestRequest::get().uri("/boom").to_request())
                .await
                .expect_err("the panic becomes an error");
        let response = error.error_response();
        assert_eq!(response.status(), 500);
        assert_eq!(
            response
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok()),
            Some("application/problem+json")
        );
        let response =
            test::call_service(&app, test::TestRequest::get().uri("/fine").to_request()).await;
        assert_eq!(response.status(), 200);
    }
}
