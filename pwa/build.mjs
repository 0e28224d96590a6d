// Build the caseworker app into build/: compile the styles, copy the modules,
// and write the service worker with this version's name and file list.
// The app's own modules need no bundler; a library that imports others (the
// tus upload client, pdf-lib) is bundled into one module under vendor/ by esbuild.
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";
import { po } from "gettext-parser";
import { buildSync } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const target = join(here, "build");
// Build beside the old build, then swap: a running server never serves half of one.
const out = join(here, `build.next-${process.pid}`);
const govuk = join(here, "node_modules", "govuk-frontend", "dist", "govuk");

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "vendor"), { recursive: true });

const css = sass.compile(join(here, "styles", "app.scss"), {
  loadPaths: [join(here, "node_modules")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import", "global-builtin"],
});
writeFileSync(join(out, "app.css"), css.css);

cpSync(join(here, "src"), join(out, "src"), { recursive: true });
cpSync(join(govuk, "govuk-frontend.min.js"), join(out, "vendor", "govuk-frontend.min.js"));
// idb is one ES module with no imports: the app loads it as /vendor/idb.js.
cpSync(join(here, "node_modules", "idb", "build", "index.js"), join(out, "vendor", "idb.js"));
// tus-js-client's browser build imports a few small packages: one module, as /vendor/tus.js.
buildSync({
  entryPoints: [join(here, "node_modules", "tus-js-client", "lib.esm", "browser", "index.js")],
  bundle: true,
  format: "esm",
  minify: true,
  platform: "browser",
  target: "es2022",
  outfile: join(out, "vendor", "tus.js"),
  logLevel: "warning",
});
// pdf-lib, for removing a PDF's hidden details (src/attachments/pdf.js): only what
// that module uses, as /vendor/pdf-lib.js, cached by the service worker like the rest.
buildSync({
  stdin: {
    contents: 'export { PDFArray, PDFDict, PDFDocument, PDFName, PDFRef, PDFStream } from "pdf-lib";',
    resolveDir: here,
    sourcefile: "pdf-lib-entry.js",
  },
  bundle: true,
  format: "esm",
  minify: true,
  platform: "browser",
  target: "es2022",
  outfile: join(out, "vendor", "pdf-lib.js"),
  logLevel: "warning",
});
for (const file of ["index.html", "manifest.webmanifest", "icon.svg"]) {
  cpSync(join(here, file), join(out, file));
}

// Each translation (locales/<lang>.po, edited with any PO editor) as the JSON
// that src/i18n.js reads: {language, plural_forms, messages: {msgid: msgstr | [forms]}}.
// Untranslated and fuzzy messages are left out, so the app shows them in English.
mkdirSync(join(out, "locales"), { recursive: true });
for (const name of readdirSync(join(here, "locales")).filter((file) => file.endsWith(".po"))) {
  const catalogue = po.parse(readFileSync(join(here, "locales", name)));
  const messages = {};
  for (const [msgid, entry] of Object.entries(catalogue.translations[""] || {})) {
    const fuzzy = (entry.comments?.flag || "").includes("fuzzy");
    if (!msgid || fuzzy || !entry.msgstr.some(Boolean)) continue;
    messages[msgid] = entry.msgid_plural ? entry.msgstr : entry.msgstr[0];
  }
  const language = name.replace(/\.po$/, "");
  writeFileSync(
    join(out, "locales", `${language}.json`),
    JSON.stringify({ language, plural_forms: catalogue.headers["Plural-Forms"], messages }),
  );
}

function filesUnder(folder) {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

// Everything the app needs offline, each with a revision that changes with its
// bytes, and a version that changes with any of them. A new version fetches
// only the files whose revision changed; the rest are copied from the old cache.
const files = filesUnder(out).sort();
const hash = createHash("sha256");
const precache = [];
for (const file of files) {
  const url = "/" + relative(out, file).split("\\").join("/");
  const bytes = readFileSync(file);
  hash.update(url);
  hash.update(bytes);
  const revision = createHash("sha256").update(bytes).digest("hex").slice(0, 12);
  // The shell is served at "/", never at "/index.html".
  precache.push({ url: url === "/index.html" ? "/" : url, revision });
}
const version = hash.digest("hex").slice(0, 12);
const worker = readFileSync(join(here, "sw.js"), "utf8")
  .replace('"__VERSION__"', JSON.stringify(version))
  .replace("[] /* __PRECACHE__ */", JSON.stringify(precache));
writeFileSync(join(out, "sw.js"), worker);
writeFileSync(join(out, ".built"), version + "\n");
const old = join(here, `build.old-${process.pid}`);
try {
  renameSync(target, old);
} catch {
  // no earlier build
}
renameSync(out, target);
rmSync(old, { recursive: true, force: true });
console.log(`PWA built: version ${version}, ${precache.length} files to cache`);
