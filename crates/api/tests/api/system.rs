//! Health, readiness, security headers, request ids and the OpenAPI document.

use std::collections::HashSet;

use crate::helpers::spawn_app;

#[tokio::test]
async fn health_and_ready_answer() {
    let app = spawn_app().await;
    let client = app.client();
    assert_eq!(client.health().await.expect("health").status, "ok");
    let ready = client.ready().await.expect("ready");
    assert_eq!(ready.status, "ok");
    let expected = if app.database_url.starts_with("postgres") {
        "postgres"
    } else {
        "sqlite"
    };
    assert_eq!(ready.database.as_deref(), Some(expected));
}

#[tokio::test]
async fn every_response_carries_security_headers_and_a_request_id() {
    let app = spawn_app().await;
    let http = reqwest::Client::new();
    let mut ids = HashSet::new();
    for (method, path) in [
        ("GET", "/health"),
        ("GET", "/nope"),
        ("POST", "/api/v1/portal/auth/login"),
        ("GET", "/api/v1/portal/me"),
        ("GET", "/api/v1/openapi.json"),
        ("GET", "/api/docs/"),
    ] {
        let response = http
            .request(
                method.parse().expect("method"),
                format!("{}{path}", app.address),
            )
            .header("content-type", "application/json")
            .body("{}")
            .send()
            .await
            .expect("send");
        let h = response.headers();
        let csp = h
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval'"),
            "{path}: {csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(
            !csp.contains("unsafe-inline") || path.starts_with("/api/docs"),
            "{path}: {csp}"
        );
        assert_eq!(
            h.get("x-content-type-options").map(|v| v.as_bytes()),
            Some(&b"nosniff"[..]),
            "{path}"
        );
        assert_eq!(
            h.get("referrer-policy").map(|v| v.as_bytes()),
            Some(&b"same-origin"[..]),
            "{path}"
        );
        assert!(
            h.get("strict-transport-security").is_none(),
            "no HSTS without TLS"
        );
        let id = h
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .expect("request id")
            .to_string();
        assert!(ids.insert(id), "request ids are unique");
    }
}

#[tokio::test]
async fn hsts_is_sent_when_served_over_tls() {
    let app = crate::helpers::spawn_app_with(|s| s.tls = true).await;
    let response = reqwest::get(format!("{}/health", app.address))
        .await
        .expect("send");
    assert!(
        response
            .headers()
            .get("strict-transport-security")
            .is_some()
    );
}

#[tokio::test]
async fn the_committed_openapi_document_matches_the_code() {
    let generated = portal_api::openapi::spec_json();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../openapi/openapi.json");
    if std::env::var("UPDATE_OPENAPI").is_ok_and(|v| v == "1") {
        std::fs::write(&path, &generated).expect("write openapi.json");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi/openapi.json is out of date: run `just openapi` (UPDATE_OPENAPI=1 cargo test) and commit it"
    );
}

#[tokio::test]
async fn the_served_openapi_document_is_the_generated_one() {
    let app = spawn_app().await;
    let served = app.client().openapi().await.expect("openapi");
    let generated: serde_json::Value =
        serde_json::from_str(&portal_api::openapi::spec_json()).expect("json");
    assert_eq!(served, generated);
    for path in [
        "/api/v1/portal/auth/login",
        "/api/v1/issuer/auth/refresh",
        "/api/v1/portal/me",
        "/ready",
    ] {
        assert!(served["paths"].get(path).is_some(), "{path} documented");
    }
}

#[tokio::test]
async fn the_api_reference_page_needs_no_internet() {
    let app = spawn_app().await;
    let response = reqwest::get(format!("{}/api/docs/", app.address))
        .await
        .expect("send");
    assert_eq!(response.status(), 200);
    let html = response.text().await.expect("html");
    assert!(html.contains("swagger-ui"), "{html:.200}");
    let external: Vec<&str> = html
        .split(['"', '\''])
        .filter(|s| s.starts_with("http://") || s.starts_with("https://") || s.starts_with("//"))
        .collect();
    assert!(
        external.is_empty(),
        "the reference page loads {external:?} from the internet"
    );
    let js = reqwest::get(format!("{}/api/docs/swagger-ui-bundle.js", app.address))
        .await
        .expect("send");
    assert_eq!(js.status(), 200, "the bundle is served from the binary");
    let init = reqwest::get(format!("{}/api/docs/swagger-initializer.js", app.address))
        .await
        .expect("send");
    assert!(
        init.text()
            .await
            .expect("js")
            .contains("/api/v1/openapi.json")
    );
}

#[tokio::test]
async fn a_test_servers_data_directory_is_removed_when_the_test_ends() {
    let app = crate::helpers::spawn_app().await;
    let dir = app.settings.data_dir.clone();
    app.client().health().await.expect("health");
    assert!(dir.exists());
    drop(app);
    assert!(!dir.exists(), "{} is left behind", dir.display());
}

