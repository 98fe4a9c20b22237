/**
 * The programs a plan runs are the most dangerous thing in it: whatever msiexec or the setup is pointed at runs
 * elevated on the server. So installer paths in plan.json are never trusted as written:
 * - on load, every InstallServer step must run the setup of the media folder the admin named now (-InstallerPath),
 *   every component installer must be its component's MSI by file name, in the MFA Server install folder the plan
 *   found or in the staging folder the plan copies it to, and every copy must go into the staging folder;
 * - before running, the executors check the path against the server as it is (the folder MFA Server is installed in,
 *   read from the server), and read the MSI to check its product and bitness (installers.ts).
 */
import type { PlanStep, UpgradePlan } from '../domain/plan-types';
import { STAGING_FOLDER } from '../domain/plan-component-steps';
import { WEB_COMPONENTS, type WebComponentName } from '../domain/catalog';
import { CoreError } from '../util/errors';
import { sameWindowsPath, windowsBasename, windowsParent, windowsPathKey } from '../util/windows-path';

const norm = windowsPathKey;

/** The folder of a Windows path, normalised for comparison (windowsPathKey). */
export function windowsFolderOf(p: string): string {
  return windowsPathKey(windowsParent(p));
}

/** A path holding `..` or a relative segment could climb out of any folder it claims to be in. */
function hasClimb(p: string): boolean {
  return p.split(/[\\/]/).some((seg) => seg === '..' || seg === '.');
}

export function refusedInstaller(step: PlanStep, why: string): CoreError {
  return new CoreError(
    'PlanInstallerRefused',
    `Step ${step.Id} of the plan would run ${why}. The plan is not the one this module makes for the media you named, so nothing was run. ` +
      'Check plan.json in the run folder: put the run\'s own plan back, or start a new run.',
    step.Id,
  );
}

export function componentMsiNames(component: WebComponentName): string[] {
  return [64, 32].map((bits) => WEB_COMPONENTS[component].msiFileName(bits as 32 | 64));
}

export function assertPlanInstallers(plan: UpgradePlan, installerPath: string): void {
  const installFolders = plan.Steps.filter((s) => s.Action === 'InstallServer')
    .map((s) => s.Parameters.installPath)
    .filter((p): p is string => typeof p === 'string');
  for (const step of plan.Steps) {
    const p = step.Parameters;
    if (step.Action === 'InstallServer') {
      if (typeof p.installerPath !== 'string' || !sameWindowsPath(p.installerPath, installerPath) || hasClimb(p.installerPath)) {
        throw refusedInstaller(step, `the MFA Server setup from '${String(p.installerPath)}', not from the media folder you named ('${installerPath}')`);
      }
    }
    if (step.Action === 'InstallComponent' || step.Action === 'CopyInstaller') {
      const component = step.Component as WebComponentName;
      if (!(component in WEB_COMPONENTS)) throw refusedInstaller(step, `an installer for '${String(step.Component)}', which is not a web component`);
      const file = step.Action === 'InstallComponent' ? p.msiPath : p.sourcePath;
      if (typeof file !== 'string' || hasClimb(file)) throw refusedInstaller(step, `'${String(file)}'`);
      const name = windowsBasename(file).toLowerCase();
      if (!componentMsiNames(component).some((n) => n.toLowerCase() === name)) throw refusedInstaller(
        step,
        `'${file}', which is not the ${component} installer (${componentMsiNames(component).join(' or ')})`,
      );
      const folder = windowsFolderOf(file);
      // From the staging folder only what the plan's own copy step put there, on that server, for that component.
      const copied = plan.Steps.some(
        (c) =>
          c.Action === 'CopyInstaller' &&
          c.ComputerName.toLowerCase() === step.ComputerName.toLowerCase() &&
          c.Component === step.Component &&
          typeof c.Parameters.destinationPath === 'string' &&
          sameWindowsPath(c.Parameters.destinationPath, file),
      );
      if (!installFolders.map(norm).includes(folder) && !(step.Action === 'InstallComponent' && folder === norm(STAGING_FOLDER) && copied)) {
        throw refusedInstaller(
          step,
          `'${file}', which is neither in the folder MFA Server installs its component installers into (${installFolders.join(', ') || 'none planned'}) nor ` +
            `a copy the plan makes into ${STAGING_FOLDER}`,
        );
      }
    }
    if (step.Action === 'CopyInstaller') {
      const dest = p.destinationPath;
      if (typeof dest !== 'string' || hasClimb(dest) || windowsFolderOf(dest) !== norm(STAGING_FOLDER)) {
        throw refusedInstaller(step, `a copy to '${String(dest)}', outside the staging folder ${STAGING_FOLDER}`);
      }
    }
  }
}
