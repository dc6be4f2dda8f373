//! The programs people fill our templates and open our exports with, driven for
//! the round-trip tests: openpyxl (PyPI), LibreOffice Calc through Python UNO and
//! Gnumeric's `ssconvert` (Debian). `cargo xtask test` installs them (openpyxl in
//! a virtualenv under `target/`) and says where with `OKO_TEST_OPENPYXL_PYTHON`.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use serde_json::Value;

/// A program that writes workbooks.
#[derive(Clone, Copy, Debug)]
pub enum Program {
    Openpyxl,
    LibreOffice,
    /// The file filled by openpyxl, then opened and saved again by Gnumeric:
    /// every byte of it Gnumeric's writer's.
    Gnumeric,
}

impl Program {
    pub const ALL: [Program; 3] = [Program::Openpyxl, Program::LibreOffice, Program::Gnumeric];
}

/// A cell to type: sheet, reference, and a value of one kind.
pub struct Typed {
    pub sheet: &'static str,
    pub cell: &'static str,
    pub value: Kind,
}

pub enum Kind {
    Number(f64),
    Text(&'static str),
    /// `YYYY-MM-DD`, typed as a date cell.
    Date(&'static str),
}

/// The programs, found where `cargo xtask test` put them.
pub struct Programs {
    openpyxl_python: PathBuf,
    work: PathBuf,
}

const UNO_PYTHON: &str = "/usr/bin/python3";

impl Programs {
    pub fn from_env(work: &Path) -> Programs {
        let openpyxl_python = std::env::var("OKO_TEST_OPENPYXL_PYTHON").unwrap_or_else(|_| {
            panic!("the round-trip tests need openpyxl at OKO_TEST_OPENPYXL_PYTHON, LibreOffice with python3-uno and ssconvert: run `cargo xtask test`, which installs them")
        });
        Programs {
            openpyxl_python: openpyxl_python.into(),
            work: work.to_owned(),
        }
    }

    /// `template` with `cells` typed in and saved by `program`.
    pub fn fill(&self, program: Program, template: &[u8], cells: &[Typed]) -> Vec<u8> {
        let name = format!("{program:?}");
        let input = self.work.join(format!("{name}-template.xlsx"));
        let output = self.work.join(format!("{name}-filled.xlsx"));
        let typed = self.work.join(format!("{name}-cells.json"));
        std::fs::write(&input, template).unwrap();
        std::fs::write(&typed, cells_json(cells).to_string()).unwrap();
        match program {
            Program::Openpyxl => self.openpyxl(&["fill"], &[&input, &output, &typed]),
            Program::LibreOffice => {
                run(Command::new(UNO_PYTHON)
                    .arg(script("libreoffice_tool.py"))
                    .arg("fill")
                    .args([&input, &output, &typed]));
            }
            Program::Gnumeric => {
                let typed_by_openpyxl = self.work.join("Gnumeric-openpyxl.xlsx");
                self.openpyxl(&["fill"], &[&input, &typed_by_openpyxl, &typed]);
                run(Command::new("ssconvert")
                    .arg("--export-type=Gnumeric_Excel:xlsx2")
                    .args([&typed_by_openpyxl, &output]));
            }
        }
        std::fs::read(&output).unwrap()
    }

    /// The cells of `sheet` of `workbook` as `program` reads them: per row, each
    /// cell `null` or `[type, text]` (types: number, date, text, bool, formula).
    pub fn cells(&self, program: Program, sheet: &str, workbook: &[u8]) -> Vec<Vec<Value>> {
        let path = self.work.join(format!("{program:?}-read.xlsx"));
        std::fs::write(&path, workbook).unwrap();
        let output = match program {
            Program::Openpyxl => output(
                Command::new(&self.openpyxl_python)
                    .arg(script("openpyxl_tool.py"))
                    .args(["cells", sheet])
                    .arg(&path),
            ),
            Program::LibreOffice => output(
                Command::new(UNO_PYTHON)
                    .arg(script("libreoffice_tool.py"))
                    .args(["cells", sheet])
                    .arg(&path),
            ),
            Program::Gnumeric => output(
                Command::new(UNO_PYTHON)
                    .arg(script("gnumeric_cells.py"))
                    .arg(sheet)
                    .arg(&path),
            ),
        };
        serde_json::from_str(&output)
            .unwrap_or_else(|e| panic!("{program:?} printed {output}: {e}"))
    }

    /// `workbook` saved by LibreOffice as OpenDocument (`.ods`).
    pub fn as_ods(&self, workbook: &[u8]) -> Vec<u8> {
        let input = self.work.join("as-ods.xlsx");
        std::fs::write(&input, workbook).unwrap();
        let profile = self.work.join("lo-profile");
        run(Command::new("soffice")
            .args([
                "--headless",
                "--norestore",
                "--convert-to",
                "ods",
                "--outdir",
            ])
            .arg(&self.work)
            .arg(format!(
                "-env:UserInstallation=file://{}",
                profile.display()
            ))
            .arg(&input));
        std::fs::read(self.work.join("as-ods.ods")).unwrap()
    }

    /// Every red-filled cell of `workbook` with its note, as `program` (openpyxl
    /// or LibreOffice) reads them.
    pub fn marks(&self, program: Program, workbook: &[u8]) -> Value {
        let path = self.work.join(format!("{program:?}-marked.xlsx"));
        std::fs::write(&path, workbook).unwrap();
        let printed = match program {
            Program::LibreOffice => output(
                Command::new(UNO_PYTHON)
                    .arg(script("libreoffice_tool.py"))
                    .arg("marks")
                    .arg(&path),
            ),
            _ => output(
                Command::new(&self.openpyxl_python)
                    .arg(script("openpyxl_tool.py"))
                    .arg("marks")
                    .arg(&path),
            ),
        };
        serde_json::from_str(&printed)
            .unwrap_or_else(|e| panic!("{program:?} printed {printed}: {e}"))
    }

    fn openpyxl(&self, command: &[&str], files: &[&Path]) {
        run(Command::new(&self.openpyxl_python)
            .arg(script("openpyxl_tool.py"))
            .args(command)
            .args(files));
    }
}

fn cells_json(cells: &[Typed]) -> Value {
    cells
        .iter()
        .map(|typed| {
            let mut entry = serde_json::json!({"sheet": typed.sheet, "cell": typed.cell});
            let (key, value) = match &typed.value {
                Kind::Number(n) => ("number", serde_json::json!(n)),
                Kind::Text(t) => ("text", serde_json::json!(t)),
                Kind::Date(d) => ("date", serde_json::json!(d)),
            };
            entry[key] = value;
            entry
        })
        .collect()
}

fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/api/programs")
        .join(name)
}

fn run(command: &mut Command) {
    output(command);
}

fn output(command: &mut Command) -> String {
    let done = command
        .output()
        .unwrap_or_else(|e| panic!("{command:?} did not start: {e}"));
    assert!(
        done.status.success(),
        "{command:?} failed: {}",
        String::from_utf8_lossy(&done.stderr)
    );
    String::from_utf8(done.stdout).unwrap()
}
