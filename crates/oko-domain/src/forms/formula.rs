//! Calculated columns: a cell computed from the other cells of its row, written
//! as operators write it in a Russian Excel (`участники_1 + участники_2`,
//! `СУММ(a; b; c)`, `ЕСЛИ(a > 0; b / a; 0)`). The same expression is evaluated
//! here (the server on every write, the SPA as people type) and written into the
//! template as a real Excel formula, so the file shows what the form computes;
//! what a file brings back in such a cell is never trusted, only recomputed.
//!
//! Empty cells count as 0, as in Excel, but a row whose every referenced cell is
//! empty gets an empty result (a blank row of a free sheet stays blank), and so
//! does a division by zero.

use std::fmt;

/// A parsed formula.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Number(f64),
    /// A column of the same row, by key.
    Column(String),
    Negate(Box<Expr>),
    Binary(Box<Expr>, Op, Box<Expr>),
    Call(Function, Vec<Expr>),
}

/// An operator between two values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Add,
    Subtract,
    Multiply,
    Divide,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Equal,
    NotEqual,
}

impl Op {
    fn symbol(self) -> &'static str {
        match self {
            Op::Add => "+",
            Op::Subtract => "-",
            Op::Multiply => "*",
            Op::Divide => "/",
            Op::Less => "<",
            Op::LessOrEqual => "<=",
            Op::Greater => ">",
            Op::GreaterOrEqual => ">=",
            Op::Equal => "=",
            Op::NotEqual => "<>",
        }
    }
}

/// The functions a formula may call, by their Russian Excel names (the English
/// ones are understood too).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Function {
    /// СУММ: the sum of its arguments.
    Sum,
    /// МИН: the smallest filled argument.
    Min,
    /// МАКС: the largest filled argument.
    Max,
    /// СЧЁТ: how many of its arguments (columns of any type) are filled.
    Count,
    /// ЕСЛИ(условие; тогда; иначе).
    If,
    /// ОКРУГЛ(число; знаков).
    Round,
}

impl Function {
    const ALL: [Function; 6] = [
        Function::Sum,
        Function::Min,
        Function::Max,
        Function::Count,
        Function::If,
        Function::Round,
    ];

    /// The name operators write.
    pub fn name_ru(self) -> &'static str {
        match self {
            Function::Sum => "СУММ",
            Function::Min => "МИН",
            Function::Max => "МАКС",
            Function::Count => "СЧЁТ",
            Function::If => "ЕСЛИ",
            Function::Round => "ОКРУГЛ",
        }
    }

    /// The name the file format stores (Excel shows it in the user's language).
    fn name_in_file(self) -> &'static str {
        match self {
            Function::Sum => "SUM",
            Function::Min => "MIN",
            Function::Max => "MAX",
            Function::Count => "COUNTA",
            Function::If => "IF",
            Function::Round => "ROUND",
        }
    }

    fn parse(name: &str) -> Option<Function> {
        let upper = name.to_uppercase().replace('Ё', "Е");
        Function::ALL.into_iter().find(|f| {
            f.name_ru().replace('Ё', "Е") == upper
                || f.name_in_file() == upper
                || (*f == Function::Count && upper == "COUNT")
        })
    }

    /// How many arguments it takes: at least, at most.
    fn arity(self) -> (usize, usize) {
        match self {
            Function::If => (3, 3),
            Function::Round => (2, 2),
            _ => (1, usize::MAX),
        }
    }
}

/// Why a formula cannot be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormulaError(pub String);

impl fmt::Display for FormulaError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn error<T>(message: impl Into<String>) -> Result<T, FormulaError> {
    Err(FormulaError(message.into()))
}

/// Longest formula, in characters (Excel's own limit is 8,192; a form's are a
/// line or two).
const MAX_CHARS: usize = 1_000;
/// Deepest nesting of brackets and calls: the parser and the evaluator recurse
/// once per level, so a hostile `((((…` must not reach the stack's end.
const MAX_DEPTH: usize = 32;

