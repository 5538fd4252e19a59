//! The icon a file without a picture is listed with: a page shape in the colour of its family,
//! with its format written on it (PDF, DOCX, ZIP, MP3…).

use domain::dto::format_label;
use leptos::prelude::*;

/// Family colour (Tailwind fill class) of a MIME type.
fn family_colour(mime: &str) -> &'static str {
    match mime {
        "application/pdf" | "application/postscript" => "fill-red-600",
        m if m.contains("wordprocessing")
            || m == "application/msword"
            || m.contains("opendocument.text")
            || m == "application/rtf" =>
        {
            "fill-blue-600"
        }
        m if m.contains("spreadsheet")
            || m == "application/vnd.ms-excel"
            || m == "text/csv"
            || m == "text/tab-separated-values" =>
        {
            "fill-emerald-600"
        }
        m if m.contains("presentation") || m == "application/vnd.ms-powerpoint" => "fill-orange-500",
        m if m.starts_with("audio/") => "fill-purple-600",
        m if m.starts_with("font/") || m.contains("font") => "fill-teal-600",
        m if m.starts_with("text/") => "fill-slate-500",
        _ => "fill-slate-700",
    }
}

#[component]
pub fn TypeIcon(mime: String, filename: String) -> impl IntoView {
    let label = format_label(&mime, &filename);
    let description = format!("{label} file");
    view! {
        <svg viewBox="0 0 48 60" class="h-24 w-20" role="img" aria-label=description data-testid="type-icon">
            <path d="M2 2h30l14 14v42H2z" class="fill-white stroke-slate-300" stroke-width="2"/>
            <path d="M32 2v14h14" class="fill-slate-100 stroke-slate-300" stroke-width="2"/>
            <rect x="2" y="36" width="44" height="14" class=family_colour(&mime)/>
            <text x="24" y="46.5" text-anchor="middle" class="fill-white text-[9px] font-bold">{label}</text>
        </svg>
    }
}
