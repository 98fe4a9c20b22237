import assert from 'node:assert/strict';
import { test } from 'node:test';
import { packedGuid } from '../../../core/host/installer-registration';

test('packedGuid: known pairs of ProductCode and the packed key Windows Installer names', () => {
  // Microsoft Visual C++ 2010 x86 / x64 Redistributable 10.0.40219: their Classes\Installer\Products keys are widely known.
  assert.equal(packedGuid('{F0C3E5D1-1ADE-321E-8167-68EF0DE699A5}'), '1D5E3C0FEDA1E123187686FED06E995A');
  assert.equal(packedGuid('{1D8E6291-B0D5-35EC-8441-6616F567A0F7}'), '1926E8D15D0BCE53481466615F760A7F');
  // Case and whitespace do not matter; the key is upper case.
  assert.equal(packedGuid(' {f0c3e5d1-1ade-321e-8167-68ef0de699a5} '), '1D5E3C0FEDA1E123187686FED06E995A');
});

test('packedGuid: anything but a braced GUID has no packed form', () => {
  for (const bad of ['', 'F0C3E5D1-1ADE-321E-8167-68EF0DE699A5', '{F0C3E5D1-1ADE-321E-8167-68EF0DE699A}', '{G0C3E5D1-1ADE-321E-8167-68EF0DE699A5}']) {
    assert.equal(packedGuid(bad), undefined, bad);
  }
});
