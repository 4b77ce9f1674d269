// ESLint (typescript-eslint); formatting is Prettier's job (npm run lint runs both).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "policy/node_modules/", "dist/", "bin/", ".pack-test/", ".stryker-tmp/", "reports/"] },
  {
    // CommonJS scripts: run by actions/github-script on GitHub's runner, and the build.
    files: ["scripts/ci/**/*.js", "scripts/build.js"],
    languageOptions: {
      sourceType: "commonjs",
      globals: { module: "writable", require: "readonly", process: "readonly", __dirname: "readonly" },
    },
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  {
    // Tests, scripts and the benchmark handle parsed YAML and JSON from other tools: `any` is honest there.
    files: ["tests/**/*.ts", "scripts/**/*.ts", "bench/**/*.ts", "policy/**/*.ts"],
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-require-imports": "off",
    },
  },
  {
    // The build is plain CommonJS so that it runs before anything is compiled.
    files: ["scripts/build.js"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
