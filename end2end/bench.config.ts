import { defineConfig } from "@playwright/test";
import base from "./playwright.config";

// `make bench-front`: page-load figures of the browser bundle (bench, not a test gate; see
// docs/BENCHMARKS.md).
export default defineConfig({ ...base, testDir: "./bench", timeout: 600_000 });
