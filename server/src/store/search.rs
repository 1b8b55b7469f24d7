//! Finding requests by what the desk types into its search box: a reference, a phone
//! number in any notation or a serial number, each found exactly through an index; or words
//! of two characters or more, Chinese or English, found anywhere in the description, the
//! customer's name or company.
//!
//! Words are found through an index of every pair of adjacent characters (bigram) of that
//! text, lower-cased: a two-character word such as 漏水 is one pair, so a trigram index, which
//! needs three, would miss it. A longer word is looked up by all its pairs, then checked as a
//! whole. SQLite keeps the pairs in an FTS5 table; PostgreSQL in `request_search`, a narrow
//! table of each request's status and text, with a GIN index over
//! `shouhou_bigrams(search_text)`, the same pairs computed by a function of the schema. There a
//! search is found once for the whole page ([`Search::Found`]): its counts are those rows', and
//! the page reads its requests by their key. The answers are the same on both: a request
//! matches when every word is a substring of its text.
//!
//! SQLite's index and PostgreSQL's search table are written apart from the create
//! ([`index_pending`]): a create writes its row and its indexes, and a burst of them is not
//! slowed by the words (on PostgreSQL the search table's row and index cost a tenth of a
//! create's rate). They hold every request up to a mark (`words_through`); the newest, after
//! it, are searched by their text, so an answer never misses one. SQLite's one writer commits
//! requests in the order of their ids, so the mark may follow the newest; PostgreSQL's
//! transactions commit in any order, so its mark only passes ids whose transactions have all
//! ended ([`super::postgres`]).

use std::collections::BTreeSet;

use shouhou_core::phone::normalize_phone;
use shouhou_core::reference::parse_issued_reference;
use shouhou_core::{Status, ValidRequest};

use super::error::StoreError;
use super::sql::{params, Conn, Value, WordIndex};

/// What a request is found by.
#[derive(Debug, Clone, PartialEq)]
pub struct Words {
    /// The description, name and company, lower-cased, one per line.
    pub search_text: String,
    /// The serial number as typed, trimmed and lower-cased.
    pub serial_key: Option<String>,
}

fn fold(text: &str) -> String {
    text.trim().to_lowercase()
}

impl Words {
    pub fn of_request(request: &ValidRequest) -> Words {
        let detail = |name: &str| request.details.get(name).map(String::as_str);
        Words::from_parts(
            &request.description,
            &request.full_name,
            detail("company"),
            detail("serial_number"),
        )
    }

    /// From the stored columns: the details as their JSON object.
    pub fn of(description: &str, full_name: &str, details_json: Option<&str>) -> Words {
        let details: std::collections::BTreeMap<String, String> =
            details_json.and_then(|json| serde_json::from_str(json).ok()).unwrap_or_default();
        let detail = |name: &str| details.get(name).map(String::as_str);
        Words::from_parts(description, full_name, detail("company"), detail("serial_number"))
    }

    fn from_parts(
        description: &str,
        full_name: &str,
        company: Option<&str>,
        serial_number: Option<&str>,
    ) -> Words {
        Words {
            search_text: [description, full_name, company.unwrap_or_default()].map(fold).join("\n"),
            serial_key: serial_number.map(fold).filter(|serial| !serial.is_empty()),
        }
    }

    /// Writes them on request `id` (a create writes them with the request).
    pub async fn store(&self, c: &impl Conn, id: i64) -> Result<(), StoreError> {
        c.execute(
            "UPDATE requests SET search_text = $1, serial_key = $2 WHERE id = $3",
            params![&self.search_text, self.serial_key.as_deref(), id],
        )
        .await?;
        Ok(())
    }

    /// Puts request `id`'s pairs in SQLite's index of them (PostgreSQL's is filled by
    /// [`index_pending`] and follows a changed text by itself).
    pub async fn index(&self, c: &impl Conn, id: i64) -> Result<(), StoreError> {
        if c.dialect().word_index == WordIndex::Fts5 {
            c.execute(
                "INSERT INTO request_words (rowid, grams) VALUES ($1, $2)",
                params![id, fts_terms(&bigrams(&self.search_text))],
            )
            .await?;
        }
        Ok(())
    }
}