/// Reads `text` (an optional leading `=`, as Excel people type it).
pub fn parse(text: &str) -> Result<Expr, FormulaError> {
    let text = text.trim();
    let text = text.strip_prefix('=').unwrap_or(text);
    if text.chars().count() > MAX_CHARS {
        return error(format!("Формула длиннее {MAX_CHARS} знаков"));
    }
    let mut parser = Parser {
        tokens: tokens(text)?,
        at: 0,
        depth: 0,
    };
    if parser.tokens.is_empty() {
        return error("Формула пуста");
    }
    let expr = parser.comparison()?;
    match parser.tokens.get(parser.at) {
        None => Ok(expr),
        Some(token) => error(format!("Лишнее в формуле: «{token}»")),
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Number(f64),
    Name(String),
    Symbol(&'static str),
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Token::Number(n) => write!(f, "{n}"),
            Token::Name(name) => f.write_str(name),
            Token::Symbol(symbol) => f.write_str(symbol),
        }
    }
}

/// `;` separates arguments (as in a Russian Excel), so a decimal may be written
/// with a comma or a dot.
fn tokens(text: &str) -> Result<Vec<Token>, FormulaError> {
    const SYMBOLS: [&str; 13] = [
        "<=", ">=", "<>", "+", "-", "*", "/", "(", ")", ";", "<", ">", "=",
    ];
    let chars: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    let mut at = 0;
    while at < chars.len() {
        let c = chars[at];
        if c.is_whitespace() {
            at += 1;
        } else if c.is_ascii_digit() {
            let start = at;
            while at < chars.len()
                && (chars[at].is_ascii_digit()
                    || (matches!(chars[at], ',' | '.')
                        && chars.get(at + 1).is_some_and(char::is_ascii_digit)))
            {
                at += 1;
            }
            let digits: String = chars[start..at].iter().collect();
            let number = digits
                .replace(',', ".")
                .parse()
                .map_err(|_| FormulaError(format!("Не число: «{digits}»")))?;
            found.push(Token::Number(number));
        } else if c.is_alphabetic() || c == '_' {
            let start = at;
            while at < chars.len() && (chars[at].is_alphanumeric() || chars[at] == '_') {
                at += 1;
            }
            found.push(Token::Name(chars[start..at].iter().collect()));
        } else {
            let rest: String = chars[at..chars.len().min(at + 2)].iter().collect();
            let Some(symbol) = SYMBOLS.into_iter().find(|s| rest.starts_with(s)) else {
                return error(format!("Недопустимый знак в формуле: «{c}»"));
            };
            found.push(Token::Symbol(symbol));
            at += symbol.chars().count();
        }
    }
    Ok(found)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
    /// Brackets and calls open around the token being read.
    depth: usize,
}

