//! File sizes as people read them (binary units, as file managers show them).

/// `1536` → `1.5 KB`; `5368709120` → `5 GB`. Whole numbers drop their `.0`.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut size = bytes as f64;
    let mut unit = 0;
    while size >= 1024.0 && unit < UNITS.len() - 1 {
        size /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        return format!("{bytes} B");
    }
    let text = format!("{size:.1}");
    format!("{} {}", text.strip_suffix(".0").unwrap_or(&text), UNITS[unit])
}

/// The other way, as people type sizes: `10 GB`, `1.5tb`, `500MB`, `4096` (bytes), in the same
/// binary units. `None` for anything else.
pub fn parse_size(text: &str) -> Option<u64> {
    const UNITS: [(&str, u64); 5] = [("TB", 1 << 40), ("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10), ("B", 1)];
    let text = text.trim().to_ascii_uppercase();
    let (number, scale) = UNITS
        .iter()
        .find_map(|(unit, scale)| text.strip_suffix(unit).map(|n| (n.trim(), *scale)))
        .unwrap_or((text.as_str(), 1));
    let value: f64 = number.parse().ok().filter(|v: &f64| v.is_finite() && *v >= 0.0)?;
    let bytes = value * scale as f64;
    (bytes < u64::MAX as f64).then_some(bytes.round() as u64)
}

#[cfg(test)]
mod tests {
    use super::human_size;

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(1023), "1023 B");
        assert_eq!(human_size(1536), "1.5 KB");
        assert_eq!(human_size(5 * 1024 * 1024 * 1024), "5 GB");
        assert_eq!(human_size(300 * 1024 * 1024), "300 MB");
        assert_eq!(human_size(u64::MAX), "16777216 TB");
    }

    #[test]
    fn typed_sizes_read_back_in_the_units_they_are_shown_in() {
        assert_eq!(super::parse_size("10 GB"), Some(10 << 30));
        assert_eq!(super::parse_size("1.5tb"), Some(3 << 39));
        assert_eq!(super::parse_size("500MB"), Some(500 << 20));
        assert_eq!(super::parse_size("4096"), Some(4096));
        assert_eq!(super::parse_size(&super::human_size(5 << 30)), Some(5 << 30));
        for bad in ["", "GB", "ten GB", "-1 MB", "1e400", "NaN"] {
            assert_eq!(super::parse_size(bad), None, "{bad}");
        }
    }
}
