//! Tables and paging: a table in a scrollable region that keyboard users can scroll (focusable,
//! named by its caption), and the pager over the API's `next` cursors.

use crate::i18n::{Catalogue, fill};
use yew::prelude::*;

/// A table with its caption, header cells and rows; the region scrolls sideways on narrow screens.
pub fn table(id: &str, caption: &str, head: &[&str], rows: Html) -> Html {
    html! {
        <div class="cn-table-wrap" role="region" aria-labelledby={format!("{id}-cap")} tabindex="0">
            <table id={id.to_string()} class="cn-table">
                <caption id={format!("{id}-cap")}>{ caption.to_string() }</caption>
                <thead><tr>{ for head.iter().map(|h| html! { <th scope="col">{ h.to_string() }</th> }) }</tr></thead>
                <tbody>{ rows }</tbody>
            </table>
        </div>
    }
}

/// Where a paged list is: the cursors of the pages before this one, and this one's (`""`: the first).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Cursor {
    pub after: String,
    pub pages: u32,
}

/// The line above a table: loading, or how many rows this page has.
pub fn status_line(c: &Catalogue, loading: bool, rows: Option<usize>) -> Html {
    let text = match (loading, rows) {
        (true, _) => c.loading.to_string(),
        (false, Some(0)) => c.no_rows.to_string(),
        (false, Some(n)) => fill(c.rows_shown, &[("n", &n.to_string())]),
        (false, None) => String::new(),
    };
    html! { <p class="cn-status" role="status">{ text }</p> }
}

/// "Next page" (when the API gave a cursor) and "First page" (when not on the first).
pub fn pager(c: &Catalogue, cursor: &UseStateHandle<Cursor>, next: Option<String>) -> Html {
    let to_next = next.map(|n| {
        let cursor = cursor.clone();
        Callback::from(move |_: MouseEvent| {
            cursor.set(Cursor {
                after: n.clone(),
                pages: cursor.pages + 1,
            })
        })
    });
    let first = (cursor.pages > 0).then(|| {
        let cursor = cursor.clone();
        Callback::from(move |_: MouseEvent| cursor.set(Cursor::default()))
    });
    if to_next.is_none() && first.is_none() {
        return html! {};
    }
    html! {
        <div class="cn-pager">
            if let Some(f) = first { <button type="button" class="cn-btn cn-secondary" onclick={f}>{ "« " }{ c.first_page }</button> }
            if let Some(n) = to_next { <button type="button" class="cn-btn cn-secondary" onclick={n}>{ c.next_page }{ " »" }</button> }
        </div>
    }
}
