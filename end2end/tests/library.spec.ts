import { test, expect } from "@playwright/test";
import { cards, uploadAll } from "./uploading";
import { signIn, watchForErrors } from "./session";

test("search as you type, filters and tag facets live in the address and survive a reload", async ({ page }) => {
  const errors = watchForErrors(page);
  await signIn(page);
  const stamp = `s${Date.now()}`;
  const harbour = `${stamp}-harbour.png`;
  const tower = `${stamp}-clocktower.png`;
  // Sizes no other test uses: identical content would be the same asset.
  await uploadAll(page, [
    { name: harbour, width: 401, height: 251 },
    { name: tower, width: 203, height: 409 },
  ]);

  // Typing narrows the grid without pressing anything; the last word may be unfinished.
  await page.getByTestId("search-input").pressSequentially(`${stamp} harb`, { delay: 30 });
  await expect(cards(page)).toHaveCount(1);
  await expect(cards(page).first()).toContainText(harbour);
  await expect(page).toHaveURL(/q=s\d+%20harb/);
  await expect(page.getByTestId("result-count")).toHaveText("1 asset");

  // The address is the search: reloading shows the same.
  await page.reload();
  await expect(page.getByTestId("search-input")).toHaveValue(`${stamp} harb`);
  await expect(cards(page)).toHaveCount(1);

  // A filter applies as soon as it changes.
  await page.getByTestId("search-input").fill(stamp);
  await expect(cards(page)).toHaveCount(2);
  await page.getByTestId("filters-button").click();
  await page.getByTestId("filter-orientation").selectOption("portrait");
  await expect(page).toHaveURL(/orientation=portrait/);
  await expect(cards(page)).toHaveCount(1);
  await expect(cards(page).first()).toContainText(tower);

  // Each filter in effect is a chip that removes it; tag facets narrow further.
  await page.keyboard.press("Escape");
  await page.getByTestId("active-filter").filter({ hasText: "Portrait" }).click();
  await expect(page).not.toHaveURL(/orientation=/);
  await expect(cards(page)).toHaveCount(2);
  await page.getByTestId("facet-tag").filter({ hasText: /^#landscape\s*\d+$/ }).click();
  await expect(page).toHaveURL(/tags=landscape/);
  await expect(cards(page)).toHaveCount(1);
  await expect(cards(page).first()).toContainText(harbour);
  await page.getByTestId("active-tag").filter({ hasText: "landscape" }).click();
  await expect(cards(page)).toHaveCount(2);

  await page.getByTestId("search-input").fill(`${stamp} volcano`);
  await expect(page.getByTestId("empty-library")).toContainText("Nothing matches");
  await page.getByTestId("clear-search").click();
  await expect(page).toHaveURL(/\/$/);
  expect(errors).toEqual([]);
});

test("an editor tags, titles, bulk-tags, trashes and restores assets", async ({ page }) => {
  const errors = watchForErrors(page);
  await signIn(page);
  const stamp = `t${Date.now()}`;
  const first = `${stamp}-poster.png`;
  const second = `${stamp}-banner.png`;
  await uploadAll(page, [
    { name: first, width: 377, height: 233 },
    { name: second, width: 379, height: 239 },
  ]);

  // Bulk: select both, add one tag to both.
  await page.getByTestId("search-input").fill(stamp);
  await expect(cards(page)).toHaveCount(2);
  for (const card of await cards(page).all()) {
    await card.getByTestId("select-asset").check();
  }
  await expect(page.getByTestId("selection-bar")).toContainText("2 selected");
  await page.getByTestId("bulk-tag-input").fill(`launch ${stamp}`);
  await page.getByTestId("bulk-tag").click();
  // Both carry it: the tag's chip counts two among these results.
  await expect(page.getByTestId("facet-tag").filter({ hasText: `launch ${stamp}` })).toContainText("2");

  // One asset's page: a title, a tag added and an auto-tag removed (once the selection is let go:
  // while something is chosen, a click on a tile chooses it).
  await page.getByRole("button", { name: "Clear selection" }).click();
  await cards(page).filter({ hasText: first }).getByRole("link", { name: first }).click();
  await expect(page.getByTestId("asset-title")).toHaveText(first);
  await page.getByTestId("title-input").fill(`Spring poster ${stamp}`);
  await page.getByTestId("save-details").click();
  await expect(page.getByTestId("asset-title")).toHaveText(`Spring poster ${stamp}`);
  await page.getByTestId("tag-input").fill("print");
  await page.getByTestId("add-tag").click();
  await expect(page.getByTestId("tag").filter({ hasText: "print" })).toHaveAttribute("data-auto", "false");
  const auto = page.getByTestId("tag").filter({ hasText: /^png/ });
  await expect(auto).toHaveAttribute("data-auto", "true");
  await auto.getByTestId("remove-tag").click();
  await expect(page.getByTestId("tag").filter({ hasText: /^png/ })).toHaveCount(0);

  // The title is searchable.
  await page.goto(`/?q=${encodeURIComponent(`spring poster ${stamp}`)}`);
  await expect(cards(page)).toHaveCount(1);

  // Trash: gone from the library, listed in the trash, restorable.
  await cards(page).first().getByRole("link", { name: `Spring poster ${stamp}` }).click();
  const trashedAt = page.url();
  await page.getByTestId("trash").click();
  // It asks first, saying what happens.
  await expect(page.getByTestId("confirm-trash")).toContainText("can be restored from the Trash");
  await page.getByTestId("confirm-trash-button").click();
  await expect(page.getByTestId("toast")).toContainText(`Moved “Spring poster ${stamp}” to the trash`);
  // The viewer moves on: this was the only result, so back to the search it came from.
  await expect(page).toHaveURL(/\/\?q=/);
  await page.goto(trashedAt);
  await expect(page.getByTestId("in-trash")).toBeVisible();
  await page.goto(`/?q=${stamp}`);
  await expect(cards(page)).toHaveCount(1);
  await page.goto("/trash");
  // The card shows the title it was given.
  const trashed = page.getByTestId("trash-item").filter({ hasText: `Spring poster ${stamp}` });
  await expect(trashed).toBeVisible();
  // When and by whom.
  await expect(trashed.getByTestId("trash-when")).toHaveText(/^Deleted \d{1,2} \w{3} \d{4} by \S+@\S+$/);
  // Emptying asks first, saying how many go for good; Cancel keeps them all.
  const listed = await page.getByTestId("trash-item").count();
  await page.getByTestId("empty-trash").click();
  const asked = page.getByTestId("confirm-empty-trash");
  await expect(asked).toBeVisible();
  const many = listed === 1 ? "1 asset" : `${listed} assets`;
  await expect(asked).toContainText(`${many} and their files will be deleted for good. This cannot be undone.`);
  await asked.getByRole("button", { name: "Cancel" }).click();
  await expect(asked).toBeHidden();
  await expect(page.getByTestId("trash-item")).toHaveCount(listed);
  await trashed.getByTestId("restore").click();
  await expect(page.getByTestId("trash-item").filter({ hasText: `Spring poster ${stamp}` })).toHaveCount(0);
  await page.goto(`/?q=${stamp}`);
  await expect(cards(page)).toHaveCount(2);
  expect(errors).toEqual([]);
});

test("assets gathered in a collection are browsed and searched there", async ({ page }) => {
  const errors = watchForErrors(page);
  await signIn(page);
  const stamp = `c${Date.now()}`;
  await uploadAll(page, [
    { name: `${stamp}-hero.png`, width: 371, height: 227 },
    { name: `${stamp}-detail.png`, width: 373, height: 229 },
    { name: `${stamp}-extra.png`, width: 379, height: 233 },
  ]);

  await page.goto("/collections");
  await page.getByTestId("collection-name").fill(`Launch ${stamp}`);
  await page.getByTestId("create-collection").click();
  await expect(page.getByTestId("collection-card").filter({ hasText: `Launch ${stamp}` })).toContainText("0 assets");

  await page.goto(`/?q=${stamp}`);
  await expect(cards(page)).toHaveCount(3);
  for (const card of await cards(page).filter({ hasNotText: "extra" }).all()) {
    await card.getByTestId("select-asset").check();
  }
  await page.getByTestId("collection-choice").selectOption({ label: `Launch ${stamp}` });
  await page.getByTestId("add-to-collection").click();
  await expect(page.getByTestId("selection-message")).toHaveText("2 added to the collection");

  // One more from the viewer's top bar; asking again says it is there already.
  await page.keyboard.press("Escape");
  await cards(page).filter({ hasText: "extra" }).getByRole("link").click();
  const menu = page.getByTestId("collection-menu");
  for (const said of [`Added to Launch ${stamp}`, `Already in Launch ${stamp}`]) {
    await menu.locator("summary").click();
    await menu.getByRole("button", { name: `Launch ${stamp}` }).click();
    await expect(page.getByTestId("toast").filter({ hasText: said })).toBeVisible();
  }

  await page.goto("/collections");
  const card = page.getByTestId("collection-card").filter({ hasText: `Launch ${stamp}` });
  await expect(card.getByTestId("collection-count")).toHaveText("3 assets");
  // Its cover is a mosaic of the pictures in it.
  await expect(card.getByTestId("collection-cover")).toHaveAttribute("data-pictures", "3");
  await expect(card.getByTestId("collection-cover").locator("img")).toHaveCount(3);
  await card.getByRole("link").click();
  await expect(page.getByTestId("collection-header")).toContainText(`Launch ${stamp}`);
  await expect(cards(page)).toHaveCount(3);
  await page.getByTestId("search-input").fill("hero");
  await expect(cards(page)).toHaveCount(1);
  await expect(page).toHaveURL(/collection=[0-9a-f-]+/);
  expect(errors).toEqual([]);
});

test("a selection grows by Shift-click and Ctrl+A, Esc lets it go, and a trash is undone from its notice", async ({ page }) => {
  const errors = watchForErrors(page);
  await signIn(page);
  const stamp = `sel${Date.now()}`;
  await uploadAll(page, [1, 2, 3, 4].map((n) => ({ name: `${stamp}-${n}.png`, width: 301 + n, height: 203 + n })));
  await page.getByTestId("search-input").fill(stamp);
  await expect(cards(page)).toHaveCount(4);

  // The first and, with Shift, the third: the range between them is chosen.
  await cards(page).nth(0).getByTestId("select-asset").click();
  await cards(page).nth(2).getByTestId("select-asset").click({ modifiers: ["Shift"] });
  await expect(page.getByTestId("selected-count")).toHaveText("3 selected");
  await expect(cards(page).nth(1).getByTestId("select-asset")).toBeChecked();
  await expect(cards(page).nth(3).getByTestId("select-asset")).not.toBeChecked();
  // With something chosen, a click on a tile chooses it instead of opening it.
  await cards(page).nth(3).getByRole("link").click();
  await expect(page.getByTestId("selected-count")).toHaveText("4 selected");
  await expect(page).not.toHaveURL(/\/assets\//);

  await page.keyboard.press("Escape");
  await expect(page.getByTestId("selection-bar")).toHaveCount(0);
  await page.keyboard.press("ControlOrMeta+a");
  await expect(page.getByTestId("selected-count")).toHaveText("4 selected");

  // Trash asks, then offers an undo that brings all four back.
  await page.getByTestId("bulk-trash").click();
  await expect(page.getByTestId("confirm-trash")).toContainText("4 assets will leave the library");
  await page.getByTestId("confirm-trash-button").click();
  const notice = page.getByTestId("toast").filter({ hasText: "Moved 4 assets to the trash" });
  await expect(notice).toBeVisible();
  await expect(cards(page)).toHaveCount(0);
  await notice.getByTestId("toast-undo").click();
  await expect(page.getByTestId("toast").filter({ hasText: "Restored 4 assets" })).toBeVisible();
  await expect(cards(page)).toHaveCount(4);
  expect(errors).toEqual([]);
});
