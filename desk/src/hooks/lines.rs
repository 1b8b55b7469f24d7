//! The product lines' names, from the configuration the customer app runs with, read once.

use std::rc::Rc;

use shouhou_core::ProductLine;
use shouhou_web::config;
use yew::prelude::*;

/// The configured product lines; `None` until `config.json` has answered (empty when it
/// could not be read: lines are then shown by their ids).
#[hook]
pub fn use_product_lines() -> Option<Rc<Vec<ProductLine>>> {
    let lines = use_state(|| None::<Rc<Vec<ProductLine>>>);
    {
        let lines = lines.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let read = config::product_lines().await.unwrap_or_default();
                lines.set(Some(Rc::new(read)));
            });
        });
    }
    (*lines).clone()
}
