//! `portal`: the customer portal server and its admin commands.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use portal_api::auth::client_address::{ClientAddressSource, ProxyHeader};
use portal_api::config::Settings;
use portal_api::startup::Application;
use portal_api::{app, openapi};
use portal_store::{self as db, demo};
use tracing_subscriber::EnvFilter;

/// mimalloc rather than glibc's malloc: a grid request allocates a few hundred small blocks
/// (rows, strings, buffers), and the same requests took fewer instructions and less CPU with it
/// (figures in bench/PROFILE.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "portal",
    version,
    about = "Customer portal for invoices, credit notes and offers"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server (migrates the database first).
    Serve {
        #[command(flatten)]
        common: Common,
        /// Address to listen on.
        #[arg(long, env = "PORTAL_ADDR", default_value = "127.0.0.1:8080")]
        addr: String,
        /// Seed demo data when the database is empty.
        #[arg(long, env = "PORTAL_DEMO")]
        demo: bool,
        /// Served over TLS (directly or behind a proxy): Secure cookies and HSTS.
        #[arg(long, env = "PORTAL_TLS")]
        tls: bool,
        /// Served behind a trusted reverse proxy: the client address is read from its forwarding
        /// header (the same as --trusted-proxies 1).
        #[arg(long, env = "PORTAL_TRUST_PROXY")]
        trust_proxy: bool,
        /// How many trusted reverse proxies append to the forwarding header: the client address
        /// is that many entries from its right. 0 (the default without --trust-proxy) takes the
        /// TCP peer and ignores the headers.
        #[arg(long, env = "PORTAL_TRUSTED_PROXIES")]
        trusted_proxies: Option<usize>,
        /// The forwarding header the proxies write; the other one is ignored.
        #[arg(
            long,
            env = "PORTAL_PROXY_HEADER",
            value_enum,
            default_value = "x-forwarded-for"
        )]
        proxy_header: ProxyHeader,
        /// Directory holding the built single-page apps.
        #[arg(long, env = "PORTAL_STATIC_DIR")]
        static_dir: Option<PathBuf>,
        /// HTTP worker threads (default: one per core).
        #[arg(long, env = "PORTAL_WORKERS", default_value_t = 0)]
        workers: usize,
        /// The most connections of the database pool (default 16 on PostgreSQL, 8 on SQLite).
        /// Every server process on one PostgreSQL takes up to this many plus
        /// --read-connections of the server's max_connections.
        #[arg(long, env = "PORTAL_DATABASE_CONNECTIONS")]
        database_connections: Option<u32>,
        /// The read connections of the document grid and the session check, in all (default
        /// four per core).
        #[arg(long, env = "PORTAL_READ_CONNECTIONS")]
        read_connections: Option<usize>,
        /// Public sign-up: `open` lets anyone create an organisation at /admin/signup,
        /// confirmed by e-mail; `closed` leaves that to the operator (`portal org create`).
        #[arg(long, env = "PORTAL_SIGNUP", value_enum, default_value = "closed")]
        signup: Signup,
        /// Where attachments are stored: s3://bucket/prefix (credentials, region and, for
        /// stores other than AWS, AWS_ENDPOINT and AWS_ALLOW_HTTP from the AWS_* variables);
        /// default the local disk under the data directory.
        #[arg(long, env = "PORTAL_STORAGE_URL")]
        storage_url: Option<String>,
        /// The largest attachment of a comment, in bytes.
        #[arg(long, env = "PORTAL_ATTACHMENT_MAX_BYTES", default_value_t = 10 * 1024 * 1024)]
        attachment_max_bytes: usize,
        /// The most attachments on one comment.
        #[arg(long, env = "PORTAL_ATTACHMENTS_PER_COMMENT", default_value_t = 5)]
        attachments_per_comment: usize,
        /// Stripe's API, for online payments (default https://api.stripe.com; with `--demo`, a
        /// stand-in for Stripe started beside the server, so that Pay works offline).
        #[arg(long, env = "PORTAL_STRIPE_API_BASE")]
        stripe_api_base: Option<String>,
        /// Let webhooks go to loopback and private addresses (development only: in production
        /// an endpoint could otherwise reach the server's own network).
        #[arg(long, env = "PORTAL_WEBHOOK_ALLOW_PRIVATE")]
        webhook_allow_private: bool,
        /// Webhook deliveries this process makes at once (0: none, when other processes
        /// deliver).
        #[arg(long, env = "PORTAL_WEBHOOK_WORKERS", default_value_t = portal_api::webhooks::worker::CONCURRENCY)]
        webhook_workers: usize,
        /// Seconds an idle client connection stays open; keep it above the idle timeout of
        /// the clients and proxies in front (they should close first).
        #[arg(long, env = "PORTAL_KEEP_ALIVE_SECS", default_value_t = portal_api::config::DEFAULT_KEEP_ALIVE.as_secs())]
        keep_alive_secs: u64,
        #[command(flatten)]
        mail: MailArgs,
    },
    /// Bring the database schema up to date and exit.
    Migrate {
        #[command(flatten)]
        common: Common,
    },
    /// Seed the demo organisation (refuses when it already exists).
    Demo {
        #[command(flatten)]
        common: Common,
    },
    /// Create organisations and list them (for the operator).
    Org {
        #[command(subcommand)]
        action: OrgCommand,
    },
    /// Ask Stripe about every online payment still open and record what it says (after webhooks
    /// were lost or not yet configured; the server does this by itself for payments whose
    /// payment page has expired). Prints how many were settled or closed.
    ReconcilePayments {
        #[command(flatten)]
        common: Common,
        /// Stripe's API.
        #[arg(
            long,
            env = "PORTAL_STRIPE_API_BASE",
            default_value = "https://api.stripe.com"
        )]
        stripe_api_base: String,
    },
    /// Print the OpenAPI document.
    Openapi,
}

