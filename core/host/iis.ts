/**
 * IIS configuration as IIS itself keeps it: %windir%\System32\inetsrv\config\applicationHost.config.
 * Reading gives a flat list of web applications (what the upgrade needs: which vdir lives where, in which pool).
 * Editing (used by the lab's simulated installers) splices the original text at the offsets fast-xml-parser
 * reports, so every byte outside the edit (comments, CRLF, attribute order, other sites) stays as it was.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Host } from './host';
import { CoreError } from '../util/errors';
import { PARSER_OPTIONS } from '../webconfig/xml-tree';
import { lineColumnAt } from '../webconfig/position';
import { decodeNormalizedAttributeValue, escapeAttributeValue } from '../webconfig/xml-text';

export const APPLICATION_HOST_CONFIG = 'C:\\Windows\\System32\\inetsrv\\config\\applicationHost.config';

export interface IisBinding {
  protocol: string;
  /** 'ip:port:hostname', e.g. '*:443:'. */
  bindingInformation: string;
}

export interface WebApplication {
  siteName: string;
  siteId?: string;
  /** The application path inside the site: '/' or '/PhoneFactor'. */
  applicationPath: string;
  /** Physical path of the application's root virtual directory, environment variables expanded. */
  physicalPath: string;
  /** The physical path as written in the file (may hold %SystemDrive%). */
  rawPhysicalPath: string;
  applicationPool: string;
  bindings: IisBinding[];
}

export interface NewWebApplication {
  siteName: string;
  applicationPath: string;
  physicalPath: string;
  applicationPool?: string;
}

// ───────────────────────────── structure ─────────────────────────────

const META = XMLParser.getMetaDataSymbol() as unknown as symbol;

interface XNode {
  tag: string;
  attrs: Record<string, string>;
  children: XNode[];
  start: number;
  end: number;
}

const parserOptions = { ...PARSER_OPTIONS, attributeNamePrefix: '' } as const;

const lineCol = lineColumnAt;

function malformed(file: string, line: number, column: number, why: string): CoreError {
  return new CoreError('IisConfigMalformed', `${file}, line ${line}, column ${column}: ${why}`, file, { file, line, column });
}

/** Turn the parser's preserveOrder arrays into a plain element tree with offsets. */
function toNodes(raw: unknown[]): XNode[] {
  const out: XNode[] = [];
  for (const item of raw as Record<string | symbol, unknown>[]) {
    const tag = Object.keys(item).find((k) => k !== ':@');
    if (tag === undefined || tag.startsWith('#') || tag.startsWith('?')) continue;
    const meta = item[META] as { startIndex?: number; endIndex?: number } | undefined;
    const attrs = (item[':@'] as Record<string, string> | undefined) ?? {};
    out.push({
      tag,
      attrs,
      children: toNodes(item[tag] as unknown[]),
      start: meta?.startIndex ?? -1,
      end: meta?.endIndex ?? -1,
    });
  }
  return out;
}

/** Validate and parse; a broken file gives IisConfigMalformed with its line and column. */
function parseTree(text: string, file: string): XNode {
  const valid = XMLValidator.validate(text.replace(/^\uFEFF/, ''));
  if (valid !== true) {
    // The validator counts lines after the BOM was removed; lines are unaffected, columns on line 1 shift by one.
    throw malformed(file, valid.err.line, valid.err.col, valid.err.msg);
  }
  const roots = toNodes(new XMLParser(parserOptions).parse(text) as unknown[]);
  const configuration = roots.find((n) => n.tag === 'configuration');
  if (!configuration) throw malformed(file, 1, 1, 'the root element is not <configuration>.');
  return configuration;
}

function child(node: XNode | undefined, tag: string): XNode | undefined {
  return node?.children.find((c) => c.tag === tag);
}

function childrenNamed(node: XNode | undefined, tag: string): XNode[] {
  return node ? node.children.filter((c) => c.tag === tag) : [];
}

const decodeXml = decodeNormalizedAttributeValue;
const encodeXmlAttr = (value: string) => escapeAttributeValue(value, '"', false);

/** Expand the environment variables IIS physical paths use. The system drive of the servers we model is C:. */
export function expandIisPath(path: string, systemDrive = 'C:'): string {
  const vars: Record<string, string> = {
    systemdrive: systemDrive,
    systemroot: `${systemDrive}\\Windows`,
    windir: `${systemDrive}\\Windows`,
    programfiles: `${systemDrive}\\Program Files`,
    'programfiles(x86)': `${systemDrive}\\Program Files (x86)`,
  };
  return path.replace(/%([^%]+)%/g, (m, name: string) => vars[name.toLowerCase()] ?? m);
}

function sitesOf(configuration: XNode): XNode | undefined {
  return child(child(configuration, 'system.applicationHost'), 'sites');
}

