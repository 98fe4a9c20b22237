/** -User: names compared case-insensitively, with PowerShell's wildcards `*` and `?`. */

export type UserFilter = (user: string) => boolean;

export function userFilter(patterns: string[] | undefined): UserFilter {
  if (!patterns || patterns.length === 0) return () => true;
  const exact = new Set(patterns.filter((p) => !/[*?]/.test(p)).map((p) => p.toLowerCase()));
  const wild = patterns.filter((p) => /[*?]/.test(p)).map(wildcardPattern);
  return (user) => exact.has(user.toLowerCase()) || wild.some((w) => w.test(user));
}

function wildcardPattern(p: string): RegExp {
  const body = p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'is');
}
