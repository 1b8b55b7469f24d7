//! Sign-in: login and password (`POST /api/v1/staff/session`).

use shouhou_core::desk::credentials;
use shouhou_web::dom::value_of;
use yew::prelude::*;

use crate::api;
use crate::context::use_desk;

use crate::hooks::title::use_focus_title;

#[function_component(SignIn)]
pub fn sign_in() -> Html {
    let desk = use_desk();
    use_focus_title(());
    let login = use_node_ref();
    let password = use_node_ref();
    let error = use_state(|| None::<String>);
    let busy = use_state(|| false);

    let onsubmit = {
        let (login, password, error, busy) =
            (login.clone(), password.clone(), error.clone(), busy.clone());
        let signed_in = desk.signed_in.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (login, password) = match credentials(&value_of(&login), value_of(&password)) {
                Ok(credentials) => credentials,
                Err(key) => return error.set(Some(key.into())),
            };
            let (error, busy, signed_in) = (error.clone(), busy.clone(), signed_in.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::sign_in(login, password).await;
                busy.set(false);
                match result {
                    Ok(session) => signed_in.emit(session),
                    Err(e) if e.status() == Some(401) => {
                        error.set(Some("error.invalid_credentials".into()))
                    }
                    Err(e) => error.set(Some(api::message_key(&e))),
                }
            });
        })
    };

    html! {
        <div class="narrow">
            <h1 id="page-title" tabindex="-1">{ desk.t("signin.heading") }</h1>
            <form class="card" {onsubmit} novalidate=true>
                <div>
                    if let Some(key) = &*error {
                        <p class="error" role="alert">{ desk.t(key) }</p>
                    }
                </div>
                <div class="field">
                    <label for="login">{ desk.t("signin.login") }</label>
                    <input id="login" name="username" autocomplete="username" ref={login} required=true
                        autocapitalize="none" spellcheck="false" />
                </div>
                <div class="field">
                    <label for="password">{ desk.t("signin.password") }</label>
                    <input id="password" name="password" type="password" autocomplete="current-password"
                        ref={password} required=true />
                </div>
                <button type="submit" disabled={*busy}>{ desk.t("signin.submit") }</button>
            </form>
        </div>
    }
}
