/**
 * The operation contract: the one place an operation is declared. The CLI's validator, the TypeScript types, the
 * PowerShell cmdlet (parameters, help, [OutputType], ShouldProcess) and its format view are all derived from it.
 */
import type { Static, TObject, TSchema } from '@sinclair/typebox';
import type { OperationContext } from '../../util/operation-context';

/** How a PowerShell parameter is bound; carried in the input schema under the annotation keyword `x-mfa`. */
export interface ParameterBinding {
  /** ValueFromPipelineByPropertyName. */
  pipeline?: boolean;
  /**
   * ValueFromPipeline: a piped value itself binds here ('MFA01' | Get-PhoneFactorComponent). At most one parameter of
   * a cmdlet; never a path parameter (it takes any object, so every piped object would bind to it whole).
   */
  pipelineValue?: boolean;
  /** Extra names the parameter answers to (property names of the module's own objects). */
  aliases?: string[];
  /** A path: relative paths resolve against PowerShell's current location before they reach the core. */
  path?: boolean;
  /** Positional index. */
  position?: number;
  /**
   * The parameter sets the parameter belongs to (default: every set). Parameters that exclude each other sit in
   * different sets (-Credential in 'ComputerName', -Session in 'Session'); the first set named is the default one.
   */
  sets?: string[];
  /** Mandatory in its sets: what selects the set (-Session). */
  mandatoryInSets?: boolean;
}

/**
 * A switch that changes what the command outputs (Test-MfaServerUpgrade -Detection writes one line of text): the
 * cmdlet gets a parameter set named after it, where the switch is mandatory, with its own [OutputType].
 */
export interface OutputMode {
  parameter: string;
  /** .NET type name of what the command outputs in this mode. */
  outputType: string;
}

export interface Example {
  title: string;
  code: string;
  remarks: string;
}

export type ConfirmImpact = 'Low' | 'Medium' | 'High';

/**
 * One column of a table view: a property name, or the property with its width in characters and a shorter label.
 * A column without a width takes it from the output schema (an enum: its longest value; a boolean: 5), so a new enum
 * value widens the column by itself; the LAST column takes what is left of the line and wraps.
 */
export type ViewColumn = string | { property: string; width?: number; label?: string };

/**
 * The default view of an output type (generated into MfaServerUpgrade.format.ps1xml). A table must fit 80 columns
 * with at least 16 left for its last column (checked by the generator); objects too wide for that get a list view.
 * groupBy: a heading per value (ComputerName on multi-server output), the property is then no column.
 */
export type OutputView =
  | { table: ViewColumn[]; groupBy?: string }
  | { list: string[] };

export interface OperationContract<I extends TObject = TObject, O extends TSchema = TSchema> {
  /** CLI name, kebab-case: `merge-webconfig`. */
  name: string;
  /** Approved-verb cmdlet name: `Merge-MfaWebConfig`. */
  cmdlet: string;
  synopsis: string;
  description: string;
  examples: Example[];
  /** One pipeline object's worth of parameters; property names are the PowerShell parameter names. */
  input: I;
  /** One output object. */
  output: O;
  /** PSTypeName given to every output object. */
  outputTypeName: string;
  /** Switches that change the output type (see OutputMode). */
  outputModes?: OutputMode[];
  /**
   * Plumbing the core runs for itself (host-call: the far end of -ComputerName), not a command for admins: the CLI
   * knows it, the module gets no cmdlet for it.
   */
  internal?: boolean;
  /** The default view of the output objects (a table or a list; see OutputView). */
  view: OutputView;
  /** Present when the operation changes state: the cmdlet then supports -WhatIf/-Confirm. */
  changesState?: { confirmImpact: ConfirmImpact };
  /**
   * 'perItem' (default): the handler runs once per pipeline object, errors are per object.
   * 'batch': the handler receives every object at once (one backup of many piped components).
   */
  batching?: 'perItem' | 'batch';
  /** Longest a single core call may run before the transport stops it. */
  timeoutSeconds?: number;
  /**
   * Why this operation runs in a core process of its own instead of the PowerShell session's warm core
   * (runtime/serve.ts); absent = the warm core. The reason is for readers: the transport only sees that there is one.
   */
  ownProcess?: string;
  /** Related help topics (.LINK). */
  links?: string[];
  handler: (items: Static<I>[], ctx: OperationContext) => Promise<Static<O>[]>;
}

/** Typed identity helper: keeps the handler's types tied to the schemas. */
export function defineOperation<I extends TObject, O extends TSchema>(contract: OperationContract<I, O>): OperationContract<I, O> {
  return contract;
}

/** A per-item handler lifted to the batch signature used by the CLI. */
export function perItem<I, O>(fn: (item: I, ctx: OperationContext) => Promise<O[]>) {
  return async (items: I[], ctx: OperationContext): Promise<O[]> => {
    const out: O[] = [];
    for (const item of items) out.push(...(await fn(item, ctx)));
    return out;
  };
}
