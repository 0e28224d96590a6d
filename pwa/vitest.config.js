import { defineConfig } from "vitest/config";

// Devices in the field keep England and Wales time: test in it, so "today"
// and "this month" are read as a worker's phone reads them.
process.env.TZ = "Europe/London";

export default defineConfig({
  // The app imports idb, tus and pdf-lib where the build puts them (build.mjs); here they come from node_modules.
  resolve: {
    alias: [
      { find: /^\/vendor\/idb\.js$/, replacement: "idb" },
      { find: /^\/vendor\/tus\.js$/, replacement: "tus-js-client/lib.esm/browser/index.js" },
      { find: /^\/vendor\/pdf-lib\.js$/, replacement: "pdf-lib" },
    ],
  },
  test: {
    include: ["test/**/*.test.js"],
    environment: "node",
    setupFiles: ["test/setup.js"],
  },
});