impl Parser {
    fn next_symbol(&mut self, wanted: &[&'static str]) -> Option<&'static str> {
        match self.tokens.get(self.at) {
            Some(Token::Symbol(s)) if wanted.contains(s) => {
                self.at += 1;
                Some(s)
            }
            _ => None,
        }
    }

    fn comparison(&mut self) -> Result<Expr, FormulaError> {
        let left = self.sum()?;
        let Some(symbol) = self.next_symbol(&["<", "<=", ">", ">=", "=", "<>"]) else {
            return Ok(left);
        };
        let op = match symbol {
            "<" => Op::Less,
            "<=" => Op::LessOrEqual,
            ">" => Op::Greater,
            ">=" => Op::GreaterOrEqual,
            "=" => Op::Equal,
            _ => Op::NotEqual,
        };
        Ok(Expr::Binary(Box::new(left), op, Box::new(self.sum()?)))
    }

    fn sum(&mut self) -> Result<Expr, FormulaError> {
        let mut left = self.product()?;
        while let Some(symbol) = self.next_symbol(&["+", "-"]) {
            let op = if symbol == "+" { Op::Add } else { Op::Subtract };
            left = Expr::Binary(Box::new(left), op, Box::new(self.product()?));
        }
        Ok(left)
    }

    fn product(&mut self) -> Result<Expr, FormulaError> {
        let mut left = self.unary()?;
        while let Some(symbol) = self.next_symbol(&["*", "/"]) {
            let op = if symbol == "*" {
                Op::Multiply
            } else {
                Op::Divide
            };
            left = Expr::Binary(Box::new(left), op, Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, FormulaError> {
        if self.next_symbol(&["-"]).is_some() {
            self.enter()?;
            let negated = self.unary()?;
            self.depth -= 1;
            return Ok(Expr::Negate(Box::new(negated)));
        }
        self.enter()?;
        let primary = self.primary();
        self.depth -= 1;
        primary
    }

    /// One level deeper, or the formula is refused as too deep.
    fn enter(&mut self) -> Result<(), FormulaError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return error(format!("В формуле больше {MAX_DEPTH} вложенных скобок"));
        }
        Ok(())
    }

    fn primary(&mut self) -> Result<Expr, FormulaError> {
        let Some(token) = self.tokens.get(self.at).cloned() else {
            return error("Формула обрывается: не хватает значения в конце");
        };
        self.at += 1;
        match token {
            Token::Number(n) => Ok(Expr::Number(n)),
            Token::Symbol("(") => {
                let inner = self.comparison()?;
                self.expect_close()?;
                Ok(inner)
            }
            Token::Name(name) if self.next_symbol(&["("]).is_some() => {
                let Some(function) = Function::parse(&name) else {
                    let known: Vec<&str> = Function::ALL.iter().map(|f| f.name_ru()).collect();
                    return error(format!(
                        "Неизвестная функция «{name}»: доступны {}",
                        known.join(", ")
                    ));
                };
                let mut arguments = vec![self.comparison()?];
                while self.next_symbol(&[";"]).is_some() {
                    arguments.push(self.comparison()?);
                }
                self.expect_close()?;
                let (least, most) = function.arity();
                if arguments.len() < least || arguments.len() > most {
                    return error(format!(
                        "Функция {} принимает {} (через «;»)",
                        function.name_ru(),
                        arity_ru(least, most)
                    ));
                }
                Ok(Expr::Call(function, arguments))
            }
            Token::Name(name) => Ok(Expr::Column(name)),
            Token::Symbol(symbol) => error(format!("Неожиданный знак «{symbol}» в формуле")),
        }
    }

    fn expect_close(&mut self) -> Result<(), FormulaError> {
        match self.next_symbol(&[")"]) {
            Some(_) => Ok(()),
            None => error("Не хватает закрывающей скобки «)»"),
        }
    }
}

fn arity_ru(least: usize, most: usize) -> String {
    let arguments =
        |n: usize| crate::text::count_ru(n as u64, ["аргумент", "аргумента", "аргументов"]);
    if least == most {
        arguments(least)
    } else {
        format!("не меньше {}", arguments(least))
    }
}

/// «Вычисляется: «Участников по русскому языку» + «Участников по математике»»:
/// a calculated column's formula with the columns' titles, for hints.
pub fn explain(sheet: &super::SheetDef, column: &super::ColumnDef) -> Option<String> {
    let expr = parse(column.formula.as_deref()?).ok()?;
    let title = |key: &str| {
        sheet
            .column(key)
            .map_or_else(|| key.to_owned(), |c| format!("«{}»", c.title))
    };
    Some(format!("Вычисляется: {}", expr.to_text(&title)))
}

impl Expr {
    /// The formula as people read it, each column named by `name`.
    pub fn to_text(&self, name: &impl Fn(&str) -> String) -> String {
        let nested = |expr: &Expr| match expr {
            Expr::Binary(..) => format!("({})", expr.to_text(name)),
            _ => expr.to_text(name),
        };
        match self {
            Expr::Number(n) => crate::forms::value::decimal_ru(*n),
            Expr::Column(key) => name(key),
            Expr::Negate(inner) => format!("-{}", nested(inner)),
            Expr::Binary(left, op, right) => {
                format!("{} {} {}", nested(left), op.symbol(), nested(right))
            }
            Expr::Call(function, arguments) => format!(
                "{}({})",
                function.name_ru(),
                arguments
                    .iter()
                    .map(|a| a.to_text(name))
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        }
    }

    /// Every column the formula reads, in order of appearance (repeats kept).
    pub fn columns(&self) -> Vec<&str> {
        let mut found = Vec::new();
        self.visit(&mut |expr| {
            if let Expr::Column(key) = expr {
                found.push(key.as_str());
            }
        });
        found
    }

    /// The columns read only to be counted (СЧЁТ takes columns of any type).
    pub fn counted_columns(&self) -> Vec<&str> {
        let mut found = Vec::new();
        self.visit(&mut |expr| {
            if let Expr::Call(Function::Count, arguments) = expr {
                for argument in arguments {
                    if let Expr::Column(key) = argument {
                        found.push(key.as_str());
                    }
                }
            }
        });
        found
    }

    fn visit<'a>(&'a self, each: &mut impl FnMut(&'a Expr)) {
        each(self);
        match self {
            Expr::Number(_) | Expr::Column(_) => {}
            Expr::Negate(inner) => inner.visit(each),
            Expr::Binary(left, _, right) => {
                left.visit(each);
                right.visit(each);
            }
            Expr::Call(_, arguments) => arguments.iter().for_each(|a| a.visit(each)),
        }
    }

    /// The value for a row: `number` gives a column's number (`None` when the
    /// cell is empty), `filled` whether a cell holds anything (for СЧЁТ). `None`
    /// when every column read is empty or a division by zero happens.
    pub fn evaluate(
        &self,
        number: &impl Fn(&str) -> Option<f64>,
        filled: &impl Fn(&str) -> bool,
    ) -> Option<f64> {
        // Every row of every write comes here: the columns are walked, not
        // collected.
        let (mut reads_any, mut any_filled) = (false, false);
        self.visit(&mut |expr| {
            if let Expr::Column(key) = expr {
                reads_any = true;
                any_filled = any_filled || filled(key);
            }
        });
        if reads_any && !any_filled {
            return None;
        }
        self.value(number, filled).filter(|n| n.is_finite())
    }

    fn value(
        &self,
        number: &impl Fn(&str) -> Option<f64>,
        filled: &impl Fn(&str) -> bool,
    ) -> Option<f64> {
        let truth = |b: bool| if b { 1.0 } else { 0.0 };
        Some(match self {
            Expr::Number(n) => *n,
            Expr::Column(key) => number(key).unwrap_or(0.0),
            Expr::Negate(inner) => -inner.value(number, filled)?,
            Expr::Binary(left, op, right) => {
                let (a, b) = (left.value(number, filled)?, right.value(number, filled)?);
                const EPSILON: f64 = 1e-9;
                match op {
                    Op::Add => a + b,
                    Op::Subtract => a - b,
                    Op::Multiply => a * b,
                    Op::Divide if b == 0.0 => return None,
                    Op::Divide => a / b,
                    Op::Less => truth(a < b - EPSILON),
                    Op::LessOrEqual => truth(a <= b + EPSILON),
                    Op::Greater => truth(a > b + EPSILON),
                    Op::GreaterOrEqual => truth(a >= b - EPSILON),
                    Op::Equal => truth((a - b).abs() <= EPSILON),
                    Op::NotEqual => truth((a - b).abs() > EPSILON),
                }
            }
            Expr::Call(Function::Count, arguments) => arguments
                .iter()
                .filter(|a| match a {
                    Expr::Column(key) => filled(key),
                    other => other.value(number, filled).is_some(),
                })
                .count() as f64,
            Expr::Call(Function::If, arguments) => {
                let condition = arguments[0].value(number, filled)?;
                let chosen = if condition != 0.0 { 1 } else { 2 };
                arguments[chosen].value(number, filled)?
            }
            Expr::Call(Function::Round, arguments) => {
                let n = arguments[0].value(number, filled)?;
                let places = arguments[1].value(number, filled)?.round().clamp(-9.0, 9.0);
                let scale = 10f64.powi(places as i32);
                (n * scale).round() / scale
            }
            Expr::Call(function, arguments) => {
                let values: Vec<f64> = arguments
                    .iter()
                    .map(|a| a.value(number, filled))
                    .collect::<Option<_>>()?;
                match function {
                    Function::Min => values.iter().copied().fold(f64::INFINITY, f64::min),
                    Function::Max => values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                    _ => values.iter().sum(),
                }
            }
        })
    }

    /// The whole formula of a calculated cell as a file stores it, giving what
    /// [`Expr::evaluate`] gives: empty when every cell read is empty or on a
    /// division by zero, rounded to `places` when given. `letter` gives a
    /// column's letters, `row` is the row's number in the sheet.
    pub fn to_excel_cell(
        &self,
        letter: &impl Fn(&str) -> Option<String>,
        row: u32,
        places: Option<u8>,
    ) -> String {
        let mut body = self.to_excel(letter, row);
        if let Some(places) = places {
            body = format!("ROUND({body},{places})");
        }
        let mut filled: Vec<String> = Vec::new();
        for key in self.columns() {
            if let Some(letters) = letter(key) {
                let test = format!("LEN({letters}{row})>0");
                if !filled.contains(&test) {
                    filled.push(test);
                }
            }
        }
        if filled.is_empty() {
            return format!("IFERROR({body},\"\")");
        }
        format!("IF(OR({}),IFERROR({body},\"\"),\"\")", filled.join(","))
    }

    /// The expression as a file stores it for one row. A column reads as
    /// `N(B7)`: an empty calculated cell holds `""`, which Excel's arithmetic
    /// refuses and ours counts as 0; СЧЁТ counts cells that are not empty,
    /// whatever they hold.
    fn to_excel(&self, letter: &impl Fn(&str) -> Option<String>, row: u32) -> String {
        match self {
            Expr::Number(n) => format!("{n}"),
            Expr::Column(key) => match letter(key) {
                Some(letters) => format!("N({letters}{row})"),
                None => "0".to_owned(),
            },
            Expr::Call(Function::Count, arguments) => format!(
                "({})",
                arguments
                    .iter()
                    .map(|a| match a {
                        Expr::Column(key) => match letter(key) {
                            Some(letters) => format!("(LEN({letters}{row})>0)"),
                            None => "0".to_owned(),
                        },
                        _ => "1".to_owned(),
                    })
                    .collect::<Vec<_>>()
                    .join("+")
            ),
            Expr::Negate(inner) => format!("-{}", inner.to_excel(letter, row)),
            Expr::Binary(left, op, right) => format!(
                "({}{}{})",
                left.to_excel(letter, row),
                op.symbol(),
                right.to_excel(letter, row)
            ),
            Expr::Call(function, arguments) => format!(
                "{}({})",
                function.name_in_file(),
                arguments
                    .iter()
                    .map(|a| a.to_excel(letter, row))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn run(formula: &str, cells: &[(&str, f64)]) -> Option<f64> {
        let cells: HashMap<&str, f64> = cells.iter().copied().collect();
        parse(formula)
            .expect("a formula")
            .evaluate(&|key| cells.get(key).copied(), &|key| {
                cells.contains_key(key)
            })
    }

    #[test]
    fn computes_as_excel_does() {
        assert_eq!(run("a + b * 2", &[("a", 1.0), ("b", 3.0)]), Some(7.0));
        assert_eq!(run("=(a + b) * 2", &[("a", 1.0), ("b", 3.0)]), Some(8.0));
        assert_eq!(run("СУММ(a; b; c)", &[("a", 1.0), ("c", 2.5)]), Some(3.5));
        assert_eq!(
            run("макс(a; b) - мин(a; b)", &[("a", 4.0), ("b", 9.0)]),
            Some(5.0)
        );
        assert_eq!(run("СЧЁТ(a; b; c)", &[("a", 0.0), ("c", 2.0)]), Some(2.0));
        assert_eq!(
            run("ЕСЛИ(a > 0; b / a; 0)", &[("a", 4.0), ("b", 2.0)]),
            Some(0.5)
        );
        assert_eq!(run("ЕСЛИ(a > 0; b / a; 0)", &[("b", 2.0)]), Some(0.0));
        assert_eq!(run("ОКРУГЛ(a / 3; 2)", &[("a", 1.0)]), Some(0.33));
        assert_eq!(run("a * 0,5 - -1", &[("a", 3.0)]), Some(2.5));
        assert_eq!(run("IF(a<>b; 1; 2)", &[("a", 1.0), ("b", 1.0)]), Some(2.0));
    }

    #[test]
    fn an_empty_row_and_a_division_by_zero_give_no_value() {
        assert_eq!(run("a + b", &[]), None);
        assert_eq!(run("a / b", &[("a", 1.0)]), None);
        assert_eq!(run("a - b", &[("a", 5.0)]), Some(5.0));
    }

    #[test]
    fn a_formula_too_long_or_too_deep_is_refused_not_overflowed() {
        let deep = format!("{}a{}", "(".repeat(100_000), ")".repeat(100_000));
        assert_eq!(
            parse(&deep).expect_err("long").0,
            "Формула длиннее 1000 знаков"
        );
        let nested = format!("{}a{}", "(".repeat(400), ")".repeat(400));
        assert_eq!(
            parse(&nested).expect_err("deep").0,
            "В формуле больше 32 вложенных скобок"
        );
        let negated = "-".repeat(900) + "a";
        assert!(parse(&negated).is_err());
        let calls = "СУММ(".repeat(100) + "a" + &")".repeat(100);
        assert!(parse(&calls).is_err());
        assert!(parse(&format!("{}a{}", "(".repeat(20), ")".repeat(20))).is_ok());
    }

    #[test]
    fn mistakes_are_told_in_russian() {
        let message = |text: &str| parse(text).expect_err(text).0;
        assert_eq!(message(""), "Формула пуста");
        assert_eq!(
            message("a +"),
            "Формула обрывается: не хватает значения в конце"
        );
        assert_eq!(message("(a + b"), "Не хватает закрывающей скобки «)»");
        assert_eq!(message("a $ b"), "Недопустимый знак в формуле: «$»");
        assert!(message("СРЗНАЧ(a)").starts_with("Неизвестная функция «СРЗНАЧ»"));
        assert_eq!(
            message("ЕСЛИ(a; b)"),
            "Функция ЕСЛИ принимает 3 аргумента (через «;»)"
        );
        assert_eq!(message("a b"), "Лишнее в формуле: «b»");
    }

    #[test]
    fn is_written_for_excel_with_the_rows_cells() {
        let letters = |key: &str| match key {
            "a" => Some("B".to_owned()),
            "b" => Some("C".to_owned()),
            _ => None,
        };
        let formula = parse("ЕСЛИ(a > 0; СУММ(a; b) / a; 0,5)").expect("a formula");
        assert_eq!(
            formula.to_excel_cell(&letters, 7, None),
            "IF(OR(LEN(B7)>0,LEN(C7)>0),IFERROR(IF((N(B7)>0),(SUM(N(B7),N(C7))/N(B7)),0.5),\"\"),\"\")"
        );
        assert_eq!(
            parse("СЧЁТ(a; b) * 2")
                .expect("a formula")
                .to_excel_cell(&letters, 2, Some(0)),
            "IF(OR(LEN(B2)>0,LEN(C2)>0),IFERROR(ROUND((((LEN(B2)>0)+(LEN(C2)>0))*2),0),\"\"),\"\")"
        );
        assert_eq!(parse("a + b").expect("a formula").columns(), vec!["a", "b"]);
    }

    #[test]
    fn is_explained_with_the_columns_titles() {
        let form = crate::forms::demo::vpr_classes();
        let sheet = &form.sheets[0];
        assert_eq!(
            explain(sheet, &sheet.columns[5]).as_deref(),
            Some(
                "Вычисляется: ЕСЛИ(«Обучающихся» > 0; («Участников всего» / «Обучающихся») * 100; 0)"
            )
        );
        assert_eq!(explain(sheet, &sheet.columns[0]), None);
    }
}
