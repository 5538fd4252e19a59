import { test, expect, type Browser, type Page, type APIRequestContext } from "@playwright/test";
import { gradientPng } from "./png";
import { admin, signInThroughApi, waitForHydration } from "./session";

// Markup planted in every text a person controls must reach every page as text: no element it
// describes may exist, no handler may run, no refresh may happen. Each payload closes the
// elements whose children a renderer might write raw (textarea, title, noscript, script, style)
// before opening its own, so one payload probes all of them.
// (Under 200 characters, the longest a title may be.)
const marker = (field: string) =>
  `</textarea></title></noscript></script></style><h1 id="x-${field}">planted</h1>` +
  `<img src=x id=x-img-${field} onerror=window.__planted=1>` +
  `<meta http-equiv=refresh content="0;url=/planted">`;
// File names and e-mail addresses cannot hold a slash or a space.
/** For e-mails, which may hold no whitespace: `/` separates attributes just as well. */
const spaceless = (field: string) => `<h1/id=x-${field}>f`;
const slashless = (field: string) => `<h1 id=x-${field}>f<img src=x id=x-img-${field} onerror=window.__planted=1>`;

/** A one-page PDF whose document information (title, author) is `title` and `author`. */
function pdfWith(title: string, author: string): Buffer {
  const text = (s: string) => `(${s.replace(/[\\()]/g, (c) => `\\${c}`)})`;
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] >>",
    `<< /Title ${text(title)} /Author ${text(author)} >>`,
  ];
  let body = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(body));
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body);
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  body += offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("");
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 4 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, "latin1");
}

interface Person { email: string; password: string }

async function api(request: APIRequestContext, method: string, path: string, data?: unknown) {
  const response = await request.fetch(path, {
    method,
    data,
    headers: { origin: new URL(test.info().project.use.baseURL!).origin },
  });
  expect(response.status(), `${method} ${path}: ${await response.text()}`).toBeLessThan(300);
  return response.status() === 204 ? null : response.json();
}

async function signedIn(browser: Browser, who: Person): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInThroughApi(page, who);
  return page;
}

/** Loads `path` and checks, before and after hydration, that nothing planted became markup. */
async function expectOnlyText(page: Page, path: string) {
  await page.goto(path, { waitUntil: "domcontentloaded" });
  const planted = () =>
    page.evaluate(() => ({
      elements: [...document.querySelectorAll('[id^="x-"], meta[http-equiv]')].map((e) => e.outerHTML.slice(0, 80)),
      handlers: (window as unknown as { __planted?: unknown }).__planted ?? null,
    }));
  expect(await planted(), `${path} as served`).toEqual({ elements: [], handlers: null });
  if ((await page.locator("script[type=module], script[src]").count()) > 0) {
    await waitForHydration(page);
  }
  await page.waitForTimeout(150); // a refresh with a 0 s delay or a failing image would have fired
  expect(await planted(), `${path} once interactive`).toEqual({ elements: [], handlers: null });
  expect(new URL(page.url()).pathname).not.toContain("planted");
}

