//! What the desk reads of the configuration the customer app runs with, once: the product
//! lines' names, the fault causes and the parts.

use std::rc::Rc;

use shouhou_web::config::{self, DeskSettings};
use yew::prelude::*;

/// The settings; `None` until `config.json` has answered (empty when it could not be read:
/// lines are then shown by their ids, and the resolve form offers the usual causes).
#[hook]
pub fn use_desk_settings() -> Option<Rc<DeskSettings>> {
    let settings = use_state(|| None::<Rc<DeskSettings>>);
    {
        let settings = settings.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let read = config::desk_settings().await.unwrap_or_else(|_| DeskSettings {
                    fault_causes: shouhou_core::quality::default_fault_causes(),
                    ..DeskSettings::default()
                });
                settings.set(Some(Rc::new(read)));
            });
        });
    }
    (*settings).clone()
}
