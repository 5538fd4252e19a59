import { test, expect } from "@playwright/test";
import { signIn, watchForErrors } from "./session";
import { cards, uploadAll } from "./uploading";

test("the viewer opens from the gallery and moves through it with the keyboard", async ({ page }) => {
  const errors = watchForErrors(page);
  await signIn(page);
  const stamp = `v${Date.now()}`;
  const names = [`${stamp} one.png`, `${stamp} two.png`, `${stamp} three.png`];
  await uploadAll(page, names.map((name, i) => ({ name, width: 300 + i, height: 200 })));
  await page.getByTestId("search-input").fill(stamp);
  await expect(cards(page)).toHaveCount(3);
  const order = await cards(page).evaluateAll((els) => els.map((e) => e.getAttribute("data-asset-id")));
  const galleryUrl = page.url();

  await cards(page).nth(1).getByRole("link").click();
  await expect(page).toHaveURL(new RegExp(`/assets/${order[1]}$`));
  await expect(page.getByTestId("viewer")).toBeVisible();

  await page.keyboard.press("ArrowRight");
  await expect(page).toHaveURL(new RegExp(`/assets/${order[2]}$`));
  await expect(page.getByTestId("viewer-next")).toHaveCount(0); // the last one
  await page.keyboard.press("ArrowLeft");
  await expect(page).toHaveURL(new RegExp(`/assets/${order[1]}$`));
  await expect(page.getByTestId("viewer-previous")).toBeVisible();
  await page.keyboard.press("ArrowLeft");
  await expect(page).toHaveURL(new RegExp(`/assets/${order[0]}$`));
  await expect(page.getByTestId("viewer-previous")).toHaveCount(0);
  await page.getByTestId("viewer-next").click();
  await expect(page).toHaveURL(new RegExp(`/assets/${order[1]}$`));

  // `i` folds the info panel away and brings it back.
  await expect(page.getByTestId("asset-metadata")).toBeVisible();
  await page.keyboard.press("i");
  await expect(page.getByTestId("asset-metadata")).toBeHidden();
  await page.keyboard.press("i");
  await expect(page.getByTestId("asset-metadata")).toBeVisible();

  // The download menu names each file in words.
  await page.getByTestId("download-menu").locator("summary").click();
  await expect(page.getByTestId("download-menu")).toContainText(/Original · PNG · [\d.]+ (B|KB)/);
  await expect(page.getByTestId("download-menu")).toContainText("Thumbnail · WEBP");

  // Esc goes back to the same search.
  await page.keyboard.press("Escape"); // closes the menu
  await expect(page.getByTestId("download-menu").getByRole("link").first()).toBeHidden();
  await expect(page).toHaveURL(new RegExp(`/assets/${order[1]}$`));
  await page.keyboard.press("Escape");
  await expect(page).toHaveURL(galleryUrl);
  await expect(cards(page)).toHaveCount(3);
  expect(errors).toEqual([]);
});

test("a viewer opened directly has no neighbours and closes to the library", async ({ page }) => {
  await signIn(page);
  const href = await cards(page).first().getByRole("link").getAttribute("href");
  await page.evaluate(() => sessionStorage.clear());
  await page.goto(href!);
  await expect(page.getByTestId("viewer")).toBeVisible();
  await expect(page.getByTestId("viewer-next")).toHaveCount(0);
  await expect(page.getByTestId("viewer-close")).toHaveAttribute("href", "/");
});

test("a dialog opened from the dark viewer keeps the page's light theme and sits in the middle", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "light" });
  await signIn(page);
  await cards(page).first().getByRole("link").click();
  await expect(page.getByTestId("viewer")).toBeVisible();
  await page.getByTestId("share-open").click();
  const dialog = page.getByRole("dialog", { name: "Share" });
  await expect(dialog).toBeVisible();
  const seen = await dialog.evaluate((d) => ({
    background: getComputedStyle(d).backgroundColor,
    box: d.getBoundingClientRect().toJSON(),
    width: window.innerWidth,
  }));
  const [r, g, b] = seen.background.match(/\d+/g)!.map(Number);
  expect((r + g + b) / 3, seen.background).toBeGreaterThan(200);
  expect(Math.abs(seen.box.x + seen.box.width / 2 - seen.width / 2)).toBeLessThan(4);
});
