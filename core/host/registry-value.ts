/**
 * Whether a registry value fits its type (the Host contract, core/host/host.ts): what reg.exe and RegSetValueEx would
 * refuse is refused by every adapter with InvalidRegistryValue before anything is written.
 */
import type { RegistryValue } from './host';
import { CoreError } from '../util/errors';

export function checkRegistryValue(value: RegistryValue): void {
  const { type, data } = value;
  const fits = (() => {
    switch (type) {
      case 'REG_SZ':
      case 'REG_EXPAND_SZ':
        return typeof data === 'string';
      case 'REG_DWORD':
        return typeof data === 'number' && Number.isInteger(data) && data >= 0 && data <= 0xffffffff;
      case 'REG_QWORD':
        return typeof data === 'number' && Number.isInteger(data) && data >= 0 && data <= Number.MAX_SAFE_INTEGER;
      case 'REG_MULTI_SZ':
        // An empty string inside would end the list early in the stored form (two NULs end a MULTI_SZ).
        return Array.isArray(data) && data.every((s) => typeof s === 'string' && s !== '');
      case 'REG_BINARY':
        return typeof data === 'string' && /^([0-9a-f]{2}(,[0-9a-f]{2})*)?$/i.test(data);
      default:
        return false;
    }
  })();
  if (!fits) throw new CoreError('InvalidRegistryValue', `Registry value "${value.name}" of type ${type} cannot hold ${JSON.stringify(data)}.`, value.name);
}
