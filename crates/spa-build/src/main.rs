//! Builds the SPA's `dist/` from the WebAssembly cargo built, without a bundler
//! (trunk took 9 of the 25 minutes a new machine needed): the JavaScript glue
//! from wasm-bindgen, used as a library at the version Cargo.lock pins, then,
//! once xtask has run `wasm-opt`, every file under a content-hashed name (so a
//! browser never runs an old one) and `index.html` with the bootstrap script.
//!
//! `spa-build glue <app.wasm> <staging>` and
//! `spa-build assemble <staging> <frontend> <dist>`.

use std::{
    hash::{DefaultHasher, Hasher},
    path::Path,
    process::ExitCode,
};

/// The app's name in file names (`oko-frontend-<hash>.js`).
const APP: &str = "oko-frontend";
/// Where `frontend/index.html` wants the stylesheet and the app.
const STYLE_MARK: &str = "<!-- spa-build: style -->";
const APP_MARK: &str = "<!-- spa-build: app -->";

type Outcome = Result<(), String>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let outcome = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["glue", wasm, staging] => glue(Path::new(wasm), Path::new(staging)),
        ["assemble", staging, frontend, dist] => {
            assemble(Path::new(staging), Path::new(frontend), Path::new(dist))
        }
        _ => Err(
            "usage: spa-build glue <app.wasm> <staging> | assemble <staging> <frontend> <dist>"
                .into(),
        ),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("spa-build: {message}");
            ExitCode::FAILURE
        }
    }
}

/// `<staging>/oko-frontend.js` and `oko-frontend_bg.wasm` for the browser
/// (ES module, no TypeScript), as trunk's release build made them.
fn glue(wasm: &Path, staging: &Path) -> Outcome {
    let _ = std::fs::remove_dir_all(staging);
    std::fs::create_dir_all(staging).map_err(|e| format!("{}: {e}", staging.display()))?;
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(wasm)
        .out_name(APP)
        .web(true)
        .map_err(|e| e.to_string())?
        .typescript(false)
        .remove_name_section(true)
        .remove_producers_section(true)
        .generate(staging)
        .map_err(|e| format!("wasm-bindgen: {e:#}"))
}

/// The staged app and the stylesheet under hashed names in a new `dist`, and
/// `index.html` pointing at them.
fn assemble(staging: &Path, frontend: &Path, dist: &Path) -> Outcome {
    let read = |path: &Path| std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()));
    let js = read(&staging.join(format!("{APP}.js")))?;
    let wasm = read(&staging.join(format!("{APP}_bg.wasm")))?;
    let css = read(&frontend.join("style.css"))?;
    let page = String::from_utf8(read(&frontend.join("index.html"))?)
        .map_err(|_| "index.html is not UTF-8".to_owned())?;
    let app = format!("{APP}-{}", hash_of(&[&js, &wasm]));
    let style = format!("style-{}.css", hash_of(&[&css]));
    let _ = std::fs::remove_dir_all(dist);
    std::fs::create_dir_all(dist).map_err(|e| format!("{}: {e}", dist.display()))?;
    let write = |name: &str, bytes: &[u8]| {
        std::fs::write(dist.join(name), bytes).map_err(|e| format!("{name}: {e}"))
    };
    write(&format!("{app}.js"), &js)?;
    write(&format!("{app}_bg.wasm"), &wasm)?;
    write(&style, &css)?;
    let snippets = staging.join("snippets");
    if snippets.is_dir() {
        copy_tree(&snippets, &dist.join("snippets")).map_err(|e| format!("snippets: {e}"))?;
    }
    write("index.html", index_html(&page, &app, &style)?.as_bytes())
}

/// `page` with its marks replaced by the stylesheet and the app's bootstrap.
fn index_html(page: &str, app: &str, style: &str) -> Result<String, String> {
    if !page.contains(STYLE_MARK) || !page.contains(APP_MARK) {
        return Err(format!("index.html needs `{STYLE_MARK}` and `{APP_MARK}`"));
    }
    let bootstrap = format!(
        "<script type=\"module\">\nimport init from '/{app}.js';\nawait init({{ module_or_path: '/{app}_bg.wasm' }});\n</script>\n    \
<link rel=\"modulepreload\" href=\"/{app}.js\" crossorigin=\"anonymous\">\n    \
<link rel=\"preload\" href=\"/{app}_bg.wasm\" crossorigin=\"anonymous\" as=\"fetch\" type=\"application/wasm\">"
    );
    Ok(page
        .replace(
            STYLE_MARK,
            &format!("<link rel=\"stylesheet\" href=\"/{style}\">"),
        )
        .replace(APP_MARK, &bootstrap))
}

/// Sixteen hex digits of the files' content: a new name whenever one changes.
fn hash_of(parts: &[&[u8]]) -> String {
    let mut hasher = DefaultHasher::new();
    for part in parts {
        hasher.write(part);
    }
    format!("{:016x}", hasher.finish())
}

fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_html_gets_the_hashed_style_and_the_app() {
        let page = format!("<head>\n{STYLE_MARK}\n{APP_MARK}\n</head>");
        let html = index_html(&page, "oko-frontend-00aa", "style-11bb.css").unwrap();
        assert!(html.contains(r#"<link rel="stylesheet" href="/style-11bb.css">"#));
        assert!(html.contains("import init from '/oko-frontend-00aa.js';"));
        assert!(html.contains("module_or_path: '/oko-frontend-00aa_bg.wasm'"));
        assert!(!html.contains("spa-build"));
        assert!(index_html("<head></head>", "a", "b").is_err());
    }

    #[test]
    fn a_changed_file_gets_a_new_name() {
        assert_eq!(hash_of(&[b"a", b"b"]), hash_of(&[b"a", b"b"]));
        assert_ne!(hash_of(&[b"a", b"b"]), hash_of(&[b"a", b"c"]));
        assert_eq!(hash_of(&[b"x"]).len(), 16);
    }
}
