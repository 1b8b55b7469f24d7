// Gives every file the customer's page references a name with its content's hash, in the
// build folder given (scripts/build-app.sh runs it on dist.new): browsers keep such a file for
// good (the server sends it `immutable`), and a new build is new names, never a stale copy.
//
// - wasm-bindgen's snippets first (the glue imports them: its import paths are rewritten),
//   then the glue and the wasm, the stylesheet, the boot script, the message tables, the
//   flows (their plain names are kept as well: the server draws guided help's offer from
//   them, and the staff desk reads them) and the QR encoder;
// - the page (index.html) links the hashed stylesheet and boot script, and lists every
//   hashed name in `<script type="application/json" id="shouhou-files">` by its plain path,
//   for boot.js (the glue, the wasm) and the app (messages, flows, the QR encoder);
// - the service worker (sw.js) gets the list it precaches: the seedless page and what it
//   needs, and the flows (fetched one by one at install: a line may have none).
import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const dist = process.argv[2];
if (!dist) throw new Error('usage: node scripts/hash-files.mjs <build folder>');
const at = (file) => path.join(dist, file);
const hashOf = (file) => createHash('sha256').update(readFileSync(at(file))).digest('hex').slice(0, 10);
/** `dir/name.ext` → `dir/name.<hash>.ext` */
const hashedName = (file) => {
  const { dir, name, ext } = path.posix.parse(file);
  return path.posix.join(dir, `${name}.${hashOf(file)}${ext}`);
};
const files = {};
const precached = [];
/** Renames (or, with `keep`, copies) `file` to its hashed name; returns that name. `listed`:
 *  the page lists it (the glue finds its snippets itself). */
function hash(file, { keep = false, listed = true } = {}) {
  const hashed = hashedName(file);
  (keep ? copyFileSync : renameSync)(at(file), at(hashed));
  if (listed) files[`/${file}`] = `/${hashed}`;
  if (!file.startsWith('flows/')) precached.push(hashed);
  return hashed;
}
const list = (dir, ext) => {
  try {
    return readdirSync(at(dir), { recursive: true }).filter((f) => f.endsWith(ext)).map((f) => path.posix.join(dir, f)).sort();
  } catch (_) {
    return [];
  }
};

// The glue's imports of its snippets, rewritten to their hashed names before the glue is hashed.
let glue = readFileSync(at('pkg/shouhou.js'), 'utf8');
for (const snippet of list('pkg/snippets', '.js')) {
  const hashed = hash(snippet, { listed: false });
  const from = `./${path.posix.relative('pkg', snippet)}`;
  const to = `./${path.posix.relative('pkg', hashed)}`;
  // Only where it is imported: the same path names the wasm's imports, which stay.
  const imported = new RegExp(`(from\\s*)(["'])${from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\2`, 'g');
  if (!imported.test(glue)) throw new Error(`the glue does not import ${from}`);
  glue = glue.replace(imported, `$1$2${to}$2`);
}
writeFileSync(at('pkg/shouhou.js'), glue);
for (const file of ['pkg/shouhou.js', 'pkg/shouhou_bg.wasm', 'app.css', 'boot.js', 'vendor/qrcode.mjs']) hash(file);
for (const file of list('i18n', '.json')) hash(file);
const flows = list('flows', '.json').map((f) => hash(f, { keep: true }));

let page = readFileSync(at('index.html'), 'utf8');
for (const plain of ['/app.css', '/boot.js']) {
  if (!page.includes(`"${plain}"`)) throw new Error(`index.html does not reference ${plain}`);
  page = page.replace(`"${plain}"`, `"${files[plain]}"`);
}
const listed = JSON.stringify(files).replace(/</g, '\\u003c');
page = page.replace('</title>', `</title>\n<script type="application/json" id="shouhou-files">${listed}</script>`);
writeFileSync(at('index.html'), page);

let worker = readFileSync(at('sw.js'), 'utf8');
for (const [name, value] of [['SHELL_FILES', precached], ['FLOW_FILES', flows]]) {
  const marker = new RegExp(`/\\*${name}\\*/\\[[^\\]]*\\]`);
  if (!marker.test(worker)) throw new Error(`sw.js has no /*${name}*/[] to fill in`);
  worker = worker.replace(marker, JSON.stringify(value));
}
writeFileSync(at('sw.js'), worker);