/// Whether anyone may create an organisation.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Signup {
    /// Anyone, confirmed by e-mail.
    Open,
    /// Only the operator.
    Closed,
}

// Parsed once at start-up: the size of a variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
enum OrgCommand {
    /// Create an organisation with default portal settings and invite its owner: prints the
    /// link where the owner chooses a password, and mails it when SMTP is configured.
    /// Exit code 2 when an argument is refused (nothing is created).
    Create {
        #[command(flatten)]
        common: Common,
        /// The portal's address, /p/<slug>: lower-case letters, digits and hyphens.
        #[arg(long)]
        slug: String,
        /// Legal name, printed on documents.
        #[arg(long)]
        name: String,
        /// The owner's e-mail address (their sign-in).
        #[arg(long)]
        owner_email: String,
        /// The owner's name (default: the e-mail's local part).
        #[arg(long)]
        owner_name: Option<String>,
        /// Language of the organisation's mails and documents: bg, en, de or es.
        #[arg(long)]
        locale: Option<String>,
        /// Default currency (ISO 4217).
        #[arg(long)]
        currency: Option<String>,
        /// Country (ISO 3166 alpha-2; default from the language).
        #[arg(long)]
        country: Option<String>,
        /// The address the server listens on (for links when --public-url is not given).
        #[arg(long, env = "PORTAL_ADDR", default_value = "127.0.0.1:8080")]
        addr: String,
        #[command(flatten)]
        mail: MailArgs,
    },
    /// List the organisations: id, slug, name, staff, created.
    List {
        #[command(flatten)]
        common: Common,
    },
}

/// Outgoing mail.
#[derive(Args)]
struct MailArgs {
    /// SMTP server: smtp://host:port (plain; add ?tls=required for STARTTLS) or
    /// smtps://user:password@host:465. Without it, mail is written to <data dir>/mail/*.eml.
    #[arg(long, env = "PORTAL_SMTP_URL")]
    smtp_url: Option<String>,
    /// The sender of every mail, e.g. "Acme portal <portal@acme.example>".
    #[arg(long, env = "PORTAL_MAIL_FROM")]
    mail_from: Option<String>,
    /// The address users reach the portal at, for links in mails (default http://<addr>).
    #[arg(long, env = "PORTAL_PUBLIC_URL")]
    public_url: Option<String>,
}