function attr(node: XNode | undefined, name: string): string | undefined {
  const v = node?.attrs[name];
  return v === undefined ? undefined : decodeXml(v);
}

// ───────────────────────────── reading ─────────────────────────────

/** applicationHost.config text → every application of every site. */
export function parseApplicationHostConfig(text: string, file = APPLICATION_HOST_CONFIG): WebApplication[] {
  const configuration = parseTree(text, file);
  const sites = sitesOf(configuration);
  if (!sites) return [];
  const globalPool = attr(child(sites, 'applicationDefaults'), 'applicationPool') ?? 'DefaultAppPool';
  const result: WebApplication[] = [];
  for (const site of childrenNamed(sites, 'site')) {
    const siteName = attr(site, 'name');
    if (siteName === undefined) {
      const at = lineCol(text, site.start);
      throw malformed(file, at.line, at.column, 'a <site> element has no name attribute.');
    }
    const sitePool = attr(child(site, 'applicationDefaults'), 'applicationPool') ?? globalPool;
    const bindings = childrenNamed(child(site, 'bindings'), 'binding').map((b) => ({
      protocol: attr(b, 'protocol') ?? '',
      bindingInformation: attr(b, 'bindingInformation') ?? '',
    }));
    for (const app of childrenNamed(site, 'application')) {
      const applicationPath = attr(app, 'path');
      if (applicationPath === undefined) {
        const at = lineCol(text, app.start);
        throw malformed(file, at.line, at.column, `an <application> of site '${siteName}' has no path attribute.`);
      }
      const rootVdir = childrenNamed(app, 'virtualDirectory').find((v) => attr(v, 'path') === '/');
      const rawPhysicalPath = attr(rootVdir, 'physicalPath') ?? '';
      result.push({
        siteName,
        siteId: attr(site, 'id'),
        applicationPath,
        physicalPath: expandIisPath(rawPhysicalPath),
        rawPhysicalPath,
        applicationPool: attr(app, 'applicationPool') ?? sitePool,
        bindings,
      });
    }
  }
  return result;
}

/** The web applications of a host; [] when IIS is not installed (no applicationHost.config). */
export async function listWebApplications(host: Host): Promise<WebApplication[]> {
  if (!(await host.stat(APPLICATION_HOST_CONFIG))) return [];
  const bytes = await host.readFile(APPLICATION_HOST_CONFIG);
  // Name the file an admin can open: the real file of a lab, the Windows path otherwise.
  return parseApplicationHostConfig(bytes.toString('utf8'), host.localPath(APPLICATION_HOST_CONFIG) ?? APPLICATION_HOST_CONFIG);
}

// ───────────────────────────── editing by splicing ─────────────────────────────

function findSite(configuration: XNode, siteName: string, file: string): XNode {
  const site = childrenNamed(sitesOf(configuration), 'site').find(
    (s) => (attr(s, 'name') ?? '').toLowerCase() === siteName.toLowerCase(),
  );
  if (!site) throw new CoreError('IisSiteNotFound', `IIS has no site named '${siteName}' in ${file}.`, file, { siteName });
  return site;
}

function sameAppPath(a: string, b: string): boolean {
  const norm = (p: string) => ('/' + p.replace(/^\/+|\/+$/g, '')).toLowerCase();
  return norm(a) === norm(b);
}

/** Whitespace from the start of the line up to `offset` (the element's indentation). */
function indentBefore(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const lead = text.slice(lineStart, offset);
  return /^[ \t]*$/.test(lead) ? lead : '';
}

/** Add an application (with its root virtual directory) to a site; returns the new text. */
export function addWebApplication(text: string, app: NewWebApplication, file = APPLICATION_HOST_CONFIG): string {
  const configuration = parseTree(text, file);
  const site = findSite(configuration, app.siteName, file);
  const applicationPath = '/' + app.applicationPath.replace(/^\/+|\/+$/g, '');
  if (childrenNamed(site, 'application').some((a) => sameAppPath(attr(a, 'path') ?? '', applicationPath))) {
    throw new CoreError(
      'IisApplicationExists',
      `Site '${app.siteName}' already has an application at '${applicationPath}'.`,
      file,
      { siteName: app.siteName, applicationPath },
    );
  }
  const nl = text.includes('\r\n') ? '\r\n' : '\n';
  const apps = childrenNamed(site, 'application');
  const anchor = apps.length > 0 ? apps[apps.length - 1] : site.children[0];
  if (!anchor) {
    const at = lineCol(text, site.start);
    throw malformed(file, at.line, at.column, `site '${app.siteName}' has no child elements to place an application beside.`);
  }
  const indent = indentBefore(text, anchor.start);
  const vdirChild = anchor.children[0];
  const unit = vdirChild ? indentBefore(text, vdirChild.start).slice(indent.length) || '    ' : '    ';
  const poolAttr = app.applicationPool ? ` applicationPool="${encodeXmlAttr(app.applicationPool)}"` : '';
  const block =
    `<application path="${encodeXmlAttr(applicationPath)}"${poolAttr}>${nl}` +
    `${indent}${unit}<virtualDirectory path="/" physicalPath="${encodeXmlAttr(app.physicalPath)}" />${nl}` +
    `${indent}</application>`;
  if (apps.length > 0) {
    // After the last application: newline + indentation + block.
    return text.slice(0, anchor.end) + nl + indent + block + text.slice(anchor.end);
  }
  // Before the first child (e.g. <bindings>): block + newline + the child's own indentation.
  return text.slice(0, anchor.start) + block + nl + indent + text.slice(anchor.start);
}

