// Uploads one file with the real tus-js-client (as any tus client would), for server/tests/tus.rs.
//
//   node upload.mjs ENDPOINT TOKEN FILE [--abort-after BYTES] [--upload-url URL] [--chunk-size BYTES]
//
// Prints one JSON line per event on stdout: {"progress":n}, {"aborted":url,"sent":n},
// {"done":url,"asset":id}, or {"error":message}.
import { readFileSync } from "node:fs";
import * as tus from "tus-js-client";

const [endpoint, token, file, ...rest] = process.argv.slice(2);
const option = (name) => {
  const at = rest.indexOf(name);
  return at >= 0 ? rest[at + 1] : undefined;
};
const abortAfter = option("--abort-after") ? Number(option("--abort-after")) : undefined;
const chunkSize = option("--chunk-size") ? Number(option("--chunk-size")) : Infinity;
const say = (event) => process.stdout.write(JSON.stringify(event) + "\n");

const data = readFileSync(file);
let asset = null;
let lastReported = 0;
const upload = new tus.Upload(data, {
  endpoint,
  uploadUrl: option("--upload-url"),
  chunkSize,
  headers: { Authorization: `Bearer ${token}` },
  metadata: { filename: file.split("/").pop(), filetype: "application/octet-stream" },
  // Survives a server restart: keep retrying while it is away.
  retryDelays: [0, 500, 1000, 2000, 3000, 5000, 5000, 5000, 5000],
  onAfterResponse(_request, response) {
    asset = response.getHeader("Asset-Id") ?? asset;
  },
  onProgress(sent) {
    if (sent - lastReported >= 1 << 20) {
      lastReported = sent;
      say({ progress: sent });
    }
    if (abortAfter !== undefined && sent >= abortAfter) {
      upload.abort().then(() => {
        say({ aborted: upload.url, sent });
        process.exit(0);
      });
    }
  },
  onError(error) {
    say({ error: String(error) });
    process.exit(1);
  },
  onSuccess() {
    say({ done: upload.url, asset });
  },
});
upload.start();
