//! A video on the viewer's stage: its renditions as sources (the one nearest 720p first: it starts
//! sooner, and the browser plays the first it can) and, where there are several, a quality choice
//! that switches rendition where the video is, playing on if it was.

use leptos::{html, prelude::*};

/// One rendition: where it is, its label (`1080p`) and its short side in pixels.
pub type Rendition = (String, String, i32);

#[component]
pub fn VideoPlayer(poster: Option<String>, mut renditions: Vec<Rendition>) -> impl IntoView {
    renditions.sort_by_key(|(_, _, short_side)| (*short_side - 720).abs());
    let video = NodeRef::<html::Video>::new();
    // Highest first in the choice.
    let mut by_quality = renditions.clone();
    by_quality.sort_by_key(|(_, _, short_side)| -short_side);
    let choices = StoredValue::new(by_quality);
    let choose = move |ev: leptos::ev::Event| {
        let label = event_target_value(&ev);
        let Some(video) = video.get_untracked() else { return };
        let (at, playing) = (video.current_time(), !video.paused());
        match choices.with_value(|c| c.iter().find(|(_, l, _)| *l == label).map(|(url, _, _)| url.clone())) {
            Some(url) => video.set_src(&url),
            // Automatic: the sources decide again.
            None => {
                let _ = video.remove_attribute("src");
                video.load();
            }
        }
        // Kept as the start position until the new rendition's data arrives.
        video.set_current_time(at);
        if playing {
            let _ = video.play();
        }
    };
    let several = renditions.len() > 1;
    view! {
        <div class="flex max-w-full flex-col items-end gap-2">
            <video node_ref=video controls preload="metadata" poster=poster class="max-h-[calc(100vh-10rem)] max-w-full" data-testid="asset-video">
                {renditions.into_iter().map(|(src, label, _)| view! { <source src=src type="video/mp4" data-label=label/> }).collect_view()}
            </video>
            {several.then(|| view! {
                <label class="flex items-center gap-2 text-sm">
                    "Quality"
                    <select class="select py-1" data-testid="video-quality" on:change=choose>
                        <option value="" selected=true>"Automatic"</option>
                        {choices.get_value().into_iter().map(|(_, label, _)| view! { <option value=label.clone()>{label.clone()}</option> }).collect_view()}
                    </select>
                </label>
            })}
        </div>
    }
}
