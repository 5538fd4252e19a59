import { test, expect, type Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import { gradientPng } from "./png";
import { cards, uploadAll } from "./uploading";
import { signIn, waitForHydration, watchForErrors } from "./session";

async function openAsset(page: Page, name: string) {
  await page.getByTestId("search-input").fill(name);
  await expect(cards(page)).toHaveCount(1);
  await cards(page).first().getByRole("link", { name }).click();
  await expect(page.getByTestId("asset-title")).toHaveText(name);
  await waitForHydration(page);
}

test("a share link opens in a fresh browser without an account, behind its password, until it is turned off", async ({ page, browser }) => {
  const errors = watchForErrors(page);
  await signIn(page);
  const name = `sh${Date.now()}-lighthouse.png`;
  const [uploaded] = await uploadAll(page, [{ name, width: 431, height: 257 }]);
  await openAsset(page, name);

  await page.getByTestId("share-open").click();
  const panel = page.getByTestId("share-panel");
  await expect(panel).toBeVisible();
  await panel.getByTestId("share-password").fill("keeper of the light");
  await expect(panel.getByTestId("share-allow-download")).toBeChecked();
  await panel.getByTestId("share-create").click();
  const row = panel.getByTestId("share-link").first();
  await expect(row).toHaveAttribute("data-state", "active");
  const url = (await row.getByTestId("share-url").textContent())!;
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/s\/[\w-]{40,}$/);
  await expect(row.getByTestId("share-state")).toHaveText("Active");
  await expect(row).toContainText("password");
  // Copied with one click.
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  await row.getByTestId("share-copy").click();
  await expect(row.getByTestId("share-copy")).toHaveText("Copied");
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);

  // Someone else, in a browser that has never signed in.
  const visitorContext = await browser.newContext();
  const visitor = await visitorContext.newPage();
  const visitorErrors = watchForErrors(visitor);
  await visitor.goto(url);
  await waitForHydration(visitor);
  await expect(visitor.getByText("This link is protected")).toBeVisible();
  await expect(visitor.getByTestId("signed-in-as")).toHaveCount(0);
  await visitor.getByTestId("share-unlock-password").fill("lighthouse keeper");
  await visitor.getByTestId("share-unlock").click();
  await expect(visitor.getByRole("alert")).toHaveText("wrong password");
  await visitor.getByTestId("share-unlock-password").fill("keeper of the light");
  await visitor.getByTestId("share-unlock").click();
  await expect(visitor.getByTestId("share-title")).toHaveText(name);
  const preview = visitor.getByTestId("share-preview");
  await expect(preview).toBeVisible();
  await expect.poll(() => preview.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  const [download] = await Promise.all([visitor.waitForEvent("download"), visitor.getByTestId("share-download").click()]);
  expect(download.suggestedFilename()).toBe(name);
  expect(readFileSync((await download.path())!)).toEqual(uploaded);

  // Turned off: the visitor's next visit is refused with 410.
  await row.getByTestId("share-revoke").click();
  await expect(row).toContainText("Anyone who has it will no longer open it");
  await row.getByTestId("share-revoke-confirm").click();
  await expect(panel.getByTestId("share-link").first()).toHaveAttribute("data-state", "revoked");
  await expect(panel.getByTestId("share-link").first().getByTestId("share-state")).toHaveText("Off");
  const again = await visitor.goto(url);
  expect(again!.status()).toBe(410);
  await expect(visitor.getByTestId("share-notice")).toContainText("turned off");
  await visitorContext.close();
  expect(errors).toEqual([]);
  // The refusals the visitor saw were the wrong password (403) and the revoked page (410), each
  // also logged by the browser's console; nothing else failed.
  const unexpected = visitorErrors.filter((e) => !/^(403 .*unlock_share|410 )|status of (403|410) /.test(e));
  expect(unexpected).toEqual([]);
  expect(visitorErrors.filter((e) => /^403 /.test(e))).toHaveLength(1);
});

test("originals download from the asset page, a selection as one ZIP, and a new file becomes version 2", async ({ page }) => {
  const errors = watchForErrors(page);
  await signIn(page);
  const stamp = `dl${Date.now()}`;
  const first = `${stamp}-left.png`;
  const second = `${stamp}-right.png`;
  await uploadAll(page, [
    { name: first, width: 311, height: 211 },
    { name: second, width: 313, height: 213 },
  ]);

  await page.getByTestId("search-input").fill(stamp);
  await expect(cards(page)).toHaveCount(2);
  for (const card of await cards(page).all()) {
    await card.getByTestId("select-asset").check();
  }
  const [zip] = await Promise.all([page.waitForEvent("download"), page.getByTestId("bulk-download").click()]);
  expect(zip.suggestedFilename()).toMatch(/^2 assets .*\.zip$/);
  const bytes = readFileSync((await zip.path())!);
  expect(bytes.subarray(0, 2).toString()).toBe("PK");
  for (const name of [first, second]) {
    expect(bytes.includes(Buffer.from(name))).toBe(true);
  }

  // Done with the selection (while something is chosen, a click on a tile chooses rather than opens).
  await page.getByRole("button", { name: "Clear selection" }).click();
  await openAsset(page, first);
  await page.getByTestId("download-menu").locator("summary").click();
  const [original] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: /^Original/ }).click()]);
  expect(original.suggestedFilename()).toBe(first);

  await page.getByTestId("version-file").setInputFiles({ name: `${stamp}-left-retouched.png`, mimeType: "image/png", buffer: gradientPng(317, 217) });
  await page.getByTestId("version-upload").click();
  await expect(page.getByTestId("version-message")).toContainText("Version 2 uploaded");
  await expect(page.getByTestId("version")).toHaveCount(2);
  await expect(page.getByTestId("version").first()).toContainText("current");
  await expect(page.getByTestId("asset-metadata")).toContainText("317 × 217", { timeout: 30_000 });
  expect(errors).toEqual([]);
});
