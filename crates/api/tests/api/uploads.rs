//! Hostile uploads at the default limits: a zip bomb, compressed request bodies that would
//! inflate to half a gigabyte, a PDF that is also an HTML page, an SVG with a script, a path for a name, an
//! empty file and one byte over the limit. Each is refused with the field named, or stored
//! and served inert (as a file to save, of the type its content is, sandboxed); whatever is
//! refused leaves no row and no stored object behind, and no bomb makes the server's memory
//! grow by more than a fraction of what it would inflate to.

use portal_client::{FileUpload, Realm};
use reqwest::Method;

use crate::comments::{first_document, stored_objects};
use crate::helpers::{api_error, spawn_app};

/// What the bombs inflate to.
const INFLATED: u64 = 512 * 1024 * 1024;

fn file(name: &str, bytes: &[u8]) -> FileUpload {
    FileUpload {
        name: name.to_string(),
        bytes: bytes.to_vec(),
    }
}

/// Runs Python's zlib (a C implementation, so the half gigabyte is deflated in a second or
/// two) to make `kind`: `zip` (an archive with one file of `INFLATED` zero bytes), `gzip`
/// (that many spaces inside a JSON string) or `gzip-form` (a multipart form whose file is that
/// many zero bytes).
fn bomb(kind: &str) -> Vec<u8> {
    const SCRIPT: &str = r#"
import io, sys, zipfile, zlib
kind, size = sys.argv[1], int(sys.argv[2])
chunk = 1 << 20
def deflated(head, filler, tail):
    z = zlib.compressobj(9, zlib.DEFLATED, 31)
    out = [z.compress(head)]
    block = filler * chunk
    for _ in range(size // chunk):
        out.append(z.compress(block))
    out.append(z.compress(tail))
    out.append(z.flush())
    return b"".join(out)
if kind == "zip":
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        with zf.open("invoice.pdf", "w", force_zip64=True) as f:
            block = b"\0" * chunk
            for _ in range(size // chunk):
                f.write(block)
    data = buf.getvalue()
elif kind == "gzip":
    data = deflated(b'{"body":"', b" ", b'x"}')
else:
    data = deflated(
        b'--b\r\nContent-Disposition: form-data; name="body"\r\n\r\nsee file\r\n'
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.4\n',
        b"\0",
        b"\r\n--b--\r\n",
    )
sys.stdout.buffer.write(data)
"#;
    let out = std::process::Command::new("python3")
        .args(["-c", SCRIPT, kind, &INFLATED.to_string()])
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stdout.len() < 2 * 1024 * 1024,
        "a bomb, {} bytes",
        out.stdout.len()
    );
    out.stdout
}

/// The most memory this process (the server and the test) has held, in bytes.
fn peak_memory() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let line = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .expect("VmHWM");
    let kib: u64 = line
        .split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .expect("a number");
    kib * 1024
}

