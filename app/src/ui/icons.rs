//! The one icon set (Lucide, from the `icondata_lu` crate), drawn inline so icons take the text
//! colour and need no extra request. Icons are decoration: the control around one carries the
//! words (visible or as `aria-label`).

use leptos::prelude::*;

pub use icondata_core::Icon as IconData;
pub use icondata_lu::{
    LuArrowUpDown as SORT, LuCheck as CHECK, LuChevronDown as CHEVRON_DOWN, LuChevronLeft as CHEVRON_LEFT,
    LuChevronRight as CHEVRON_RIGHT, LuDownload as DOWNLOAD, LuFileText as DOCUMENT, LuFilm as VIDEO,
    LuFolder as COLLECTION, LuFolderPlus as ADD_TO_COLLECTION, LuImage as IMAGE, LuInfo as INFO, LuLink as LINK,
    LuLogOut as SIGN_OUT, LuMenu as MENU, LuMonitor as SYSTEM, LuMoon as DARK, LuPlay as PLAY, LuSearch as SEARCH,
    LuSettings as SETTINGS, LuShare2 as SHARE, LuSlidersHorizontal as FILTERS, LuSun as LIGHT, LuTrash2 as TRASH,
    LuUpload as UPLOAD, LuX as CLOSE,
};

/// An icon at the text's size and colour (`class` may size it otherwise).
#[component]
pub fn Icon(icon: IconData, #[prop(optional, into)] class: Option<String>) -> impl IntoView {
    view! {
        <svg class=class.unwrap_or_else(|| "icon".into()) viewBox=icon.view_box.unwrap_or("0 0 24 24")
            fill=icon.fill.unwrap_or("none") stroke=icon.stroke.unwrap_or("currentColor")
            stroke-width=icon.stroke_width.unwrap_or("2") stroke-linecap=icon.stroke_linecap
            stroke-linejoin=icon.stroke_linejoin aria-hidden="true" focusable="false" inner_html=icon.data></svg>
    }
}
