import { expect, type Locator, type Page } from "@playwright/test";
import { gradientPng } from "./png";

/** Uploads PNGs through the gallery's queue and waits until each card is processed; returns the
 * bytes uploaded, in order. */
export async function uploadAll(page: Page, files: { name: string; width: number; height: number }[]): Promise<Buffer[]> {
  const buffers = files.map((f) => gradientPng(f.width, f.height));
  await page.getByTestId("file-input").setInputFiles(files.map((f, i) => ({ name: f.name, mimeType: "image/png", buffer: buffers[i] })));
  for (const f of files) {
    await expect(page.getByTestId("upload-row").filter({ hasText: f.name })).toHaveAttribute("data-state", "done", { timeout: 30_000 });
    await expect(page.getByTestId("asset-card").filter({ hasText: f.name })).toHaveAttribute("data-status", "processed", { timeout: 30_000 });
  }
  return buffers;
}

export const cards = (page: Page) => page.getByTestId("asset-card");

/** The pixel size of the file an <img> shows (its `naturalWidth` is scaled by `srcset`'s density). */
export async function pixels(img: Locator): Promise<[number, number]> {
  return img.evaluate(async (i: HTMLImageElement) => {
    if (!i.currentSrc) return [0, 0];
    const copy = new Image();
    copy.src = i.currentSrc;
    await copy.decode();
    return [copy.naturalWidth, copy.naturalHeight];
  });
}
