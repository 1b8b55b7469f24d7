//! The figures and the quality report of a period, fetched whenever the period changes (for leads only: an agent
//! is told so without asking the server).

use std::rc::Rc;

use shouhou_core::desk::Figures;
use shouhou_core::quality::QualityReport;
use yew::prelude::*;

use crate::api::{self, Period};
use crate::context::Desk;

/// The period's figures as last fetched.
#[derive(Clone, PartialEq)]
pub struct FiguresHandle {
    pub figures: Option<Rc<Figures>>,
    /// The period's quality report, fetched beside the figures.
    pub quality: Option<Rc<QualityReport>>,
    /// The message key of the last fetch's failure.
    pub error: Option<String>,
}

#[hook]
pub fn use_figures(desk: &Desk, period: &Period) -> FiguresHandle {
    let figures = use_state(|| None::<Rc<Figures>>);
    let quality = use_state(|| None::<Rc<QualityReport>>);
    let error = use_state(|| None::<String>);
    {
        let (figures, quality, error) = (figures.clone(), quality.clone(), error.clone());
        let (signed_out, allowed) = (desk.signed_out.clone(), desk.is_lead());
        use_effect_with(period.clone(), move |period| {
            let period = period.clone();
            if allowed {
                wasm_bindgen_futures::spawn_local(async move {
                    let answers = (api::figures(&period).await, api::quality(&period).await);
                    match answers {
                        (Ok(answer), Ok(report)) => {
                            figures.set(Some(Rc::new(answer)));
                            quality.set(Some(Rc::new(report)));
                            error.set(None);
                        }
                        (Err(e), _) | (_, Err(e)) if api::signed_out(&e) => signed_out.emit(()),
                        (Err(e), _) | (_, Err(e)) => {
                            figures.set(None);
                            quality.set(None);
                            error.set(Some(api::message_key(&e)));
                        }
                    }
                });
            }
        });
    }
    FiguresHandle {
        figures: (*figures).clone(),
        quality: (*quality).clone(),
        error: (*error).clone(),
    }
}
