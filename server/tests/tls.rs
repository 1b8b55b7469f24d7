//! The server behind a real TLS-terminating proxy on loopback: Debian's nginx (installed by
//! scripts/lib.sh's `ensure_nginx`), configured with docs/operations.md's example as written, a
//! self-signed certificate made here, and curl as the client. A member of staff signs in
//! over TLS: the cross-site guard sees the `https://` origin the proxy reports, the cookie is
//! the `__Host-` one, and every answer through the proxy carries HSTS.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::Server;

const PASSWORD: &str = "a-long-enough-password";

/// nginx, stopped when dropped.
struct Nginx(Child);

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn nginx_binary() -> PathBuf {
    let bin = std::env::var_os("SHOUHOU_NGINX").map_or("/usr/sbin/nginx".into(), PathBuf::from);
    assert!(
        bin.exists(),
        "no nginx at {}: scripts/test.sh installs it (ensure_nginx)",
        bin.display()
    );
    bin
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The nginx block of the operations guide (docs/operations.md, linked from README), with this
/// test's upstream, port, name and certificate put in.
fn readme_site(upstream: &str, port: u16, cert: &Path, key: &Path) -> String {
    let readme = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/operations.md"),
    )
    .unwrap();
    let start = readme.find("```nginx\n").expect("docs/operations.md has an nginx example")
        + "```nginx\n".len();
    let block = &readme[start..start + readme[start..].find("```").unwrap()];
    let mut site = block.to_string();
    for (from, to) in [
        ("server 127.0.0.1:8081; server 127.0.0.1:8082;", format!("server {upstream};")),
        ("listen 443 ssl http2;", format!("listen 127.0.0.1:{port} ssl http2;")),
        ("server_name service.example.cn;", "server_name localhost;".to_string()),
        ("/etc/ssl/service.pem", cert.display().to_string()),
        ("/etc/ssl/service.key", key.display().to_string()),
    ] {
        assert!(site.contains(from), "README's nginx example no longer says {from:?}:\n{block}");
        site = site.replace(from, &to);
    }
    site
}

fn start_nginx(dir: &Path, site: &str, port: u16) -> Nginx {
    let conf = format!(
        "daemon off;\nmaster_process off;\nworker_processes 1;\npid {dir}/nginx.pid;\n\
         error_log {dir}/error.log;\nevents {{ worker_connections 64; }}\n\
         http {{\n access_log off;\n client_body_temp_path {dir}/body;\n proxy_temp_path {dir}/proxy;\n\
         fastcgi_temp_path {dir}/fastcgi;\n uwsgi_temp_path {dir}/uwsgi;\n scgi_temp_path {dir}/scgi;\n{site}\n}}\n",
        dir = dir.display()
    );
    std::fs::write(dir.join("nginx.conf"), conf).unwrap();
    let child = Command::new(nginx_binary())
        .arg("-p")
        .arg(dir)
        .arg("-c")
        .arg(dir.join("nginx.conf"))
        .arg("-e")
        .arg(dir.join("error.log"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("nginx starts");
    let nginx = Nginx(child);
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        let log = std::fs::read_to_string(dir.join("error.log")).unwrap_or_default();
        assert!(started.elapsed() < Duration::from_secs(10), "nginx did not listen: {log}");
        std::thread::sleep(Duration::from_millis(50));
    }
    nginx
}

/// One curl call over TLS trusting `ca`, with the cookie jar in `dir`: the status, the
/// response headers (lower-case names) and the body.
fn curl(
    dir: &Path,
    ca: &Path,
    method: &str,
    url: &str,
    headers: &[&str],
    body: Option<&str>,
) -> (u16, String, String) {
    let jar = dir.join("cookies.txt");
    let head = dir.join("head.txt");
    let mut command = Command::new("curl");
    command
        .args(["-sS", "--http1.1", "-X", method, "-o", "-", "-w", "\n%{http_code}", "--cacert"])
        .arg(ca)
        .arg("-c")
        .arg(&jar)
        .arg("-b")
        .arg(&jar)
        .arg("-D")
        .arg(&head);
    for header in headers {
        command.args(["-H", header]);
    }
    if let Some(body) = body {
        command.args(["--data-binary", body]);
    }
    let out = command.arg(url).output().expect("curl runs");
    assert!(out.status.success(), "curl: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let (body, status) = text.rsplit_once('\n').unwrap();
    let head = std::fs::read_to_string(head).unwrap().to_ascii_lowercase();
    (status.parse().unwrap(), head, body.to_string())
}

#[test]
fn staff_sign_in_over_tls_through_nginx_as_readme_configures_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::test_db(dir.path(), "tls.sqlite3");
    common::add_staff(&db, "li.na", "lead", PASSWORD);
    let server = Server::start(&db, &common::dist(dir.path()), &["--trust-proxy", "127.0.0.1"]);

    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let (cert, key) = (dir.path().join("service.pem"), dir.path().join("service.key"));
    std::fs::write(&cert, certified.cert.pem()).unwrap();
    std::fs::write(&key, certified.signing_key.serialize_pem()).unwrap();
    let port = free_port();
    let _nginx = start_nginx(dir.path(), &readme_site(&server.addr, port, &cert, &key), port);
    let origin = format!("https://localhost:{port}");
    let url = |path: &str| format!("{origin}{path}");

    // What a browser on the desk sends: its https origin, same-origin.
    let credentials = serde_json::json!({ "login": "li.na", "password": PASSWORD }).to_string();
    let browser = [
        "Content-Type: application/json",
        &format!("Origin: {origin}") as &str,
        "Sec-Fetch-Site: same-origin",
    ];
    let (status, head, body) = curl(
        dir.path(),
        &cert,
        "POST",
        &url("/api/v1/staff/session"),
        &browser,
        Some(&credentials),
    );
    assert_eq!(status, 204, "{head}{body}");
    let cookie = head.lines().find(|l| l.starts_with("set-cookie:")).expect("a cookie").to_string();
    assert!(cookie.contains("__host-shouhou_staff=") && cookie.contains("; secure"), "{cookie}");
    assert!(head.contains("strict-transport-security: max-age=31536000"), "{head}");

    let (status, head, body) =
        curl(dir.path(), &cert, "GET", &url("/api/v1/staff/session"), &[], None);
    assert_eq!(status, 200, "{head}{body}");
    assert_eq!(serde_json::from_str::<serde_json::Value>(&body).unwrap()["login"], "li.na");
    assert!(head.contains("strict-transport-security"), "every answer through TLS: {head}");

    let (status, _, body) =
        curl(dir.path(), &cert, "DELETE", &url("/api/v1/staff/session"), &browser[1..], None);
    assert_eq!(status, 204, "{body}");
    let (status, _, _) = curl(dir.path(), &cert, "GET", &url("/api/v1/staff/session"), &[], None);
    assert_eq!(status, 401, "signed out");

    // Straight to the server, over plain HTTP: no HSTS (it would mean nothing there).
    let (status, head, _) = {
        let out = Command::new("curl")
            .args(["-sS", "-o", "/dev/null", "-D", "-", "-w", "%{http_code}"])
            .arg(format!("http://{}/", server.addr))
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap().to_ascii_lowercase();
        (text[text.len() - 3..].parse::<u16>().unwrap(), text, ())
    };
    assert_eq!(status, 200);
    assert!(!head.contains("strict-transport-security"), "{head}");
}
