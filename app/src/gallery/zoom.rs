//! Zooming a picture in the viewer, as in Immich or Google Photos: a double-click switches between
//! fitted and full size; the wheel (a trackpad pinch arrives as Ctrl+wheel) and a two-finger pinch
//! zoom around the pointer; + and - zoom around the middle and 0 fits; scrolling, or one finger,
//! looks around. Zoomed in, it shows the original when that is larger than the preview and a
//! format browsers draw.

use leptos::{html, prelude::*};

use crate::ui::typing_in_a_field;

/// How far past the full size one may zoom (to inspect pixels).
const BEYOND_FULL_SIZE: f64 = 2.0;
/// Zoom levels below this count as fitted.
const SNAP_TO_FIT: f64 = 1.1;
/// One press of + or -.
const KEY_STEP: f64 = 1.5;
/// Wheel deltas are capped here, so one mouse notch zooms by at most about 1.65×.
const WHEEL_DELTA_MOST: f64 = 50.0;

#[component]
pub fn ZoomablePreview(
    src: String,
    alt: String,
    /// The original's address, when zooming should show it instead of the preview.
    original: Option<String>,
    /// How wide the largest picture shown is, in pixels (the original's, else the preview's).
    full_width: Option<i32>,
) -> impl IntoView {
    // 1 is fitted to the stage; above that, times the fitted width.
    let level = RwSignal::new(1.0_f64);
    let zoomed = move || level.get() > 1.0;
    let fitted_width = StoredValue::new(0.0_f64);
    let pinch = StoredValue::new(None::<(f64, f64)>);
    let (stage, picture) = (NodeRef::<html::Div>::new(), NodeRef::<html::Img>::new());
    let shown = move || match (zoomed(), &original) {
        (true, Some(original)) => original.clone(),
        _ => src.clone(),
    };
    let full_size = move || {
        let fitted = fitted_width.get_value();
        let full =
            full_width.map(f64::from).or_else(|| picture.get_untracked().map(|img| f64::from(img.natural_width())));
        match full {
            Some(full) if fitted > 0.0 => (full / fitted).max(1.0),
            _ => 1.0,
        }
    };
    // The fitted width, measured while the picture is fitted (0 until it is laid out).
    let measure = move || {
        if level.get_untracked() <= 1.0 {
            if let Some(img) = picture.get_untracked() {
                fitted_width.set_value(img.get_bounding_client_rect().width());
            }
        }
        fitted_width.get_value() > 0.0
    };
    // Zooms to `to` keeping the point under (x, y) (page pixels) where it is.
    let zoom_at = move |to: f64, x: f64, y: f64| {
        let (Some(stage), Some(img)) = (stage.get_untracked(), picture.get_untracked()) else { return };
        if !measure() {
            return;
        }
        // A hair above fitted is fitted: not worth fetching the original for.
        let to = match to.min(full_size() * BEYOND_FULL_SIZE) {
            to if to < SNAP_TO_FIT => 1.0,
            to => to,
        };
        let before = img.get_bounding_client_rect();
        let (fx, fy) = ((x - before.left()) / before.width(), (y - before.top()) / before.height());
        let aspect = before.height() / before.width();
        level.set(to);
        // After the new size is laid out: scroll so the same spot of the picture is under the pointer.
        request_animation_frame(move || {
            let area = stage.get_bounding_client_rect();
            let width = fitted_width.get_value() * to;
            stage.set_scroll_left((fx * width - (x - area.left())) as i32);
            stage.set_scroll_top((fy * width * aspect - (y - area.top())) as i32);
        });
    };
    // Full size; twice the fitted size when the fitted picture is (nearly) that already.
    let zoom_in_fully = move |x: f64, y: f64| {
        if measure() {
            zoom_at(if full_size() >= SNAP_TO_FIT { full_size() } else { BEYOND_FULL_SIZE }, x, y);
        }
    };
    let toggle = move |ev: leptos::ev::MouseEvent| {
        if zoomed() {
            level.set(1.0);
        } else {
            zoom_in_fully(f64::from(ev.client_x()), f64::from(ev.client_y()));
        }
    };
    // + and - zoom around the middle of what shows, 0 fits (as in image viewers).
    Effect::new(move |_| {
        let handle = window_event_listener(leptos::ev::keydown, move |ev| {
            if ev.ctrl_key() || ev.meta_key() || ev.alt_key() || ev.default_prevented() || typing_in_a_field() {
                return;
            }
            // An open dialog has the keys.
            if document().query_selector("dialog[open]").ok().flatten().is_some() {
                return;
            }
            let Some(stage) = stage.get_untracked() else { return };
            let area = stage.get_bounding_client_rect();
            let (x, y) = (area.left() + area.width() / 2.0, area.top() + area.height() / 2.0);
            match ev.key().as_str() {
                "+" | "=" => zoom_at(level.get_untracked() * KEY_STEP, x, y),
                "-" => zoom_at(level.get_untracked() / KEY_STEP, x, y),
                "0" => level.set(1.0),
                _ => return,
            }
            ev.prevent_default();
        });
        on_cleanup(move || handle.remove());
    });
    // The wheel must be able to cancel the page's scrolling (and Ctrl+wheel the browser's own
    // zoom), which a passive listener cannot: added by hand rather than through the view.
    Effect::new(move |_| {
        use leptos::wasm_bindgen::{closure::Closure, JsCast};
        let Some(stage) = stage.get() else { return };
        let on_wheel = Closure::<dyn Fn(web_sys::WheelEvent)>::new(move |ev: web_sys::WheelEvent| {
            // Plain wheel scrolls a zoomed picture, and scrolling down over a fitted one scrolls
            // the page; scrolling up zooms a fitted one in, and Ctrl+wheel always zooms.
            let fitted = level.get_untracked() <= 1.0;
            if !ev.ctrl_key() && (!fitted || ev.delta_y() >= 0.0) {
                return;
            }
            ev.prevent_default();
            // A mouse notch is about 100, a trackpad pinch a few units per event.
            let delta = ev.delta_y().clamp(-WHEEL_DELTA_MOST, WHEEL_DELTA_MOST);
            let factor = (-delta * if ev.ctrl_key() { 0.01 } else { 0.002 }).exp();
            zoom_at(level.get_untracked() * factor, f64::from(ev.client_x()), f64::from(ev.client_y()));
        });
        let options = web_sys::AddEventListenerOptions::new();
        options.set_passive(false);
        let _ = stage.add_event_listener_with_callback_and_add_event_listener_options(
            "wheel",
            on_wheel.as_ref().unchecked_ref(),
            &options,
        );
        let guard = send_wrapper::SendWrapper::new((stage, on_wheel));
        on_cleanup(move || {
            let (stage, on_wheel) = &*guard;
            let _ = stage.remove_event_listener_with_callback("wheel", on_wheel.as_ref().unchecked_ref());
        });
    });
    let two_fingers = |ev: &web_sys::TouchEvent| {
        let touches = ev.touches();
        let (a, b) = (touches.get(0)?, touches.get(1)?);
        let (ax, ay, bx, by) =
            (f64::from(a.client_x()), f64::from(a.client_y()), f64::from(b.client_x()), f64::from(b.client_y()));
        Some(((ax - bx).hypot(ay - by), (ax + bx) / 2.0, (ay + by) / 2.0))
    };
    view! {
        <div node_ref=stage data-testid="zoom-stage"
            // The browser keeps one-finger scrolling (touch-pan-*); pinching is ours.
            class=move || if zoomed() { "max-h-[calc(100vh-8rem)] w-full touch-pan-x touch-pan-y overflow-auto" } else { "flex w-full touch-pan-x touch-pan-y justify-center" }
            on:touchstart=move |ev| {
                if let Some((distance, _, _)) = two_fingers(&ev) {
                    pinch.set_value(Some((distance, level.get_untracked())));
                }
            }
            on:touchmove=move |ev| {
                if let (Some((start, from)), Some((distance, x, y))) = (pinch.get_value(), two_fingers(&ev)) {
                    zoom_at(from * distance / start, x, y);
                }
            }
            // Swiping to the next picture is for a fitted one; zoomed in, fingers look around.
            on:touchend=move |ev| {
                if pinch.get_value().is_some() || level.get_untracked() > 1.0 {
                    ev.stop_propagation();
                }
                if ev.touches().length() == 0 {
                    pinch.set_value(None);
                }
            }>
            <img node_ref=picture src=shown alt=alt data-testid="asset-preview" data-zoomed=move || zoomed().to_string()
                title=move || if zoomed() { "Double-click or 0 to fit" } else { "Double-click, scroll up or + to zoom" }
                // Through the style object, not the attribute: the page policy refuses inline styles.
                style:width=move || zoomed().then(|| format!("{}px", fitted_width.get_value() * level.get()))
                class=move || if zoomed() { "mx-auto block max-w-none cursor-zoom-out" } else { "max-h-[calc(100vh-8rem)] max-w-full cursor-zoom-in object-contain" }
                on:dblclick=toggle/>
        </div>
    }
}
