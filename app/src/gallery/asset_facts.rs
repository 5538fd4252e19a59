//! What is known about an asset, grouped as a photographer reads it (file, camera, exposure,
//! place, video, document), in words: codec and container names as people know them, not the
//! tools' identifiers.

use domain::{
    dto::{format_label, AssetView},
    media_words::{codec_name, duration_label},
};
use leptos::prelude::*;

use crate::ui::human_size;

fn text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) if s.trim().is_empty() => None,
        serde_json::Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

type Group = (&'static str, Vec<(&'static str, String)>);

pub fn groups(asset: &AssetView) -> Vec<Group> {
    let photo = &asset.metadata["photo"];
    let video = &asset.metadata["video"];
    let document = &asset.metadata["document"];
    let mut out: Vec<Group> = Vec::new();
    let mut push = |title: &'static str, facts: Vec<(&'static str, Option<String>)>| {
        let facts: Vec<_> = facts.into_iter().filter_map(|(k, v)| v.map(|v| (k, v))).collect();
        if !facts.is_empty() {
            out.push((title, facts));
        }
    };
    push(
        "File",
        vec![
            ("Type", Some(format!("{} {}", format_label(&asset.mime, &asset.filename), asset.kind.label()))),
            ("Name", Some(asset.filename.clone())),
            ("Size", Some(human_size(asset.size))),
            ("Dimensions", asset.width.zip(asset.height).map(|(w, h)| format!("{w} × {h}"))),
            ("Uploaded", Some(asset.created_at.format("%-d %b %Y, %H:%M UTC").to_string())),
            ("Version", (asset.version > 1).then(|| asset.version.to_string())),
            ("Why processing failed", asset.failure_reason.clone()),
        ],
    );
    push(
        "Camera",
        vec![
            (
                "Camera",
                asset
                    .camera_make
                    .clone()
                    .map(|m| format!("{m} {}", asset.camera_model.clone().unwrap_or_default()).trim().to_owned()),
            ),
            ("Lens", text(&photo["lens"])),
            ("Taken", asset.taken_at.map(|t| t.format("%-d %b %Y, %H:%M").to_string())),
        ],
    );
    push(
        "Exposure",
        vec![
            ("Shutter", text(&photo["exposure_time"]).map(|e| format!("{e} s"))),
            ("Aperture", text(&photo["f_number"]).map(|f| format!("f/{f}"))),
            ("ISO", text(&photo["iso"])),
        ],
    );
    push(
        "Location",
        vec![(
            "Coordinates",
            photo["gps"].as_array().filter(|g| g.len() >= 2).map(|g| {
                let (lat, lon) = (g[0].as_f64().unwrap_or_default(), g[1].as_f64().unwrap_or_default());
                format!(
                    "{:.5}° {}, {:.5}° {}",
                    lat.abs(),
                    if lat >= 0.0 { "N" } else { "S" },
                    lon.abs(),
                    if lon >= 0.0 { "E" } else { "W" }
                )
            }),
        )],
    );
    push(
        "Rights",
        vec![
            ("Title", text(&photo["title"])),
            ("Caption", text(&photo["caption"])),
            (
                "Keywords",
                photo["keywords"]
                    .as_array()
                    .filter(|k| !k.is_empty())
                    .map(|k| k.iter().filter_map(|v| v.as_str()).collect::<Vec<_>>().join(", ")),
            ),
            ("Creator", text(&photo["creator"])),
            ("Copyright", text(&photo["copyright"])),
        ],
    );
    push(
        "Video",
        vec![
            ("Length", video["duration_ms"].as_i64().map(duration_label)),
            ("Video", text(&video["video_codec"]).map(|c| codec_name(&c))),
            (
                "Audio",
                video["video_codec"]
                    .as_str()
                    .map(|_| text(&video["audio_codec"]).map_or("none".into(), |c| codec_name(&c))),
            ),
            ("Frame rate", video["fps"].as_f64().map(|f| format!("{f:.2} fps"))),
        ],
    );
    push(
        "Document",
        vec![
            ("Pages", document["pages"].as_u64().map(|p| p.to_string())),
            ("Page size", text(&document["page_size"])),
            ("Title", text(&document["title"])),
            ("Author", text(&document["author"])),
        ],
    );
    out
}

#[component]
pub fn AssetFacts(asset: AssetView) -> impl IntoView {
    view! {
        <div class="space-y-4" data-testid="asset-metadata">
            {groups(&asset).into_iter().map(|(title, facts)| view! {
                <section>
                    <h2 class="mb-1 text-xs font-semibold uppercase tracking-wide text-fg-muted">{title}</h2>
                    <dl class="grid grid-cols-[7rem_1fr] gap-x-3 gap-y-1 text-sm">
                        {facts.into_iter().map(|(label, value)| view! {
                            <dt class="text-fg-muted">{label}</dt>
                            <dd class="min-w-0 break-words">{value}</dd>
                        }).collect_view()}
                    </dl>
                </section>
            }).collect_view()}
        </div>
    }
}
