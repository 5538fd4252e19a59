import { test, expect, type Page } from "@playwright/test";
import { waitForHydration, watchForErrors } from "./session";

/** Signs in through the OpenID provider's own login and consent pages. */
async function signInWithSso(page: Page, login: string) {
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
  await expect(page).toHaveURL("http://127.0.0.1:3100/");
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
