//! Sign-in: login and password, `POST /api/v1/staff/session`.

use serde::Serialize;
use shouhou_core::desk::Session;
use yew::prelude::*;

use crate::api::{self, ApiError};
use crate::app::Ctx;
use crate::widgets::value_of;

#[derive(Serialize)]
struct Credentials {
    login: String,
    password: String,
}

#[function_component(SignIn)]
pub fn sign_in() -> Html {
    let ctx = use_context::<Ctx>().expect("the desk's context");
    crate::app::use_focus_title(());
    let login = use_node_ref();
    let password = use_node_ref();
    let error = use_state(|| None::<String>);
    let busy = use_state(|| false);

    let onsubmit = {
        let (login, password, error, busy) =
            (login.clone(), password.clone(), error.clone(), busy.clone());
        let signed_in = ctx.signed_in.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let credentials = Credentials {
                login: value_of(&login).trim().to_string(),
                password: value_of(&password),
            };
            if credentials.login.is_empty() || credentials.password.is_empty() {
                error.set(Some("error.missing_credentials".into()));
                return;
            }
            let (error, busy, signed_in) = (error.clone(), busy.clone(), signed_in.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                let result = match api::post("/session", &credentials).await {
                    Ok(_) => api::get::<Session>("/session").await,
                    Err(e) => Err(e),
                };
                busy.set(false);
                match result {
                    Ok(session) => signed_in.emit(session),
                    Err(ApiError::Code(401, _)) => {
                        error.set(Some("error.invalid_credentials".into()))
                    }
                    Err(e) => error.set(Some(e.message_key())),
                }
            });
        })
    };

    html! {
        <div class="narrow">
            <h1 id="page-title" tabindex="-1">{ ctx.t("signin.heading") }</h1>
            <form class="card" {onsubmit} novalidate=true>
                <div>
                    if let Some(key) = &*error {
                        <p class="error" role="alert">{ ctx.t(key) }</p>
                    }
                </div>
                <div class="field">
                    <label for="login">{ ctx.t("signin.login") }</label>
                    <input id="login" name="username" autocomplete="username" ref={login} required=true
                        autocapitalize="none" spellcheck="false" />
                </div>
                <div class="field">
                    <label for="password">{ ctx.t("signin.password") }</label>
                    <input id="password" name="password" type="password" autocomplete="current-password"
                        ref={password} required=true />
                </div>
                <button type="submit" disabled={*busy}>{ ctx.t("signin.submit") }</button>
            </form>
        </div>
    }
}
