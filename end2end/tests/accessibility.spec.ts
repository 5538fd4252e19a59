import { test, expect, type Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import { gradientPng } from "./png";
import { signIn, waitForHydration } from "./session";

// axe-core (an accessibility engine nobody here wrote) on every page, in the light and the dark
// theme: no serious or critical violation of WCAG 2 A/AA (contrast, names of controls, landmarks…).
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

async function violations(page: Page): Promise<string[]> {
  // Evaluated through the debugging protocol: the page's own CSP rightly refuses inline scripts.
  await page.evaluate(axeSource);
  const found = await page.evaluate(async () => {
    const result = await (window as any).axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
    const serious = result.violations
      .filter((v: any) => v.impact === "serious" || v.impact === "critical")
      .map((v: any) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n: any) => n.target.join(" ")).join(" | ")}`);
    return { serious, checked: result.passes.length, minor: result.violations.length - serious.length };
  });
  // An engine that checked nothing would pass every page.
  expect(found.checked, "axe ran its rules").toBeGreaterThan(10);
  if (process.env.A11Y_VERBOSE) console.log(`${page.url()}: ${found.checked} rules passed, ${found.minor} minor findings`);
  return found.serious;
}

test("every page has no serious accessibility violation, in both themes", async ({ page, browser }) => {
  test.setTimeout(180_000);
  await signIn(page);
  const origin = new URL(page.url()).origin;
  const post = async (path: string, data: unknown) => {
    const r = await page.request.post(path, { data, headers: { origin } });
    expect(r.status(), `${path}: ${await r.text()}`).toBeLessThan(300);
    return r.json();
  };
  const r = await page.request.post("/api/assets", {
    headers: { origin },
    multipart: { files: { name: `a11y-${Date.now()}.png`, mimeType: "image/png", buffer: gradientPng(301, 199) } },
  });
  const asset = (await r.json()).accepted[0].id as string;
  await expect.poll(async () => (await (await page.request.get(`/api/assets/${asset}`)).json()).status, { timeout: 30_000 }).toBe("processed");
  const collection = await post("/api/collections", { name: `A11y ${Date.now()}`, description: "Checked" });
  await post(`/api/collections/${collection.id}/assets`, { assets: [asset] });
  const link = await post("/api/shares", { asset_id: asset, expires_at: new Date(Date.now() + 86_400_000).toISOString() });

  const signedIn = ["/", `/assets/${asset}`, `/?collection=${collection.id}`, "/collections", "/trash", "/settings", "/admin", "/admin/users", "/admin/audit"];
  const visitor = await (await browser.newContext()).newPage();
  const found: string[] = [];
  for (const theme of ["light", "dark"] as const) {
    for (const [who, path] of [...signedIn.map((p) => [page, p] as const), [visitor, link.path] as const, [visitor, "/login"] as const]) {
      await who.emulateMedia({ colorScheme: theme });
      await who.goto(path);
      await waitForHydration(who);
      await who.waitForLoadState("networkidle");
      for (const v of await violations(who)) found.push(`${theme} ${path}: ${v}`);
    }
  }
  expect(found).toEqual([]);
});