/// The apps are served from `--static-dir` when given: the page for every URL of the portal,
/// the hashed assets with a year of caching.
#[tokio::test]
async fn the_portal_app_is_served_from_a_static_dir_for_every_url_inside_it() {
    let dir = std::env::temp_dir().join(format!("spa-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(dir.join("assets")).expect("dir");
    std::fs::write(
        dir.join("portal.html"),
        "<!doctype html><title>portal page</title>",
    )
    .expect("page");
    std::fs::write(
        dir.join("admin.html"),
        "<!doctype html><title>admin page</title>",
    )
    .expect("page");
    std::fs::write(dir.join("assets/portal-0123abcd.js"), "export {}").expect("asset");
    let static_dir = dir.clone();
    let app = crate::helpers::spawn_app_with(move |s| s.static_dir = Some(static_dir)).await;
    let http = reqwest::Client::new();
    // Each app's page for its own URLs only: a customer's URL never loads the admin's bundle.
    for (path, page) in [
        ("/p/demo", "portal page"),
        ("/p/demo/login", "portal page"),
        ("/p/demo/documents/12?sort=-date", "portal page"),
        ("/admin", "admin page"),
        ("/admin/login?next=%2Fadmin%2Fcontractors", "admin page"),
        ("/admin/documents?viewed=false", "admin page"),
    ] {
        let response = http
            .get(format!("{}{path}", app.address))
            .send()
            .await
            .expect("send");
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()["cache-control"], "no-cache");
        assert!(
            response.headers().contains_key("content-security-policy"),
            "{path}"
        );
        let body = response.text().await.expect("text");
        assert!(body.contains(page), "{path}: {body}");
    }
    let asset = http
        .get(format!("{}/assets/portal-0123abcd.js", app.address))
        .send()
        .await
        .expect("send");
    assert_eq!(asset.status(), 200);
    assert_eq!(
        asset.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    assert_eq!(
        asset.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    for missing in [
        "/assets/portal-ffff.js",
        "/assets/..%2Fportal.html",
        "/assets/.hidden",
    ] {
        let response = http
            .get(format!("{}{missing}", app.address))
            .send()
            .await
            .expect("send");
        assert_eq!(response.status(), 404, "{missing}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// Without the app (a directory that holds none, or a binary built before it), the portal's
/// URLs say what is missing and how to build it instead of a bare 404.
#[tokio::test]
async fn without_the_app_the_portal_url_says_how_to_build_it() {
    let dir = std::env::temp_dir().join(format!("spa-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("dir");
    let static_dir = dir.clone();
    let app = crate::helpers::spawn_app_with(move |s| s.static_dir = Some(static_dir)).await;
    let response = reqwest::get(format!("{}/p/demo/login", app.address))
        .await
        .expect("send");
    assert_eq!(response.status(), 404);
    assert_eq!(
        response.headers()["content-type"],
        "text/html; charset=utf-8"
    );
    let body = response.text().await.expect("text");
    assert!(body.contains("just build-spa"), "{body}");
    assert!(body.contains("/api/docs/"), "{body}");
    let response = reqwest::get(format!("{}/admin/documents", app.address))
        .await
        .expect("send");
    assert_eq!(response.status(), 404);
    let body = response.text().await.expect("text");
    assert!(body.contains("The admin app is not built"), "{body}");
    assert!(body.contains("admin.html"), "{body}");
    app.client().health().await.expect("the API is served");
    std::fs::remove_dir_all(&dir).ok();
}

/// The server closes a connection idle for its keep-alive (here 4 s, above the client's own
/// idle timeout of 3 s). A client whose runtime was busy elsewhere — here blocked outright —
/// must not send its next request on that connection: the request would fail with
/// `IncompleteMessage` instead of being answered.
#[tokio::test]
async fn a_client_idle_past_the_servers_keep_alive_is_still_answered() {
    let app =
        crate::helpers::spawn_app_with(|s| s.keep_alive = std::time::Duration::from_secs(4)).await;
    let owner = app.issuer_client().await;
    owner.organization().await.expect("first request");
    std::thread::sleep(std::time::Duration::from_millis(4_500));
    owner
        .organization()
        .await
        .expect("after the server closed the idle connection");
}

/// A connection idle for 6 s is still open: clients that drop idle connections after 5 s
/// (Node's default agent, Playwright's request context) close it first, so no request of
/// theirs is sent on a connection the server is closing at that moment (which fails it with
/// `ECONNRESET`, as one e2e run did while the server's keep-alive was actix-web's 5 s).
#[tokio::test]
async fn an_idle_connection_outlives_the_clients_own_idle_timeout() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_app().await;
    let host = app.address.trim_start_matches("http://").to_string();
    let mut stream = tokio::net::TcpStream::connect(&host)
        .await
        .expect("connect");
    let request = format!("GET /health HTTP/1.1\r\nHost: {host}\r\n\r\n");
    for round in 0..2 {
        stream.write_all(request.as_bytes()).await.expect("write");
        // The whole response, so that the next round reads only its own.
        let mut response = Vec::new();
        while !complete_response(&response) {
            let mut chunk = [0u8; 4096];
            let n =
                tokio::time::timeout(std::time::Duration::from_secs(5), stream.read(&mut chunk))
                    .await
                    .expect("answered in time")
                    .expect("read");
            assert!(n > 0, "round {round}: the server closed the connection");
            response.extend_from_slice(&chunk[..n]);
        }
        let text = String::from_utf8_lossy(&response);
        assert!(text.starts_with("HTTP/1.1 200"), "round {round}: {text}");
        if round == 0 {
            tokio::time::sleep(std::time::Duration::from_secs(6)).await;
        }
    }
}

/// Whether `bytes` hold a response's head and as many body bytes as its `content-length`.
fn complete_response(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    let Some((head, body)) = text.split_once("\r\n\r\n") else {
        return false;
    };
    let length = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    body.len() >= length
}
