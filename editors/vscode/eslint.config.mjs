// ESLint flat config: the recommended JavaScript rules plus typescript-eslint's.
import eslint from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["out/", "node_modules/", "*.vsix"] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      eqeqeq: ["error", "always"],
      curly: "error",
    },
  },
  {
    // The real-VS-Code driver runs under Node, and passes a few functions to
    // the browser page (page.evaluate), where the DOM is.
    files: ["e2e/**/*.mjs"],
    languageOptions: {
      globals: { fetch: "readonly", document: "readonly", NodeFilter: "readonly" },
    },
    rules: { eqeqeq: ["error", "always"], curly: "error" },
  },
);
