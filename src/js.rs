//! Small browser helpers written in JavaScript where that is the shortest honest way: they
//! wrap callback APIs (FileReader, a download link) that web-sys would need many lines for.

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen(inline_js = "
export function dataUrl(blob) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}
export function download(name, text) {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const link = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
export function dataUrlBlob(url) { return fetch(url).then((r) => r.blob()); }
export function valueAt(json, path) {
  try {
    let value = JSON.parse(json);
    for (const key of path.split('.')) value = value == null ? undefined : value[key];
    return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
  } catch { return undefined; }
}
")]
extern "C" {
    /// A Blob as a `data:` URL (base64), to carry photos inside JSON.
    #[wasm_bindgen(js_name = dataUrl)]
    pub fn data_url(blob: &web_sys::Blob) -> js_sys::Promise;
    /// Offers `text` as a file download named `name`.
    pub fn download(name: &str, text: &str);
    /// A `data:` URL back to a Blob.
    #[wasm_bindgen(js_name = dataUrlBlob)]
    pub fn data_url_blob(url: &str) -> js_sys::Promise;
    /// The string or number at a dotted path of a JSON text, if there is one.
    #[wasm_bindgen(js_name = valueAt)]
    pub fn value_at(json: &str, path: &str) -> Option<String>;
}

/// A stored photo as a `data:` URL.
pub async fn blob_data_url(blob: &web_sys::Blob) -> Option<String> {
    wasm_bindgen_futures::JsFuture::from(data_url(blob)).await.ok()?.as_string()
}
