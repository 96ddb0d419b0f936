//! The client crate's example program, run against the server as an integrator would.

use std::process::{Command, Stdio};

use chrono::Utc;
use portal_types::{NewPayment, PaymentMethod};
use serde_json::Value;

use crate::helpers::spawn_app;

/// The client crate's example program (`crates/client/examples/sync.rs`), built as the
/// workspace builds it, and its path.
///
/// The build runs without the variables cargo set for this test process (this crate's
/// manifest directory, name, version…): build scripts that read them (ring's) would see them
/// changed, so this build and the next ordinary one would each compile them and everything
/// above them again — relinking the test binaries while other test passes run them.
fn example(name: &str) -> std::path::PathBuf {
    let mut cargo = Command::new(env!("CARGO"));
    for (key, _) in std::env::vars_os() {
        if set_by_cargo_for_this_crate(&key.to_string_lossy()) {
            cargo.env_remove(&key);
        }
    }
    let output = cargo
        .args([
            "build",
            "--workspace",
            "--examples",
            "--message-format=json",
            "-q",
        ])
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .stderr(Stdio::inherit())
        .output()
        .expect("cargo builds the examples");
    assert!(output.status.success(), "the examples build");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|m| m["target"]["name"] == name && m["executable"].is_string())
        .map(|m| m["executable"].as_str().expect("path").into())
        .unwrap_or_else(|| panic!("no example {name}"))
}

/// The variables cargo sets for a crate's build scripts and tests, as opposed to those that
/// configure cargo itself (`CARGO_HOME`, `CARGO_TARGET_DIR`, `CARGO_PROFILE_*`, …).
fn set_by_cargo_for_this_crate(key: &str) -> bool {
    ["CARGO_PKG_", "CARGO_MANIFEST_", "CARGO_BIN_EXE_"]
        .iter()
        .any(|prefix| key.starts_with(prefix))
        || [
            "CARGO_CRATE_NAME",
            "CARGO_BIN_NAME",
            "CARGO_PRIMARY_PACKAGE",
            "CARGO_TARGET_TMPDIR",
            "CARGO_RUSTC_CURRENT_DIR",
            "OUT_DIR",
        ]
        .contains(&key)
}

/// The example an integrator starts from syncs orders from a CSV file with an API key — a new
/// customer made, an invoice issued per order, nothing twice on a second run — and prints the
/// payments recorded since a date.
#[tokio::test]
async fn the_example_program_syncs_orders_and_prints_payments_since_a_date() {
    let app = spawn_app().await;
    let owner = app.issuer_client().await;
    let key = owner
        .create_api_key(&portal_types::NewApiKey {
            name: "Shop sync".into(),
            scopes: [
                "contractors:write",
                "documents:write",
                "payments:read",
                "events:read",
            ]
            .map(String::from)
            .to_vec(),
            ..Default::default()
        })
        .await
        .expect("key")
        .token;
    let dir = app.settings.data_dir.join("sync");
    std::fs::create_dir_all(&dir).expect("dir");
    let csv = dir.join("orders.csv");
    std::fs::write(
        &csv,
        "order,customer,email,description,quantity,unit_price,vat_rate,currency\n\
         A-100,Nordwind GmbH,buch@nordwind.example,\"Boxes, large\",2,100.00,19,EUR\n\
         A-100,Nordwind GmbH,buch@nordwind.example,Delivery,1,500.00,19,EUR\n",
    )
    .expect("csv");
    let program = example("sync");
    let today = Utc::now().date_naive().to_string();
    // Run off the test's runtime thread: the server's background work shares it.
    let run = || {
        let mut command = Command::new(&program);
        command
            .arg(&app.address)
            .arg(&csv)
            .arg(&today)
            .env("PORTAL_API_KEY", &key);
        async move {
            let output = tokio::task::spawn_blocking(move || command.output())
                .await
                .expect("joined")
                .expect("the example runs");
            assert!(
                output.status.success(),
                "{}",
                String::from_utf8_lossy(&output.stderr)
            );
            String::from_utf8_lossy(&output.stdout).into_owned()
        }
    };
    // (2 × 100.00 + 500.00) × 1.19 = 833.00
    let first = run().await;
    let issued = owner
        .issuer_documents(&[("q", "(order A-100)")])
        .await
        .expect("found");
    assert_eq!(issued.total, 1, "{first}");
    let doc = &issued.items[0];
    let number = doc.number.clone().expect("issued");
    assert_eq!(doc.contractor_name, "Nordwind GmbH");
    assert_eq!(
        first.trim(),
        format!("order A-100: invoice {number} for 833.00 EUR")
    );
    owner
        .record_payment(
            doc.id,
            &NewPayment {
                amount: "333.00".into(),
                date: None,
                method: PaymentMethod::BankTransfer,
                reference: None,
            },
            None,
        )
        .await
        .expect("paid in part");
    let second = run().await;
    assert_eq!(
        second.trim(),
        format!(
            "order A-100: already in the portal\npayment {today} 333.00 EUR on {number} for Nordwind GmbH"
        )
    );
    let customers = owner
        .contractors(&[("q", "Nordwind")])
        .await
        .expect("contractors");
    assert_eq!(customers.total, 1);
}