#[derive(Args)]
struct Common {
    /// Database URL: sqlite://path?mode=rwc or postgres://user@host/db (default: SQLite in the data dir).
    #[arg(long, env = "DATABASE_URL")]
    database_url: Option<String>,
    /// Directory for the SQLite file, the signing key and stored files.
    #[arg(long, env = "PORTAL_DATA_DIR", default_value = "./data")]
    data_dir: PathBuf,
}

impl Common {
    fn settings(self, addr: String) -> anyhow::Result<Settings> {
        Settings::new(
            addr,
            self.database_url,
            self.data_dir,
            std::env::var("PORTAL_JWT_SECRET").ok(),
        )
    }
}

fn init_logging() {
    let filter = EnvFilter::try_from_env("PORTAL_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    if std::env::var("PORTAL_LOG_FORMAT").is_ok_and(|f| f == "json") {
        builder.json().with_current_span(true).init();
    } else {
        builder.init();
    }
}

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if let Command::Openapi = cli.command {
        print!("{}", openapi::spec_json());
        return Ok(());
    }
    init_logging();
    match cli.command {
        Command::Serve {
            common,
            addr,
            demo: seed,
            tls,
            trust_proxy,
            trusted_proxies,
            proxy_header,
            static_dir,
            workers,
            database_connections,
            read_connections,
            signup,
            storage_url,
            attachment_max_bytes,
            attachments_per_comment,
            stripe_api_base,
            webhook_allow_private,
            webhook_workers,
            keep_alive_secs,
            mail,
        } => {
            let mut settings = common.settings(addr)?;
            settings.tls = tls;
            let hops = trusted_proxies.unwrap_or(usize::from(trust_proxy));
            settings.client_address = ClientAddressSource::behind(hops, proxy_header);
            settings.static_dir = static_dir;
            settings.workers = workers;
            settings.database_connections = database_connections;
            settings.read_connections = read_connections;
            settings.signup_open = signup == Signup::Open;
            settings.storage_url = storage_url;
            settings.attachment_max_bytes = attachment_max_bytes;
            settings.attachments_per_comment = attachments_per_comment;
            settings.webhooks_allow_private = webhook_allow_private;
            settings.webhook_workers = webhook_workers;
            settings.keep_alive = std::time::Duration::from_secs(keep_alive_secs);
            // The demo pays through a fake Stripe unless told where Stripe is.
            let fake_stripe = match (&stripe_api_base, seed) {
                (None, true) => Some(
                    fake_stripe::FakeStripe::start(app::online_payments::DEMO_SECRET_KEY).await?,
                ),
                _ => None,
            };
            settings.stripe_api_base = match (&fake_stripe, stripe_api_base) {
                (Some(fake), _) => fake.url().to_string(),
                (None, Some(base)) => base,
                (None, None) => "https://api.stripe.com".to_string(),
            };
            mail.apply(&mut settings);
            let mut demo_org = None;
            if seed {
                let conn = migrated(&settings).await?;
                if demo::is_empty(&conn).await? {
                    demo::seed(&conn).await?;
                    tracing::info!("demo data seeded");
                }
                if fake_stripe.is_some() {
                    demo_org =
                        app::online_payments::connect_demo(&conn, &settings.secrets_key).await?;
                }
                conn.close().await?;
            }
            match &settings.static_dir {
                Some(dir) => tracing::info!(dir = %dir.display(), "serving the web apps from disk"),
                None if portal_api::routes::system::spa::embedded() => {
                    tracing::info!("serving the web apps embedded in this binary")
                }
                None => tracing::warn!(
                    "this binary carries no web apps (built before `just build-spa`): serving the API only"
                ),
            }
            let app = Application::build(settings).await?;
            tracing::info!(port = app.port(), "listening");
            if let (Some(fake), Some(org)) = (&fake_stripe, demo_org) {
                fake.set_webhook(
                    &format!(
                        "http://127.0.0.1:{}/api/v1/payments/stripe/webhook/{org}",
                        app.port()
                    ),
                    app::online_payments::DEMO_WEBHOOK_SECRET,
                );
                tracing::info!(
                    stripe = fake.url(),
                    "the demo takes payments through a stand-in for Stripe (no money moves)"
                );
            }
            app.run().await?;
        }
        Command::Migrate { common } => {
            let settings = common.settings(String::new())?;
            migrated(&settings).await?;
            tracing::info!("database is up to date");
        }
        Command::Demo { common } => {
            let settings = common.settings(String::new())?;
            let conn = migrated(&settings).await?;
            demo::seed(&conn).await?;
            tracing::info!("demo data seeded");
        }
        Command::ReconcilePayments {
            common,
            stripe_api_base,
        } => {
            let mut settings = common.settings("127.0.0.1:0".to_string())?;
            settings.stripe_api_base = stripe_api_base;
            let app = Application::build(settings).await?;
            let done = app.reconcile_payments().await?;
            println!("{done}");
        }
        Command::Org { action } => return org(action).await,
        Command::Openapi => {}
    }
    Ok(())
}

