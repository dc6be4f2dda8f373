//! Text normalisation for search, and Russian counts.

/// The form in which names are stored for search and queries are compared: lower case
/// (Russian included, which SQLite's `LIKE` cannot fold) and «ё» read as «е», as people
/// type it either way.
pub fn search_key(text: &str) -> String {
    text.trim().to_lowercase().replace('ё', "е")
}

/// `n` with the noun in the form Russian gives that count: `forms` are for 1
/// («строка»), 2–4 («строки») and 5–20 («строк»): 21 строка, 12 строк, 104 строки.
pub fn count_ru(n: u64, forms: [&str; 3]) -> String {
    let form = match (n % 10, n % 100) {
        (_, 11..=14) => forms[2],
        (1, _) => forms[0],
        (2..=4, _) => forms[1],
        _ => forms[2],
    };
    format!("{n} {form}")
}

/// «N строка/строки/строк».
pub fn rows_ru(n: u64) -> String {
    count_ru(n, ["строка", "строки", "строк"])
}

/// After «не более»: «1 строки», «5 строк».
pub fn at_most_rows_ru(n: u64) -> String {
    count_ru(n, ["строки", "строк", "строк"])
}

#[cfg(test)]
mod tests {
    use super::{at_most_rows_ru, rows_ru, search_key};

    #[test]
    fn counts_take_the_form_russian_gives_them() {
        let shown: Vec<String> = [1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 101, 111]
            .into_iter()
            .map(rows_ru)
            .collect();
        assert_eq!(
            shown,
            [
                "1 строка",
                "2 строки",
                "4 строки",
                "5 строк",
                "11 строк",
                "12 строк",
                "14 строк",
                "21 строка",
                "22 строки",
                "25 строк",
                "101 строка",
                "111 строк"
            ]
        );
        assert_eq!(at_most_rows_ru(1), "1 строки");
        assert_eq!(at_most_rows_ru(21), "21 строки");
        assert_eq!(at_most_rows_ru(3), "3 строк");
    }

    #[test]
    fn folds_russian_case_and_yo() {
        assert_eq!(search_key(" Школа Ёлкино "), "школа елкино");
        assert_eq!(search_key("SCH240012"), "sch240012");
    }
}
