/**
 * The reviewed plan file (Get-MfaUpgradePlan -OutFile, Invoke-MfaServerUpgrade -PlanPath), declared once as a TypeBox
 * schema: the build compiles it into a standalone ajv validator (core/generated/record-validators.js), so reading the
 * file needs no schema compilation and names the field at fault. The schema checks the envelope field by field; the
 * plan inside and each server's inventory are checked by the same code that checks a run's own plan.json and the
 * inventories its journal keeps (domain/plan-parse.ts, domain/inventory-parse.ts): one reading of each record.
 */
import { Type, type Static } from '@sinclair/typebox';

export const REVIEWED_PLAN_FORMAT_VERSION = 1;
export const REVIEWED_PLAN_KIND = 'MfaServerUpgrade.ReviewedPlan';
/** The key of its validator in core/generated/record-validators.js. */
export const REVIEWED_PLAN_RECORD = 'reviewed-plan';

const Sha256 = Type.String({ pattern: '^[0-9a-f]{64}$' });
const Text = Type.String({ minLength: 1 });
const TextOrNull = Type.Union([Type.String(), Type.Null()]);
const WebComponent = Type.Union([Type.Literal('UserPortal'), Type.Literal('MobileAppWebService'), Type.Literal('WebServiceSdk')]);
const closed = { additionalProperties: false } as const;

/** A setting of another caller of the SDK whose URL the upgrade rewrites (domain/plan-types.ts PlanConsumer). */
const SdkConsumerSetting = Type.Object(
  {
    computerName: Text,
    kind: Type.Union([Type.Literal('WebConfig'), Type.Literal('AdfsAdapter'), Type.Literal('MimSettings'), Type.Literal('File')]),
    file: Text,
    setting: Type.String(),
    oldUrl: Type.String(),
    newUrl: Type.String(),
    unsafe: TextOrNull,
    where: Type.Optional(Type.String()),
  },
  closed,
);

/** A caller of the SDK other than our own web components (domain/plan-types.ts ForeignSdkConsumer). */
const OtherSdkCaller = Type.Object({ computerName: Text, kind: Text, file: Text }, closed);

/** What the plan was computed from on one server, and its fingerprint (SHA-256 of the three, canonical JSON). */
const ServerSource = Type.Object(
  {
    ComputerName: Text,
    /** MachineGuid: the same name on another machine (or a rebuilt one) is another server. */
    MachineId: TextOrNull,
    Fingerprint: Sha256,
    /** As Get-PhoneFactorComponent found it; checked by domain/inventory-parse.ts. */
    Inventory: Type.Object({ ComputerName: Text }),
    SdkConsumerSettings: Type.Array(SdkConsumerSetting),
    OtherSdkCallers: Type.Array(OtherSdkCaller),
  },
  closed,
);

export const PlanSourceSchema = Type.Object(
  {
    Options: Type.Object(
      {
        InstallerPath: Text,
        VirtualDirectoryNaming: Type.Union([Type.Literal('New'), Type.Literal('Legacy')]),
        Goal: Type.Union([Type.Literal('Upgrade'), Type.Literal('Migrate')]),
        KeepWebComponent: Type.Array(WebComponent, { uniqueItems: true }),
        BackupDestination: Text,
      },
      closed,
    ),
    Media: Type.Object(
      {
        /** ProductVersion of the media's MFA Server setup. */
        Version: TextOrNull,
        /** Per web component, the MSI property that sets its virtual directory (null: none found). */
        VirtualDirectoryProperty: Type.Object(
          { UserPortal: Type.Optional(TextOrNull), MobileAppWebService: Type.Optional(TextOrNull), WebServiceSdk: Type.Optional(TextOrNull) },
          closed,
        ),
      },
      closed,
    ),
    Servers: Type.Array(ServerSource, { minItems: 1 }),
    /** What could not be judged while looking for the SDK's callers. */
    Notes: Type.Array(Type.String()),
  },
  closed,
);

export const ReviewedPlanSchema = Type.Object(
  {
    FormatVersion: Type.Literal(REVIEWED_PLAN_FORMAT_VERSION),
    Kind: Type.Literal(REVIEWED_PLAN_KIND),
    CreatedAt: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$' }),
    CreatedBy: Type.Object({ Account: Text, Machine: Text }, closed),
    ToolVersion: Text,
    Source: PlanSourceSchema,
    /** The plan as Get-MfaUpgradePlan made it: exactly what a run with -PlanPath writes to its plan.json and runs. */
    Plan: Type.Object({ Steps: Type.Array(Type.Object({}), { minItems: 1 }) }),
    /** SHA-256 of the file's content without this field (reviewed-plan-file.ts says how it is computed). */
    Sha256: Sha256,
  },
  closed,
);

export type PlanSource = Static<typeof PlanSourceSchema>;
export type ServerPlanSource = PlanSource['Servers'][number];
export type ReviewedPlanDocument = Static<typeof ReviewedPlanSchema>;

/** Every record schema the build compiles into core/generated/record-validators.js, by name. */
export const RECORD_SCHEMAS = { [REVIEWED_PLAN_RECORD]: ReviewedPlanSchema };
