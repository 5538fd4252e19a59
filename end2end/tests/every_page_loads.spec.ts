import { test, expect, type Page } from "@playwright/test";
import { gradientPng } from "./png";
import { signIn, waitForHydration } from "./session";

// The gate for every page: loaded directly (typed into the address bar, reloaded, opened from a
// bookmark) 30 times in one browser, it renders, becomes interactive and logs no error. Hydration
// failures depend on timing, so one load proves little; thirty catch what happens every few.
const LOADS = 30;

/** Console errors and uncaught exceptions of `page` (failed requests show as console errors too). */
function consoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(`exception: ${e.message}`));
  page.on("console", (m) => m.type() === "error" && errors.push(`console: ${m.text()}`));
  return errors;
}

async function loadRepeatedly(page: Page, path: string, ready: (page: Page) => Promise<void>) {
  const errors = consoleErrors(page);
  for (let i = 0; i < LOADS; i++) {
    const response = await page.goto(path);
    expect(response!.status(), `${path} load ${i + 1}`).toBeLessThan(400);
    await waitForHydration(page);
    await ready(page);
    expect(errors, `${path}, load ${i + 1}`).toEqual([]);
  }
  page.removeAllListeners("console");
  page.removeAllListeners("pageerror");
}

test("every page, loaded directly 30 times, hydrates without a console error", async ({ page, browser }) => {
  test.setTimeout(290_000);
  await signIn(page);
  const origin = new URL(page.url()).origin;
  const post = async (path: string, data: unknown) => {
    const r = await page.request.post(path, { data, headers: { origin } });
    expect(r.status(), `${path}: ${await r.text()}`).toBeLessThan(300);
    return r.json();
  };
  // Something on every page: a processed image in a collection, shared; one asset in the trash.
  const upload = async (width: number) => {
    const r = await page.request.post("/api/assets", {
      headers: { origin },
      multipart: { files: { name: `gate-${Date.now()}-${width}.png`, mimeType: "image/png", buffer: gradientPng(width, 149) } },
    });
    expect(r.status()).toBe(201);
    return (await r.json()).accepted[0].id as string;
  };
  const asset = await upload(257);
  const trashed = await upload(259);
  await expect.poll(async () => (await (await page.request.get(`/api/assets/${asset}`)).json()).status, { timeout: 30_000 }).toBe("processed");
  await page.request.delete(`/api/assets/${trashed}`, { headers: { origin } });
  const collection = await post("/api/collections", { name: `Gate ${Date.now()}`, description: "Every page" });
  await post(`/api/collections/${collection.id}/assets`, { assets: [asset] });
  const link = await post("/api/shares", { asset_id: asset, expires_at: new Date(Date.now() + 86_400_000).toISOString() });

  const heading = (text: string | RegExp) => async (p: Page) => {
    await expect(p.getByRole("heading", { level: 1 }).first()).toContainText(text);
  };
  const started = Date.now();
  const pages: [string, (p: Page) => Promise<void>][] = [
    ["/", async (p) => { await expect(p.getByTestId("asset-card").first()).toBeVisible(); }],
    [`/assets/${asset}`, async (p) => { await expect(p.getByTestId("versions").getByTestId("version")).toHaveCount(1); }],
    [`/?collection=${collection.id}`, async (p) => {
      await expect(p.getByTestId("collection-header")).toContainText(collection.name);
      await expect(p.getByTestId("asset-card")).toHaveCount(1);
    }],
    ["/collections", heading("Collections")],
    ["/trash", heading("Trash")],
    ["/settings", heading("Settings")],
    ["/admin", heading("Dashboard")],
    ["/admin/users", heading("Users")],
    ["/admin/audit", heading("Audit log")],
  ];
  for (const [path, ready] of pages) {
    await test.step(path, () => loadRepeatedly(page, path, ready));
  }
  // Pages for visitors without an account.
  const visitor = await (await browser.newContext()).newPage();
  await test.step(link.path, () => loadRepeatedly(visitor, link.path, async (p) => { await expect(p.getByTestId("share-title")).toBeVisible(); }));
  await test.step("/login", () => loadRepeatedly(visitor, "/login", async (p) => { await expect(p.getByLabel("E-mail")).toBeVisible(); }));
  console.log(`every-page gate: ${pages.length + 2} pages × ${LOADS} loads in ${((Date.now() - started) / 1000).toFixed(0)} s`);
});
