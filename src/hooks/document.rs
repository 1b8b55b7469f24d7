use shouhou_core::i18n::t;
use shouhou_core::Lang;
use yew::prelude::*;

/// The document speaks the chosen language: `<html lang>` and the title.
#[hook]
pub fn use_document_language(lang: Lang) {
    use_effect_with((lang, shouhou_core::Messages::has(lang)), |(lang, _)| {
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            if let Some(root) = document.document_element() {
                let _ = root.set_attribute("lang", lang.tag());
            }
            document.set_title(t(*lang, "app.title"));
        }
    });
}
