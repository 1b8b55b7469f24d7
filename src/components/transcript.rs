//! "What we already tried": the troubleshooting transcript, read-only, in the customer's
//! language, so they see exactly what goes to the service team with their request.

use std::rc::Rc;

use shouhou_core::flow::transcript::{transcript_lines, FlowWords, TranscriptLine};
use shouhou_core::i18n::t;
use shouhou_core::{Flow, Lang, Troubleshooting};
use yew::prelude::*;

/// The transcript as a list; `flow` (the one it was walked in) gives the words, without it
/// the ids are shown.
pub fn transcript_view(
    lang: Lang,
    troubleshooting: &Troubleshooting,
    flow: Option<Rc<Flow>>,
) -> Html {
    let words = flow.as_deref().map(FlowWords::from);
    let lines = transcript_lines(troubleshooting, words.as_ref(), lang);
    let items = lines.into_iter().map(|TranscriptLine { asked, answered }| {
        html! { <li><span class="asked">{ asked }</span>{ " — " }<strong class="answered">{ answered }</strong></li> }
    });
    html! {
        <section class="transcript" aria-labelledby="transcript-heading">
            <h2 id="transcript-heading">{ t(lang, "flow.tried_heading") }</h2>
            <ol>{ for items }</ol>
        </section>
    }
}
