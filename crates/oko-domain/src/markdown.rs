//! Publication bodies: Markdown written by the operator, rendered to HTML that is safe
//! to put into every user's page. Raw HTML in the source is shown as text, and links
//! and images keep only `http`, `https`, `mailto` and same-site addresses, so no
//! script can ever run from a body. The server stores the result; the SPA's preview
//! runs this same function.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};

/// Renders Markdown to sanitised HTML.
pub fn to_safe_html(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut dropped_links = Vec::new();
    let events = Parser::new_ext(markdown, options).filter_map(|event| match event {
        // Raw HTML becomes visible text: `<script>` shows as the characters `<script>`.
        Event::Html(raw) | Event::InlineHtml(raw) => Some(Event::Text(raw)),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let safe = is_safe_url(&dest_url);
            dropped_links.push(!safe);
            safe.then_some(Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }))
        }
        Event::End(TagEnd::Link) => {
            let dropped = dropped_links.pop().unwrap_or(false);
            (!dropped).then_some(Event::End(TagEnd::Link))
        }
        Event::Start(Tag::Image {
            dest_url, title, ..
        }) if !is_safe_url(&dest_url) => {
            // The image's alt text follows as text events; the picture itself is dropped.
            Some(Event::Text(if title.is_empty() {
                CowStr::Borrowed("")
            } else {
                title
            }))
        }
        other => Some(other),
    });
    let events: Vec<Event> = drop_unsafe_image_ends(events.collect());
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, events.into_iter());
    out
}

/// Removes the `End(Image)` of images whose start was replaced by text.
fn drop_unsafe_image_ends(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut open_images = Vec::new();
    let mut kept = Vec::with_capacity(events.len());
    for event in events {
        match &event {
            Event::Start(Tag::Image { .. }) => open_images.push(true),
            Event::End(TagEnd::Image) => {
                if open_images.pop().is_some() {
                    kept.push(event);
                }
                continue;
            }
            _ => {}
        }
        kept.push(event);
    }
    kept
}

/// Whether a link or image address may appear in a page: `http(s)`, `mailto`, or a
/// relative address (same site). Browsers ignore tabs, line breaks and case in a
/// scheme (`Java\tScript:`), so the check does too.
pub fn is_safe_url(url: &str) -> bool {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_lowercase();
    let scheme_end = cleaned.find(':');
    let path_start = cleaned.find(['/', '?', '#']);
    match (scheme_end, path_start) {
        (Some(colon), Some(slash)) if slash < colon => true,
        (Some(colon), _) => matches!(&cleaned[..colon], "http" | "https" | "mailto"),
        (None, _) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn markdown_renders_as_publications_need() {
        let html = to_safe_html(
            "## План-график\n\n**Важно:** см. [инструкцию](https://fioco.ru/docs) и \
             [раздел](/exchange).\n\n- первый\n- второй\n\n| Предмет | Дата |\n|---|---|\n| Математика | 15.09 |\n",
        );
        assert!(html.contains("<h2>План-график</h2>"), "{html}");
        assert!(html.contains("<strong>Важно:</strong>"));
        assert!(html.contains(r#"<a href="https://fioco.ru/docs">инструкцию</a>"#));
        assert!(html.contains(r#"<a href="/exchange">раздел</a>"#));
        assert!(html.contains("<li>второй</li>"));
        assert!(html.contains("<td>Математика</td>"));
    }

    #[test]
    fn raw_html_is_shown_as_text() {
        let html =
            to_safe_html("Привет <script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
    }

    #[test]
    fn dangerous_links_lose_their_address_but_keep_their_text() {
        for url in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "java\tscript:alert(1)",
            "jav&#x09;ascript:alert(1)",
            "data:text/html,<b>",
            "vbscript:x",
        ] {
            let html = to_safe_html(&format!("[нажми]({url}) и ![картинка]({url})"));
            assert!(!html.contains("<a"), "{url}: {html}");
            assert!(!html.contains("<img"), "{url}: {html}");
            assert!(html.contains("нажми"), "{url}: {html}");
        }
        let autolink = to_safe_html("<javascript:alert(1)>");
        assert!(!autolink.contains("href"), "{autolink}");
        assert!(
            to_safe_html("<mailto:helpfisoko@fioco.ru>")
                .contains(r#"href="mailto:helpfisoko@fioco.ru""#)
        );
    }

    #[test]
    fn safe_urls_are_told_apart_from_unsafe_ones() {
        for url in [
            "https://x.ru",
            "http://x.ru/a:b",
            "mailto:a@b.ru",
            "/files/1",
            "#top",
            "docs/a.pdf",
            "?q=1:2",
        ] {
            assert!(is_safe_url(url), "{url}");
        }
        for url in [
            "javascript:x",
            " javascript:x",
            "data:x",
            "file:///etc/passwd",
            "vbscript:x",
        ] {
            assert!(!is_safe_url(url), "{url}");
        }
    }

    proptest! {
        #[test]
        fn no_input_yields_a_script_tag_or_an_event_handler(text in "[ -~а-я<>\\[\\]()\"'=:\\n]{0,200}") {
            let html = to_safe_html(&text).to_lowercase();
            prop_assert!(!html.contains("<script"));
            prop_assert!(!html.contains("<iframe"));
            prop_assert!(!html.contains("javascript:"));
            // Every tag the output has is one Markdown makes; attributes are only href/src/alt/title.
            for tag in html.split('<').skip(1) {
                let name: String = tag.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '/').collect();
                prop_assert!(ALLOWED_TAGS.contains(&name.trim_start_matches('/')), "tag <{}> in {}", name, html);
                let head = tag.split('>').next().unwrap_or_default();
                prop_assert!(!head.contains(" on"), "attribute in <{}>", head);
            }
        }
    }

    const ALLOWED_TAGS: &[&str] = &[
        "p",
        "a",
        "img",
        "em",
        "strong",
        "del",
        "code",
        "pre",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "li",
        "blockquote",
        "hr",
        "br",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    ];
}
