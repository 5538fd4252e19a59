import { expect, type Page } from "@playwright/test";

export const admin = { email: "admin@e2e.test", password: "e2e admin password" };

/** Collects what would show a broken page: script errors, console errors, failed requests. */
export function watchForErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("response", (r) => r.status() >= 400 && errors.push(`${r.status()} ${r.url()}`));
  return errors;
}

export async function waitForHydration(page: Page) {
  await expect(page.locator("body[data-hydrated=true]")).toBeAttached();
}

/** Signs in through the sign-in form and lands on the library. */
export async function signIn(page: Page, who: { email: string; password: string } = admin) {
  await page.goto("/login");
  await waitForHydration(page);
  await page.getByLabel("E-mail").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId("signed-in-as")).toContainText(who.email);
  await waitForHydration(page);
}

/** Signs in through the JSON API (the session cookie lands in the page's context) and opens the
 * library: for people whose e-mail the form's `type=email` check would not let through. */
export async function signInThroughApi(page: Page, who: { email: string; password: string }) {
  await page.goto("/login");
  const response = await page.request.post("/api/auth/login", {
    data: { email: who.email, password: who.password },
    headers: { origin: new URL(page.url()).origin },
  });
  expect(response.status(), await response.text()).toBe(200);
  await page.goto("/");
  await expect(page.getByTestId("signed-in-as")).toContainText(who.email);
  await waitForHydration(page);
}