impl MailArgs {
    fn apply(self, settings: &mut Settings) {
        settings.mail.smtp_url = self.smtp_url;
        if let Some(from) = self.mail_from {
            settings.mail.from = from;
        }
        if let Some(url) = self.public_url {
            settings.mail.public_url = url.trim_end_matches('/').to_string();
        }
    }
}

/// A connection to the configured database, its schema brought up to date.
async fn migrated(settings: &Settings) -> anyhow::Result<sea_orm::DatabaseConnection> {
    let conn = db::connect(&settings.database_url).await?;
    db::migrate(&conn).await?;
    Ok(conn)
}

/// `portal org …`.
async fn org(action: OrgCommand) -> anyhow::Result<()> {
    use portal_api::app::organizations::{self, NewOrganization};
    match action {
        OrgCommand::Create {
            common,
            slug,
            name,
            owner_email,
            owner_name,
            locale,
            currency,
            country,
            addr,
            mail,
        } => {
            let mut settings = common.settings(addr)?;
            mail.apply(&mut settings);
            let conn = migrated(&settings).await?;
            let input = NewOrganization {
                slug,
                name,
                owner_email,
                owner_name,
                locale,
                currency,
                country,
                mail_invitation: true,
                owner_password: None,
            };
            let created = match organizations::create(&conn, &settings, input).await {
                Ok(c) => c,
                Err(e) => {
                    let fields = e.problem().errors;
                    if fields.is_empty() {
                        return Err(anyhow::anyhow!("{e}"));
                    }
                    for f in fields {
                        eprintln!("portal: {}: {} ({})", f.field, f.message, f.code);
                    }
                    eprintln!("portal: nothing was created");
                    std::process::exit(2);
                }
            };
            let org = &created.organization;
            println!(
                "created organisation {} ({}), id {}",
                org.slug, org.legal_name, org.id
            );
            println!(
                "customer portal: {}/p/{}/login",
                settings.mail.public_url, org.slug
            );
            println!("owner: {} ({})", created.owner.email, created.owner.name);
            if created.mailed {
                // Delivered now if the mail server takes it; else `portal serve` retries.
                let worker = portal_api::mail::worker::Worker {
                    db: conn.clone(),
                    transport: portal_api::mail::Transport::from_settings(&settings)?,
                    from: settings.mail.from.parse()?,
                    signal: portal_api::mail::worker::OutboxSignal::default(),
                };
                worker.deliver_due().await?;
                println!(
                    "the owner's invitation is mailed (a failed delivery is retried by `portal serve`)"
                );
            } else {
                println!("the owner chooses a password here (once, within 7 days):");
                println!("{}", created.link);
            }
        }
        OrgCommand::List { common } => {
            let settings = common.settings(String::new())?;
            let conn = migrated(&settings).await?;
            for (org, staff) in organizations::list(&conn).await? {
                println!(
                    "{}\t{}\t{}\t{} staff\tcreated {}",
                    org.id,
                    org.slug,
                    org.legal_name,
                    staff,
                    org.created_at.format("%Y-%m-%d")
                );
            }
        }
    }
    Ok(())
}
