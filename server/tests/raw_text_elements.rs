//! Leptos (tachys 0.2) escapes text everywhere except inside `<textarea>`, `<script>`, `<style>`
//! and `<noscript>` (its `ESCAPE_CHILDREN = false` elements; `<title>`, in HTML and SVG, is
//! escaped), and leptos_meta writes `<Title text=…>` raw. Text a person typed placed there becomes markup (a description
//! once planted a form on the asset page). This check reads the UI's source and refuses any
//! expression as the direct content of those elements; `ui::TextArea` is the one way to show text
//! in a text area. (end2end/tests/markup_is_text.spec.ts plants markup and looks at the pages.)

use std::path::{Path, PathBuf};

use regex::Regex;

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_expression_is_the_content_of_a_raw_text_element() {
    let app = Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/src");
    let mut files = Vec::new();
    sources(&app, &mut files);
    assert!(files.len() > 20, "the UI's sources are where they were");
    let raw =
        Regex::new(r"(?s)<(textarea|script|style|noscript)\b[^>]*>(.*?)</(textarea|script|style|noscript)>").unwrap();
    let tag = Regex::new(r"(?s)<[^>]*>").unwrap();
    let title = Regex::new(r#"<Title\b[^>]*\btext=([^\s/>]+)"#).unwrap();
    let mut found = Vec::new();
    for file in &files {
        // Comments may name the elements; only code renders them.
        let source: String = std::fs::read_to_string(file)
            .unwrap()
            .lines()
            .filter(|line| !line.trim_start().starts_with("//"))
            .map(|line| format!("{line}\n"))
            .collect();
        let name = file.strip_prefix(&app).unwrap().display().to_string();
        for m in raw.captures_iter(&source) {
            // Nested elements escape their own children; what is left is the element's own text.
            let own_text = tag.replace_all(&m[2], "");
            let allowed = name == "ui/mod.rs" && &m[1] == "textarea" && m[2].trim() == "{initial}";
            if own_text.contains('{') && !allowed {
                found.push(format!(
                    "{name}: <{}> holds an expression: {}",
                    &m[1],
                    m[0].chars().take(120).collect::<String>()
                ));
            }
        }
        for m in title.captures_iter(&source) {
            if !m[1].starts_with('"') {
                found.push(format!("{name}: <Title text={}> is not a literal", &m[1]));
            }
        }
        // The one exception: an icon's paths, a `&'static str` compiled in from the icon set.
        let markup = source.matches("inner_html").count();
        let icon_paths = if name == "ui/icons.rs" { source.matches("inner_html=icon.data").count() } else { 0 };
        if markup > icon_paths {
            found.push(format!("{name}: inner_html writes markup"));
        }
    }
    assert!(found.is_empty(), "{found:#?}");
}
