//! Documents: a PDF gets its page count and a picture of its first page; other documents are
//! stored and listed; damaged PDFs fail with a reason; programs and markup are refused.

mod common;

use common::{derivative_size, spawn_app};
use domain::dto::{AssetKind, AssetStatus, DerivativeKind, UploadReport};

/// A PDF of `pages` A4 pages, each filled with one colour (RGB 0–1), written by hand so the test
/// needs no PDF library.
fn pdf(pages: usize, rgb: (f32, f32, f32)) -> Vec<u8> {
    let content = format!("{} {} {} rg 40 40 515 762 re f", rgb.0, rgb.1, rgb.2);
    let first_page = 4; // objects 1 catalog, 2 pages, 3 content, then one per page
    let kids: Vec<String> = (0..pages).map(|i| format!("{} 0 R", first_page + i)).collect();
    let mut objects = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        format!("<< /Type /Pages /Kids [{}] /Count {pages} >>", kids.join(" ")),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
    ];
    objects.extend(
        (0..pages).map(|_| "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>".to_owned()),
    );
    let mut out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).as_bytes(),
    );
    out
}

#[tokio::test]
async fn pdfs_get_a_first_page_picture_and_a_page_count_and_other_documents_are_listed() {
    let app = spawn_app().await;
    let mut damaged = pdf(2, (0.0, 0.0, 0.0));
    damaged.truncate(40);
    damaged.extend_from_slice(&[0x5a; 200]);
    let empty_zip = [b"PK\x05\x06".as_slice(), &[0u8; 18]].concat();
    let files = [
        ("catalogue.pdf", pdf(3, (0.2, 0.4, 0.8))),
        ("damaged.pdf", damaged),
        ("prices.csv", b"sku,price\nA-1,9.90\n".to_vec()),
        ("bundle.zip", empty_zip),
    ];
    let response = app.upload(&files.iter().map(|(n, b)| (*n, b.clone())).collect::<Vec<_>>()).await;
    assert_eq!(response.status(), 201);
    let report: UploadReport = response.json().await.unwrap();
    let id = |name: &str| report.accepted.iter().find(|a| a.filename == name).unwrap().id;

    let catalogue = app.wait_until_settled(id("catalogue.pdf")).await;
    assert_eq!(
        (catalogue.kind, catalogue.status),
        (AssetKind::Document, AssetStatus::Processed),
        "{:?}",
        catalogue.failure_reason
    );
    assert_eq!(catalogue.metadata["document"]["pages"], 3);
    assert!(catalogue.metadata["document"]["page_size"].as_str().unwrap().contains("A4"), "{}", catalogue.metadata);
    // A4 is portrait: the long side is the height.
    assert_eq!(derivative_size(&catalogue, DerivativeKind::Thumbnail, "jpg"), (226, 320));
    assert_eq!(derivative_size(&catalogue, DerivativeKind::Preview, "webp"), (1131, 1600));
    let thumbnail = app
        .client
        .get(catalogue.thumbnail_url.clone().map(|u| app.url(&u)).unwrap())
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let page = image::load_from_memory(&thumbnail).unwrap().into_rgb8();
    let centre = page.get_pixel(113, 160).0;
    assert!(centre[2] > 150 && centre[0] < 100, "the page is drawn in its own colour: {centre:?}");

    let damaged = app.wait_until_settled(id("damaged.pdf")).await;
    assert_eq!(damaged.status, AssetStatus::Failed);
    assert!(damaged.failure_reason.as_deref().unwrap().contains("damaged"), "{:?}", damaged.failure_reason);

    for (name, mime) in [("prices.csv", "text/csv"), ("bundle.zip", "application/zip")] {
        let asset = app.wait_until_settled(id(name)).await;
        assert_eq!(
            (asset.kind, asset.status, asset.mime.as_str()),
            (AssetKind::Document, AssetStatus::Processed, mime),
            "{name}"
        );
        assert!(asset.derivatives.is_empty(), "{name} has nothing to draw");
        let original = app.client.get(app.url(&asset.original_url)).send().await.unwrap();
        assert_eq!(original.bytes().await.unwrap().len() as i64, asset.size, "{name} downloads whole");
    }

    // The worker kept serving: an image after the documents is processed too.
    let later: UploadReport = app.upload(&[("after.png", common::png(64, 48))]).await.json().await.unwrap();
    assert_eq!(app.wait_until_settled(later.accepted[0].id).await.status, AssetStatus::Processed);
    app.cleanup().await;
}

#[tokio::test]
async fn programs_markup_and_disguised_documents_are_refused() {
    let app = spawn_app().await;
    let mut elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0\x3e\0".to_vec();
    elf.resize(256, 0);
    for (name, bytes, expected) in [
        ("tool.pdf", elf, "application/x-executable"),
        ("flyer.jpg", pdf(1, (1.0, 0.0, 0.0)), "is not an image: its content looks like application/pdf"),
        ("clip.mp4", b"just some words".to_vec(), "is not a video: its content looks like plain text"),
        ("notes.txt", b"<svg onload=alert(1)></svg>".to_vec(), "markup"),
    ] {
        let response = app.upload(&[(name, bytes)]).await;
        assert_eq!(response.status(), 415, "{name}");
        let body: serde_json::Value = response.json().await.unwrap();
        let message = body["detail"].as_str().unwrap();
        assert!(message.starts_with(&format!("“{name}”")) && message.contains(expected), "{name}: {message}");
    }
    assert!(app.stored_files("originals").is_empty());
    app.cleanup().await;
}
