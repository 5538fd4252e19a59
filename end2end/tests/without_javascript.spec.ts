import { test, expect, type Browser, type Page } from "@playwright/test";
import { gradientPng } from "./png";
import { uploadAll, cards } from "./uploading";
import { signIn } from "./session";

// A press that lands before the page is interactive (slow phone, busy laptop) must not be lost:
// these forms post by themselves and the server sends the browser back. Checked with JavaScript
// off, which is the same situation for as long as it lasts.

/** The signed-in person's session in a browser that runs no JavaScript. */
async function withoutJavaScript(browser: Browser, page: Page): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled: false, storageState: await page.context().storageState() });
  return context.newPage();
}

test("Discard on the dashboard moves a failed asset to the trash without JavaScript", async ({ page, browser }) => {
  await signIn(page);
  const name = `nojs${Date.now()}-broken.png`;
  // Content of its own: the same bytes as another test's upload would be that asset again.
  const whole = gradientPng(403, 307);
  await page.getByTestId("file-input").setInputFiles({ name, mimeType: "image/png", buffer: whole.subarray(0, Math.floor(whole.length / 2)) });
  await expect(page.getByTestId("asset-card").filter({ hasText: name })).toHaveAttribute("data-status", "failed", { timeout: 30_000 });

  const plain = await withoutJavaScript(browser, page);
  await plain.goto("/admin");
  const failed = plain.getByTestId("failed-asset").filter({ hasText: name });
  await expect(failed).toHaveCount(1);
  await failed.getByTestId("failed-discard").click();
  // Back on the dashboard (the framework leaves an empty query behind).
  await expect(plain).toHaveURL(/\/admin\??$/);
  await expect(plain.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  await expect(plain.getByTestId("failed-asset").filter({ hasText: name })).toHaveCount(0);
  await plain.context().close();
});

test("a new version uploads from the asset page without JavaScript", async ({ page, browser }) => {
  await signIn(page);
  const name = `nojs${Date.now()}-poster.png`;
  await uploadAll(page, [{ name, width: 331, height: 221 }]);
  await page.getByTestId("search-input").fill(name);
  await expect(cards(page)).toHaveCount(1);
  const href = await cards(page).first().getByRole("link", { name }).getAttribute("href");

  const plain = await withoutJavaScript(browser, page);
  await plain.goto(href!);
  await expect(plain.getByTestId("version")).toHaveCount(1);
  await plain.getByTestId("version-file").setInputFiles({ name: `${name}-v2.png`, mimeType: "image/png", buffer: gradientPng(333, 223) });
  await plain.getByTestId("version-upload").click();
  await expect(plain).toHaveURL(new RegExp(`${href}\\??$`));
  await expect(plain.getByTestId("version")).toHaveCount(2);
  await expect(plain.getByTestId("version").first()).toContainText("current");
  await plain.context().close();
});
