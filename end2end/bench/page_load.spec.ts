import { test, expect, type Page } from "@playwright/test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, gzipSync } from "node:zlib";
import { seedLibrary } from "./library";

// The browser bundle's size and the gallery's load on a simulated 50 Mbit/s line with 20 ms of
// latency (Chromium's own throttling through CDP): largest contentful paint and the moment the page
// is interactive (`data-hydrated`), from a cold cache and again from a warm one (the hashed files
// are cached as immutable), median of RUNS loads each.
const RUNS = 7;
const line = { offline: false, latency: 20, downloadThroughput: (50e6 / 8), uploadThroughput: (50e6 / 8) };

function bundleSizes() {
  const pkg = join(process.env.SITE_ROOT ?? join(__dirname, "../../target/site"), "pkg");
  const name = (() => {
    try { return readFileSync(join(pkg, "bundle.txt"), "utf8").trim(); } catch { return "dam"; }
  })();
  const rows = ["wasm", "js", "css"].map((kind) => {
    const file = join(pkg, `${name}.${kind}`);
    const raw = readFileSync(file);
    const stored = (ext: string, make: (b: Buffer) => Buffer) => {
      try { return statSync(`${file}.${ext}`).size; } catch { return make(raw).length; }
    };
    return { kind, raw: raw.length, br: stored("br", brotliCompressSync), gz: stored("gz", (b) => gzipSync(b, { level: 9 })) };
  });
  return { name, rows, files: readdirSync(pkg).length };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measure(page: Page, path: string) {
  await page.goto(path);
  await page.waitForFunction(() => document.body.dataset.hydrated === "true", null, { timeout: 60_000 });
  await page.waitForTimeout(300);
  return page.evaluate(() => {
    // Largest-contentful-paint entries reach only an observer (set up before the page loads).
    return { lcp: (window as any).__lcp ?? NaN, hydrated: (window as any).__hydratedAt as number };
  });
}

test("bundle size and gallery load on a throttled line", async ({ browser }) => {
  const sizes = bundleSizes();
  const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;
  console.log(`bundle ${sizes.name}`);
  for (const r of sizes.rows) console.log(`  ${r.kind.padEnd(5)} raw ${kb(r.raw).padStart(9)}  brotli ${kb(r.br).padStart(8)}  gzip ${kb(r.gz).padStart(8)}`);

  // A library with something to paint.
  const { page: setup } = await seedLibrary(browser, "bench");
  const cookies = await setup.context().cookies();

  for (const path of ["/", "/admin"]) {
    const cold = { lcp: [] as number[], hydrated: [] as number[] };
    const warm = { lcp: [] as number[], hydrated: [] as number[] };
    for (let run = 0; run < RUNS; run++) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      await context.addCookies(cookies);
      await context.addInitScript(() => {
        new PerformanceObserver((list) => {
          const last = list.getEntries().at(-1);
          if (last) (window as any).__lcp = last.startTime;
        }).observe({ type: "largest-contentful-paint", buffered: true });
        new MutationObserver((_, observer) => {
          if (document.body?.dataset.hydrated === "true") {
            (window as any).__hydratedAt = performance.now();
            observer.disconnect();
          }
        }).observe(document, { attributes: true, subtree: true, attributeFilter: ["data-hydrated"] });
      });
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send("Network.enable");
      await cdp.send("Network.emulateNetworkConditions", line);
      for (const [into, label] of [[cold, "cold"], [warm, "warm"]] as const) {
        const m = await measure(page, path);
        into.lcp.push(m.lcp);
        into.hydrated.push(m.hydrated);
        void label;
      }
      await context.close();
    }
    const ms = (x: number) => `${x.toFixed(0)} ms`;
    console.log(`${path}: cold cache LCP ${ms(median(cold.lcp))}, hydrated ${ms(median(cold.hydrated))}; warm cache LCP ${ms(median(warm.lcp))}, hydrated ${ms(median(warm.hydrated))}; warm/cold hydration ${(median(warm.hydrated) / median(cold.hydrated)).toFixed(2)}`);
  }
});
