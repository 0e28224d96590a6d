// Screens are built from components in ui/, never from one another: a view
// importing a view ties two screens together (and once made family.js and
// handover.js import each other). Only the router names the views.

import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const UI = resolve(dirname(fileURLToPath(import.meta.url)), "../src/ui");
const VIEWS = join(UI, "views");
const ROUTER = join(UI, "routes.js");

/** Every module a file imports, statically or when used, as absolute paths. */
function importsOf(file) {
  const text = readFileSync(file, "utf8");
  const specifiers = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^import\s+)["'](\.{1,2}\/[^"']+)["']/gm)];
  return specifiers.map((match) => resolve(dirname(file), match[1]));
}

function modulesIn(folder) {
  return readdirSync(folder)
    .filter((name) => name.endsWith(".js"))
    .map((name) => join(folder, name));
}

const inViews = (path) => dirname(path) === VIEWS;
const named = (path) => relative(UI, path);

describe("the app's screens", () => {
  it("finds imports of every kind", () => {
    const file = join(VIEWS, "note.js");
    expect(importsOf(file).length).toBeGreaterThan(3);
  });

  it("never import one another: what two screens share lives in ui/", () => {
    const found = modulesIn(VIEWS).flatMap((file) =>
      importsOf(file)
        .filter(inViews)
        .map((target) => `${named(file)} imports ${named(target)}`),
    );
    expect(found).toEqual([]);
  });

  it("are named only by the router: no component in ui/ imports a screen", () => {
    const found = modulesIn(UI)
      .filter((file) => file !== ROUTER)
      .flatMap((file) =>
        importsOf(file)
          .filter(inViews)
          .map((target) => `${named(file)} imports ${named(target)}`),
      );
    expect(found).toEqual([]);
  });
});
