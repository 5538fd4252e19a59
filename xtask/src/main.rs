//! `cargo run -p xtask -- wasm [--release]`: builds the hydrating WASM bundle into
//! `$SITE_ROOT/pkg` (default `target/site/pkg`), as cargo-leptos would, without downloading
//! anything: the bindings come from the `wasm-bindgen-cli-support` crate pinned to the same version
//! as `wasm-bindgen` in Cargo.lock.

use std::{env, path::PathBuf, process::Command};

use anyhow::{bail, Context, Result};

const OUTPUT_NAME: &str = "dam";

fn main() -> Result<()> {
    let args: Vec<String> = env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("wasm") => build_wasm(args.iter().any(|a| a == "--release")),
        _ => bail!("usage: cargo run -p xtask -- wasm [--release]"),
    }
}

fn build_wasm(release: bool) -> Result<()> {
    let target_root = env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("target"));
    // A separate target dir: the browser build has other flags, and sharing one would make the two
    // builds invalidate each other's dependencies.
    let front_dir = target_root.join("front");
    let site_root = PathBuf::from(env::var("SITE_ROOT").unwrap_or_else(|_| "target/site".into()));
    let profile = if release { "wasm-release" } else { "dev" };

    let status = Command::new(env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([
            "build",
            "-p",
            "app",
            "--lib",
            "--target",
            "wasm32-unknown-unknown",
            "--features",
            "hydrate",
            "--profile",
            profile,
        ])
        .arg("--target-dir")
        .arg(&front_dir)
        .status()
        .context("running cargo for the WASM build")?;
    if !status.success() {
        bail!("the WASM build failed");
    }

    let profile_dir = if release { "wasm-release" } else { "debug" };
    let wasm = front_dir.join("wasm32-unknown-unknown").join(profile_dir).join("app.wasm");
    let pkg = site_root.join("pkg");
    std::fs::create_dir_all(&pkg)?;
    // A hashed bundle (style/bundle.mjs) from an earlier build would otherwise be served instead.
    let _ = std::fs::remove_file(pkg.join("bundle.txt"));
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&wasm)
        .out_name(OUTPUT_NAME)
        .web(true)?
        .typescript(false)
        .generate(&pkg)
        .with_context(|| format!("generating bindings for {}", wasm.display()))?;
    // Leptos' hydration script loads `<name>.wasm`, wasm-bindgen writes `<name>_bg.wasm`.
    std::fs::rename(pkg.join(format!("{OUTPUT_NAME}_bg.wasm")), pkg.join(format!("{OUTPUT_NAME}.wasm")))?;
    println!("browser bundle written to {}", pkg.display());
    Ok(())
}
