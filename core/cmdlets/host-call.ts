/**
 * Invoke-MfaHostCall: INTERNAL. The far end of -ComputerName: the core on a remote server runs the Host methods that
 * the core on the admin's machine sends over a PowerShell remoting session (core/host/remote/). Admins never call it.
 */
import { Type } from '@sinclair/typebox';
import { defineOperation } from './contract/contract';
import { dispatchCalls, parseCalls } from '../host/remote/host-dispatch';

const Input = Type.Object(
  {
    Calls: Type.String({
      minLength: 2,
      description: 'A JSON array of host calls, each {target:{labPath?,labServer?}, method, args}. Only the methods of the Host port are accepted.',
    }),
  },
  { additionalProperties: false },
);

const Output = Type.Object({
  Index: Type.Integer(),
  Ok: Type.Boolean(),
  Value: Type.Unknown(),
  Error: Type.Union([
    Type.Object({
      code: Type.String(),
      message: Type.String(),
      target: Type.Optional(Type.String()),
      details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    }),
    Type.Null(),
  ]),
});

export const hostCallOperation = defineOperation({
  name: 'host-call',
  cmdlet: 'Invoke-MfaHostCall',
  synopsis: 'Internal: runs host calls sent by another server\'s MfaServerUpgrade over PowerShell remoting; not for direct use.',
  description: [
    'Internal plumbing of -ComputerName, not meant to be run by hand. When a cmdlet works on a remote server, the module on',
    'the admin\'s machine copies itself to that server and sends this command the server-side steps it needs (read a',
    'file, read a registry key, run an installer...) as a batch. Only the methods of the module\'s host interface can be',
    'called; each call reports its own result or error. The targets are this machine or a lab folder on it.',
  ].join(' '),
  examples: [
    {
      title: 'What the remote side runs (shown for troubleshooting only)',
      code: 'Invoke-MfaHostCall -Calls \'[{"target":{"labPath":"/srv/lab"},"method":"describe","args":[]}]\'',
      remarks: 'Outputs one object per call with Ok, Value and Error. Use Get-PhoneFactorComponent -ComputerName instead.',
    },
  ],
  input: Input,
  output: Output,
  outputTypeName: 'MfaServerUpgrade.HostCallResult',
  view: { table: [{ property: 'Index', width: 6 }, 'Ok', 'Error'] },
  batching: 'batch',
  internal: true,
  // Installers run through this call on the target: as long as the longest installer may take.
  timeoutSeconds: 7200,
  handler: async (items) => {
    const out = [];
    for (const item of items) out.push(...(await dispatchCalls(parseCalls(item.Calls))));
    return out;
  },
});
