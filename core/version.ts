/** The tool's version: injected by the build from package.json (one place). */
declare const __MFA_VERSION__: string;
export const TOOL_VERSION: string = typeof __MFA_VERSION__ === 'string' ? __MFA_VERSION__ : '0.0.0-dev';

/**
 * This build's fingerprint: a hash of the core bundle, written into the bundle and into the generated module by the
 * build. A warm core states it when it starts, and the transport talks only to a core of its own build (a module
 * updated on disk while a PowerShell session still has the old one loaded must not drive the new core, or the reverse).
 */
declare const __MFA_BUILD_ID__: string;
export const BUILD_ID: string = typeof __MFA_BUILD_ID__ === 'string' ? __MFA_BUILD_ID__ : 'dev';
