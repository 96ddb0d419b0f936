//! Builds the application from `Settings`: connects and migrates the database, binds the port
//! (0 picks a free one, which the tests use) and returns a server ready to run.

use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::http::header::ContentType;
use actix_web::middleware::{Compress, from_fn};
use actix_web::{App, HttpResponse, HttpServer, web};
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::{Config, SwaggerUi};

use crate::auth::{PasswordPool, TokenKeys};
use crate::config::Settings;
use crate::error::ApiError;
use crate::mail::Transport;
use crate::mail::worker::{OutboxSignal, Worker};
use crate::middleware::{catch_panic, request_id, security_headers};
use crate::routes::system::fallback::{RouteTable, not_found, path_error};
use crate::state::AppState;
use crate::{openapi, routes};
use portal_store as db;

/// A bound, not yet running server.
pub struct Application {
    port: u16,
    server: Server,
    passwords: PasswordPool,
    outbox: Worker,
    sweeper: (sea_orm::DatabaseConnection, crate::storage::Storage),
    /// For the reconciliation of online payments left open.
    payments: AppState,
}

impl Application {
    /// Connects, migrates, binds.
    pub async fn build(settings: Settings) -> anyhow::Result<Application> {
        let db = db::connect_with(&settings.database_url, settings.database_connections).await?;
        db::migrate(&db).await?;
        let listener = TcpListener::bind(&settings.addr)?;
        let port = listener.local_addr()?.port();
        let tokens = TokenKeys::new(
            &settings.jwt_secret,
            &settings.token_issuer,
            settings.access_token_ttl.as_secs(),
        );
        let passwords = PasswordPool::new(settings.hashing_concurrency)?;
        let workers = settings.workers;
        let keep_alive = settings.keep_alive;
        let reads = db::HotReads::sized_for(
            &db,
            &settings.database_url,
            settings.workers,
            settings.read_connections,
        );
        let signal = OutboxSignal::default();
        let outbox = Worker {
            db: db.clone(),
            transport: Transport::from_settings(&settings)?,
            from: settings
                .mail
                .from
                .parse()
                .map_err(|e| anyhow::anyhow!("PORTAL_MAIL_FROM: {e}"))?,
            signal: signal.clone(),
        };
        let storage = crate::storage::Storage::open(&settings)?;
        tracing::info!(storage = %storage.describe, "attachments are stored here");
        let sweeper = (db.clone(), storage.clone());
        let setup = std::sync::Arc::new(crate::app::setup::SetupGate::new(&settings));
        setup.open_if_empty(&db).await?;
        // Outgoing calls (the payment provider): bounded in time, never following a redirect.
        let http = reqwest::Client::builder()
            .connect_timeout(std::time::Duration::from_secs(10))
            .timeout(std::time::Duration::from_secs(30))
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        let shared = AppState {
            http,
            rate_limits: std::sync::Arc::default(),
            webhooks: crate::webhooks::Webhooks::new(settings.webhooks_allow_private)?,
            database: crate::db_gate::DatabaseGate::new(),
            setup,
            storage,
            db,
            outbox: signal,
            settings,
            tokens,
            passwords: passwords.clone(),
            reads,
        };
        let payments = shared.clone();
        let spec = openapi::spec();
        let table = web::Data::new(RouteTable::from_openapi(&spec));
        // Serialised once and shared: as a value the document takes several MB, and the server
        // factory below is cloned for each worker (five copies held 40 MB before the first
        // request; bench/PROFILE.md).
        let spec_json = web::Bytes::from(serde_json::to_vec(&spec)?);
        drop(spec);

        let mut server = HttpServer::new(move || {
            // Runs once on each worker's thread: the worker gets readers of its own.
            let state = web::Data::new(AppState {
                reads: shared.reads.for_worker(),
                ..shared.clone()
            });
            let tls = state.settings.tls;
            App::new()
                .into_utoipa_app()
                .app_data(state.clone())
                .app_data(table.clone())
                .app_data(web::QueryConfig::default().error_handler(|err, _| {
                    ApiError::BadRequest {
                        code: "invalid_query",
                        detail: err.to_string(),
                    }
                    .into()
                }))
                .app_data(web::PathConfig::default().error_handler(|_, req| path_error(req).into()))
                .app_data(web::JsonConfig::default().error_handler(|err, _| {
                    ApiError::BadRequest {
                        code: "malformed_json",
                        detail: err.to_string(),
                    }
                    .into()
                }))
                // Before the `/api/v1` scope, which would otherwise claim `/api/v1/openapi.json`.
                .map(|app| {
                    let spec_json = spec_json.clone();
                    app.route(
                        "/api/v1/openapi.json",
                        web::get().to(move || {
                            let body = spec_json.clone();
                            async move {
                                HttpResponse::Ok()
                                    .content_type(ContentType::json())
                                    .body(body)
                            }
                        }),
                    )
                    .service(
                        SwaggerUi::new("/api/docs/{_:.*}")
                            .config(Config::new(["/api/v1/openapi.json"])),
                    )
                    .service(web::redirect("/api/docs", "/api/docs/"))
                })
                .configure(routes::api)
                .into_app()
                .configure(routes::system::spa::routes)
                .default_service(web::to(not_found))
                .wrap(from_fn(crate::middleware::api_keys))
                .wrap(from_fn(crate::middleware::database_gate))
                .wrap(from_fn(catch_panic))
                .wrap(Compress::default())
                .wrap(security_headers(tls))
                .wrap(from_fn(request_id))
        })
        .keep_alive(keep_alive)
        .listen(listener)?
        .shutdown_timeout(10);
        if workers > 0 {
            server = server.workers(workers);
        }
        Ok(Application {
            port,
            server: server.run(),
            passwords,
            outbox,
            sweeper,
            payments,
        })
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Asks Stripe about every online payment still open and records what it says (the
    /// operator's `portal reconcile-payments`): how many were settled or closed.
    pub async fn reconcile_payments(&self) -> Result<usize, crate::error::ApiError> {
        crate::app::online_payments::reconcile(&self.payments, None).await
    }

    /// The server's password pool (its verification count is what tests observe).
    pub fn passwords(&self) -> PasswordPool {
        self.passwords.clone()
    }

    /// Runs until stopped: the HTTP server, and beside it the outbox worker, the sweep of
    /// orphaned attachment objects and the reconciliation of online payments left open.
    pub async fn run(self) -> std::io::Result<()> {
        let worker = tokio::spawn(self.outbox.run());
        let (db, storage) = self.sweeper;
        let sweeper = tokio::spawn(crate::storage::sweep_forever(db, storage));
        let webhooks = tokio::spawn(crate::webhooks::worker::run(self.payments.clone()));
        let reconciler = tokio::spawn(crate::app::online_payments::reconcile_forever(
            self.payments,
        ));
        let result = self.server.await;
        worker.abort();
        sweeper.abort();
        reconciler.abort();
        webhooks.abort();
        result
    }
}
