//! `Content-Security-Policy` for everything Oko serves. A page may run only its own
//! files and the inline scripts and styles it was shipped with, each allowed by its
//! SHA-256 (trunk's inline bootstrap of the SPA, the self-contained `/api/docs`);
//! JSON answers allow nothing at all. An injected `<script>` therefore never runs,
//! and no page can be framed.

use base64::{Engine, engine::general_purpose::STANDARD};
use sha2::{Digest, Sha256};

/// For API answers and files: a document opened from them may do nothing.
pub const API_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";

/// The SPA's `index.html`: its own files, its inline bootstrap by hash, WebAssembly,
/// inline style attributes (the grid sizes its rows with them), fetches to itself.
pub fn spa_policy(index_html: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{}; style-src 'self' 'unsafe-inline'; \
img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'self'; \
form-action 'self'; frame-ancestors 'none'",
        hashes(index_html, "script")
    )
}

/// `/api/docs`: its inline script and style by hash, fetches to itself.
pub fn docs_policy(page: &str) -> String {
    format!(
        "default-src 'none'; script-src{}; style-src{}; connect-src 'self'; img-src 'self' data:; \
base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        hashes(page, "script"),
        hashes(page, "style")
    )
}

/// ` 'sha256-…'` for the content of every inline `<tag>` element of `html`
/// (elements with a `src` have no inline content to allow).
fn hashes(html: &str, tag: &str) -> String {
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let mut out = String::new();
    let mut rest = html;
    while let Some(start) = rest.find(&open) {
        let after_open = &rest[start..];
        let Some(head_end) = after_open.find('>') else {
            break;
        };
        let body = &after_open[head_end + 1..];
        let Some(end) = body.find(&close) else {
            break;
        };
        if !after_open[..head_end].contains("src=") {
            let digest = Sha256::digest(&body.as_bytes()[..end]);
            out.push_str(&format!(" 'sha256-{}'", STANDARD.encode(digest)));
        }
        rest = &body[end + close.len()..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_inline_script_is_allowed_by_its_hash_only() {
        let page = "<script type=\"module\">init()</script><script src=\"/a.js\"></script><style>b{}</style>";
        let policy = docs_policy(page);
        let expected = STANDARD.encode(Sha256::digest(b"init()"));
        assert!(
            policy.contains(&format!("script-src 'sha256-{expected}';")),
            "{policy}"
        );
        assert_eq!(
            policy.matches("'sha256-").count(),
            2,
            "the script and the style"
        );
        assert!(!spa_policy(page).contains("'unsafe-eval'"));
    }
}
