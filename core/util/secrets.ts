/**
 * Which configuration names hold secrets, and how they are shown. One rule for output, logs, journals and reports.
 * WEB_SERVICE_SDK_AUTHENTICATION_PASSWORD holds the SDK service account's plain-text password.
 */
export const MASK = '********';

const SECRET_NAME = /PASSWORD|PASSWD|PWD|SECRET|(^|[_.\-])KEY($|[_.\-])|APIKEY|PRIVATEKEY|TOKEN|CONNECTIONSTRING/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

export function maskIfSecret(name: string, value: string | null): string | null {
  if (value === null) return null;
  return isSecretName(name) ? MASK : value;
}

/**
 * Remove known secret values from free text (error messages, log lines) before it leaves the core.
 * Values are registered as they are read from files.
 */
export class SecretRedactor {
  private readonly values = new Set<string>();

  register(value: string | null | undefined): void {
    if (value && value.length >= 3) this.values.add(value);
  }

  redact(text: string): string {
    let out = text;
    for (const v of this.values) out = out.split(v).join(MASK);
    return out;
  }
}

/** Process-wide redactor: every log and error path runs through it. */
export const redactor = new SecretRedactor();
