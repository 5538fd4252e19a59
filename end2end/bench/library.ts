import { expect, type Browser, type Page } from "@playwright/test";
import { gradientPng } from "../tests/png";
import { signIn } from "../tests/session";

/** Signs in as the admin and uploads `count` pictures of different shapes, waiting until all are
 * processed; returns the signed-in page and the new assets, newest first. */
export async function seedLibrary(browser: Browser, prefix: string, count = 24): Promise<{ page: Page; assets: any[] }> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page);
  const origin = new URL(page.url()).origin;
  for (let i = 0; i < count; i++) {
    await page.request.post("/api/assets", {
      headers: { origin },
      multipart: { files: { name: `${prefix}-${Date.now()}-${i}.png`, mimeType: "image/png", buffer: gradientPng(400 + 37 * i, 300) } },
    });
  }
  let assets: any[] = [];
  await expect.poll(async () => {
    assets = (await (await page.request.get(`/api/assets?limit=${count}`)).json()).items;
    return assets.every((a: any) => a.status === "processed");
  }, { timeout: 120_000 }).toBe(true);
  return { page, assets };
}
