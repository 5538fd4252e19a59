import { test, expect } from "@playwright/test";
import { gradientPng } from "./png";
import { signIn, waitForHydration } from "./session";

// A phone (390×844): no page scrolls sideways, and the navigation folds into a menu.
test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

test("on a phone no page scrolls sideways and the menu reaches every page", async ({ page, browser }) => {
  test.setTimeout(120_000);
  await signIn(page);
  const origin = new URL(page.url()).origin;
  const upload = await page.request.post("/api/assets", {
    headers: { origin },
    multipart: { files: { name: `a-rather-long-file-name-for-a-narrow-screen-${Date.now()}.png`, mimeType: "image/png", buffer: gradientPng(263, 151) } },
  });
  expect(upload.status()).toBe(201);
  const asset = (await upload.json()).accepted[0].id as string;
  const share = await page.request.post("/api/shares", { data: { asset_id: asset, expires_in_days: 1 }, headers: { origin } });
  const link = await share.json();

  const wide: string[] = [];
  const check = async (path: string, p = page) => {
    await p.goto(path);
    await waitForHydration(p);
    const width = await p.evaluate(() => document.documentElement.scrollWidth);
    if (width > 390) wide.push(`${path}: ${width} px`);
  };
  for (const path of ["/", `/assets/${asset}`, "/collections", "/trash", "/settings", "/admin", "/admin/users", "/admin/audit"]) {
    await check(path);
  }
  const visitor = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
  await check(link.path, visitor);
  await check("/login", visitor);
  expect(wide, "pages wider than the phone").toEqual([]);

  // The links are behind the menu, which opens, leads to a page and closes.
  await page.goto("/");
  await waitForHydration(page);
  await expect(page.getByRole("link", { name: "Collections" })).toBeHidden();
  const menu = page.getByTestId("menu-button");
  await menu.click();
  await expect(menu).toHaveAttribute("aria-expanded", "true");
  await page.getByRole("link", { name: "Collections" }).click();
  await expect(page).toHaveURL(/\/collections$/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Collections");
  await expect(menu).toHaveAttribute("aria-expanded", "false");
});
