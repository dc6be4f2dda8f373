//! One row of a form's data: column key → canonical text, empty cells absent.
//!
//! A vector of (key, text) pairs sorted by key, each an inline string of up to 23
//! bytes (`SmolStr`): column keys and most cell values fit, so a 10-cell row is one
//! allocation of ~0.5 KiB, where a `BTreeMap<String, String>` took a tree node plus
//! two allocations per cell (~1.2 KiB). A school's 5,000-row upload is held whole
//! while it is validated, and its peak memory is a figure of issue #4. Lookups are a
//! binary search; rows have tens of cells, so inserting in the middle is cheap.

use std::{fmt, ops::Index};

use serde::{
    Deserialize, Deserializer, Serialize, Serializer,
    de::{MapAccess, Visitor},
    ser::SerializeMap,
};
use smol_str::SmolStr;

/// One row: column key → canonical text, in key order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Row {
    cells: Vec<(SmolStr, SmolStr)>,
}

impl Row {
    /// A row with no cells.
    pub fn new() -> Row {
        Row::default()
    }

    /// A row with room for `cells` cells: one allocation when they are known.
    pub fn with_capacity(cells: usize) -> Row {
        Row {
            cells: Vec::with_capacity(cells),
        }
    }

    /// Gives back room reserved for cells that did not come.
    pub fn shrink_to_fit(&mut self) {
        self.cells.shrink_to_fit();
    }

    fn position(&self, key: &str) -> Result<usize, usize> {
        self.cells.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    /// The text in column `key`, if the cell holds one.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.position(key).ok().map(|at| self.cells[at].1.as_str())
    }

    /// Whether column `key` holds a text.
    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_ok()
    }

    /// Sets column `key` to `value`; the text it held before.
    pub fn insert(&mut self, key: impl AsRef<str>, value: impl Into<SmolStr>) -> Option<SmolStr> {
        let key = key.as_ref();
        // Cells mostly come in key order (an uploaded sheet's row is filled column
        // by column in key order): those go at the end without a search.
        if self
            .cells
            .last()
            .is_none_or(|(last, _)| last.as_str() < key)
        {
            self.cells.push((SmolStr::new(key), value.into()));
            return None;
        }
        match self.position(key) {
            Ok(at) => Some(std::mem::replace(&mut self.cells[at].1, value.into())),
            Err(at) => {
                self.cells.insert(at, (SmolStr::new(key), value.into()));
                None
            }
        }
    }

    /// Clears column `key`; the text it held.
    pub fn remove(&mut self, key: &str) -> Option<SmolStr> {
        self.position(key).ok().map(|at| self.cells.remove(at).1)
    }

    /// Whether no cell holds a text.
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// (column key, text) in key order.
    pub fn iter(&self) -> <&Row as IntoIterator>::IntoIter {
        self.into_iter()
    }
}

impl Index<&str> for Row {
    type Output = SmolStr;

    /// The text in column `key`; panics when the cell is empty (tests, and cells
    /// known to be there).
    fn index(&self, key: &str) -> &SmolStr {
        match self.position(key) {
            Ok(at) => &self.cells[at].1,
            Err(_) => panic!("no cell «{key}» in the row"),
        }
    }
}

impl<'a> IntoIterator for &'a Row {
    type Item = (&'a str, &'a str);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (SmolStr, SmolStr)>,
        fn(&'a (SmolStr, SmolStr)) -> (&'a str, &'a str),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.cells.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

impl<K: AsRef<str>, V: Into<SmolStr>> Extend<(K, V)> for Row {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, cells: I) {
        for (key, value) in cells {
            self.insert(key, value);
        }
    }
}

impl<K: AsRef<str>, V: Into<SmolStr>> FromIterator<(K, V)> for Row {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(cells: I) -> Row {
        let mut row = Row::new();
        row.extend(cells);
        row
    }
}

impl<K: AsRef<str>, V: Into<SmolStr>, const N: usize> From<[(K, V); N]> for Row {
    fn from(cells: [(K, V); N]) -> Row {
        cells.into_iter().collect()
    }
}

impl Serialize for Row {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.cells.len()))?;
        for (key, value) in &self.cells {
            map.serialize_entry(key.as_str(), value.as_str())?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Row {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Row, D::Error> {
        deserializer.deserialize_map(RowVisitor)
    }
}

struct RowVisitor;

impl<'de> Visitor<'de> for RowVisitor {
    type Value = Row;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object of column key → text")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Row, A::Error> {
        let mut cells: Vec<(SmolStr, SmolStr)> = Vec::with_capacity(map.size_hint().unwrap_or(0));
        while let Some(cell) = map.next_entry::<SmolStr, SmolStr>()? {
            cells.push(cell);
        }
        // Stored rows come sorted; anything else is sorted, and a key given twice
        // keeps its last text, as a map would.
        if !cells.is_sorted_by(|a, b| a.0 < b.0) {
            cells.reverse();
            cells.sort_by(|a, b| a.0.cmp(&b.0));
            cells.dedup_by(|later, earlier| later.0 == earlier.0);
        }
        cells.shrink_to_fit();
        Ok(Row { cells })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behaves_as_a_sorted_map() {
        let mut row = Row::from([("b", "2"), ("a", "1")]);
        assert_eq!(row.iter().collect::<Vec<_>>(), [("a", "1"), ("b", "2")]);
        assert_eq!(row.insert("c", "3"), None);
        assert_eq!(row.insert("a", "одна единица").as_deref(), Some("1"));
        assert_eq!(row["a"], "одна единица");
        assert_eq!(row.remove("b").as_deref(), Some("2"));
        assert_eq!(row.get("b"), None);
        assert_eq!(
            row.iter().collect::<Vec<_>>(),
            [("a", "одна единица"), ("c", "3")]
        );
    }

    proptest::proptest! {
        /// Whatever order cells come in (appended at the end or put between),
        /// the row answers as a sorted map would.
        #[test]
        fn any_inserts_and_removes_answer_as_a_sorted_map(
            steps in proptest::collection::vec((proptest::bool::weighted(0.8), "[a-e]{1,2}", "[0-9]{0,3}"), 0..40)
        ) {
            let mut row = Row::new();
            let mut map = std::collections::BTreeMap::new();
            for (insert, key, value) in steps {
                if insert {
                    let before = row.insert(&key, value.as_str()).map(|v| v.to_string());
                    proptest::prop_assert_eq!(before, map.insert(key, value));
                } else {
                    let removed = row.remove(&key).map(|v| v.to_string());
                    proptest::prop_assert_eq!(removed, map.remove(&key));
                }
            }
            let cells: Vec<(String, String)> =
                row.iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
            proptest::prop_assert_eq!(cells, map.into_iter().collect::<Vec<_>>());
        }
    }

    #[test]
    fn json_is_an_object_read_in_any_order_last_key_winning() {
        let row: Row = serde_json::from_str(r#"{"b":"2","a":"1","b":"3"}"#).unwrap();
        assert_eq!(row.iter().collect::<Vec<_>>(), [("a", "1"), ("b", "3")]);
        assert_eq!(serde_json::to_string(&row).unwrap(), r#"{"a":"1","b":"3"}"#);
        assert!(serde_json::from_str::<Row>(r#"["a"]"#).is_err());
    }
}
