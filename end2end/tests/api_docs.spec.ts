import { expect, test } from "@playwright/test";
import { signIn, watchForErrors } from "./session";

// The API reference at /api/docs is served by the DAM itself: it renders every operation of the
// generated document under the page's own content security policy, with nothing fetched from
// another host, and "Try it out" works with the browser's session.
test("the API reference lists every operation offline and tries one with the session", async ({ page }) => {
  const errors = watchForErrors(page);
  const hosts = new Set<string>();
  page.on("request", (r) => hosts.add(new URL(r.url()).host));
  const violations: string[] = [];
  page.on("console", (m) => m.text().includes("Content Security Policy") && violations.push(m.text()));

  await signIn(page);
  const document = await (await page.request.get("/api/openapi.json")).json();
  const operations = Object.values(document.paths).flatMap((item: any) => Object.values(item)) as any[];
  expect(operations.length).toBeGreaterThan(30);

  await page.goto("/api/docs");
  await expect(page.locator(".swagger-ui .info .title")).toContainText("DAM API");
  // Every operation is listed by its summary.
  for (const operation of operations) {
    await expect(page.locator(".opblock-summary-description", { hasText: operation.summary }).first()).toBeAttached();
  }

  // Try one: listing collections with this browser's session cookie.
  const block = page.locator("#operations-collections-list_collections");
  await block.locator(".opblock-summary").click();
  await block.getByRole("button", { name: "Try it out" }).click();
  await block.getByRole("button", { name: "Execute" }).click();
  await expect(block.locator(".live-responses-table tbody .response-col_status").first()).toHaveText("200");

  expect([...hosts]).toEqual([new URL(page.url()).host]);
  expect(violations).toEqual([]);
  expect(errors).toEqual([]);
});
