//! First-run setup: a server that starts on a database without any organisation (and without
//! `--demo`) prints a one-time setup code in its log; `/admin/setup` takes it with the first
//! organisation and its owner. Only someone who can read the server's log can claim the
//! instance; once an organisation exists the setup is closed for good.

use std::sync::Mutex;

use portal_store::entities::organization;
use portal_store::sessions::ClientInfo;
use portal_types::{FieldError, SetupRequest};
use rand::RngCore;
use sea_orm::{EntityTrait, PaginatorTrait};
use sha2::{Digest, Sha256};

use super::organizations::{self, NewOrganization};
use crate::auth::signin::Grant;
use crate::error::ApiError;
use crate::state::AppState;

/// Wrong codes after which the code is replaced by a new one (printed in the log again).
const MAX_WRONG: u32 = 5;

/// The setup code while setup is open, and the wrong codes tried against it.
#[derive(Debug)]
pub struct SetupGate {
    state: Mutex<GateState>,
    /// `<data dir>/setup-code`.
    file: std::path::PathBuf,
    /// Where the setup page is, for the log.
    admin_url: String,
}

#[derive(Debug, Default)]
struct GateState {
    code: Option<String>,
    wrong: u32,
}

/// A code of 20 characters from an alphabet without look-alikes (about 100 bits), in groups
/// of five for reading it off a log.
fn new_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 20];
    rand::rng().fill_bytes(&mut bytes);
    let chars: Vec<char> = bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect();
    chars
        .chunks(5)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// The code as typed: upper case, without spaces and dashes.
fn folded(code: &str) -> Vec<u8> {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase() as u8)
        .collect()
}

/// Prints the code in the log and writes it to `<data dir>/setup-code` (readable by the
/// server's user only) for operators who cannot easily read the log.
fn publish(code: &str, admin_url: &str, file: &std::path::Path) {
    tracing::warn!(
        "no organisation exists yet: open {admin_url}/setup and enter the setup code {code} \
         (also in {}; or create one with `portal org create`)",
        file.display()
    );
    let written = std::fs::create_dir_all(file.parent().unwrap_or(file))
        .and_then(|()| std::fs::write(file, format!("{code}\n")));
    #[cfg(unix)]
    let written = written.and_then(|()| {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600))
    });
    if let Err(e) = written {
        tracing::warn!(error = %e, file = %file.display(), "the setup code could not be written");
    }
}

impl SetupGate {
    /// The gate of a server with these settings, closed.
    pub fn new(settings: &crate::config::Settings) -> SetupGate {
        SetupGate {
            state: Mutex::new(GateState::default()),
            file: settings.data_dir.join("setup-code"),
            admin_url: super::links::admin(settings, ""),
        }
    }

    /// Opens the setup with a new code (printed in the log) when the database holds no
    /// organisation.
    pub async fn open_if_empty(&self, db: &sea_orm::DatabaseConnection) -> anyhow::Result<()> {
        if organization::Entity::find().count(db).await? > 0 {
            return Ok(());
        }
        let code = new_code();
        publish(&code, &self.admin_url, &self.file);
        let mut state = self
            .state
            .lock()
            .map_err(|_| anyhow::anyhow!("setup gate poisoned"))?;
        state.code = Some(code);
        state.wrong = 0;
        Ok(())
    }

    /// Closes the setup for good: the code is gone from memory and from its file.
    fn close(&self) {
        let _ = std::fs::remove_file(&self.file);
    }

    /// Takes the code when `typed` is it: exactly one request gets it. A wrong code counts; the
    /// fifth replaces the code with a new one.
    fn take(&self, typed: &str) -> Result<Option<String>, ApiError> {
        let mut state = self
            .state
            .lock()
            .map_err(|_| ApiError::internal("setup gate poisoned"))?;
        let Some(code) = state.code.clone() else {
            return Err(ApiError::NotFound);
        };
        // Digests compared, so the time taken says nothing about the code.
        if Sha256::digest(folded(typed)) == Sha256::digest(folded(&code)) {
            state.code = None;
            return Ok(Some(code));
        }
        state.wrong += 1;
        if state.wrong >= MAX_WRONG {
            let fresh = new_code();
            publish(&fresh, &self.admin_url, &self.file);
            state.code = Some(fresh);
            state.wrong = 0;
        }
        Ok(None)
    }

    /// Gives the code back after a setup that failed on its fields.
    fn put_back(&self, code: String) {
        if let Ok(mut state) = self.state.lock() {
            state.code = Some(code);
        }
    }

    /// Whether setup is open.
    pub fn is_open(&self) -> bool {
        self.state.lock().map(|s| s.code.is_some()).unwrap_or(false)
    }
}

/// Creates the first organisation and its owner with their password, and signs the owner in.
pub async fn run(
    state: &AppState,
    input: SetupRequest,
    client: &ClientInfo,
) -> Result<Grant, ApiError> {
    if organization::Entity::find().count(&state.db).await? > 0 {
        return Err(ApiError::NotFound);
    }
    let new = NewOrganization::from_page(
        input.name,
        input.slug,
        input.owner_name,
        input.owner_email,
        &input.password,
        input.locale,
    );
    // Every error at once: the fields, the password and the code. A right code is taken (no
    // other request can use it) and given back if anything else is wrong.
    let valid = organizations::validate(&new);
    let code = state.setup.take(&input.code)?;
    let mut errors = Vec::new();
    if code.is_none() {
        errors.push(FieldError::new(
            "code",
            "invalid_setup_code",
            "not the setup code the server printed in its log",
        ));
    }
    let valid = match valid {
        Ok(valid) if errors.is_empty() => valid,
        Ok(_) => return Err(ApiError::Validation(errors)),
        Err(fields) => {
            if let Some(code) = code {
                state.setup.put_back(code);
            }
            errors.extend(fields);
            return Err(ApiError::Validation(errors));
        }
    };
    let created = match organizations::insert(&state.db, &state.settings, valid).await {
        Ok(c) => c,
        Err(e) => {
            if let Some(code) = code {
                state.setup.put_back(code);
            }
            return Err(e);
        }
    };
    state.setup.close();
    tracing::info!(organization = %created.organization.slug, "first-run setup done");
    super::passwords::set_staff_password(state, &created.token, &input.password, client).await
}
