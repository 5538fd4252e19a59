import { test, expect, type Page } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { signIn, watchForErrors } from "./session";
import { pixels } from "./uploading";

/** A short clip made with the ffmpeg command line (installed by `make setup`). */
function clip(width: number, height: number, seconds: number): Buffer {
  const dir = mkdtempSync(join(tmpdir(), "dam-e2e-"));
  const out = join(dir, "clip.mp4");
  execFileSync("ffmpeg", [
    "-y", "-loglevel", "error",
    "-f", "lavfi", "-i", `testsrc2=size=${width}x${height}:rate=25`,
    "-f", "lavfi", "-i", "sine=frequency=440",
    "-t", String(seconds), "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", out,
  ]);
  const bytes = readFileSync(out);
  rmSync(dir, { recursive: true });
  return bytes;
}

/** A one-page A4 PDF in one colour, written by hand. */
function onePagePdf(): Buffer {
  const content = "0.9 0.2 0.2 rg 40 40 515 762 re f";
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>",
  ];
  let out = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, "0")} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, "latin1");
}

async function upload(page: Page, name: string, mimeType: string, buffer: Buffer) {
  await page.getByTestId("file-input").setInputFiles({ name, mimeType, buffer });
  const card = page.getByTestId("asset-card").filter({ hasText: name });
  await expect(card).toHaveAttribute("data-status", "processed", { timeout: 60_000 });
  return card;
}

test("a video plays on its page from its renditions, with its poster", async ({ page }) => {
  const errors = watchForErrors(page);
  await signIn(page);
  const name = `launch-${Date.now()}.mp4`;
  const card = await upload(page, name, "video/mp4", clip(1280, 720, 2));
  // The poster's thumbnail, the 640 px one for a tile about 430 px wide.
  await expect.poll(async () => (await pixels(card.getByRole("img", { name })))[0]).toBe(640);

  await card.getByRole("link", { name }).click();
  const video = page.getByTestId("asset-video");
  await expect(video).toBeVisible();
  await expect(video.locator("source")).toHaveCount(1); // 720p only: the source is 720 on its short side
  await expect(video).toHaveAttribute("poster", /\/poster/);
  await video.evaluate((v: HTMLVideoElement) => { v.muted = true; return v.play(); });
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 15_000 }).toBeGreaterThan(0.3);
  expect(await video.evaluate((v: HTMLVideoElement) => [v.videoWidth, v.videoHeight])).toEqual([1280, 720]);
  expect(errors).toEqual([]);
});

test("a PDF shows its first page and page count; other documents show a type icon", async ({ page }) => {
  const errors = watchForErrors(page);
  await signIn(page);
  const pdfName = `brochure-${Date.now()}.pdf`;
  const pdf = await upload(page, pdfName, "application/pdf", onePagePdf());
  // A4 portrait: 320 px tall.
  await expect.poll(async () => (await pixels(pdf.getByRole("img", { name: pdfName })))[1]).toBe(320);

  const csvName = `prices-${Date.now()}.csv`;
  const csv = await upload(page, csvName, "text/csv", Buffer.from("sku,price\nA-1,9.90\n"));
  await expect(csv.getByRole("img", { name: "CSV file" })).toBeVisible();

  await pdf.getByRole("link", { name: pdfName }).click();
  await expect(page.getByTestId("asset-metadata")).toContainText("Pages");
  await expect(page.getByTestId("asset-metadata")).toContainText("PDF document");
  await expect.poll(() => page.getByTestId("asset-preview").evaluate((img: HTMLImageElement) => img.naturalHeight)).toBe(1600);
  // The stage says which page this is and offers the file.
  await expect(page.getByTestId("document-pages")).toContainText("First of 1 page");
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download the document" }).click()]);
  expect(file.suggestedFilename()).toBe(pdfName);
  expect(errors).toEqual([]);
});

test("a full HD video offers its renditions by quality and switches where it is", async ({ page }) => {
  const errors = watchForErrors(page);
  await signIn(page);
  const name = `keynote-${Date.now()}.mp4`;
  const card = await upload(page, name, "video/mp4", clip(1920, 1080, 2));
  await card.getByRole("link", { name }).click();
  const video = page.getByTestId("asset-video");
  await expect(video.locator("source")).toHaveCount(2);
  const quality = page.getByTestId("video-quality");
  await expect(quality.locator("option")).toHaveText(["Automatic", "1080p", "720p"]);
  await quality.selectOption("1080p");
  await video.evaluate((v: HTMLVideoElement) => { v.muted = true; return v.play(); });
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.videoWidth), { timeout: 15_000 }).toBe(1920);
  await quality.selectOption("720p");
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.videoWidth), { timeout: 15_000 }).toBe(1280);
  expect(await video.evaluate((v: HTMLVideoElement) => v.currentSrc)).toContain("720p");
  expect(errors).toEqual([]);
});
