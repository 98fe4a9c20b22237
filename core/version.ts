/** The tool's version: injected by the build from package.json (one place). */
declare const __MFA_VERSION__: string;
export const TOOL_VERSION: string = typeof __MFA_VERSION__ === 'string' ? __MFA_VERSION__ : '0.0.0-dev';
