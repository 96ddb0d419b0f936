//! What answers when no route matches: 405 with `Allow` when the path exists with other
//! methods, 404 otherwise — both problem+json. The table of paths comes from the OpenAPI
//! document, which is built from the same route list as the router.

use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use utoipa::openapi::OpenApi;

use crate::error::ApiError;

/// The API's paths and the methods each accepts.
#[derive(Debug, Default)]
pub struct RouteTable {
    routes: Vec<(Vec<String>, Vec<&'static str>)>,
}

impl RouteTable {
    /// Reads the paths of an OpenAPI document (`/api/v1/portal/documents/{id}` matches any
    /// single segment in place of `{id}`).
    pub fn from_openapi(api: &OpenApi) -> Self {
        let routes = api
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let segments = path
                    .trim_matches('/')
                    .split('/')
                    .map(str::to_string)
                    .collect();
                let mut methods = Vec::new();
                let ops = [
                    ("GET", item.get.is_some()),
                    ("HEAD", item.get.is_some()),
                    ("POST", item.post.is_some()),
                    ("PUT", item.put.is_some()),
                    ("PATCH", item.patch.is_some()),
                    ("DELETE", item.delete.is_some()),
                ];
                for (method, present) in ops {
                    if present {
                        methods.push(method);
                    }
                }
                (segments, methods)
            })
            .collect();
        RouteTable { routes }
    }

    /// The methods allowed on `path`, if the path is known.
    pub fn allowed(&self, path: &str) -> Option<String> {
        let wanted: Vec<&str> = path.trim_matches('/').split('/').collect();
        self.routes.iter().find_map(|(segments, methods)| {
            let same = segments.len() == wanted.len()
                && segments
                    .iter()
                    .zip(&wanted)
                    .all(|(s, w)| s == w || (s.starts_with('{') && !w.is_empty()));
            same.then(|| methods.join(", "))
        })
    }
}

impl RouteTable {
    /// The methods of a path written out in full (no `{id}` in it) that `path` is exactly:
    /// `/documents/mark-sent` is such a path, though `/documents/{id}` matches it too.
    pub fn allowed_literal(&self, path: &str) -> Option<String> {
        let wanted: Vec<&str> = path.trim_matches('/').split('/').collect();
        self.routes.iter().find_map(|(segments, methods)| {
            (segments.len() == wanted.len() && segments.iter().zip(&wanted).all(|(s, w)| s == w))
                .then(|| methods.join(", "))
        })
    }
}

/// A path parameter that does not parse: 405 when the path is one of the API's own written
/// out in full (`PATCH /documents/mark-sent` reached `PATCH /documents/{id}`), else 404.
pub fn path_error(req: &HttpRequest) -> ApiError {
    req.app_data::<web::Data<RouteTable>>()
        .and_then(|table| table.allowed_literal(req.path()))
        .map_or(ApiError::NotFound, |allow| ApiError::MethodNotAllowed {
            allow,
        })
}

/// The default service of the app.
pub async fn not_found(req: HttpRequest, table: web::Data<RouteTable>) -> HttpResponse {
    let err = match table.allowed(req.path()) {
        Some(allow) => ApiError::MethodNotAllowed { allow },
        None => ApiError::NotFound,
    };
    err.error_response()
}
