/**
 * The Undo's own step list: what Undo-MfaServerUpgrade does, in order, to take the servers of a run back to what their
 * backups hold. Built once, when an Undo starts, from what the upgrade's records say it did and what each server holds
 * then (undo-facts.ts); kept in undo-plan.json beside the upgrade's plan and read back as untrusted input, like the
 * upgrade's plan (its SHA-256 is in the Undo's journal). Order:
 * 1. on every server, web servers first: what the run put into the new web applications (themes, carried files, staged
 *    installers) goes, then each MFA Server web component the run installed is uninstalled; MFA Server itself last;
 * 2. each PhoneFactor product not installed now is reinstalled from the backup's package, Agent first, MFA server first;
 * 3. on every server: the backup's files (data file, web.configs, files they name, themes), each file of another SDK
 *    caller the upgrade rewrote (RewriteSdkConsumer) and the product key go back, the PhoneFactor service starts, and
 *    the server is verified against the backup.
 */
import { CoreError } from '../../util/errors';
import type { SdkUrlChange } from '../../webconfig/index';
import { parseRecordJson } from '../../util/json-syntax';
import { UNDO_JOURNAL_FILE_NAME } from '../../journal/journal-types';

export { UNDO_JOURNAL_FILE_NAME };

export type UndoAction =
  | 'RemoveUpgradeFiles'
  | 'Uninstall'
  | 'Reinstall'
  | 'RestoreFiles'
  | 'RestoreSdkConsumer'
  | 'RestoreRegistry'
  | 'StartService'
  | 'Verify';
export const UNDO_ACTIONS: UndoAction[] = [
  'RemoveUpgradeFiles',
  'Uninstall',
  'Reinstall',
  'RestoreFiles',
  'RestoreSdkConsumer',
  'RestoreRegistry',
  'StartService',
  'Verify',
];
export const UNDO_PLAN_FILE_NAME = 'undo-plan.json';

export type UndoParameterValue = string | boolean | null;

export interface UndoStep {
  Order: number;
  /** `<ComputerName>:undo-<action>[:<Component>]`, unique. */
  Id: string;
  Action: UndoAction;
  Component: string | null;
  Kind: 'Automatic';
  ComputerName: string;
  Target: string;
  Description: string;
  Parameters: Record<string, UndoParameterValue>;
}

export interface UndoPlan {
  /** The RunId of the upgrade journal this Undo takes back (a later upgrade's journal is not this Undo's). */
  UpgradeRunId: string;
  Steps: UndoStep[];
}

/** What the plan is made of, per server (gathered by undo-facts.ts). */
export interface UndoServerPlanInput {
  computerName: string;
  /** Holds a PhoneFactor Agent or MFA Server (the MFA server); false: a web server. */
  isMfaServer: boolean;
  /** The MFA Server products the run installed that are installed now: web components first, MFA Server last. */
  uninstall: { component: string; productCode: string; displayName: string; virtualDirectory: string | null; siteName: string | null }[];
  /** What the run wrote into a new web application or a staging folder, per component (RemoveUpgradeFiles). */
  upgradeFiles: { component: string; parameters: Record<string, UndoParameterValue>; description: string }[];
  /** PhoneFactor products of the backup that are not installed now, Agent first. */
  reinstall: { component: string; productCode: string; displayName: string; version: string }[];
  backupPath: string;
  /**
   * The files of other SDK callers the upgrade rewrote on this server (its RewriteSdkConsumer steps that ran, checked
   * against its plan in undo-facts.ts): each goes back from the backup only while it holds the backup's bytes or the
   * bytes the rewrite made of them.
   */
  consumers: UndoConsumer[];
  /** The PhoneFactor service the backup's server ran (the Agent's); null on a web server. */
  service: string | null;
}

export interface UndoConsumer {
  /** The short hash of the file's path its backup copy is kept under: this step's Id is made of it. */
  key: string;
  file: string;
  /** What the upgrade's steps changed in this file, in their order (one step per setting). */
  changes: SdkUrlChange[];
  /** The upgrade step's kind of file (WebConfig, AdfsAdapter, MimSettings). */
  kind: string;
  backupRelativePath: string;
  /** Unsafe to edit: the admin changed it in the upgrade and changes it back; the Undo only checks it. */
  byHand: boolean;
  /** The service the upgrade step restarted when it ran (MIM's), or null. */
  restartService: string | null;
}

type Draft = Omit<UndoStep, 'Order' | 'Kind'>;

