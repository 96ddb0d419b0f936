//! The OpenAPI document, collected from the same route list the server runs.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

use crate::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Customer portal API",
        version = "1",
        description = "Customers see every document issued to them, know what is paid and what is open, \
download PDFs, comment and pay; the issuer sees that each document was received.\n\n\
Customer endpoints live under `/api/v1/portal` and take portal-user access tokens; issuer endpoints \
under `/api/v1/issuer` take staff access tokens. Errors are RFC 9457 `application/problem+json` with a \
stable `code`. Money travels as decimal strings, dates as `YYYY-MM-DD`, instants as RFC 3339 UTC.",
        license(name = "AGPL-3.0-or-later")
    ),
    modifiers(&BearerAuth),
    components(schemas(portal_types::Problem, portal_types::FieldError, portal_types::WebhookEvent))
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(
                    HttpBuilder::new()
                        .scheme(HttpAuthScheme::Bearer)
                        .bearer_format("JWT")
                        .description(Some(
                            "An access token from signing in (a JWT, 10 minutes), or on \
                             `/api/v1/issuer/…` an integrator's API key (`cpk_live_…`), \
                             limited to its scopes and its requests per minute.",
                        ))
                        .build(),
                ),
            );
        }
    }
}

/// The whole document.
pub fn spec() -> utoipa::openapi::OpenApi {
    let (_, mut api) = actix_web::App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(routes::api)
        .split_for_parts();
    document_body_errors(&mut api);
    document_rate_limits(&mut api);
    let description = api.info.description.take().unwrap_or_default();
    api.info.description = Some(format!("{description}\n\n{}", guide()));
    api
}

/// The integrators' guide (`openapi/guide/guide.md`), shown at the top of `/api/docs`. The
/// verification code it shows is cut from the files the tests run: the Python and JavaScript
/// files up to their marker line, and the client crate's documentation example (a doc test).
pub fn guide() -> String {
    fn until_marker(text: &str) -> String {
        text.lines()
            .take_while(|l| !l.contains("---- not part of the guide"))
            .collect::<Vec<_>>()
            .join("\n")
            .trim_end()
            .to_owned()
    }
    fn doc_example(source: &str) -> String {
        source
            .lines()
            .filter_map(|l| l.strip_prefix("//!"))
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .skip_while(|l| !l.starts_with("```"))
            .skip(1)
            .take_while(|l| !l.starts_with("```"))
            .filter(|l| !l.starts_with("# "))
            .collect::<Vec<_>>()
            .join("\n")
    }
    include_str!("../../../openapi/guide/guide.md")
        .replace(
            "{{python}}",
            &until_marker(include_str!("../../../openapi/guide/verify_webhook.py")),
        )
        .replace(
            "{{javascript}}",
            &until_marker(include_str!("../../../openapi/guide/verify_webhook.mjs")),
        )
        .replace(
            "{{rust}}",
            &doc_example(include_str!("../../client/src/webhooks.rs")),
        )
}

/// Every operation that reads a JSON body can answer 400 (not JSON) and 415 (not sent as
/// JSON) from the body extractor, before its handler runs: said once here for all of them.
fn document_body_errors(api: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    let problem = |description: &str| {
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/problem+json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("Problem")))
                    .build(),
            )
            .build()
    };
    for item in api.paths.paths.values_mut() {
        let operations = [
            item.post.as_mut(),
            item.put.as_mut(),
            item.patch.as_mut(),
            item.delete.as_mut(),
        ];
        for operation in operations.into_iter().flatten() {
            if operation.request_body.is_none() {
                continue;
            }
            let responses = &mut operation.responses.responses;
            responses
                .entry("400".to_string())
                .or_insert_with(|| problem("The body is not valid JSON").into());
            responses
                .entry("415".to_string())
                .or_insert_with(|| problem("The body was not sent as application/json").into());
        }
    }
}

/// Every issuer operation a key may call answers with the key's `RateLimit-*` headers, and 429
/// with `Retry-After` past its limit: said once here for all of them.
fn document_rate_limits(api: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::header::HeaderBuilder;
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
    let integer = |description: &str| {
        HeaderBuilder::new()
            .schema(Some(
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .minimum(Some(0)),
            ))
            .description(Some(description))
            .build()
    };
    let headers = [
        (
            "RateLimit-Limit",
            "With an API key: the requests it may make per minute",
        ),
        (
            "RateLimit-Remaining",
            "With an API key: the requests left in this minute",
        ),
        (
            "RateLimit-Reset",
            "With an API key: seconds until the minute's count starts again",
        ),
    ];
    let limited = ResponseBuilder::new()
        .description("An API key went past its requests per minute (`rate_limited`)")
        .header("Retry-After", integer("Seconds until it may ask again"))
        .content(
            "application/problem+json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build();
    for (path, item) in api.paths.paths.iter_mut() {
        if !path.starts_with("/api/v1/issuer/") || path.starts_with("/api/v1/issuer/auth/") {
            continue;
        }
        let operations = [
            item.get.as_mut(),
            item.post.as_mut(),
            item.put.as_mut(),
            item.patch.as_mut(),
            item.delete.as_mut(),
        ];
        for operation in operations.into_iter().flatten() {
            let responses = &mut operation.responses.responses;
            for response in responses.values_mut() {
                if let RefOr::T(response) = response {
                    for (name, description) in headers {
                        response
                            .headers
                            .entry(name.to_string())
                            .or_insert_with(|| RefOr::T(integer(description)));
                    }
                }
            }
            responses
                .entry("429".to_string())
                .or_insert_with(|| limited.clone().into());
        }
    }
}

/// The document as the committed `openapi/openapi.json` holds it (pretty, trailing newline).
pub fn spec_json() -> String {
    let mut text = spec()
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}
