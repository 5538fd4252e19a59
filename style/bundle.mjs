// Turns the built browser bundle in $SITE_ROOT/pkg (dam.js, dam.wasm, dam.css) into what is served:
// the WASM shrunk by wasm-opt -Oz (npm binaryen, pinned in package.json; Debian's is too old for
// current Rust output), all three renamed `dam-<hash>.*` after their content so browsers may cache
// them forever, each stored beside a brotli and a gzip copy (the server sends those as they are),
// and `bundle.txt` naming the set, which the server reads at start.
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const pkg = join(process.env.SITE_ROOT ?? "../target/site", "pkg");
const kinds = ["js", "wasm", "css"];
const path = (name, kind) => join(pkg, `${name}.${kind}`);

// Earlier bundles go, so `pkg` holds exactly what the server will link.
for (const file of readdirSync(pkg)) {
  if (/^dam-[0-9a-f]+\./.test(file) || file === "bundle.txt") rmSync(join(pkg, file));
}

const before = statSync(path("dam", "wasm")).size;
const started = Date.now();
execFileSync(
  join(import.meta.dirname, "node_modules/.bin/wasm-opt"),
  ["-Oz", "--enable-bulk-memory", "--enable-nontrapping-float-to-int", "--enable-sign-ext",
   "--enable-reference-types", "--enable-multivalue", "--enable-mutable-globals",
   path("dam", "wasm"), "-o", path("dam", "wasm")],
  { stdio: "inherit" },
);
const optimised = statSync(path("dam", "wasm")).size;

const hash = createHash("sha256");
for (const kind of kinds) hash.update(readFileSync(path("dam", kind)));
const name = `dam-${hash.digest("hex").slice(0, 16)}`;

const sizes = {};
for (const kind of kinds) {
  renameSync(path("dam", kind), path(name, kind));
  const content = readFileSync(path(name, kind));
  const br = brotliCompressSync(content, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: content.length },
  });
  const gz = gzipSync(content, { level: 9 });
  writeFileSync(`${path(name, kind)}.br`, br);
  writeFileSync(`${path(name, kind)}.gz`, gz);
  sizes[kind] = { raw: content.length, br: br.length, gz: gz.length };
}
writeFileSync(join(pkg, "bundle.txt"), `${name}\n`);

const kb = (n) => `${(n / 1024).toFixed(0)} KB`;
console.log(`bundle ${name}: wasm-opt ${kb(before)} → ${kb(optimised)} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
for (const [kind, s] of Object.entries(sizes)) {
  console.log(`  ${kind.padEnd(4)} ${kb(s.raw).padStart(9)}  brotli ${kb(s.br).padStart(8)}  gzip ${kb(s.gz).padStart(8)}`);
}
