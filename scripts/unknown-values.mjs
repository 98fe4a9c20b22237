// JSON.parse and require() type what they return as `any`, which the type-checked lint rules (rightly) refuse to pass
// on. These return `unknown` instead: each caller states the shape it expects with a JSDoc cast, where a reader sees it.
// (typescript-eslint does not see a JSDoc cast around an `any`, so casting JSON.parse itself would still be reported.)
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * @param {string} text
 * @returns {unknown}
 */
export function parseJson(text) {
  return JSON.parse(text);
}

/**
 * @param {string} file
 * @returns {unknown}
 */
export function readJsonFile(file) {
  return parseJson(readFileSync(file, 'utf8'));
}

/**
 * The exports of a CommonJS file (a bundle the build just wrote).
 * @param {string} file
 * @returns {unknown}
 */
export function requireFile(file) {
  return createRequire(import.meta.url)(file);
}
