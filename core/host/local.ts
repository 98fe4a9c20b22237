/** The host for "this machine": the real Windows adapter on Windows; elsewhere there is no local server to act on. */
import { CoreError } from '../util/errors';
import type { Host } from './host';
import { WindowsHost } from './windows/index';

export function createLocalWindowsHost(): Host {
  if (process.platform !== 'win32') {
    throw new CoreError('NotWindows', `This machine runs ${process.platform}, not Windows: give -LabPath to work on a simulated server.`, 'ComputerName');
  }
  return new WindowsHost();
}
