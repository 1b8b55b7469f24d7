//! The customer's look-up in the product archive: what the records say of a serial number.

use gloo_net::http::Request;
use shouhou_core::product::ProductLookup;
use shouhou_core::Lang;
use shouhou_web::http::{self, send, HttpError};

/// `GET /products/{serial}?product_line=…&component=…` on the intake server at `base_url`:
/// the unit's line, model and warranty, judged for `component` (a part the checks found at
/// fault, with a warranty of its own) when given. A 404 says the archive does not know it.
pub async fn look_up(
    base_url: &str,
    serial: &str,
    product_line: &str,
    component: Option<&str>,
    lang: Lang,
) -> Result<ProductLookup, HttpError> {
    let url = format!(
        "{}/products/{}",
        base_url.trim_end_matches('/'),
        js_sys::encode_uri_component(serial.trim())
    );
    let mut query = vec![("product_line", product_line)];
    query.extend(component.map(|c| ("component", c)));
    let request = Request::get(&url).query(query).header("Accept-Language", lang.tag());
    http::json(send(request.build()).await?).await
}
