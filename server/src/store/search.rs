//! Finding requests by what the desk types into its search box: a reference, a phone
//! number in any notation or a serial number, each found exactly through an index; or words
//! of two characters or more, Chinese or English, found anywhere in the description, the
//! customer's name or company.
//!
//! Words are found through an index of every pair of adjacent characters (bigram) of that
//! text, lower-cased: a two-character word such as 漏水 is one pair, so a trigram index, which
//! needs three, would miss it. A longer word is looked up by all its pairs, then checked as a
//! whole. SQLite keeps the pairs in an FTS5 table written with each request; PostgreSQL in a
//! GIN index over `shouhou_bigrams(search_text)`, the same pairs computed by a function of the
//! schema. The answers are the same on both: a request matches when every word is a
//! substring of its text.

use std::collections::BTreeSet;

use shouhou_core::phone::normalize_phone;
use shouhou_core::reference::parse_reference;
use shouhou_core::ValidRequest;

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

    /// Puts request `id`'s pairs in SQLite's index of them (PostgreSQL's index follows the
    /// column by itself).
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

/// Every pair of adjacent characters of `text`.
pub fn bigrams(text: &str) -> BTreeSet<String> {
    let chars: Vec<char> = text.chars().collect();
    chars.windows(2).map(|pair| pair.iter().collect()).collect()
}

/// Pairs as FTS5 terms: each pair's two code points in hex, one term of letters and digits
/// that no tokenizer splits, whatever characters the pair holds.
fn fts_terms(pairs: &BTreeSet<String>) -> String {
    pairs
        .iter()
        .map(|pair| pair.chars().map(|ch| format!("{:06x}", ch as u32)).collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Empties SQLite's index of pairs, before [`super::facts::rebuild`] fills it again.
pub async fn forget_all(c: &impl Conn) -> Result<(), StoreError> {
    if c.dialect().word_index == WordIndex::Fts5 {
        c.execute("DELETE FROM request_words", params![]).await?;
    }
    Ok(())
}

/// What the search box holds, read as everything it could be.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Search {
    reference: Option<String>,
    phone: Option<String>,
    serial: Option<String>,
    /// Lower-cased, two characters or more each.
    words: Vec<String>,
}

/// `%text%` for LIKE, with LIKE's own characters taken literally.
fn like(text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

impl Search {
    /// None for a box with nothing searchable in it.
    pub fn parse(q: &str) -> Option<Search> {
        let q = q.trim();
        let search = Search {
            reference: parse_reference(q),
            phone: normalize_phone(q).ok(),
            serial: Some(fold(q)).filter(|serial| !serial.is_empty()),
            words: q
                .split_whitespace()
                .map(fold)
                .filter(|word| word.chars().count() >= 2)
                .collect(),
        };
        (search.serial.is_some()).then_some(search)
    }

    /// The SQL that a request matches this search: its parameters are appended to `args`.
    pub fn clause(&self, c: &impl Conn, args: &mut Vec<Value<'static>>) -> String {
        let mut arg = |value: Value<'static>| {
            args.push(value);
            format!("${}", args.len())
        };
        let mut any = Vec::new();
        if let Some(reference) = &self.reference {
            any.push(format!("reference = {}", arg(reference.clone().into())));
        }
        if let Some(phone) = &self.phone {
            any.push(format!("phone = {}", arg(phone.clone().into())));
        }
        if let Some(serial) = &self.serial {
            any.push(format!("serial_key = {}", arg(serial.clone().into())));
        }
        if !self.words.is_empty() {
            let pairs: BTreeSet<String> = self.words.iter().flat_map(|w| bigrams(w)).collect();
            let mut all = vec![match c.dialect().word_index {
                WordIndex::Fts5 => format!(
                    "id IN (SELECT rowid FROM request_words WHERE request_words MATCH {})",
                    arg(fts_terms(&pairs).into())
                ),
                WordIndex::GinBigrams => format!(
                    "shouhou_bigrams(search_text) @> {}",
                    arg(Value::TextList(pairs.into_iter().collect()))
                ),
            }];
            // A two-character word is its one pair; a longer one is checked whole.
            for word in self.words.iter().filter(|word| word.chars().count() > 2) {
                all.push(format!("search_text LIKE {} ESCAPE '\\'", arg(like(word).into())));
            }
            any.push(format!("({})", all.join(" AND ")));
        }
        format!("({})", any.join(" OR "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pair_of_neighbours_is_indexed_once() {
        let pairs: Vec<String> = bigrams("卫生间漏水漏水").into_iter().collect();
        assert_eq!(pairs, ["卫生", "水漏", "漏水", "生间", "间漏"]);
        assert_eq!(fts_terms(&bigrams("ab")), "000061000062");
    }

    #[test]
    fn the_search_box_is_read_as_a_reference_a_phone_a_serial_and_words() {
        let search = Search::parse(" 138 1234 5678 ").unwrap();
        assert_eq!(search.phone.as_deref(), Some("+8613812345678"));
        assert_eq!(search.words, ["138", "1234", "5678"]);
        let search = Search::parse("漏水 E").unwrap();
        assert_eq!(
            (search.phone, search.words),
            (None, vec!["漏水".to_string()]),
            "one letter is no word"
        );
        assert_eq!(
            Search::parse("INV-2024-0001").unwrap().serial.as_deref(),
            Some("inv-2024-0001")
        );
        assert!(Search::parse("   ").is_none());
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
