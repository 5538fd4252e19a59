import { test, expect, type Page } from "@playwright/test";
import { gradientPng } from "./png";
import { uploadAll, cards } from "./uploading";
import { signIn, waitForHydration, watchForErrors } from "./session";

/** Today's number on one of the dashboard's day charts. */
async function today(page: Page, chart: string): Promise<number> {
  return Number(await page.getByTestId(chart).getAttribute("data-today"));
}

test("an admin sees upload and download counts change after uploading and downloading", async ({ page }) => {
  const errors = watchForErrors(page);
  await signIn(page);
  await page.getByRole("link", { name: "Dashboard" }).click();
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  const uploadsBefore = await today(page, "chart-uploads");
  const downloadsBefore = await today(page, "chart-downloads");
  // The charts are drawn on the server: one bar per day for 30 days, each naming its day and
  // number, over a scale that starts at 0.
  const bars = page.getByTestId("chart-uploads").locator("svg .chart-bar");
  await expect(bars).toHaveCount(30);
  await expect(bars.last().locator("title")).toHaveText(new RegExp(`: ${uploadsBefore}$`));
  await expect(page.getByTestId("chart-uploads").locator("svg text").first()).toHaveText("0");
  // Other stretches of days are one click away, in the address.
  await page.getByTestId("range").filter({ hasText: "7 days" }).click();
  await expect(page).toHaveURL(/days=7/);
  await expect(bars).toHaveCount(7);
  await expect(page.getByTestId("range").filter({ hasText: "7 days" })).toHaveAttribute("aria-current", "page");
  await page.goto("/admin?days=90");
  await expect(bars).toHaveCount(90);

  await page.goto("/");
  const name = `db${Date.now()}-chart.png`;
  await uploadAll(page, [{ name, width: 331, height: 223 }]);
  await page.getByTestId("search-input").fill(name);
  await expect(cards(page)).toHaveCount(1);
  await cards(page).first().getByRole("link", { name }).click();
  await page.getByTestId("download-menu").locator("summary").click();
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: /^Original/ }).click()]);
  expect(download.suggestedFilename()).toBe(name);

  await page.goto("/admin");
  expect(await today(page, "chart-uploads")).toBe(uploadsBefore + 1);
  expect(await today(page, "chart-downloads")).toBe(downloadsBefore + 1);
  await expect(page.getByTestId("latest")).toContainText(name);
  expect(errors).toEqual([]);
});

test("an admin sees the queues and workers, and discards a failed asset from the dashboard", async ({ page }) => {
  const errors = watchForErrors(page);
  await signIn(page);
  const name = `broken${Date.now()}.png`;
  const whole = gradientPng(401, 301);
  await page.getByTestId("file-input").setInputFiles({ name, mimeType: "image/png", buffer: whole.subarray(0, Math.floor(whole.length / 2)) });
  await expect(page.getByTestId("asset-card").filter({ hasText: name })).toHaveAttribute("data-status", "failed", { timeout: 30_000 });

  await page.goto("/admin");
  // Discard is a button of the interactive page: pressed before hydration it did nothing (seen once in CI).
  await waitForHydration(page);
  await expect(page.getByTestId("queue-row").and(page.locator("[data-queue=image]"))).toBeVisible();
  await expect(page.getByTestId("worker").first()).toContainText("last heartbeat");
  const failed = page.getByTestId("failed-asset").filter({ hasText: name });
  // With why it failed.
  await expect(failed.locator("span")).not.toBeEmpty();
  await failed.getByTestId("failed-discard").click();
  await expect(failed).toHaveCount(0);
  expect(errors).toEqual([]);
});
