// Issue 23, item 11: every enum-like parameter of every operation ignores case, as PowerShell names do (the generated
// ValidateSet already did; the core refused what it let through), and an optional list given as $null is none. Each
// value of each such parameter, in lower and upper case, is taken as the contract's own spelling by the validator the
// core runs (the standalone ajv validators of the build).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { operations } from '../../../core/cmdlets/index';
import validators from '../../../core/generated/validators';
import { canonicalInput } from '../../../core/runtime/canonical-input';

interface Property {
  type?: string;
  enum?: string[];
  items?: { enum?: string[] };
}

const enumLike = operations.flatMap((op) =>
  Object.entries((op.input as { properties: Record<string, Property> }).properties)
    .filter(([, p]) => p.enum ?? p.items?.enum)
    .map(([name, p]) => ({ op, name, list: !p.enum, values: (p.enum ?? p.items?.enum)! })),
);

test('there are enum-like parameters to check (SkipReadiness, VirtualDirectoryNaming, Scenario, Component...)', () => {
  const names = new Set(enumLike.map((e) => e.name));
  for (const expected of ['SkipReadiness', 'VirtualDirectoryNaming', 'Scenario', 'Component']) assert.ok(names.has(expected), [...names].join(', '));
});

test('every value of every enum-like parameter, in any case, is the contract\'s own spelling', () => {
  const refused: string[] = [];
  for (const { op, name, list, values } of enumLike) {
    const validate = (validators)[op.name];
    for (const value of values) {
      for (const typed of [value.toLowerCase(), value.toUpperCase()]) {
        const item = canonicalInput(op.input, { [name]: list ? [typed] : typed }) as Record<string, unknown>;
        assert.deepEqual(item[name], list ? [value] : value, `${op.name} -${name} ${typed}`);
        validate(item);
        const about = (validate.errors ?? []).filter((e) => e.instancePath.startsWith(`/${name}`));
        if (about.length > 0) refused.push(`${op.name} -${name} ${typed}: ${about.map((e) => e.message).join('; ')}`);
      }
    }
  }
  assert.deepEqual(refused, []);
});

test('an optional list given as null is none; a required one, and a name that is no value, are left to the validator', () => {
  const upgrade = operations.find((o) => o.name === 'invoke-upgrade')!;
  assert.deepEqual(canonicalInput(upgrade.input, { SkipReadiness: null, InstallerPath: 'C:\\M' }), { InstallerPath: 'C:\\M' });
  assert.deepEqual(canonicalInput(upgrade.input, { SkipReadiness: ['NoSuchCheck'] }), { SkipReadiness: ['NoSuchCheck'] });
});