// People whose e-mail holds markup sign in through the API: the form's type=email check (rightly)
// does not let such an address through.
test("markup in every user-controlled text is shown as text on every page, for every role", async ({ browser }) => {
  test.setTimeout(240_000);
  const stamp = `m${Date.now()}`;
  const adminPage = await signedIn(browser, admin);
  const asAdmin = adminPage.request;

  // People whose names and e-mail addresses are markup.
  const password = "a long enough password";
  const people: Record<"viewer" | "editor", Person> = {
    viewer: { email: `${spaceless(`${stamp}-viewer-email`)}@e2e.test`, password },
    editor: { email: `${spaceless(`${stamp}-editor-email`)}@e2e.test`, password },
  };
  for (const [role, person] of Object.entries(people)) {
    await api(asAdmin, "POST", "/api/users", {
      email: person.email, role, password, display_name: marker(`${role}-name`),
    });
  }

  // The editor uploads (file names are markup), describes and tags, collects, shares, trashes.
  const editorPage = await signedIn(browser, people.editor);
  const asEditor = editorPage.request;
  const upload = async (name: string, width: number, buffer = gradientPng(width, 97)) => {
    const report = await asEditor.post("/api/assets", {
      headers: { origin: new URL(editorPage.url()).origin },
      multipart: { files: { name, mimeType: "application/octet-stream", buffer } },
    });
    expect(report.status()).toBe(201);
    return (await report.json()).accepted[0].id as string;
  };
  const kept = await upload(`${slashless(`${stamp}-filename`)}.png`, 131);
  // Text inside the files: a PDF's title and author, shown with the document's facts.
  const pdf = await upload(`${stamp}.pdf`, 0, pdfWith(marker("pdf-title"), slashless("pdf-author")));
  const trashed = await upload(`${slashless(`${stamp}-trashed-filename`)}.png`, 133);
  await api(asEditor, "PATCH", `/api/assets/${kept}`, { title: marker("title"), description: marker("description") });
  // Tags hold 64 characters.
  await api(asEditor, "POST", `/api/assets/${kept}/tags`, { tags: ["</textarea><img id=x-tag src=x onerror=window.__planted=1>", slashless("tag2")] });
  await api(asEditor, "PATCH", `/api/assets/${trashed}`, { title: marker("trashed-title") });
  const collection = await api(asEditor, "POST", "/api/collections", {
    name: `${stamp} ${marker("collection-name")}`.slice(0, 200), description: marker("collection-description"),
  });
  await api(asEditor, "POST", `/api/collections/${collection.id}/assets`, { assets: [kept] });
  const expires = new Date(Date.now() + 86_400_000).toISOString();
  const assetLink = await api(asEditor, "POST", "/api/shares", { asset_id: kept, expires_at: expires, allow_download: true });
  const collectionLink = await api(asEditor, "POST", "/api/shares", { collection_id: collection.id, expires_at: expires });
  await api(asEditor, "POST", "/api/tokens", { name: marker("token-name").slice(0, 100) });
  await api(asEditor, "DELETE", `/api/assets/${trashed}`);
  await api(asAdmin, "POST", "/api/tokens", { name: marker("admin-token").slice(0, 100) });

  // Processing has read the PDF's title before the pages are looked at.
  await expect.poll(async () => (await api(asEditor, "GET", `/api/assets/${pdf}`)).status, { timeout: 30_000 }).toBe("processed");

  const everyPage = [
    "/", `/?q=${encodeURIComponent(marker("query"))}`, `/?tags=${encodeURIComponent(slashless("tag2"))}`,
    `/assets/${kept}`, `/assets/${pdf}`, `/assets/${trashed}`, "/trash", "/collections", `/?collection=${collection.id}`,
    "/settings", "/admin", "/admin/users", "/admin/audit",
    assetLink.path, collectionLink.path, `/login?sso_error=${encodeURIComponent(marker("sso-error"))}`,
  ];
  const viewerPage = await signedIn(browser, people.viewer);
  for (const [role, page] of [["viewer", viewerPage], ["editor", editorPage], ["admin", adminPage]] as const) {
    for (const path of everyPage) {
      await test.step(`${role} ${path.slice(0, 60)}`, () => expectOnlyText(page, path));
    }
  }
  // Visitors without an account see the share pages and the sign-in page.
  const visitor = await (await browser.newContext()).newPage();
  for (const path of [assetLink.path, collectionLink.path, `/login?sso_error=${encodeURIComponent(marker("sso-error"))}`]) {
    await expectOnlyText(visitor, path);
  }

  // The text itself is shown as typed (the PDF's once processing has read it), where people read and edit it.
  await editorPage.goto(`/assets/${kept}`);
  await waitForHydration(editorPage);
  await expect(editorPage.getByTestId("description-input")).toHaveValue(marker("description"));
  await expect(editorPage.getByTestId("title-input")).toHaveValue(marker("title"));
  await expect(editorPage.getByRole("heading", { level: 1 })).toContainText(`<h1 id="x-title">planted</h1>`);
  await editorPage.goto(`/assets/${pdf}`);
  await expect(editorPage.getByTestId("asset-metadata")).toContainText(`<h1 id="x-pdf-title">planted</h1>`, { timeout: 30_000 });
  await visitor.goto(collectionLink.path);
  await expect(visitor.getByText(marker("collection-description"))).toBeVisible();
});
