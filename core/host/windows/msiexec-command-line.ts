/**
 * Why this file: msiexec parses its own command line, so the adapter builds it here, quoted msiexec's way, and the
 * recorded-command tests check it.
 */
import type { MsiexecRequest } from '../host';
import { CoreError } from '../../util/errors';
import { isSecretName, MASK } from '../../util/secrets';

/**
 * msiexec arguments, already quoted, for a verbatim command line. msiexec reads its own command line: a path is
 * wrapped in quotes, a property is written PROP="value" (a quote inside the value is doubled), which the usual
 * C-runtime quoting cannot produce.
 */
export interface MsiexecArguments {
  /** What msiexec receives. */
  args: string[];
  /** The same with secret property values masked: for logs, results and errors. */
  display: string[];
}

/** Public properties are upper case; the name rule also keeps anything but a property out of the command line. */
const PUBLIC_PROPERTY = /^[A-Z_][A-Z0-9_.]*$/;
const PRODUCT_CODE = /^\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}$/i;

function quotedPath(path: string, what: string): string {
  if (path === '' || /["\r\n\0]/.test(path)) throw new CoreError('InvalidInstallerRequest', `The ${what} path "${path}" cannot be passed to msiexec.`, path);
  return `"${path}"`;
}

function propertyArgument(name: string, value: string): string {
  if (!PUBLIC_PROPERTY.test(name)) {
    throw new CoreError(
      'InvalidInstallerRequest',
      `"${name}" is not a public Windows Installer property name (upper-case letters, digits, _ and . only).`,
      name,
    );
  }
  if (/[\r\n\0]/.test(value)) {
    throw new CoreError('InvalidInstallerRequest', `The value of property ${name} contains a line break, which msiexec cannot take.`, name);
  }
  return `${name}="${value.replace(/"/g, '""')}"`;
}

export function buildMsiexecArguments(request: MsiexecRequest): MsiexecArguments {
  const log = ['/qn', '/norestart', '/l*v', quotedPath(request.logPath, 'log')];
  if (request.operation === 'uninstall') {
    if (!PRODUCT_CODE.test(request.productCode)) {
      throw new CoreError(
        'InvalidInstallerRequest',
        `"${request.productCode}" is not a product code ({XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}).`,
        request.productCode,
      );
    }
    const args = ['/x', request.productCode.toUpperCase(), ...log];
    return { args, display: args };
  }
  const head = ['/i', quotedPath(request.packagePath, 'package'), ...log];
  const entries = Object.entries(request.properties);
  return {
    args: [...head, ...entries.map(([name, value]) => propertyArgument(name, value))],
    display: [...head, ...entries.map(([name, value]) => propertyArgument(name, isSecretName(name) ? MASK : value))],
  };
}

/** Setup program arguments as shown in logs: `NAME=value` arguments whose name looks secret are masked. */
export function maskSecretArguments(args: string[]): string[] {
  return args.map((arg) => {
    const m = /^([A-Za-z_][A-Za-z0-9_.]*)=/.exec(arg);
    return m && isSecretName(m[1]) ? `${m[1]}=${MASK}` : arg;
  });
}
