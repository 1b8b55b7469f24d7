//! Sign-in with the staff account (`POST /api/v1/staff/session`, the desk's session).

use shouhou_core::desk::{credentials, Session};
use shouhou_core::Lang;
use shouhou_web::dom::value_of;
use shouhou_web::i18n::tr;
use yew::prelude::*;

use crate::api;

#[derive(Properties, PartialEq)]
pub struct SignInProps {
    pub lang: Lang,
    pub signed_in: Callback<Session>,
}

#[function_component(SignIn)]
pub fn sign_in(props: &SignInProps) -> Html {
    let lang = props.lang;
    let login = use_node_ref();
    let password = use_node_ref();
    let error = use_state(|| None::<&'static str>);
    let busy = use_state(|| false);
    use_effect_with((), |_| shouhou_web::dom::focus_by_id("page-title", false));

    let onsubmit = {
        let (login, password, error, busy) =
            (login.clone(), password.clone(), error.clone(), busy.clone());
        let signed_in = props.signed_in.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (login, password) = match credentials(&value_of(&login), value_of(&password)) {
                Ok(credentials) => credentials,
                Err(key) => return error.set(Some(key)),
            };
            let (error, busy, signed_in) = (error.clone(), busy.clone(), signed_in.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::sign_in(login, password).await;
                busy.set(false);
                match result {
                    Ok(session) => signed_in.emit(session),
                    Err(e) if e.status() == Some(401) => {
                        error.set(Some("error.invalid_credentials"))
                    }
                    Err(e) if e.status().is_none() => error.set(Some("error.network")),
                    Err(_) => error.set(Some("error.generic")),
                }
            });
        })
    };
    html! {
        <div class="narrow">
            <h1 id="page-title" tabindex="-1">{ tr(lang, "signin.heading") }</h1>
            <p>{ tr(lang, "signin.lead") }</p>
            <form class="card" {onsubmit} novalidate=true>
                <div>
                    if let Some(key) = *error {
                        <p class="error" role="alert">{ tr(lang, key) }</p>
                    }
                </div>
                <div class="field">
                    <label for="login">{ tr(lang, "signin.login") }</label>
                    <input id="login" name="username" autocomplete="username" ref={login} required=true
                        autocapitalize="none" spellcheck="false" />
                </div>
                <div class="field">
                    <label for="password">{ tr(lang, "signin.password") }</label>
                    <input id="password" name="password" type="password" autocomplete="current-password"
                        ref={password} required=true />
                </div>
                <button type="submit" disabled={*busy}>{ tr(lang, "signin.submit") }</button>
            </form>
        </div>
    }
}
