//! TLS to PostgreSQL when the URL asks for it (`sslmode=require`), with rustls and ring, the
//! TLS stack the notices already use. The server's certificate is verified, against Mozilla's
//! roots or against the CA in the file `sslrootcert=<file>` names (libpq's parameter: tokio-
//! postgres does not know it, so it is taken out of the URL here). A certificate that does not
//! verify fails the connection, which is stricter than libpq's `require` (it only encrypts): a
//! password and personal data must not go to whoever answers on the port.
//!
//! Without `sslmode=require` the connection is plain, as before. A `prefer` that tried TLS
//! would fail against a default Debian cluster's self-signed certificate, where plain text
//! worked.

use rustls::pki_types::{pem::PemObject, CertificateDer};
use rustls::{ClientConfig, RootCertStore};
use tokio_postgres::config::SslMode;
use tokio_postgres_rustls::MakeRustlsConnect;

use super::error::StoreError;

/// The URL tokio-postgres can read (without `sslrootcert`), and the TLS to connect with:
/// `None` unless the URL requires it.
pub fn settings(
    url: &str,
) -> Result<(tokio_postgres::Config, Option<MakeRustlsConnect>), StoreError> {
    let (url, root_cert) = take_root_cert(url);
    let config: tokio_postgres::Config =
        url.parse().map_err(|e: tokio_postgres::Error| StoreError::Postgres(e.to_string()))?;
    if config.get_ssl_mode() != SslMode::Require {
        return Ok((config, None));
    }
    let mut roots = RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
    if let Some(file) = root_cert {
        let unreadable =
            |e: &dyn std::fmt::Display| StoreError::Postgres(format!("sslrootcert {file}: {e}"));
        let certificates: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&file)
            .map_err(|e| unreadable(&e))?
            .collect::<Result<_, _>>()
            .map_err(|e| unreadable(&e))?;
        if certificates.is_empty() {
            return Err(unreadable(&"no certificate in the file"));
        }
        for certificate in certificates {
            roots.add(certificate).map_err(|e| unreadable(&e))?;
        }
    }
    // rustls's one built-in provider here is ring (the crate's only crypto feature).
    let tls = ClientConfig::builder().with_root_certificates(roots).with_no_client_auth();
    Ok((config, Some(MakeRustlsConnect::new(tls))))
}

/// Splits `sslrootcert=<file>` off a URL's query.
fn take_root_cert(url: &str) -> (String, Option<String>) {
    let Some((base, query)) = url.split_once('?') else { return (url.to_string(), None) };
    let mut root_cert = None;
    let kept: Vec<&str> = query
        .split('&')
        .filter(|pair| match pair.strip_prefix("sslrootcert=") {
            Some(file) => {
                root_cert = Some(
                    percent_encoding::percent_decode_str(file).decode_utf8_lossy().into_owned(),
                );
                false
            }
            None => true,
        })
        .collect();
    let url = if kept.is_empty() { base.to_string() } else { format!("{base}?{}", kept.join("&")) };
    (url, root_cert)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_certificate_is_taken_out_of_the_url_and_the_rest_kept() {
        let (url, file) = take_root_cert(
            "postgres://a@h:5/db?sslmode=require&sslrootcert=%2Ftmp%2Fca.pem&application_name=x",
        );
        assert_eq!(url, "postgres://a@h:5/db?sslmode=require&application_name=x");
        assert_eq!(file.as_deref(), Some("/tmp/ca.pem"));
        assert_eq!(take_root_cert("postgres://a@h/db?sslrootcert=/ca.pem").0, "postgres://a@h/db");
        assert_eq!(take_root_cert("postgres://a@h/db"), ("postgres://a@h/db".to_string(), None));
    }

    #[test]
    fn only_a_required_tls_is_tls_and_an_unreadable_root_certificate_says_which_file() {
        assert!(settings("postgres://a@h/db").unwrap().1.is_none());
        assert!(settings("postgres://a@h/db?sslmode=prefer").unwrap().1.is_none());
        assert!(settings("postgres://a@h/db?sslmode=require").unwrap().1.is_some());
        let error = settings("postgres://a@h/db?sslmode=require&sslrootcert=/no/such/ca.pem")
            .err()
            .unwrap()
            .to_string();
        assert!(error.contains("/no/such/ca.pem"), "{error}");
    }
}
