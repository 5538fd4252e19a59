import { test, expect } from "@playwright/test";
import { admin, signIn, waitForHydration, watchForErrors } from "./session";

test("nobody sees the library without signing in, and a wrong password is explained", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);
  await waitForHydration(page);
  await page.getByLabel("E-mail").fill(admin.email);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("alert")).toHaveText("wrong e-mail or password");
  await expect(page).toHaveURL(/\/login$/);
});

test("an admin adds an editor, who signs in, cannot administer, and makes an API token", async ({ page, browser }) => {
  const errors = watchForErrors(page);
  await signIn(page);
  const email = `editor-${Date.now()}@e2e.test`;

  await page.getByRole("link", { name: "Users" }).click();
  await expect(page).toHaveURL(/\/admin\/users$/);
  await waitForHydration(page);
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Role").first().selectOption("editor");
  await page.getByRole("button", { name: "Add user" }).click();
  const password = (await page.getByTestId("generated-password").textContent())!.trim();
  expect(password).toHaveLength(20);
  await expect(page.locator(`[data-testid=user-row][data-email="${email}"]`)).toContainText("editor");
  expect(errors).toEqual([]);

  // The editor, in a browser of their own.
  const context = await browser.newContext();
  const editor = await context.newPage();
  const editorErrors = watchForErrors(editor);
  await signIn(editor, { email, password });
  await expect(editor.getByRole("link", { name: "Users" })).toHaveCount(0);
  await expect(editor.getByTestId("file-input")).toBeVisible(); // editors may upload

  const forbidden = await editor.goto("/admin/users");
  expect(forbidden!.status()).toBe(403);
  await expect(editor.getByRole("alert")).toHaveText("You do not have access to this page.");
  editorErrors.length = 0; // that 403 was the point; from here on nothing may fail

  await editor.goto("/settings");
  await waitForHydration(editor);
  await editor.getByLabel("Name").fill("my script");
  await editor.getByRole("button", { name: "Create token" }).click();
  const secret = (await editor.getByTestId("new-token-secret").textContent())!.trim();
  expect(secret).toMatch(/^dam_pat_/);
  await expect(editor.getByTestId("token-list")).toContainText("my script");
  const me = await editor.request.get("/api/auth/me", { headers: { authorization: `Bearer ${secret}` } });
  expect((await me.json()).email).toBe(email);
  expect(editorErrors).toEqual([]);
  await context.close();

  // The admin finds both events in the audit log.
  await page.goto("/admin/audit?action=user.create");
  await expect(page.getByTestId("audit-list")).toContainText(email);
  await page.goto("/admin/audit?action=token.create");
  await expect(page.getByTestId("audit-list")).toContainText(email);
});

test("signing out ends the session", async ({ page }) => {
  await signIn(page);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto("/settings");
  await expect(page).toHaveURL(/\/login$/);
});

test("making someone an admin says what it means and asks for the acting admin's own password", async ({ page }) => {
  const errors = watchForErrors(page);
  await signIn(page);
  const email = `promoted-${Date.now()}@e2e.test`;
  const created = await page.request.post("/api/users", {
    headers: { origin: new URL(page.url()).origin },
    data: { email, role: "editor", password: "a long enough password" },
  });
  expect(created.status()).toBe(201);
  await page.goto("/admin/users");
  await waitForHydration(page);
  const row = page.locator(`[data-testid=user-row][data-email="${email}"]`);
  await row.getByLabel("Role").selectOption("admin");
  const confirm = page.getByTestId("confirm-role");
  await expect(confirm).toContainText(`Make ${email} an admin?`);
  await expect(confirm).toContainText("can delete anything");

  // Someone else's password (or a planted form's guess) does not do it.
  await confirm.getByTestId("confirm-password").fill("not my password");
  await confirm.getByTestId("confirm-role-button").click();
  await expect(page.getByRole("alert")).toContainText("the password you confirmed with is not yours");
  await expect(row.getByLabel("Role")).toHaveValue("editor");

  await row.getByLabel("Role").selectOption("admin");
  await confirm.getByTestId("confirm-password").fill(admin.password);
  await confirm.getByTestId("confirm-role-button").click();
  // Checking a password takes a deliberate while (Argon2), longer on a busy machine.
  await expect(page.getByTestId("user-saved")).toContainText(`${email} is an admin`, { timeout: 15_000 });
  await expect(row.getByLabel("Role")).toHaveValue("admin");

  // Any other role change also says what it means before it happens.
  await row.getByLabel("Role").selectOption("viewer");
  await expect(confirm).toContainText("they cannot upload, change or share anything");
  await confirm.getByRole("button", { name: "Cancel" }).click();
  await expect(row.getByLabel("Role")).toHaveValue("admin");
  await page.reload();
  await expect(row.getByLabel("Role")).toHaveValue("admin");
  // The refusal above was a 403 the page explained; nothing else failed.
  expect(errors.filter((e) => !/403/.test(e))).toEqual([]);
});
