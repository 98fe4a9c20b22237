/**
 * Which run is upgrading a server, written on the server itself. run.lock (journal/run-lock.ts) stops a second run of
 * the same run folder; this stops a run of another folder or another machine (two admins at two workstations, two
 * backup destinations) from touching a server whose upgrade another run has started and not completed. A paused or
 * failed run still owns its servers: its journal is the one that knows where they stand. The claim is written when a
 * run starts (again on every -Resume) and removed when the run completes. An abandoned run's claim is removed by hand;
 * the refusal says where it is.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import type { Host } from '../../host/host';
import { CoreError } from '../../util/errors';

export const CLAIM_FOLDER = 'C:\\ProgramData\\MfaServerUpgrade';
export const CLAIM_FILE = `${CLAIM_FOLDER}\\upgrade-run.json`;

export interface ServerClaim {
  /** The run folder (journal, plan) on the machine that runs the upgrade. */
  runFolder: string;
  machine: string;
  user: string;
  startedUtc: string;
  servers: string[];
}

const sameRun = (a: ServerClaim, b: ServerClaim) =>
  a.machine.toLowerCase() === b.machine.toLowerCase() && path.resolve(a.runFolder) === path.resolve(b.runFolder);

/**
 * How long a new claim is left before it is read back. Two runs that both found a server unclaimed both write; a run
 * that does not find its own claim on every server when reading back withdraws. A run reads and writes within
 * milliseconds, so this covers any two runs whose reads came before either write: they never both go on.
 */
export const CLAIM_SETTLE_MS = 500;

/** Claims every server for this run, or throws ServerClaimedByOtherRun naming the owner, leaving no claim of its own. */
export async function claimServers(hosts: Host[], runFolder: string, settleMs = CLAIM_SETTLE_MS): Promise<void> {
  const mine: ServerClaim = {
    runFolder,
    machine: os.hostname(),
    user: os.userInfo().username,
    startedUtc: new Date().toISOString(),
    servers: hosts.map((h) => h.computerName),
  };
  let claimedAnew = false;
  for (const host of hosts) {
    const other = await readClaim(host);
    if (other && !sameRun(other, mine)) throw claimedByOther(host, other);
    if (!other) claimedAnew = true;
  }
  const bytes = Buffer.from(JSON.stringify(mine, null, 2) + '\n', 'utf8');
  for (const host of hosts) {
    await host.makeDirectory(CLAIM_FOLDER);
    await host.writeFileAtomic(CLAIM_FILE, bytes);
  }
  // A server this run already owned cannot have been taken meanwhile: another run would have found our claim.
  if (!claimedAnew) return;
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  for (const host of hosts) {
    const now = await readClaim(host);
    // Not ours any more (or removed by a run that withdrew): withdraw too. Two runs claiming several servers at the
    // same moment may then both withdraw; that is safe, and running again settles it.
    if (!now || !sameRun(now, mine)) {
      await releaseServers(hosts, runFolder);
      throw now ? claimedByOther(host, now) : claimedAtTheSameMoment(host);
    }
  }
}

/** Removes this run's claims (the run completed); a claim another run has written since is left alone. */
export async function releaseServers(hosts: Host[], runFolder: string): Promise<void> {
  for (const host of hosts) {
    const claim = await readClaim(host);
    if (claim && sameRun(claim, { runFolder, machine: os.hostname(), user: '', startedUtc: '', servers: [] })) await host.removePath(CLAIM_FILE);
  }
}

async function readClaim(host: Host): Promise<ServerClaim | undefined> {
  if (!(await host.stat(CLAIM_FILE))) return undefined;
  const text = (await host.readFile(CLAIM_FILE)).toString('utf8');
  try {
    const c = JSON.parse(text) as Partial<ServerClaim>;
    if (typeof c.runFolder === 'string' && typeof c.machine === 'string') {
      return {
        runFolder: c.runFolder,
        machine: c.machine,
        user: String(c.user ?? 'unknown'),
        startedUtc: String(c.startedUtc ?? 'unknown'),
        servers: Array.isArray(c.servers) ? c.servers.map(String) : [],
      };
    }
  } catch {
    /* unreadable below */
  }
  throw new CoreError(
    'ServerClaimUnreadable',
    `${CLAIM_FILE} on ${host.computerName} says which run is upgrading the server, but it cannot be read. Nothing was done. If no other upgrade ` +
      `of ${host.computerName} is going on, delete the file and run again.`,
    CLAIM_FILE,
  );
}

function claimedAtTheSameMoment(host: Host): CoreError {
  return new CoreError(
    'ServerClaimedByOtherRun',
    `Another run started upgrading ${host.computerName} at the same moment as this one. Nothing was done. Check that no other upgrade is ` +
      `going on, then run again.`,
    CLAIM_FILE,
  );
}

function claimedByOther(host: Host, other: ServerClaim): CoreError {
  return new CoreError(
    'ServerClaimedByOtherRun',
    `${host.computerName} is being upgraded by another run: run folder ${other.runFolder} on ${other.machine} (${other.user}, started ${other.startedUtc}). ` +
      `Nothing was done. Continue that run with -Resume from ${other.machine} with the same -BackupDestination. ` +
      `If that run was abandoned, delete ${CLAIM_FILE} on ${host.computerName} (and keep its backups), then run again.`,
    CLAIM_FILE,
    { owner: other },
  );
}
