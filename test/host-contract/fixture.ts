/**
 * What the conformance suite needs from an adapter under test. Everything optional is a capability: a case that needs
 * one the fixture lacks is reported as skipped WITH the reason (never silently), so the gap shows in every run.
 */
import type { Host, ServiceInfo } from '../../core/host/host';

export interface ContractFixture {
  host: Host;
  /** A Windows folder that exists and is empty, for the file cases of this fixture. */
  scratch: string;
  /** The host has a registry the suite may write under HKLM\SOFTWARE\MfaContract. */
  registry?: boolean;
  /** Adds a service to the server (the port has no "create service": the fixture does it as an installer would). */
  addService?(info: ServiceInfo): Promise<void>;
  /** The host runs installers (runMsiexec / runSetup). */
  installer?: {
    /** The next installer run finds another installation in progress (the _MSIExecute mutex is held); absent when the fixture cannot. */
    makeBusy?(): Promise<void>;
  };
  /** Task Scheduler through the port. */
  tasks?: boolean;
  /** Holds the file open without sharing, as another process would; the returned function lets go. */
  holdOpen?(path: string): Promise<() => Promise<void>>;
  /** Whether accounts other than the folder's owner (and administrators) may use the folder, as its permissions say. */
  othersMayUse?(path: string): Promise<boolean>;
  /** Takes the caller's right to write the file away; the returned function gives it back. */
  denyWrite?(path: string): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface AdapterEntry {
  /** How the adapter is named in test titles. */
  name: string;
  /** Why this adapter cannot run here (reported as a skip with this reason), or false. */
  skip?: string | false;
  /** Once per adapter, before its cases (start a server, build a lab). */
  setUp?(): Promise<void>;
  tearDown?(): Promise<void>;
  /** A fresh fixture per case. */
  open(): Promise<ContractFixture>;
  /**
   * Cases this adapter is known to fail today, by case id, with the reason. Such a case passes while it fails, and
   * FAILS once it passes (so the entry is removed as soon as the adapter is fixed): expected failures stay honest.
   */
  expectedFailures?: Record<string, string>;
}
