/**
 * Fault injection for tests, compiled out of what ships. `npm run build` bundles the core twice:
 *   ps-module/MfaServerUpgrade/lib/core.cjs        the product: globalThis.__MFA_TEST_HOOKS__ is replaced by `false`, so
 *                                                  every `if (globalThis.__MFA_TEST_HOOKS__)` block (and the names of the
 *                                                  environment variables it reads) is removed from the bundle;
 *   build/test-module/MfaServerUpgrade/lib/core.cjs  the test build (same module otherwise): replaced by `true`.
 * Tests that inject faults import the test module (test/helpers/pwsh.ts, faultModulePath). Under tsx (unit tests)
 * the global is simply unset, so hooks are off there too. The package test checks the shipped files hold no hook.
 *
 * To add a hook: guard it with `if (globalThis.__MFA_TEST_HOOKS__)` right where it acts (a helper returning the flag
 * would not be removed), read its setting there (MFA_TEST_<NAME>), and use the test module in the test.
 */
declare global {
  /** Set at build time only (scripts/build.mjs define); never set at run time. */
  var __MFA_TEST_HOOKS__: boolean | undefined;
}

export {};