/** Remove an application (and its virtual directories) from a site; returns the new text. */
export function removeWebApplication(text: string, siteName: string, applicationPath: string, file = APPLICATION_HOST_CONFIG): string {
  const configuration = parseTree(text, file);
  const site = findSite(configuration, siteName, file);
  const app = childrenNamed(site, 'application').find((a) => sameAppPath(attr(a, 'path') ?? '', applicationPath));
  if (!app) {
    throw new CoreError('IisApplicationNotFound', `Site '${siteName}' has no application at '${applicationPath}'.`, file, {
      siteName,
      applicationPath,
    });
  }
  let start = app.start;
  let end = app.end;
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  if (/^[ \t]*$/.test(text.slice(lineStart, start))) {
    // The element sits on its own lines: remove them whole, including the line break after it.
    start = lineStart;
    if (text.startsWith('\r\n', end)) end += 2;
    else if (text[end] === '\n') end += 1;
  }
  return text.slice(0, start) + text.slice(end);
}

// ───────────────────────────── sections of our applications (backups) ─────────────────────────────

/** What a backup keeps of IIS for the applications it backs up: enough to rebuild them (New-MfaLab -FromBackup). */
export interface IisApplicationSection {
  path: string;
  applicationPool: string | null;
  /** As written in the file (may hold %SystemDrive%). */
  rawPhysicalPath: string;
  /** The <application> element as it is in applicationHost.config, byte for byte. */
  xml: string;
}

export interface IisSiteSection {
  name: string;
  id: string | null;
  bindings: IisBinding[];
  applications: IisApplicationSection[];
}

export interface IisSections {
  formatVersion: 1;
  /** Windows path of the file the sections come from. */
  source: string;
  sites: IisSiteSection[];
  /** The <add> elements of the application pools our applications run in. */
  applicationPools: { name: string; xml: string }[];
}

/**
 * The <site> data and <application> elements of the given applications (site name + application path), and the
 * application pools they use. Other sites' and other applications' sections are left out: a backup holds what the
 * upgrade touches, and nothing of other products on the server.
 */
export function extractApplicationSections(text: string, wanted: { siteName: string; applicationPath: string }[], file = APPLICATION_HOST_CONFIG): IisSections {
  const configuration = parseTree(text, file);
  const sites = sitesOf(configuration);
  const globalPool = attr(child(sites, 'applicationDefaults'), 'applicationPool') ?? null;
  const out: IisSiteSection[] = [];
  const pools = new Set<string>();
  for (const site of childrenNamed(sites, 'site')) {
    const name = attr(site, 'name') ?? '';
    const apps = childrenNamed(site, 'application').filter((a) =>
      wanted.some((w) => w.siteName.toLowerCase() === name.toLowerCase() && sameAppPath(w.applicationPath, attr(a, 'path') ?? '')),
    );
    if (apps.length === 0) continue;
    const sitePool = attr(child(site, 'applicationDefaults'), 'applicationPool') ?? globalPool;
    out.push({
      name,
      id: attr(site, 'id') ?? null,
      bindings: childrenNamed(child(site, 'bindings'), 'binding').map((b) => ({
        protocol: attr(b, 'protocol') ?? '',
        bindingInformation: attr(b, 'bindingInformation') ?? '',
      })),
      applications: apps.map((a) => {
        const pool = attr(a, 'applicationPool') ?? sitePool;
        if (pool) pools.add(pool.toLowerCase());
        const root = childrenNamed(a, 'virtualDirectory').find((v) => attr(v, 'path') === '/');
        return {
          path: attr(a, 'path') ?? '',
          applicationPool: attr(a, 'applicationPool') ?? null,
          rawPhysicalPath: attr(root, 'physicalPath') ?? '',
          xml: text.slice(a.start, a.end),
        };
      }),
    });
  }
  const poolNodes = childrenNamed(child(child(configuration, 'system.applicationHost'), 'applicationPools'), 'add');
  const applicationPools = poolNodes.filter((p) => pools.has((attr(p, 'name') ?? '').toLowerCase())).map((p) => ({
    name: attr(p, 'name') ?? '',
    xml: text.slice(p.start, p.end),
  }));
  return { formatVersion: 1, source: file, sites: out, applicationPools };
}
