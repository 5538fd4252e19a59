import { test, expect, type Page } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { signIn, waitForHydration } from "../tests/session";

const out = (name: string) => join(__dirname, "../../docs/screenshots", `${name}.png`);

/** Pictures with some life in them, made by FFmpeg's generators at several shapes. */
function picture(source: string, width: number, height: number, ext = "jpg"): Buffer {
  const dir = mkdtempSync(join(tmpdir(), "dam-shot-"));
  const file = join(dir, `out.${ext}`);
  const args = ["-y", "-loglevel", "error", "-f", "lavfi", "-i", `${source}${source.includes("=") ? ":" : "="}size=${width}x${height}`];
  if (ext === "mp4") {
    args.push("-t", "7", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p");
  } else {
    args.push("-frames:v", "1", "-q:v", "3");
  }
  execFileSync("ffmpeg", [...args, file]);
  const bytes = readFileSync(file);
  rmSync(dir, { recursive: true });
  return bytes;
}

const library = [
  { name: "Harbour at dusk.jpg", source: "gradients=c0=0x1e3a8a:c1=0xf97316:c2=0xfde68a:n=3:seed=4", w: 1600, h: 1000 },
  { name: "Campaign key visual.jpg", source: "mandelbrot=start_scale=1.5", w: 1200, h: 1200 },
  { name: "Spring poster.jpg", source: "gradients=c0=0x14532d:c1=0xa3e635:n=2:seed=7", w: 900, h: 1350 },
  { name: "Product line-up.jpg", source: "gradients=c0=0x4c1d95:c1=0xec4899:c2=0x22d3ee:n=3:seed=2", w: 1800, h: 900 },
  { name: "Store front.jpg", source: "mandelbrot=start_scale=0.4:start_x=-0.75:start_y=0.1", w: 1500, h: 1000 },
  { name: "Team portrait.jpg", source: "gradients=c0=0x7c2d12:c1=0xfbbf24:n=2:seed=11", w: 1000, h: 1250 },
  { name: "Launch teaser.mp4", source: "testsrc2", w: 1280, h: 720, ext: "mp4", mime: "video/mp4" },
  { name: "Night skyline.jpg", source: "gradients=c0=0x020617:c1=0x6366f1:c2=0xf472b6:n=3:seed=5", w: 1600, h: 900 },
  { name: "Texture study.jpg", source: "cellauto=rule=110", w: 1200, h: 800 },
  { name: "Brand colours.jpg", source: "gradients=c0=0x0891b2:c1=0xfef3c7:n=2:seed=9", w: 1000, h: 1000 },
  { name: "Event hall.jpg", source: "mandelbrot=start_scale=0.05:start_x=-1.25:start_y=0.02", w: 1600, h: 1067 },
  { name: "Packaging mock-up.jpg", source: "gradients=c0=0x991b1b:c1=0xfda4af:n=2:seed=3", w: 1100, h: 1400 },
];

const sizes = { desktop: { width: 1440, height: 900 }, phone: { width: 390, height: 844 } } as const;

async function shoot(page: Page, name: string) {
  await page.waitForLoadState("networkidle");
  await page.screenshot({ path: out(name) });
}

test("screenshots of the main pages in both themes at both sizes", async ({ page }) => {
  await page.setViewportSize(sizes.desktop);
  await signIn(page);
  const existing = await page.getByTestId("asset-card").count();
  if (existing < library.length) {
    for (const item of library) {
      const buffer = picture(item.source, item.w, item.h, item.ext ?? "jpg");
      await page.getByTestId("file-input").setInputFiles({ name: item.name, mimeType: item.mime ?? "image/jpeg", buffer });
    }
    for (const item of library) {
      await expect(page.getByTestId("asset-card").filter({ hasText: item.name })).toHaveAttribute("data-status", "processed", { timeout: 120_000 });
    }
  }
  for (const theme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: theme });
    for (const [size, viewport] of Object.entries(sizes)) {
      await page.setViewportSize(viewport);
      const tag = `${theme}-${size}`;
      await page.goto("/");
      await waitForHydration(page);
      await shoot(page, `gallery-${tag}`);

      // The tray while files go up (shown again with one more copy: the duplicate is announced).
      await page.getByTestId("file-input").setInputFiles({ name: "Harbour at dusk (copy).jpg", mimeType: "image/jpeg", buffer: picture(library[0].source, library[0].w, library[0].h) });
      await expect(page.getByTestId("upload-tray")).toBeVisible();
      await expect(page.getByTestId("upload-row").first()).toHaveAttribute("data-state", /done|already/, { timeout: 30_000 });
      await page.getByRole("button", { name: "Show the upload list" }).click().catch(() => {});
      await shoot(page, `upload-tray-${tag}`);

      await page.getByTestId("upload-tray-close").click();
      await page.getByTestId("asset-card").filter({ hasText: "Harbour at dusk" }).first().getByRole("link").click();
      await waitForHydration(page);
      await shoot(page, `viewer-${tag}`);
      await page.getByTestId("share-open").click();
      const share = page.getByTestId("share-panel");
      if ((await share.getByTestId("share-link").count()) === 0) {
        await share.getByTestId("share-create").click();
        await expect(share.getByTestId("share-link").first()).toBeVisible();
      }
      await shoot(page, `share-${tag}`);
      await page.keyboard.press("Escape");

      await page.goto("/admin");
      await waitForHydration(page);
      await shoot(page, `dashboard-${tag}`);
    }
  }
});
