//! The real server binary on loopback, and a bare HTTP/1.1 client for it: enough to kill the
//! process mid-request and to see exactly what reached the wire.

#![allow(dead_code)] // each test file uses its own part of this

pub mod desk;
pub mod sample;
pub mod store;

#[allow(unused_imports)] // each test file uses its own part of this
pub use store::{db_count, db_exec, db_rows, on_postgres, state, test_db};

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A running `shouhou-server`; killed (SIGKILL) when dropped, so a failed test leaves nothing.
pub struct Server {
    pub child: Child,
    pub addr: String,
    stdout: BufReader<std::process::ChildStdout>,
}

impl Server {
    /// Starts the binary on a free port with the repository's config and `extra` flags.
    pub fn start(db: &Path, dist: &Path, extra: &[&str]) -> Server {
        Server::start_logging(db, dist, extra, None)
    }

    /// [`Server::start`] with its JSON log lines (stderr) written to `log`.
    pub fn start_logging(db: &Path, dist: &Path, extra: &[&str], log: Option<&Path>) -> Server {
        Server::launch(db, dist, extra, log, &[])
    }

    /// [`Server::start_logging`] with environment variables set for the server.
    pub fn launch(
        db: &Path,
        dist: &Path,
        extra: &[&str],
        log: Option<&Path>,
        env: &[(&str, &str)],
    ) -> Server {
        let stderr = match log {
            Some(path) => Stdio::from(std::fs::File::create(path).unwrap()),
            None => Stdio::null(),
        };
        let config: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("../static/config.json");
        let mut child = Command::new(env!("CARGO_BIN_EXE_shouhou-server"))
            .args(["--addr", "127.0.0.1:0", "--db"])
            .arg(db)
            .arg("--dist")
            .arg(dist)
            .arg("--config")
            .arg(config)
            .args(extra)
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("the server binary starts");
        let mut line = String::new();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        stdout.read_line(&mut line).unwrap();
        let addr = line
            .trim()
            .strip_prefix("shouhou-server listening on http://")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_string();
        Server { child, addr, stdout }
    }

    /// SIGKILL: no graceful shutdown, no flushing — what a crash or `kill -9` does.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Stops the server and returns what it wrote to stdout after the listening line.
    pub fn kill_and_read_stdout(mut self) -> String {
        self.kill();
        let mut rest = String::new();
        std::io::Read::read_to_string(&mut self.stdout, &mut rest).unwrap();
        rest
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// An answer as it came off the wire.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

/// One request on its own connection (`Connection: close`); an error when the server is gone
/// or closes before answering.
pub async fn request(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<Answer> {
    let mut stream = TcpStream::connect(addr).await?;
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body).await?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "no answer"))?;
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidData, "no status line"))?;
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    Ok(Answer { status, headers, body: body.to_string() })
}

/// A request that passes today's rules (no photos, so no date-dependent warranty rule).
pub fn valid_body() -> serde_json::Value {
    serde_json::json!({
        "intent": "consultation",
        "product_line": "inverter",
        "full_name": "王建国",
        "phone": "138 1234 5678",
        "email": "wang@example.cn",
        "description": "变频器上电后显示 OC1 过流故障，电机无法启动"
    })
}

/// An in-warranty repair with a purchase date: what most API tests send.
pub fn repair_body() -> serde_json::Value {
    serde_json::json!({
        "intent": "repair",
        "product_line": "inverter",
        "full_name": "王建国",
        "phone": "138 1234 5678",
        "email": "wang@example.cn",
        "purchase_date": "2023-05-10",
        "resolution": "repair",
        "description": "变频器上电后显示 OC1 过流故障，电机无法启动 ⚠️"
    })
}

pub async fn post_create(addr: &str, key: &str, body: &str) -> std::io::Result<Answer> {
    request(
        addr,
        "POST",
        "/api/v1/requests",
        &[("Content-Type", "application/json"), ("Idempotency-Key", key)],
        body.as_bytes(),
    )
    .await
}

/// A folder with a stand-in built app, as the server wants one.
pub fn dist(dir: &Path) -> PathBuf {
    let dist = dir.join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("index.html"), "<!doctype html><title>Shouhou</title>").unwrap();
    dist
}

/// `shouhou-server staff add <login> --role <role>` on `db`, the password on stdin.
pub fn add_staff(db: &Path, login: &str, role: &str, password: &str) {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_shouhou-server"))
        .args(["staff", "add", login, "--role", role, "--db"])
        .arg(db)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the server binary starts");
    writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "staff add: {}", String::from_utf8_lossy(&out.stderr));
}

/// The most memory the process has held at once (its peak resident set), in bytes.
pub fn peak_memory(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|line| line.starts_with("VmHWM:")).expect("VmHWM in status");
    let kib: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kib * 1024
}
