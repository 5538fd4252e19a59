import { test, expect, type Page } from "@playwright/test";
import { gradientPng } from "./png";
import { signIn, watchForErrors } from "./session";

/** Presses Tab until the focused element is the one with `testid` (or, given `inCard`, a link
 * inside the gallery card showing that name), as someone without a mouse would; fails if Tab
 * never gets there. */
async function tabTo(page: Page, testid: string, inCard?: string) {
  for (let presses = 0; presses < 80; presses++) {
    const there = await page.evaluate(
      ([testid, inCard]) => {
        const el = document.activeElement;
        if (!el) return false;
        if (inCard) {
          const card = el.closest("[data-testid=asset-card]");
          return el.tagName === "A" && !!card && (card.textContent ?? "").includes(inCard);
        }
        return el.getAttribute("data-testid") === testid;
      },
      [testid, inCard ?? ""],
    );
    if (there) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`Tab never reached ${inCard ?? testid}`);
}

test("upload, search, open, share and trash with the keyboard alone", async ({ page }) => {
  const errors = watchForErrors(page);
  await signIn(page);
  const name = `keys-${Date.now()}.png`;

  // Upload: the Upload button is reached with Tab and opens the file picker with Enter.
  await page.locator("body").focus();
  await tabTo(page, "upload-button");
  const picker = page.waitForEvent("filechooser");
  await page.keyboard.press("Enter");
  await (await picker).setFiles({ name, mimeType: "image/png", buffer: gradientPng(420, 280) });
  const card = page.getByTestId("asset-card").filter({ hasText: name });
  await expect(card).toHaveAttribute("data-status", "processed", { timeout: 30_000 });

  // Search: `/` focuses the search field.
  await page.locator("body").focus();
  await page.keyboard.press("/");
  await expect(page.getByTestId("search-input")).toBeFocused();
  await page.keyboard.type(name.replace(".png", ""));
  await expect(page.getByTestId("asset-card")).toHaveCount(1);

  // Open: Tab reaches the picture's link; Enter opens the viewer.
  await tabTo(page, "", name);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/assets\/[0-9a-f-]+$/);
  await expect(page.getByTestId("viewer")).toBeVisible();

  // Share: the Share button, then the dialog's own controls; Esc closes it.
  await page.locator("body").focus();
  await tabTo(page, "share-open");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("dialog")).toBeVisible();
  await tabTo(page, "share-create");
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("share-link")).toHaveCount(1);
  await expect(page.getByTestId("share-state")).toHaveText("Active");
  await page.keyboard.press("Escape");
  await expect(page.getByRole("dialog")).toBeHidden();

  // Trash: the Trash button asks first; the focus starts on Cancel, so Tab to the action.
  await page.locator("body").focus();
  await tabTo(page, "trash");
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("confirm-trash")).toBeVisible();
  await tabTo(page, "confirm-trash-button");
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("toast").filter({ hasText: "to the trash" })).toBeVisible();
  expect(errors).toEqual([]);
});
