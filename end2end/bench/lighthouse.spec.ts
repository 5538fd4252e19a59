import { test } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { seedLibrary } from "./library";

// Lighthouse (bench/lighthouse: npm `lighthouse` pinned at 12.2.3, the last for Node 20) in Debian's
// Chromium on the gallery, the viewer and the dashboard, signed in (the session cookie through
// `--extra-headers`), with the desktop preset and the default mobile one (simulated slow 4G and a
// 4× slower CPU); median of RUNS runs each. Budgets (issue 17): desktop performance ≥ 90 and
// accessibility ≥ 95.
const RUNS = 3;
const lighthouse = join(__dirname, "../../bench/lighthouse/node_modules/.bin/lighthouse");
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

test("lighthouse scores of the gallery, the viewer and the dashboard", async ({ browser }) => {
  test.setTimeout(1_800_000);
  const { page: setup, assets: newest } = await seedLibrary(browser, "lighthouse");
  const origin = new URL(setup.url()).origin;
  const cookie = (await setup.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  const pages: [string, string][] = [["gallery", "/"], ["viewer", `/assets/${newest[0].id}`], ["dashboard", "/admin"]];
  const dir = mkdtempSync(join(tmpdir(), "lighthouse-"));
  const rows: string[] = [];
  for (const preset of ["desktop", "mobile"]) {
    for (const [name, path] of pages) {
      const performance: number[] = [];
      const accessibility: number[] = [];
      const lcp: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        const out = join(dir, `${name}-${preset}-${run}.json`);
        const args = [
          `${origin}${path}`, "--output=json", `--output-path=${out}`, "--quiet",
          "--only-categories=performance,accessibility",
          `--extra-headers=${JSON.stringify({ Cookie: cookie })}`,
          "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        ];
        if (preset === "desktop") args.push("--preset=desktop");
        // Lighthouse with headless Chromium now and then loses the page load's trace (NO_NAVSTART):
        // such a run is run again, up to three times.
        for (let attempt = 1; ; attempt++) {
          try {
            execFileSync(lighthouse, args, { env: { ...process.env, CHROME_PATH: "/usr/bin/chromium" }, stdio: "inherit" });
            break;
          } catch (e) {
            if (attempt === 3) throw e;
          }
        }
        const report = JSON.parse(readFileSync(out, "utf8"));
        performance.push(Math.round(report.categories.performance.score * 100));
        accessibility.push(Math.round(report.categories.accessibility.score * 100));
        lcp.push(report.audits["largest-contentful-paint"].numericValue);
      }
      rows.push(`| ${name} | ${preset} | ${median(performance)} (${performance.join(", ")}) | ${median(accessibility)} | ${(median(lcp) / 1000).toFixed(2)} s |`);
    }
  }
  rmSync(dir, { recursive: true, force: true });
  console.log(["| page | preset | performance (runs) | accessibility | LCP |", "|---|---|---:|---:|---:|", ...rows].join("\n"));
});