impl Words {
    /// Takes request `id` out of SQLite's index of pairs, before it is indexed anew.
    pub async fn forget(&self, c: &impl Conn, id: i64) -> Result<(), StoreError> {
        if c.dialect().word_index == WordIndex::Fts5 {
            c.execute("DELETE FROM request_words WHERE rowid = $1", params![id]).await?;
        }
        Ok(())
    }
}

/// Every pair of adjacent characters of `text`.
pub fn bigrams(text: &str) -> BTreeSet<String> {
    let chars: Vec<char> = text.chars().collect();
    chars.windows(2).map(|pair| pair.iter().collect()).collect()
}

/// Pairs as FTS5 terms: each pair's two code points in hex, one term of letters and digits
/// that no tokenizer splits, whatever characters the pair holds.
///
/// Written into one string: SQLite's one writer makes them for every request filed, and a
/// string per character took a share of its time under a burst of creates (perf).
fn fts_terms(pairs: &BTreeSet<String>) -> String {
    use std::fmt::Write;
    let mut terms = String::with_capacity(pairs.len() * 13);
    for pair in pairs {
        if !terms.is_empty() {
            terms.push(' ');
        }
        for ch in pair.chars() {
            write!(terms, "{:06x}", ch as u32).expect("a String takes any text");
        }
    }
    terms
}

/// Empties SQLite's index of pairs, before [`super::facts::rebuild`] fills it again.
/// PostgreSQL's rows follow each request's text, which a rebuild does not change.
pub async fn forget_all(c: &impl Conn) -> Result<(), StoreError> {
    if c.dialect().word_index == WordIndex::Fts5 {
        c.execute("DELETE FROM request_words", params![]).await?;
        c.execute("DELETE FROM store_state WHERE name = 'words_through'", params![]).await?;
    }
    Ok(())
}

/// The last request whose pairs the index holds (every one up to it).
async fn indexed_through(c: &impl Conn) -> Result<i64, StoreError> {
    let row = c
        .query_opt("SELECT value FROM store_state WHERE name = 'words_through'", params![])
        .await?;
    Ok(row.map(|row| row.get::<String>(0)).transpose()?.and_then(|v| v.parse().ok()).unwrap_or(0))
}

/// Puts the pairs of up to `limit` requests not yet in the index into it, oldest first, and
/// says how many it put. `settled`: the id up to which every request's transaction has ended
/// (PostgreSQL's; SQLite's one writer has ended all that it can read).
pub async fn index_pending(
    c: &impl Conn,
    limit: i64,
    settled: Option<i64>,
) -> Result<usize, StoreError> {
    let through = indexed_through(c).await?;
    let rows = c
        .query(
            "SELECT id, search_text FROM requests WHERE id > $1 AND id <= $2 ORDER BY id LIMIT $3",
            params![through, settled.unwrap_or(i64::MAX), limit],
        )
        .await?;
    let last = match rows.last() {
        Some(last) => last.get(0)?,
        None => through,
    };
    match c.dialect().word_index {
        WordIndex::Fts5 => {
            for row in &rows {
                let text: Option<String> = row.get(1)?;
                let words = Words { search_text: text.unwrap_or_default(), serial_key: None };
                words.index(c, row.get(0)?).await?;
            }
        }
        // A row a change of status put there first is already the request's as it is.
        WordIndex::GinBigrams if !rows.is_empty() => {
            c.execute(
                "INSERT INTO request_search (id, status, search_text)
                 SELECT id, status, search_text FROM requests WHERE id > $1 AND id <= $2
                 ON CONFLICT (id) DO NOTHING",
                params![through, last],
            )
            .await?;
        }
        WordIndex::GinBigrams => {}
    }
    // A batch that is not full has indexed all there is up to `settled`: ids no committed
    // request has (a create rolled back) are passed too.
    let mark = match settled {
        Some(settled) if (rows.len() as i64) < limit => settled.max(through),
        _ => last,
    };
    if mark > through {
        c.execute(
            "INSERT INTO store_state (name, value) VALUES ('words_through', $1)
             ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            params![mark.to_string()],
        )
        .await?;
    }
    Ok(rows.len())
}

