//! JSON posted over HTTP(S) to the operator's SMS gateway and to the team's group robots,
//! on hyper's client with rustls (Mozilla's roots). Each answer decides whether the message
//! went: the gateway's by its HTTP status, a robot's by its JSON code (core's
//! [`Robot::accepted`]).

use std::time::Duration;

use base64::Engine;
use hmac::{KeyInit, Mac};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use shouhou_core::notice::robot::{clip, Refusal, Robot};
use shouhou_core::notice::sms::SmsTemplate;

/// The operator's SMS gateway: where to post, with which headers (the values read from the
/// environment variables the command line names), and the body template.
#[derive(Debug, Clone)]
pub struct SmsGateway {
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: SmsTemplate,
}

/// A group robot's webhook and, for DingTalk and Feishu, the secret it signs with.
#[derive(Debug, Clone)]
pub struct RobotHook {
    pub robot: Robot,
    pub webhook: String,
    pub secret: Option<String>,
}

pub type Https = hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>;

/// The client every post goes through: HTTPS with Mozilla's roots, or plain HTTP (a gateway
/// on the operator's own network, the tests' receiver).
pub fn client() -> Client<Https, Full<Bytes>> {
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_webpki_roots()
        .https_or_http()
        .enable_http1()
        .build();
    Client::builder(TokioExecutor::new()).build(https)
}

/// Posts `body` as JSON; the status and the start of the answer, or why nothing came back
/// (always transient: the network, a timeout).
pub async fn post_json(
    client: &Client<Https, Full<Bytes>>,
    url: &str,
    headers: &[(String, String)],
    body: &serde_json::Value,
) -> Result<(u16, String), Refusal> {
    let transient = |reason: String| Refusal { reason, transient: true };
    let mut request = hyper::Request::post(url).header("content-type", "application/json");
    for (name, value) in headers {
        request = request.header(name.as_str(), value.as_str());
    }
    let request = request
        .body(Full::new(Bytes::from(body.to_string())))
        .map_err(|e| Refusal { reason: format!("bad request: {e}"), transient: false })?;
    let answer = tokio::time::timeout(Duration::from_secs(20), client.request(request))
        .await
        .map_err(|_| transient("no answer within 20 s".into()))?
        .map_err(|e| transient(format!("cannot reach it: {e}")))?;
    let status = answer.status().as_u16();
    let text = tokio::time::timeout(Duration::from_secs(20), answer.into_body().collect())
        .await
        .map_err(|_| transient("the answer did not arrive within 20 s".into()))?
        .map_err(|e| transient(format!("the answer broke off: {e}")))?
        .to_bytes();
    Ok((status, String::from_utf8_lossy(&text[..text.len().min(4096)]).into_owned()))
}

impl SmsGateway {
    /// Sends the filled body: a 2xx is taken as sent; 429 and 5xx may work later; any other
    /// refusal is final.
    pub async fn send(
        &self,
        client: &Client<Https, Full<Bytes>>,
        values: &[(&str, &str)],
    ) -> Result<(), Refusal> {
        let (status, body) =
            post_json(client, &self.url, &self.headers, &self.body.fill(values)).await?;
        match status {
            200..=299 => Ok(()),
            429 | 500.. => {
                Err(Refusal { reason: format!("HTTP {status}: {}", clip(&body)), transient: true })
            }
            _ => {
                Err(Refusal { reason: format!("HTTP {status}: {}", clip(&body)), transient: false })
            }
        }
    }
}

impl RobotHook {
    /// Posts `text` in the robot's format, signed when it has a secret.
    pub async fn send(
        &self,
        client: &Client<Https, Full<Bytes>>,
        text: &str,
        now_ms: i64,
    ) -> Result<(), Refusal> {
        let signed = self
            .secret
            .as_deref()
            .and_then(|secret| self.robot.signing(secret, now_ms))
            .map(|signing| {
                let mut mac =
                    <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(signing.key.as_bytes())
                        .expect("HMAC takes a key of any length");
                mac.update(signing.message.as_bytes());
                let sign =
                    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
                (signing.timestamp, sign)
            });
        let signed = signed.as_ref().map(|(timestamp, sign)| (timestamp.as_str(), sign.as_str()));
        let address = self.robot.address(&self.webhook, signed);
        let body = self.robot.body(text, signed);
        let (status, answer) = post_json(client, &address, &[], &body).await?;
        self.robot.accepted(status, &answer)
    }
}
