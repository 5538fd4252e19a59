import { expect, type Page } from "@playwright/test";
import { gradientPng } from "./png";

/** Uploads PNGs through the gallery's queue and waits until each card is processed. */
export async function uploadAll(page: Page, files: { name: string; width: number; height: number }[]) {
  await page.getByTestId("file-input").setInputFiles(files.map((f) => ({ name: f.name, mimeType: "image/png", buffer: gradientPng(f.width, f.height) })));
  for (const f of files) {
    await expect(page.getByTestId("upload-row").filter({ hasText: f.name })).toHaveAttribute("data-state", "done", { timeout: 30_000 });
    await expect(page.getByTestId("asset-card").filter({ hasText: f.name })).toHaveAttribute("data-status", "processed", { timeout: 30_000 });
  }
}

export const cards = (page: Page) => page.getByTestId("asset-card");