/// What the search box holds, as the store reads it.
#[derive(Debug, Clone, PartialEq)]
pub enum Search {
    /// A reference, a phone number, or a serial number some request has: found exactly.
    Exact { column: &'static str, value: String },
    /// SQLite's words, lower-cased, two characters or more each: every one in the request's
    /// text. `unindexed_after` is where the index of pairs ends, if it is behind the newest
    /// request (those after it are searched by their text).
    Words { words: Vec<String>, unindexed_after: Option<i64> },
    /// PostgreSQL's words, found once for the whole inbox: every request that has them, by
    /// id, oldest first, with its status. Its counts, parts and pages read these rows by
    /// their key, where each statement searching the pairs anew would read tens of thousands
    /// of them again (four times a page).
    Found(Vec<(i64, Status)>),
    /// Nothing searchable (one-character words): nothing matches.
    Nothing,
}

/// `%text%` for LIKE, with LIKE's own characters taken literally.
fn like(text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

impl Search {
    /// What `q` is: a reference or a phone number by its form, a serial number when a
    /// request has it, words otherwise. None for an empty box.
    pub async fn read(c: &impl Conn, q: &str) -> Result<Option<Search>, StoreError> {
        let q = q.trim();
        if q.is_empty() {
            return Ok(None);
        }
        if let Some(reference) = parse_issued_reference(q) {
            return Ok(Some(Search::Exact { column: "reference", value: reference }));
        }
        if let Ok(phone) = normalize_phone(q) {
            return Ok(Some(Search::Exact { column: "phone", value: phone }));
        }
        let serial = fold(q);
        let known: bool = c
            .value("SELECT EXISTS (SELECT 1 FROM requests WHERE serial_key = $1)", params![&serial])
            .await?;
        if known {
            return Ok(Some(Search::Exact { column: "serial_key", value: serial }));
        }
        let words: Vec<String> =
            q.split_whitespace().map(fold).filter(|word| word.chars().count() >= 2).collect();
        if words.is_empty() {
            return Ok(Some(Search::Nothing));
        }
        let through = indexed_through(c).await?;
        let newest: Option<i64> = c.value("SELECT max(id) FROM requests", params![]).await?;
        let unindexed_after = newest.filter(|newest| *newest > through).map(|_| through);
        if c.dialect().word_index == WordIndex::GinBigrams {
            return Ok(Some(Search::Found(found(c, &words, unindexed_after).await?)));
        }
        Ok(Some(Search::Words { words, unindexed_after }))
    }

    /// The requests found whose status `keep` holds, oldest first; none unless the words
    /// were found once ([`Search::Found`]).
    pub fn found_ids(&self, keep: impl Fn(Status) -> bool) -> Option<Vec<i64>> {
        let Search::Found(found) = self else { return None };
        Some(found.iter().filter(|(_, status)| keep(*status)).map(|(id, _)| *id).collect())
    }

    /// Whether a request's text is read to know if it matches: a word longer than one pair
    /// is checked whole in it (as are the newest, not in the index yet, but they are few).
    pub fn reads_text(&self) -> bool {
        matches!(self, Search::Words { words, .. } if words.iter().any(|w| w.chars().count() > 2))
    }

    /// Whether it names one request or a few, found through an index of their own.
    pub fn is_exact(&self) -> bool {
        matches!(self, Search::Exact { .. })
    }

    /// The SQL that a request matches this search: its parameters are appended to `args`.
    pub fn clause(&self, c: &impl Conn, args: &mut Vec<Value<'static>>) -> String {
        match self {
            Search::Exact { column, value } => {
                args.push(value.clone().into());
                format!("{column} = ${}", args.len())
            }
            Search::Words { words, unindexed_after } => {
                let found = match c.dialect().word_index {
                    WordIndex::Fts5 => format!(
                        "id IN (SELECT rowid FROM request_words WHERE {})",
                        fts_match(words, args)
                    ),
                    // PostgreSQL reads its words as found ones; this is the same answer.
                    WordIndex::GinBigrams => {
                        let found = found_rows(words, *unindexed_after, args);
                        return format!("id IN (SELECT found_id FROM {found} AS found)");
                    }
                };
                let mut all = vec![found];
                all.extend(whole_words(words, "search_text", args));
                let indexed = format!("({})", all.join(" AND "));
                match unindexed_after {
                    None => indexed,
                    // The newest, not in the index yet: every word checked in their text.
                    Some(through) => {
                        args.push(Value::Int(*through));
                        let mut newest = vec![format!("id > ${}", args.len())];
                        newest.extend(in_text(words, args));
                        format!("({indexed} OR ({}))", newest.join(" AND "))
                    }
                }
            }
            Search::Found(found) => {
                args.push(Value::IdList(found.iter().map(|(id, _)| *id).collect()));
                format!("id = ANY(${})", args.len())
            }
            Search::Nothing => "1 = 0".into(),
        }
    }

    /// For the newest first: the requests that match, read from SQLite's index of pairs in
    /// the order it keeps them (newest last), so a page of a common word reads a page of
    /// rows, not every match. The FROM, the condition and the id it orders by; none where
    /// the database's own plan does better.
    pub fn newest_first(
        &self,
        c: &impl Conn,
        args: &mut Vec<Value<'static>>,
    ) -> Option<(&'static str, String, &'static str)> {
        // Only while the index holds every request: it cannot give the newest otherwise.
        let Search::Words { words, unindexed_after: None } = self else { return None };
        if c.dialect().word_index != WordIndex::Fts5 {
            return None;
        }
        let mut all = vec![fts_match(words, args)];
        all.extend(whole_words(words, "search_text", args));
        Some((
            "request_words JOIN requests ON requests.id = request_words.rowid",
            all.join(" AND "),
            "request_words.rowid",
        ))
    }
}

/// PostgreSQL's requests that have every word, by id with their status, oldest first. Read
/// as one list of ids per status: tens of thousands of rows of their own would cost the
/// database's messages and this server's memory ten times that.
async fn found(
    c: &impl Conn,
    words: &[String],
    unindexed_after: Option<i64>,
) -> Result<Vec<(i64, Status)>, StoreError> {
    let mut args = Vec::new();
    let sql = format!(
        "SELECT found_status, array_agg(found_id) FROM {} AS found GROUP BY found_status",
        found_rows(words, unindexed_after, &mut args)
    );
    let mut found = Vec::new();
    for row in c.query(&sql, &args).await? {
        let status: String = row.get(0)?;
        let status = Status::parse(&status)
            .ok_or_else(|| StoreError::Data(format!("a request has no status {status:?}")))?;
        let ids: Vec<i64> = row.get(1)?;
        found.extend(ids.into_iter().map(|id| (id, status)));
    }
    found.sort_unstable_by_key(|(id, _)| *id);
    Ok(found)
}

/// PostgreSQL's requests that have every word, as `found_id` and `found_status`: through the
/// search table's index of pairs up to the mark, and after it by their text (the pairs of
/// each would be computed again otherwise, a PL/pgSQL loop a row).
fn found_rows(
    words: &[String],
    unindexed_after: Option<i64>,
    args: &mut Vec<Value<'static>>,
) -> String {
    args.push(Value::TextList(pairs(words).into_iter().collect()));
    let mut indexed = vec![format!("shouhou_bigrams(search_text) @> ${}", args.len())];
    indexed.extend(whole_words(words, "search_text", args));
    let Some(through) = unindexed_after else {
        return format!(
            "(SELECT id AS found_id, status AS found_status FROM request_search WHERE {})",
            indexed.join(" AND ")
        );
    };
    args.push(Value::Int(through));
    let mark = args.len();
    let newest = in_text(words, args);
    format!(
        "(SELECT id AS found_id, status AS found_status FROM request_search
          WHERE id <= ${mark} AND {}
          UNION ALL
          SELECT id, status FROM requests WHERE id > ${mark} AND {})",
        indexed.join(" AND "),
        newest.join(" AND ")
    )
}

/// Every word in the text, read without an index: the newest requests'.
fn in_text(words: &[String], args: &mut Vec<Value<'static>>) -> Vec<String> {
    words
        .iter()
        .map(|word| {
            args.push(like(word).into());
            format!("search_text LIKE ${} ESCAPE '\\'", args.len())
        })
        .collect()
}

/// Every pair of the words.
fn pairs(words: &[String]) -> BTreeSet<String> {
    words.iter().flat_map(|word| bigrams(word)).collect()
}

/// `request_words MATCH $n`: every pair of the words.
fn fts_match(words: &[String], args: &mut Vec<Value<'static>>) -> String {
    args.push(fts_terms(&pairs(words)).into());
    format!("request_words MATCH ${}", args.len())
}

/// A two-character word is its one pair; a longer one is checked whole in `text`.
fn whole_words(words: &[String], text: &str, args: &mut Vec<Value<'static>>) -> Vec<String> {
    words
        .iter()
        .filter(|word| word.chars().count() > 2)
        .map(|word| {
            args.push(like(word).into());
            format!("{text} LIKE ${} ESCAPE '\\'", args.len())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pair_of_neighbours_is_indexed_once() {
        let pairs: Vec<String> = bigrams("卫生间漏水漏水").into_iter().collect();
        assert_eq!(pairs, ["卫生", "水漏", "漏水", "生间", "间漏"]);
        assert_eq!(fts_terms(&bigrams("ab")), "000061000062");
        assert_eq!(fts_terms(&bigrams("漏水a")), "006c34000061 006f0f006c34");
    }

    #[test]
    fn the_search_box_is_read_as_a_reference_a_phone_a_serial_and_words() {
        use crate::store::{schema, sql, sqlite_conn::SqliteConn};
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        schema::migrate_sqlite(&mut conn).unwrap();
        conn.execute_batch(
            "INSERT INTO requests (reference, idempotency_key, intent, product_line, full_name,
                                   phone, description, request_json, created_at, reply_by,
                                   serial_key)
             VALUES ('r', 'k', 'repair', 'inverter', 'n', 'p', 'd', '{}', 't', 't', 'inv-2024-0001')",
        )
        .unwrap();
        let read = |q: &str| sql::ready(Search::read(&SqliteConn(&conn), q)).unwrap();
        let exact = |column, value: &str| Some(Search::Exact { column, value: value.into() });
        assert_eq!(read(" 138 1234 5678 "), exact("phone", "+8613812345678"));
        assert_eq!(read("sr-20261127-k7q4m2d"), exact("reference", "SR-20261127-K7Q4M2D"));
        assert_eq!(read("INV-2024-0001"), exact("serial_key", "inv-2024-0001"));
        let words = |words: &[&str], unindexed_after| {
            let words = words.iter().map(|w| w.to_string()).collect();
            Some(Search::Words { words, unindexed_after })
        };
        // The one request is not in the index of pairs yet.
        assert_eq!(read("INV-2024"), words(&["inv-2024"], Some(0)));
        assert_eq!(read("漏水 E"), words(&["漏水"], Some(0)), "one letter is no word");
        assert_eq!(sql::ready(index_pending(&SqliteConn(&conn), 10, None)).unwrap(), 1);
        assert_eq!(read("漏水"), words(&["漏水"], None), "all in the index now");
        assert_eq!(read("漏"), Some(Search::Nothing));
        assert_eq!(read("   "), None);
    }

    #[test]
    fn stored_words_are_folded_and_kept_per_line() {
        let words = Words::of(
            "Motor TRIPS 漏电",
            "王建国",
            Some(r#"{"company":"宏达","serial_number":" INV-9 "}"#),
        );
        assert_eq!(words.search_text, "motor trips 漏电\n王建国\n宏达");
        assert_eq!(words.serial_key.as_deref(), Some("inv-9"));
    }
}
