//! The desk's pieces: data and callbacks in, markup out. None of them fetches, holds a
//! session or decides a rule; most are plain functions, since every component costs the
//! download its own copy of Yew's lifecycle code (the action forms are one: their fields
//! are their own).

pub mod actions;
pub mod call;
pub mod figures;
pub mod header;
pub mod inbox;
pub mod notices;
pub mod product;
pub mod quality;
pub mod request;

use yew::prelude::*;

/// One table of figures or records: a caption (or the section's heading above it), the
/// column heads, and each row's head (a name, a link, a bar) with its cells. Every table of
/// the desk but the inbox is drawn by this one function, so its markup is downloaded once.
pub fn data_table(
    caption: Option<String>,
    heads: &[String],
    rows: impl IntoIterator<Item = (Html, Vec<String>)>,
) -> Html {
    table_of(caption, heads, rows.into_iter().collect())
}

/// [`data_table`]'s markup, not generic: one copy in the download.
fn table_of(caption: Option<String>, heads: &[String], rows: Vec<(Html, Vec<String>)>) -> Html {
    html! {
        <table class="counts-table">
            if let Some(caption) = caption { <caption>{ caption }</caption> }
            <thead><tr>{ for heads.iter().map(|h| html! { <th scope="col">{ h.clone() }</th> }) }</tr></thead>
            <tbody>
                { for rows.into_iter().map(|(head, cells)| html! {
                    <tr><th scope="row">{ head }</th>{ for cells.into_iter().map(|c| html! { <td>{ c }</td> }) }</tr>
                }) }
            </tbody>
        </table>
    }
}
