import { pixels } from "./uploading";
import { test, expect, type Locator, type Page } from "@playwright/test";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { gradientPng } from "./png";
import { signIn, waitForHydration, watchForErrors } from "./session";

/** Signs in, lands on the gallery, and marks this page load (a reload would lose the marker). */
async function openGallery(page: Page): Promise<string[]> {
  const errors = watchForErrors(page);
  await signIn(page);
  await page.evaluate(() => ((window as any).__sameDocument = true));
  return errors;
}

test("an uploaded image appears in the gallery and gets its thumbnail without a reload", async ({ page }) => {
  const errors = await openGallery(page);
  const name = `sunrise-${Date.now()}.png`;

  await page.getByTestId("file-input").setInputFiles({ name, mimeType: "image/png", buffer: gradientPng(960, 640) });
  const row = page.getByTestId("upload-row").filter({ hasText: name });
  await expect(row).toHaveAttribute("data-state", "done", { timeout: 30_000 });
  await expect(row).toContainText("100%");

  const card = page.getByTestId("asset-card").filter({ hasText: name });
  await expect(card).toBeVisible();
  await expect(card).toHaveAttribute("data-status", "processed", { timeout: 30_000 });
  const thumbnail = card.getByRole("img", { name });
  await expect(thumbnail).toBeVisible();
  // The thumbnail really loaded, sharp: of the sizes made (320 and 640 px on the longest side) the
  // browser took the one wider than the tile is meant to be (about 360 px for this shape).
  await expect.poll(() => pixels(thumbnail)).toEqual([640, 427]);
  expect(await card.locator("source[type='image/webp']").getAttribute("srcset")).toMatch(/ 320w, .* 640w$/);

  expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);

  // Its page: the preview and what is known about it.
  await card.getByRole("link", { name }).click();
  await expect(page.getByTestId("asset-title")).toHaveText(name);
  await expect(page.getByTestId("asset-metadata")).toContainText("960 × 640");
  await expect.poll(() => page.getByTestId("asset-preview").evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(960);
  // Zoom: a double-click enlarges the picture (to its full size, or twice the fitted size when it
  // fits already), another fits it again.
  const preview = page.getByTestId("asset-preview");
  const width = () => preview.evaluate((img: HTMLImageElement) => img.getBoundingClientRect().width);
  const fitted = await width();
  await preview.dblclick();
  await expect(preview).toHaveAttribute("data-zoomed", "true");
  await expect.poll(width).toBeGreaterThanOrEqual(Math.max(960, fitted * 1.5));
  await preview.dblclick();
  await expect(preview).toHaveAttribute("data-zoomed", "false");
  await expect.poll(width).toBe(fitted);
  // The wheel (a trackpad pinch arrives as Ctrl+wheel) zooms around the pointer, without scrolling
  // the page or zooming the browser; scrolling back down fits it again.
  const box = (await preview.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.75, box.y + box.height * 0.25);
  await page.keyboard.down("Control");
  await page.mouse.wheel(0, -100);
  await page.keyboard.up("Control");
  await expect(preview).toHaveAttribute("data-zoomed", "true");
  await expect.poll(width).toBeGreaterThan(fitted * 1.5);
  expect(await page.evaluate(() => window.scrollY)).toBe(0);
  // The spot under the pointer stayed there: the stage scrolled right and down to keep it.
  expect(await page.getByTestId("zoom-stage").evaluate((s) => s.scrollLeft)).toBeGreaterThan(0);
  await page.keyboard.down("Control");
  await page.mouse.wheel(0, 400);
  await page.keyboard.up("Control");
  await expect(preview).toHaveAttribute("data-zoomed", "false");
  // From the keyboard: + zooms in, 0 fits.
  await page.keyboard.press("+");
  await expect(preview).toHaveAttribute("data-zoomed", "true");
  await expect.poll(width).toBeGreaterThan(fitted * 1.4);
  await page.keyboard.press("0");
  await expect(preview).toHaveAttribute("data-zoomed", "false");
  expect(errors).toEqual([]);
});

test("a text file disguised as an image is refused with a clear message", async ({ page }) => {
  const errors = await openGallery(page);
  const name = `notes-${Date.now()}.jpg`;

  await page.getByTestId("file-input").setInputFiles({ name, mimeType: "image/jpeg", buffer: Buffer.from("not a photo at all\n") });

  const row = page.getByTestId("upload-row").filter({ hasText: name });
  await expect(row).toHaveAttribute("data-state", "failed");
  await expect(row.getByTestId("upload-error")).toContainText(`“${name}” is not an image: its content looks like plain text`);
  await expect(page.getByTestId("asset-card").filter({ hasText: name })).toHaveCount(0);
  // The refusal itself is the only failed request.
  expect(errors.filter((e) => !e.includes("415"))).toEqual([]);
});

/** A large file on disk (a PDF signature, then noise), so uploads take long enough to interrupt. */
function bigFile(megabytes: number): string {
  const dir = mkdtempSync(join(tmpdir(), "dam-e2e-big-"));
  const path = join(dir, `archive-${Date.now()}.pdf`);
  const bytes = randomBytes(megabytes << 20);
  bytes.write("%PDF-1.7\n", 0, "latin1");
  writeFileSync(path, bytes);
  return path;
}

const percentOf = async (row: Locator) => Number((await row.textContent())?.match(/(\d+)% of/)?.[1] ?? "0");

test("an upload can be paused and resumed, and continues after the page is reloaded", async ({ page }) => {
  const errors = await openGallery(page);
  const file = bigFile(160);
  const name = basename(file);
  // Slow the requests down as a real network would, so there is time to press the buttons.
  await page.route("**/api/uploads/**", async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 400));
    await route.continue();
  });

  await page.getByTestId("file-input").setInputFiles(file);
  const row = page.getByTestId("upload-row").filter({ hasText: name });
  await expect.poll(() => percentOf(row)).toBeGreaterThan(0);
  await row.getByRole("button", { name: "Pause" }).click();
  await expect(row).toHaveAttribute("data-state", "paused");
  const paused = await percentOf(row);
  await page.waitForTimeout(1000);
  expect(await percentOf(row)).toBe(paused);
  await row.getByRole("button", { name: "Resume" }).click();
  await expect(row).toHaveAttribute("data-state", "uploading");
  await expect.poll(() => percentOf(row)).toBeGreaterThan(paused);

  // Leave mid-way; adding the same file again continues where the server stands.
  await page.reload();
  await waitForHydration(page);
  // Where each request after the reload starts sending: the first must not start from nothing.
  const offsets: number[] = [];
  page.on("request", (r) => {
    if (r.method() === "PATCH" && r.url().includes("/api/uploads/")) offsets.push(Number(r.headers()["upload-offset"]));
  });
  await page.getByTestId("file-input").setInputFiles(file);
  const again = page.getByTestId("upload-row").filter({ hasText: name });
  await expect.poll(() => percentOf(again)).toBeGreaterThanOrEqual(paused);
  await expect(again).toHaveAttribute("data-state", "done", { timeout: 60_000 });
  expect(offsets.length, "the upload sent its remaining bytes").toBeGreaterThan(0);
  expect(offsets[0], "the upload continued where the server stood").toBeGreaterThan(0);
  await expect(page.getByTestId("asset-card").filter({ hasText: name })).toHaveCount(1);
  rmSync(dirname(file), { recursive: true });
  expect(errors).toEqual([]);
});
