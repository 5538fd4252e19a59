import { test, expect, type Page } from "@playwright/test";
import { gradientPng } from "./png";
import { signIn, watchForErrors } from "./session";

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
  // The thumbnail really loaded, at 320 px on its longest side.
  await expect.poll(() => thumbnail.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(320);
  expect(await thumbnail.evaluate((img: HTMLImageElement) => img.naturalHeight)).toBe(213);

  expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);

  // Its page: the preview and what is known about it.
  await card.getByRole("link", { name }).click();
  await expect(page.getByTestId("asset-title")).toHaveText(name);
  await expect(page.getByTestId("asset-metadata")).toContainText("960 × 640");
  await expect.poll(() => page.getByTestId("asset-preview").evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(960);
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
