// Lint the app's JavaScript: ESLint's recommended rules catch undefined names,
// unused code and unreachable branches before a browser does.
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["build/", "node_modules/"] },
  js.configs.recommended,
  {
    files: ["src/**/*.js", "test/**/*.js"],
    languageOptions: { ecmaVersion: 2024, sourceType: "module", globals: globals.browser },
    // A base class's optional hook names the argument its overrides take: `_form`.
    rules: { "no-unused-vars": ["error", { argsIgnorePattern: "^_" }] },
  },
  {
    files: ["test/**/*.js", "build.mjs", "eslint.config.mjs", "vitest.config.*"],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    // The service worker is a classic script with its own global scope.
    files: ["sw.js"],
    languageOptions: { ecmaVersion: 2024, sourceType: "script", globals: globals.serviceworker },
  },
];
