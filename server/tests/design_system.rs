//! The web UI (the `app` crate) uses one design system (`style/tailwind.css`): colours by role (so both themes and a
//! workspace's accent apply everywhere) and the component classes for controls. These checks read
//! every component's source and name the file and the offending markup.

use std::{fs, path::Path};

/// Tailwind's own palettes: a page using one would ignore the theme and the brand.
const PALETTES: &[&str] = &[
    "slate", "gray", "zinc", "neutral", "stone", "red", "orange", "amber", "yellow", "lime", "green", "emerald",
    "teal", "cyan", "sky", "blue", "indigo", "violet", "purple", "fuchsia", "pink", "rose",
];
const COLOURED: &[&str] =
    &["bg", "text", "border", "ring", "divide", "fill", "stroke", "outline", "from", "to", "decoration"];
/// File-type marks keep the colours people know them by (PDF red, spreadsheets green…).
const ALLOWED: &[&str] = &["gallery/type_icon.rs"];

fn sources() -> Vec<(String, String)> {
    fn walk(dir: &Path, out: &mut Vec<(String, String)>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let name = path
                    .strip_prefix(concat!(env!("CARGO_MANIFEST_DIR"), "/../app/src/"))
                    .unwrap()
                    .display()
                    .to_string();
                out.push((name, fs::read_to_string(&path).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    walk(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../app/src")), &mut out);
    assert!(out.len() > 20, "found the components");
    out
}

/// A class-like word is a raw colour: `bg-slate-100`, `hover:text-red-700`, `bg-white`, `text-black/50`.
fn raw_colour(word: &str) -> bool {
    let utility = word.rsplit(':').next().unwrap_or(word);
    let Some((prefix, rest)) = utility.split_once('-') else { return false };
    if !COLOURED.contains(&prefix) {
        return false;
    }
    let colour = rest.split('/').next().unwrap_or(rest);
    colour == "white"
        || colour == "black"
        || PALETTES.iter().any(|p| {
            colour.strip_prefix(p).and_then(|s| s.strip_prefix('-')).is_some_and(|shade| shade.parse::<u16>().is_ok())
        })
}

#[test]
fn pages_use_colours_by_role_not_raw_palette_colours() {
    let mut found = Vec::new();
    for (file, text) in sources().iter().filter(|(file, _)| !ALLOWED.contains(&file.as_str())) {
        for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || "-:/".contains(c))) {
            if raw_colour(word) {
                found.push(format!("{file}: {word}"));
            }
        }
    }
    assert!(
        found.is_empty(),
        "use the role colours of style/tailwind.css (fg, fg-muted, accent, danger-text…):\n{}",
        found.join("\n")
    );
}

/// The markup of each `<tag …>` opening in `text`, up to its closing `>` (skipping `=>`, `->` and
/// anything inside braces, brackets, parentheses or quotes).
fn openings<'a>(text: &'a str, tag: &str) -> Vec<&'a str> {
    let needle = format!("<{tag}");
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = text[from..].find(&needle).map(|i| from + i) {
        from = at + needle.len();
        if text[from..].chars().next().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue; // `<buttons`, `<Button`-like names
        }
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        if text[line_start..at].trim_start().starts_with("//") {
            continue; // a comment naming the element
        }
        let (mut depth, mut quoted, mut previous, mut end) = (0i32, false, ' ', text.len());
        for (i, c) in text[from..].char_indices() {
            match c {
                '"' => quoted = !quoted,
                '{' | '(' | '[' if !quoted => depth += 1,
                '}' | ')' | ']' if !quoted => depth -= 1,
                '>' if !quoted && depth == 0 && previous != '=' && previous != '-' => {
                    end = from + i;
                    break;
                }
                _ => {}
            }
            previous = c;
        }
        out.push(&text[at..end]);
    }
    out
}

fn class_of(opening: &str) -> Option<&str> {
    let start = opening.find("class=")? + "class=".len();
    let rest = &opening[start..];
    Some(rest.split_whitespace().next().unwrap_or(rest))
}

#[test]
fn every_control_is_styled_by_the_design_system() {
    let mut found = Vec::new();
    for (file, text) in sources() {
        for opening in openings(&text, "button") {
            // A button is one of the .btn kinds, or an item of a .menu.
            if !class_of(opening).is_some_and(|c| c.contains("btn") || c.contains("menu-item")) {
                found.push(format!("{file}: a button without the .btn or .menu-item classes: {opening}"));
            }
        }
        for opening in openings(&text, "select") {
            if !class_of(opening).is_some_and(|c| c.contains("select")) {
                found.push(format!("{file}: a select without .select: {opening}"));
            }
        }
        for opening in openings(&text, "textarea") {
            if !class_of(opening).is_some_and(|c| c.contains("input")) {
                found.push(format!("{file}: a textarea without .input: {opening}"));
            }
        }
        for opening in openings(&text, "input") {
            let plain =
                ["hidden", "checkbox", "radio", "file"].iter().all(|t| !opening.contains(&format!("type=\"{t}\"")));
            if plain && !class_of(opening).is_some_and(|c| c.contains("input")) {
                found.push(format!("{file}: a text input without .input: {opening}"));
            }
        }
    }
    assert!(
        found.is_empty(),
        "style controls with the component classes of style/tailwind.css:\n{}",
        found.join("\n\n")
    );
}

#[test]
fn the_checks_recognise_what_they_look_for() {
    assert!(
        raw_colour("bg-slate-100")
            && raw_colour("hover:text-red-700")
            && raw_colour("bg-white")
            && raw_colour("text-black/50")
    );
    assert!(
        !raw_colour("bg-surface")
            && !raw_colour("text-fg-muted")
            && !raw_colour("border-line")
            && !raw_colour("text-sm")
    );
    let markup = r#"<button class="btn btn-primary" on:click=move |_| { if x > 1 { y() } }>"Go"</button> <button on:click=f>"No"</button>"#;
    let found = openings(markup, "button");
    assert_eq!(found.len(), 2);
    assert_eq!(class_of(found[0]), Some("\"btn"));
    assert_eq!(class_of(found[1]), None);
}
