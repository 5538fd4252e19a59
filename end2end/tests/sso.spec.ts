import { test, expect, type Page } from "@playwright/test";
import { waitForHydration, watchForErrors } from "./session";

/** Goes through the OpenID provider's own login and consent pages. */
async function throughTheProvider(page: Page, login: string) {
  await page.goto("/login");
  await waitForHydration(page);
  await page.getByRole("link", { name: "Sign in with SSO" }).click();
  await expect(page).toHaveURL(/^http:\/\/localhost:3110\//);
  await page.locator("input[name=login]").fill(login);
  await page.locator("input[name=password]").fill("anything");
  await page.locator("button[type=submit]").click();
  // The provider asks for consent the first time.
  const consent = page.locator("button[type=submit]", { hasText: /continue/i });
  if (await consent.isVisible().catch(() => false)) await consent.click();
}

/** Signs in through the OpenID provider and lands in the library. */
async function signInWithSso(page: Page, login: string) {
  await throughTheProvider(page, login);
  await expect(page).toHaveURL("http://127.0.0.1:3100/");
}

/** Goes through the provider and is sent back to the sign-in page with a reason. */
async function signInWithSsoExpectingRefusal(page: Page, login: string) {
  await throughTheProvider(page, login);
  await expect(page).toHaveURL(/\/login\?sso_error=/);
}

test("single sign-on creates the account with the role from the provider's claim", async ({ page }) => {
  const errors = watchForErrors(page);
  const login = `editor-${Date.now()}`;
  await signInWithSso(page, login);
  await expect(page.getByTestId("signed-in-as")).toHaveText(`${login}@sso.test · editor`);
  await expect(page.getByTestId("file-input")).toBeVisible();
  // The provider's own pages are not ours to judge; ours must load cleanly with the new session.
  errors.length = 0;
  await page.reload();
  await waitForHydration(page);
  await expect(page.getByTestId("signed-in-as")).toContainText("editor");
  expect(errors).toEqual([]);
});

test("single sign-on without a role claim gives the default role", async ({ page }) => {
  const login = `guest-${Date.now()}`;
  await signInWithSso(page, login);
  await expect(page.getByTestId("signed-in-as")).toHaveText(`${login}@sso.test · viewer`);
  await expect(page.getByTestId("file-input")).toHaveCount(0);
});

test("a forged callback is refused with an explanation", async ({ page }) => {
  await page.goto("/auth/oidc/callback?code=forged&state=forged");
  await expect(page).toHaveURL(/\/login\?sso_error=/);
  await expect(page.getByTestId("sso-error")).toContainText("please try again");
});

test("an e-mail the provider has not verified signs nobody in and links nothing", async ({ page }) => {
  // The e2e admin's own address, asserted but not verified by the provider.
  await signInWithSsoExpectingRefusal(page, `unverified-${Date.now()}~admin@e2e.test`);
  await expect(page.getByTestId("sso-error")).toContainText("has not verified");
  // The local account is untouched: its password still works, and it is not linked.
  await page.goto("/login");
  await waitForHydration(page);
  await page.getByLabel("E-mail").fill("admin@e2e.test");
  await page.getByLabel("Password").fill("e2e admin password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByTestId("signed-in-as")).toHaveText("admin@e2e.test · admin");
  const me = await (await page.request.get("/api/auth/me")).json();
  expect(me.sso).toBe(false);
});

test("an account linked to one identity is never taken over by another with the same e-mail", async ({ page, browser }) => {
  const email = `shared-${Date.now()}@sso.test`;
  await signInWithSso(page, `first-${Date.now()}~${email}`);
  await expect(page.getByTestId("signed-in-as")).toHaveText(`${email} · viewer`);

  const other = await (await browser.newContext()).newPage();
  await signInWithSsoExpectingRefusal(other, `second-${Date.now()}~${email}`);
  await expect(other.getByTestId("sso-error")).toContainText("linked to another single sign-on identity");
  // The first identity still signs in to it.
  await page.reload();
  await expect(page.getByTestId("signed-in-as")).toHaveText(`${email} · viewer`);
});
