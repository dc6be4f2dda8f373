//! Text normalisation for search.

/// The form in which names are stored for search and queries are compared: lower case
/// (Russian included, which SQLite's `LIKE` cannot fold) and «ё» read as «е», as people
/// type it either way.
pub fn search_key(text: &str) -> String {
    text.trim().to_lowercase().replace('ё', "е")
}

#[cfg(test)]
mod tests {
    use super::search_key;

    #[test]
    fn folds_russian_case_and_yo() {
        assert_eq!(search_key(" Школа Ёлкино "), "школа елкино");
        assert_eq!(search_key("SCH240012"), "sch240012");
    }
}
