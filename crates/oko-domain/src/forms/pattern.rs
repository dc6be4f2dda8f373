//! Text masks for columns such as specialty codes (`##.##.##`): `#` a digit, `@` a
//! letter, `?` any character, `*` any run of characters, anything else itself.
//! Operators write these by hand, so a mask is simpler than a regular expression
//! and cannot be slow (the matcher is linear in practice and never exponential: at
//! most one `*` is backtracked at a time).

/// Whether `text` matches `mask`. Walks both strings by byte offset, decoding one
/// character at a time, so a match allocates nothing (it runs for every cell).
pub fn matches(mask: &str, text: &str) -> bool {
    let (mut m, mut t) = (0, 0);
    // Where to resume after the last `*`: the mask position after it and the text
    // position it has swallowed up to.
    let mut star: Option<(usize, usize)> = None;
    while let Some((c, after_c)) = next(text, t) {
        if star.is_some_and(|(after, _)| after == mask.len()) {
            return true; // a trailing `*` takes the rest
        }
        match next(mask, m) {
            Some(('*', after)) => {
                star = Some((after, t));
                m = after;
            }
            Some((wanted, after)) if one(wanted, c) => {
                m = after;
                t = after_c;
            }
            _ => match star {
                Some((after, swallowed)) => {
                    let resumed = next(text, swallowed).map_or(text.len(), |(_, end)| end);
                    m = after;
                    t = resumed;
                    star = Some((after, resumed));
                }
                None => return false,
            },
        }
    }
    mask[m..].chars().all(|c| c == '*')
}

/// The character at byte `at` of `text` and the offset after it.
fn next(text: &str, at: usize) -> Option<(char, usize)> {
    let c = text.get(at..)?.chars().next()?;
    Some((c, at + c.len_utf8()))
}

fn one(mask: char, c: char) -> bool {
    match mask {
        '#' => c.is_ascii_digit(),
        '@' => c.is_alphabetic(),
        '?' => true,
        _ => mask == c,
    }
}

/// How a mask reads in a message: `##.##.##` (# — цифра).
pub fn explain(mask: &str) -> String {
    let mut legend = Vec::new();
    if mask.contains('#') {
        legend.push("# — цифра");
    }
    if mask.contains('@') {
        legend.push("@ — буква");
    }
    if mask.contains('?') {
        legend.push("? — любой символ");
    }
    if mask.contains('*') {
        legend.push("* — любые символы");
    }
    if legend.is_empty() {
        mask.to_owned()
    } else {
        format!("{mask} ({})", legend.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn specialty_codes() {
        assert!(matches("##.##.##", "38.02.01"));
        assert!(!matches("##.##.##", "38.02.1"));
        assert!(!matches("##.##.##", "38-02-01"));
        assert!(!matches("##.##.##", "38.02.012"));
    }

    #[test]
    fn letters_any_and_runs() {
        assert!(matches("@@##", "ЯБ12"));
        assert!(!matches("@@##", "1212"));
        assert!(matches("sch*", "sch770001"));
        assert!(matches("*.pdf", "план.pdf"));
        assert!(!matches("*.pdf", "план.pdf.exe"));
        assert!(matches("a*b*c", "aXXbYYc"));
        assert!(matches("???", "абв"));
        assert!(matches("*", ""));
        assert!(!matches("?", ""));
    }
}
