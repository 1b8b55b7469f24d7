//! Who is signed in: asked of the server once at start, then changed by signing in, signing
//! out, or the server refusing the session (a 401 anywhere).

use shouhou_core::desk::Session;
use yew::prelude::*;

use crate::api;

#[derive(Clone, PartialEq)]
pub enum SessionState {
    /// Not known yet: the desk shows nothing but "loading".
    Unknown,
    SignedOut,
    SignedIn(Session),
}

/// The session, and the ways it changes.
#[derive(Clone, PartialEq)]
pub struct SessionHandle {
    pub state: SessionState,
    pub signed_in: Callback<Session>,
    /// The session is gone (the server said 401): the sign-in shows.
    pub signed_out: Callback<()>,
    /// Staff sign out: the server forgets the session, then the sign-in shows.
    pub sign_out: Callback<()>,
}

#[hook]
pub fn use_session() -> SessionHandle {
    let state = use_state(|| SessionState::Unknown);
    {
        let state = state.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                state.set(match api::session().await {
                    Ok(session) => SessionState::SignedIn(session),
                    Err(_) => SessionState::SignedOut,
                });
            });
        });
    }
    let signed_in = {
        let state = state.clone();
        Callback::from(move |session| state.set(SessionState::SignedIn(session)))
    };
    let signed_out = {
        let state = state.clone();
        Callback::from(move |()| state.set(SessionState::SignedOut))
    };
    let sign_out = {
        let signed_out = signed_out.clone();
        Callback::from(move |()| {
            let signed_out = signed_out.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let _ = api::sign_out().await;
                signed_out.emit(());
            });
        })
    };
    SessionHandle { state: (*state).clone(), signed_in, signed_out, sign_out }
}
