//! Email over SMTP with `lettre`: `--smtp-url smtp://host:port` (STARTTLS when the server
//! offers it; `?tls=required` insists) or `smtps://host:port` (TLS from the first byte), the
//! user and password from the environment (`SHOUHOU_SMTP_USER`, `SHOUHOU_SMTP_PASSWORD`),
//! never from `config.json`. Every email to a customer carries RFC 8058's one-click
//! unsubscribe headers; every email a stable `Message-ID` per notice, so a receiving system
//! that sees one notice twice (a worker that died after sending, before recording it) can
//! tell it is the same.

use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

/// An SMTP relay as set up on the command line.
#[derive(Debug, Clone)]
pub struct Smtp {
    pub url: String,
    pub from: Mailbox,
    pub credentials: Option<(String, String)>,
}

/// What one email says.
pub struct Email<'a> {
    pub message_id: String,
    pub to: &'a str,
    pub subject: String,
    pub body: String,
    /// The one-click unsubscribe address (customers' emails only).
    pub unsubscribe: Option<String>,
}

/// Why an email did not go, and whether trying again could help.
pub struct MailError {
    pub reason: String,
    pub transient: bool,
}

impl Smtp {
    /// Reads `--smtp-url` and `--mail-from`; the credentials come from the environment.
    pub fn new(
        url: &str,
        from: &str,
        credentials: Option<(String, String)>,
    ) -> Result<Smtp, String> {
        if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
            return Err(format!("--smtp-url {url:?}: give smtp://host:port or smtps://host:port"));
        }
        AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("--smtp-url {url:?}: {e}"))?;
        let from = from.parse().map_err(|e| format!("--mail-from {from:?}: {e}"))?;
        Ok(Smtp { url: url.to_string(), from, credentials })
    }

    fn transport(&self) -> Result<AsyncSmtpTransport<Tokio1Executor>, MailError> {
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(&self.url)
            .map_err(|e| MailError { reason: e.to_string(), transient: false })?
            .timeout(Some(std::time::Duration::from_secs(20)));
        if let Some((user, password)) = &self.credentials {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(builder.build())
    }

    /// Sends one email; a refusal for good (5xx: no such mailbox, refused content) is not
    /// transient, anything else (connection refused, a timeout, 4xx) is.
    pub async fn send(&self, email: Email<'_>) -> Result<(), MailError> {
        let to: Mailbox = email
            .to
            .parse()
            .map_err(|e| MailError { reason: format!("bad address: {e}"), transient: false })?;
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(email.subject)
            .message_id(Some(email.message_id))
            .header(ContentType::TEXT_PLAIN);
        if let Some(address) = &email.unsubscribe {
            builder = builder
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe"),
                    format!("<{address}>"),
                ))
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                    "List-Unsubscribe=One-Click".to_string(),
                ));
        }
        let message = builder
            .body(email.body)
            .map_err(|e| MailError { reason: e.to_string(), transient: false })?;
        match self.transport()?.send(message).await {
            Ok(_) => Ok(()),
            Err(error) => {
                Err(MailError { transient: !error.is_permanent(), reason: error.to_string() })
            }
        }
    }
}