#[tokio::test]
async fn hostile_files_are_refused_or_stored_inert_and_bombs_do_not_inflate() {
    let app = spawn_app().await;
    let limit = app.settings.attachment_max_bytes;
    assert_eq!(limit, 10 * 1024 * 1024, "the default limit");
    let kunde = app.portal_client("kunde").await;
    let id = first_document(&kunde).await;
    let path = format!("/api/v1/portal/documents/{id}/comments");
    let count = |table: &'static str| {
        let app = &app;
        async move {
            app.scalar(&format!("SELECT count(*) AS n FROM {table}"))
                .await
        }
    };
    let comments = count("comments").await;
    let attachments = count("attachments").await;

    // Signed in before the measure starts: a sign-in's argon2 takes 19 MiB of its own.
    let owner = app.issuer_client().await;
    // The bombs first, while the process has held little.
    let zip = bomb("zip");
    let gzip = bomb("gzip");
    let form = bomb("gzip-form");
    let before = peak_memory();
    assert_eq!(
        api_error(
            kunde
                .post_comment(Realm::Portal, id, "see file", &[file("invoice.pdf", &zip)])
                .await
        ),
        (422, "validation_failed".into(), vec!["file[0]".into()]),
        "a zip is not a file a comment carries, whatever its name: it is never opened"
    );
    // Compressed bodies are not read at all: a clear 415, whatever they would inflate to.
    for (content_type, bytes) in [
        ("application/json", gzip),
        ("multipart/form-data; boundary=b", form),
    ] {
        let response = kunde
            .request(Method::POST, &path)
            .header("content-type", content_type)
            .header("content-encoding", "gzip")
            .body(bytes)
            .send()
            .await
            .expect("an answer");
        assert_eq!(response.status(), 415, "{content_type}");
        assert_eq!(
            response
                .headers()
                .get("accept-encoding")
                .map(|v| v.as_bytes()),
            Some(b"identity".as_slice())
        );
        let problem: portal_types::Problem = response.json().await.expect("problem+json");
        assert_eq!(problem.code, "unsupported_content_encoding");
        let detail = problem.detail.unwrap_or_default();
        assert!(detail.contains("gzip"), "{detail}");
    }
    // And on every other endpoint that reads a body: the logo, the contractors' import, JSON.
    for (method, path, content_type) in [
        (Method::PUT, "/api/v1/issuer/organization/logo", "image/png"),
        (
            Method::POST,
            "/api/v1/issuer/contractors/import",
            "text/csv",
        ),
        (
            Method::POST,
            "/api/v1/issuer/contractors",
            "application/json",
        ),
    ] {
        let response = owner
            .request(method, path)
            .header("content-type", content_type)
            .header("content-encoding", "br")
            .body(vec![0x1b, 0x03, 0x00, 0xf8])
            .send()
            .await
            .expect("an answer");
        assert_eq!(response.status(), 415, "{path}");
    }
    let grown = peak_memory().saturating_sub(before);
    eprintln!(
        "peak memory grew by {} KiB while the bombs were refused",
        grown >> 10
    );
    // Inflated, any one of them would take 512 MiB; refused unread, they leave the peak within
    // 16 MiB of where it was.
    assert!(
        grown < INFLATED / 32,
        "the bombs grew the process by {} MiB",
        grown >> 20
    );

    // A path for a name, nothing at all, one byte too many.
    let over = [b"%PDF-1.4\n".as_slice(), &vec![b'x'; limit - 9 + 1]].concat();
    assert_eq!(over.len(), limit + 1);
    let refused: [(FileUpload, u16, &str); 3] = [
        (
            file("../../etc/passwd", b"root:x:0:0"),
            422,
            "validation_failed",
        ),
        (file("empty.pdf", b""), 422, "validation_failed"),
        (file("scan.pdf", &over), 413, "payload_too_large"),
    ];
    for (upload, status, code) in refused {
        let name = upload.name.clone();
        assert_eq!(
            api_error(
                kunde
                    .post_comment(Realm::Portal, id, "see file", &[upload])
                    .await
            ),
            (status, code.to_string(), vec!["file[0]".to_string()]),
            "{name}"
        );
    }
    assert_eq!(
        count("comments").await,
        comments,
        "a refused upload left a comment"
    );
    assert_eq!(count("attachments").await, attachments);
    assert_eq!(stored_objects(&app).await, Vec::<String>::new());

    // The limit itself is taken.
    let exactly = &over[..limit];
    kunde
        .post_comment(Realm::Portal, id, "", &[file("scan.pdf", exactly)])
        .await
        .expect("exactly the limit");

    // Files a browser might run are kept, and given back so that none does.
    let polyglot: &[u8] =
        b"%PDF-1.4\n<html><body><script>fetch('/api/v1/portal/me')</script></body></html>\n%%EOF\n";
    let svg: &[u8] = b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(document.cookie)\"><script>alert(1)</script></svg>\n";
    for (name, bytes, stored_as) in [
        ("statement.pdf", polyglot, "application/pdf"),
        ("logo.svg", svg, "text/plain"),
        (
            "page.html",
            b"<script>alert(1)</script>\n".as_slice(),
            "text/plain",
        ),
    ] {
        let comment = kunde
            .post_comment(Realm::Portal, id, "see file", &[file(name, bytes)])
            .await
            .expect("stored");
        let attachment = &comment.attachments[0];
        let response = kunde
            .request(
                Method::GET,
                &format!(
                    "/api/v1/portal/documents/{id}/attachments/{}",
                    attachment.id
                ),
            )
            .send()
            .await
            .expect("download");
        assert_eq!(response.status(), 200);
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string()
        };
        assert!(
            header("content-type").starts_with(stored_as),
            "{name}: {}",
            header("content-type")
        );
        assert!(
            header("content-disposition").starts_with("attachment;"),
            "{name}"
        );
        assert_eq!(header("x-content-type-options"), "nosniff");
        assert!(
            header("content-security-policy").contains("sandbox"),
            "{name}"
        );
        assert!(header("content-security-policy").contains("default-src 'none'"));
        assert_eq!(
            response.bytes().await.expect("bytes").as_ref(),
            bytes,
            "{name}: as sent"
        );
    }
    // Every stored object belongs to a row, and every row to an object.
    let rows = count("attachments").await;
    assert_eq!(rows, attachments + 4);
    assert_eq!(stored_objects(&app).await.len() as i64, rows);
}
