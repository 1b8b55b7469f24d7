//! What was sent about a request: each notice and alert, to whom, over what, how its delivery
//! went (and why not, when it failed or waits), and for leads a resend of a failed one.

use shouhou_core::desk::NoticeRecord;
use yew::prelude::*;

use crate::components::data_table;
use crate::context::Desk;
use crate::time;

pub fn notices(
    desk: &Desk,
    list: &[NoticeRecord],
    error: Option<&str>,
    resend: &Callback<i64>,
) -> Html {
    let heads: Vec<String> =
        ["notice.what", "notice.to", "notice.state", "notice.when", "notice.attempts"]
            .iter()
            .map(|key| desk.t(key))
            .collect();
    let rows = list.iter().map(|n| {
        let resend = (desk.is_lead() && n.state == "failed").then(|| {
            let (resend, id) = (resend.clone(), n.id);
            html! {
                <> { " " }
                    <button type="button" class="secondary small" onclick={Callback::from(move |_: MouseEvent| resend.emit(id))}>
                        { desk.t("notice.resend") }
                    </button>
                </>
            }
        });
        let head = html! { <>{ desk.label("notice_kind", &n.kind) }{ for resend }</> };
        let state = match &n.last_error {
            Some(why) => [desk.label("notice_state", &n.state), why.clone()].join(": "),
            None => desk.label("notice_state", &n.state),
        };
        let cells = vec![
            [desk.label("channel", &n.channel), n.recipient.clone()].join(" · "),
            state,
            time::show(desk.lang, n.sent_at.as_deref().unwrap_or(&n.due_at)),
            n.attempts.to_string(),
        ];
        (head, cells)
    });
    html! {
        <section aria-labelledby="h-notices">
            <h2 id="h-notices">{ desk.t("request.notices") }</h2>
            if let Some(key) = error { <p class="error" role="alert">{ desk.t(key) }</p> }
            if list.is_empty() {
                <p class="muted">{ desk.t("notice.none") }</p>
            } else {
                <div class="table-wrap" role="region" aria-label={desk.t("notice.table")} tabindex="0">
                    { data_table(None, &heads, rows) }
                </div>
            }
        </section>
    }
}