export function buildUndoPlan(upgradeRunId: string, servers: UndoServerPlanInput[]): UndoPlan {
  const drafts: Draft[] = [];
  // Web servers first: their components call the MFA server's SDK, and nothing on the MFA server depends on them.
  const removalOrder = [...servers.filter((s) => !s.isMfaServer), ...servers.filter((s) => s.isMfaServer)];
  for (const s of removalOrder) {
    for (const u of s.uninstall) {
      const files = s.upgradeFiles.find((f) => f.component === u.component);
      if (files) drafts.push(step(s, 'RemoveUpgradeFiles', u.component, files.description, files.parameters));
      drafts.push(
        step(s, 'Uninstall', u.component, `Uninstall ${u.displayName} (${u.productCode}), installed by the upgrade`, {
          productCode: u.productCode,
          displayName: u.displayName,
        }),
      );
    }
    // Staged installers of a component that is not installed (its install failed) still go.
    for (const f of s.upgradeFiles.filter((x) => !s.uninstall.some((u) => u.component === x.component))) {
      drafts.push(step(s, 'RemoveUpgradeFiles', f.component, f.description, f.parameters));
    }
  }
  const reinstallOrder = [...servers.filter((s) => s.isMfaServer), ...servers.filter((s) => !s.isMfaServer)];
  for (const s of reinstallOrder) {
    for (const r of s.reinstall) {
      drafts.push(
        step(s, 'Reinstall', r.component, `Reinstall ${r.displayName} ${r.version} from the backup's package, into its original folder and virtual ` +
          `directory`, { productCode: r.productCode, displayName: r.displayName, version: r.version, backupPath: s.backupPath }),
      );
    }
  }
  for (const s of reinstallOrder) {
    const backup = { backupPath: s.backupPath };
    drafts.push(step(s, 'RestoreFiles', null, 'Put back the data file, web.configs, the files they name and the themes from the backup', backup));
    for (const c of s.consumers) drafts.push(consumerStep(s, c));
    drafts.push(step(s, 'RestoreRegistry', null, 'Put back the values of the PhoneFactor product key from the backup', backup));
    if (s.service) drafts.push(step(s, 'StartService', null, `Start the ${s.service} service`, { service: s.service }));
    drafts.push(step(s, 'Verify', null, 'Verify products, versions, virtual directories, restored files and registry against the backup', backup));
  }
  return { UpgradeRunId: upgradeRunId, Steps: drafts.map((d, i) => ({ ...d, Order: i + 1, Kind: 'Automatic' })) };
}

function consumerStep(s: UndoServerPlanInput, c: UndoConsumer): Draft {
  const settings = c.changes.map((x) => `${x.setting} back to ${x.oldUrl}`).join(', ');
  const adfs = c.kind === 'AdfsAdapter' ? '; then AD FS must register it again (manual)' : '';
  const then = c.restartService ? `, then restart ${c.restartService} if it runs` : adfs;
  const what = c.byHand
    ? `Check that ${c.file} is back on the old URL (${settings}): it was changed by hand in the upgrade and is changed back by hand`
    : `Put back ${c.file} from the backup (${settings}) while it holds what the upgrade wrote${then}`;
  return {
    ...step(s, 'RestoreSdkConsumer', null, what, {
      backupPath: s.backupPath,
      backupRelativePath: c.backupRelativePath,
      file: c.file,
      // Parameters are text: the changes as JSON, checked again when the step runs.
      changes: JSON.stringify(c.changes),
      kind: c.kind,
      byHand: c.byHand,
      restartService: c.restartService,
    }),
    Id: `${s.computerName}:undo-restore-sdk-consumer:${c.key}`,
    Target: c.file,
  };
}

function step(s: UndoServerPlanInput, action: UndoAction, component: string | null, description: string, parameters: Draft['Parameters']): Draft {
  const kebab = action.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();
  return {
    Id: `${s.computerName}:undo-${kebab}${component ? `:${component}` : ''}`,
    Action: action,
    Component: component,
    ComputerName: s.computerName,
    Target: component ?? s.computerName,
    Description: description,
    Parameters: parameters,
  };
}

export function serializeUndoPlan(plan: UndoPlan): Buffer {
  return Buffer.from(JSON.stringify(plan, null, 2) + '\n', 'utf8');
}

/** undo-plan.json read back: every field checked, the file and the step at fault named (PlanCorrupt). */
export function parseUndoPlan(bytes: Buffer, file: string): UndoPlan {
  const doc = parseRecordJson(bytes.toString('utf8'), (why) => corrupt(file, why));
  const problem = planProblem(doc);
  if (problem) throw corrupt(file, problem);
  return doc as UndoPlan;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function planProblem(doc: unknown): string | null {
  if (!isObject(doc)) return 'it does not hold a JSON object';
  if (typeof doc.UpgradeRunId !== 'string' || doc.UpgradeRunId === '') return 'UpgradeRunId is missing';
  if (!Array.isArray(doc.Steps) || doc.Steps.length === 0) return 'Steps is missing or empty';
  const ids = new Set<string>();
  for (const [i, s] of (doc.Steps as unknown[]).entries()) {
    if (!isObject(s)) return `Steps[${i}] is not an object`;
    const at = `step ${typeof s.Id === 'string' ? s.Id : `#${i + 1}`}`;
    for (const k of ['Id', 'ComputerName', 'Target', 'Description']) if (typeof s[k] !== 'string' || s[k] === '') return `${at}: ${k} is missing`;
    if (s.Order !== i + 1) return `${at}: Order must be ${i + 1}`;
    if (!UNDO_ACTIONS.includes(s.Action as UndoAction)) return `${at}: Action '${String(s.Action)}' is not an Undo action`;
    if (s.Kind !== 'Automatic') return `${at}: Kind must be Automatic`;
    if (s.Component !== null && typeof s.Component !== 'string') return `${at}: Component must be text or null`;
    if (!isObject(s.Parameters)) return `${at}: Parameters is missing`;
    for (const [k, v] of Object.entries(s.Parameters)) {
      if (v !== null && typeof v !== 'string' && typeof v !== 'boolean') return `${at}: parameter ${k} must be text, true/false or null`;
    }
    if (ids.has(String(s.Id))) return `${at}: the Id is used twice`;
    ids.add(String(s.Id));
  }
  return null;
}

function corrupt(file: string, why: string): CoreError {
  return new CoreError(
    'PlanCorrupt',
    `The Undo's plan ${file} cannot be used: ${why}. It was changed or damaged since the Undo wrote it, so nothing was done. Put this Undo's own file ` +
      `back, or move it and ${UNDO_JOURNAL_FILE_NAME} away to plan the Undo again from the servers as they are.`,
    file,
  );
}
