import { defineConfig } from "@playwright/test";
import base from "./playwright.config";

// `make screenshots`: the pages people see, rendered into docs/screenshots/ (not a test gate).
export default defineConfig({ ...base, testDir: "./screenshots", timeout: 300_000 });
