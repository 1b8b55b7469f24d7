//! Two browser tabs editing one draft: each copy counts the changes each tab made (a version
//! vector), so a later edit in one tab is told apart from two tabs editing at once, and the
//! customer's choice between them merges answer by answer.

use std::collections::BTreeMap;

use super::record::Draft;
use crate::schema::Field;

/// How two copies of one draft relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lineage {
    Same,
    /// This copy has every change of the other, and more.
    Ahead,
    Behind,
    /// Each has changes the other has not seen: two tabs edited at once.
    Diverged,
}

impl Draft {
    /// Counts a change made in browser tab `tab`.
    pub fn edited_in(&mut self, tab: &str) {
        *self.edits.entry(tab.to_string()).or_insert(0) += 1;
    }

    pub fn lineage(&self, other: &Draft) -> Lineage {
        let covers = |a: &BTreeMap<String, u64>, b: &BTreeMap<String, u64>| {
            b.iter().all(|(tab, n)| a.get(tab).is_some_and(|m| m >= n))
        };
        match (covers(&self.edits, &other.edits), covers(&other.edits, &self.edits)) {
            (true, true) => Lineage::Same,
            (true, false) => Lineage::Ahead,
            (false, true) => Lineage::Behind,
            (false, false) => Lineage::Diverged,
        }
    }

    /// The answers that differ between two copies, in screen order.
    pub fn differing_fields(&self, other: &Draft) -> Vec<Field> {
        Field::ALL
            .iter()
            .copied()
            .filter(|&field| match field {
                Field::Photos => self.fields.photos != other.fields.photos,
                Field::Troubleshooting => {
                    self.fields.troubleshooting != other.fields.troubleshooting
                }
                text => self.fields.get(text) != other.fields.get(text),
            })
            .collect()
    }

    /// This copy with `take_theirs` answers from `theirs`: the customer's resolution of two
    /// tabs' concurrent changes. It has seen both copies' changes, so either tab that
    /// receives it simply takes it.
    pub fn merged(&self, theirs: &Draft, take_theirs: &[Field], tab: &str, now_ms: u64) -> Draft {
        let mut merged = self.clone();
        for &field in take_theirs {
            match field {
                Field::Photos => merged.fields.photos = theirs.fields.photos.clone(),
                Field::Troubleshooting => {
                    merged.fields.troubleshooting = theirs.fields.troubleshooting.clone()
                }
                text => merged.fields.set(text, theirs.fields.get(text).to_string()),
            }
        }
        for (other_tab, count) in &theirs.edits {
            let entry = merged.edits.entry(other_tab.clone()).or_insert(0);
            *entry = (*entry).max(*count);
        }
        merged.revision = self.revision.max(theirs.revision);
        merged.touch(now_ms);
        merged.edited_in(tab);
        merged
    }

    /// Of two copies of the same draft (say IndexedDB and the keystroke journal), the one
    /// holding more changes.
    pub fn newer<'a>(a: &'a Draft, b: &'a Draft) -> &'a Draft {
        if (b.revision, b.updated_at_ms) > (a.revision, a.updated_at_ms) {
            b
        } else {
            a
        }
    }
}
