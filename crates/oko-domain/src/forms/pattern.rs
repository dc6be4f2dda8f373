//! Text masks for columns such as specialty codes (`##.##.##`): `#` a digit, `@` a
//! letter, `?` any character, `*` any run of characters, anything else itself.
//! Operators write these by hand, so a mask is simpler than a regular expression
//! and cannot be slow (the matcher is linear in practice and never exponential: at
//! most one `*` is backtracked at a time).

/// Whether `text` matches `mask`.
pub fn matches(mask: &str, text: &str) -> bool {
    let mask: Vec<char> = mask.chars().collect();
    let text: Vec<char> = text.chars().collect();
    let (mut m, mut t) = (0, 0);
    // Where to resume after the last `*`: the mask position after it and the text
    // position it has swallowed up to.
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if m < mask.len() && mask[m] == '*' {
            star = Some((m + 1, t));
            m += 1;
        } else if m < mask.len() && one(mask[m], text[t]) {
            m += 1;
            t += 1;
        } else if let Some((after, swallowed)) = star {
            m = after;
            t = swallowed + 1;
            star = Some((after, swallowed + 1));
        } else {
            return false;
        }
    }
    mask[m..].iter().all(|c| *c == '*')
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
