// The cmdlets' help from the operation contracts, in the two forms PowerShell and the web read:
//   en-US\MfaServerUpgrade-help.xml  MAML, what Get-Help shows (each generated function names it with .EXTERNALHELP)
//                                    and what Update-Help installs (scripts/package-help.mjs packs it)
//   docs/help/<Cmdlet>.md            the same help as a web page (PlatyPS's layout), the page each cmdlet's HelpUri
//                                    and MAML "Online Version" link name, so Get-Help -Online opens it
// One source: the contract's synopsis, description, parameter schemas (their `default`, or the "Default: ..." sentence
// of their description), examples and links; the project's address is package.json's `homepage`, nowhere else.
import { allowedValues, inputOf, parameterSets, pipelineHandling, pipelineValueParameter, psType, setsOf } from './cmdlet-shape.mjs';

/**
 * @typedef {import('./generate-module.mjs').ListedOperation} ListedOperation
 * @typedef {import('./generate-module.mjs').ParameterSchema} ParameterSchema
 */

export const MAML_FILE = 'MfaServerUpgrade-help.xml';

/**
 * The page Get-Help -Online opens for a cmdlet: its generated markdown in the project's repository.
 * @param {string} homepage package.json's homepage (the project's address)
 * @param {string} cmdlet
 */
export const helpUri = (homepage, cmdlet) => `${homepage}/blob/main/docs/help/${cmdlet}.md`;

/**
 * Where Update-Help finds the module's HelpInfo.xml and help archives (the assets of the latest release).
 * @param {string} homepage
 */
export const helpInfoUri = (homepage) => `${homepage}/releases/latest/download/`;

/** @type {(s: string) => string} */
const x = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The .NET type name help shows for a parameter (String[], Int32, SwitchParameter, PSCredential). @param {ParameterSchema} schema */
function typeName(schema) {
  const declared = psType(schema).split('\n').pop()?.trim().replace(/^\[|\]$/g, '') ?? '';
  /** @type {Record<string, string>} */
  const short = {
    string: 'String', 'string[]': 'String[]', switch: 'SwitchParameter', int: 'Int32', 'int[]': 'Int32[]', double: 'Double', object: 'Object',
    'object[]': 'Object[]',
  };
  return short[declared] ?? declared.replace(/^System\.Management\.Automation\.(Runspaces\.)?|^System\.Security\./, '');
}

/**
 * What a parameter is when it is not given: the schema's `default`, else what its description says after "Default:",
 * else None.
 * @param {ParameterSchema & { default?: unknown }} schema
 */
export function defaultValue(schema) {
  if (schema.default !== undefined) return typeof schema.default === 'string' ? schema.default : JSON.stringify(schema.default);
  const said = /\bDefault: (.+?)\.(?:\s|$)/.exec(schema.description ?? '');
  return said ? said[1] : 'None';
}

/** @param {ListedOperation} op */
function descriptionParagraphs(op) {
  const paragraphs = [op.description];
  if (op.changesState) {
    paragraphs.push(`Changes state (ConfirmImpact ${op.confirmImpact}): -WhatIf lists every action without doing it; -Confirm asks before each one. ` +
      'Unattended runs use -Confirm:$false.');
  }
  return paragraphs;
}

/**
 * Each parameter as help describes it.
 * @param {ListedOperation} op
 */
function parameters(op) {
  const props = inputOf(op).properties ?? {};
  const required = inputOf(op).required ?? [];
  const sets = parameterSets(op);
  const byValue = pipelineValueParameter(op);
  const own = Object.entries(props).map(([name, schema]) => {
    const b = schema['x-mfa'] ?? {};
    const mandatory = required.includes(name) || Boolean(b.mandatoryInSets) || Boolean(sets?.modes.some((m) => m.parameter === name));
    const pipeline = [b.pipeline ? 'ByPropertyName' : '', name === byValue ? 'ByValue' : ''].filter(Boolean);
    return {
      name,
      description: schema.description ?? name,
      type: typeName(schema),
      required: mandatory,
      position: b.position === undefined ? 'named' : String(b.position),
      pipelineInput: pipeline.length ? `True (${pipeline.join(', ')})` : 'False',
      aliases: (b.aliases ?? []).join(', ') || 'None',
      defaultValue: defaultValue(schema),
      validValues: allowedValues(schema),
      sets: setsOf(name, schema, sets),
    };
  });
  if (!op.changesState) return own;
  /** @type {(name: string, description: string, alias: string) => (typeof own)[number]} */
  const shouldProcess = (name, description, alias) => ({
    name, description, type: 'SwitchParameter', required: false, position: 'named', pipelineInput: 'False', aliases: alias, defaultValue: 'False',
    validValues: [], sets: undefined,
  });
  return [
    ...own,
    shouldProcess('WhatIf', 'Shows every action the command would take, one line each, without doing any of them.', 'wi'),
    shouldProcess('Confirm', 'Asks before each action. -Confirm:$false never asks (unattended runs).', 'cf'),
  ];
}

/** The syntax of each parameter set: [set name or null, parameters in it]. @param {ListedOperation} op */
function syntaxSets(op) {
  const all = parameters(op);
  const sets = parameterSets(op);
  if (!sets) return [{ set: null, params: all }];
  return [...sets.targetSets, ...sets.modes.map((m) => m.parameter)].map((set) => ({ set, params: all.filter((p) => !p.sets || p.sets.includes(set)) }));
}

/** @param {string} text */
const paras = (text) => String(text).split(/\n+/).map((p) => `<maml:para>${x(p)}</maml:para>`).join('');

/** @type {(name: string, text: string) => string} An element holding a type name and its description. */
const typed = (name, text) => `<dev:type><maml:name>${x(name)}</maml:name></dev:type><maml:description>${paras(text)}</maml:description>`;

/**
 * One parameter: in a syntax item (short) or in the parameters section (with description, type and default).
 * @param {ReturnType<typeof parameters>[number]} p
 * @param {boolean} full
 */
function parameterXml(p, full) {
  const array = p.type.endsWith('[]');
  // aliases: not in the MAML schema, but what Get-Help shows (as PlatyPS writes it; Update-Help validates laxly).
  const attributes = `required="${p.required}" variableLength="${array}" globbing="false" pipelineInput="${x(p.pipelineInput)}" position="${p.position}" ` +
    `aliases="${x(p.aliases)}"`;
  const values = p.validValues.map((v) => `<command:parameterValue required="false" command:variableLength="false">${x(v)}</command:parameterValue>`);
  return [
    `<command:parameter ${attributes}>`,
    `<maml:name>${x(p.name)}</maml:name>`,
    `<maml:description>${paras(full ? p.description : '')}</maml:description>`,
    values.length ? `<command:parameterValueGroup>${values.join('')}</command:parameterValueGroup>` : '',
    p.type === 'SwitchParameter' ? '' : `<command:parameterValue required="true" variableLength="${array}">${x(p.type)}</command:parameterValue>`,
    full ? `<dev:type><maml:name>${x(p.type)}</maml:name></dev:type><dev:defaultValue>${x(p.defaultValue)}</dev:defaultValue>` : '',
    '</command:parameter>',
  ].join('');
}

/**
 * What the help says a cmdlet takes from the pipeline: [type, text] pairs.
 * @param {ListedOperation} op
 * @returns {[string, string][]}
 */
function inputTypes(op) {
  const byValue = pipelineValueParameter(op);
  const piped = Object.entries(inputOf(op).properties ?? {}).filter(([, s]) => s['x-mfa']?.pipeline).map(([n]) => n);
  /** @type {[string, string][]} */
  const out = [];
  if (byValue) out.push(['System.String', `A piped text binds to -${byValue}.`]);
  out.push(piped.length
    ? ['System.Management.Automation.PSObject', `Objects with any of these properties bind by name: ${piped.join(', ')}. ${pipelineHandling(op)}`]
    : ['None', 'This command takes no pipeline input.']);
  return out;
}

/**
 * @param {ListedOperation} op
 * @param {string} homepage
 */
function mamlCommand(op, homepage) {
  const [verb, noun] = op.cmdlet.split('-');
  const outputs = [{ type: op.outputTypeName, text: '' }, ...(op.outputModes ?? []).map((m) => ({ type: m.outputType, text: `With -${m.parameter}.` }))];
  const syntax = syntaxSets(op).map((s) =>
    `<command:syntaxItem><maml:name>${x(op.cmdlet)}</maml:name>${s.params.map((p) => parameterXml(p, false)).join('')}</command:syntaxItem>`);
  const inputs = inputTypes(op).map(([type, text]) => `<command:inputType>${typed(type, text)}</command:inputType>`);
  const examples = op.examples.map((e, i) =>
    `<command:example><maml:title>-------------------------- Example ${i + 1}: ${x(e.title)} --------------------------</maml:title>` +
      `<dev:code>${x(e.code)}</dev:code><dev:remarks>${paras(e.remarks)}</dev:remarks></command:example>`);
  /** @type {(text: string, uri: string) => string} */
  const link = (text, uri) => `<maml:navigationLink><maml:linkText>${x(text)}</maml:linkText><maml:uri>${x(uri)}</maml:uri></maml:navigationLink>`;
  return [
    '  <command:command xmlns:maml="http://schemas.microsoft.com/maml/2004/10" xmlns:command="http://schemas.microsoft.com/maml/dev/command/2004/10" ' +
      'xmlns:dev="http://schemas.microsoft.com/maml/dev/2004/10">',
    `    <command:details><command:name>${x(op.cmdlet)}</command:name><maml:description>${paras(op.synopsis)}</maml:description>` +
      `<command:verb>${x(verb)}</command:verb><command:noun>${x(noun)}</command:noun></command:details>`,
    `    <maml:description>${descriptionParagraphs(op).map(paras).join('')}</maml:description>`,
    `    <command:syntax>${syntax.join('')}</command:syntax>`,
    `    <command:parameters>${parameters(op).map((p) => parameterXml(p, true)).join('')}</command:parameters>`,
    `    <command:inputTypes>${inputs.join('')}</command:inputTypes>`,
    `    <command:returnValues>${outputs.map((o) => `<command:returnValue>${typed(o.type, o.text)}</command:returnValue>`).join('')}</command:returnValues>`,
    `    <maml:alertSet><maml:alert>${paras(`Generated from the '${op.name}' operation contract of the MfaServerUpgrade core.`)}</maml:alert></maml:alertSet>`,
    `    <command:examples>${examples.join('')}</command:examples>`,
    `    <command:relatedLinks>${[link('Online Version:', helpUri(homepage, op.cmdlet)), ...op.links.map((l) => link(l, ''))].join('')}</command:relatedLinks>`,
    '  </command:command>',
  ].join('\r\n');
}

/**
 * The module's MAML help file.
 * @param {ListedOperation[]} ops
 * @param {string} homepage
 * @param {string} generated the "generated, do not edit" line
 */
export function mamlHelp(ops, homepage, generated) {
  // The comment goes inside helpItems: Update-Help refuses a file whose document holds more than the declaration and
  // the root element.
  const head = ['<?xml version="1.0" encoding="utf-8"?>', '<helpItems schema="maml" xmlns="http://msh">', `  <!-- ${generated} -->`];
  return [...head, ...ops.map((op) => mamlCommand(op, homepage)), '</helpItems>', ''].join('\r\n');
}

/**
 * A cmdlet's help as a markdown page (PlatyPS's sections): the page its HelpUri names.
 * @param {ListedOperation} op
 * @param {string} generated
 */
export function markdownHelp(op, generated) {
  const syntax = syntaxSets(op).map((s) => {
    const parts = s.params.map((p) => {
      const value = p.type === 'SwitchParameter' ? `-${p.name}` : `-${p.name} <${p.type}>`;
      return p.required ? value : `[${value}]`;
    });
    return [`### ${s.set ?? 'Default'}`, '', '```', `${op.cmdlet} ${parts.join(' ')} [<CommonParameters>]`, '```'].join('\n');
  });
  const params = parameters(op).map((p) => [
    `### -${p.name}`,
    '',
    p.description,
    '',
    '```yaml',
    `Type: ${p.type}`,
    `Aliases: ${p.aliases}`,
    ...(p.validValues.length ? [`Accepted values: ${p.validValues.join(', ')}`] : []),
    `Required: ${p.required}`,
    `Position: ${p.position}`,
    `Default value: ${p.defaultValue}`,
    `Accept pipeline input: ${p.pipelineInput}`,
    'Accept wildcard characters: False',
    '```',
  ].join('\n'));
  return [
    '---',
    'external help file: MfaServerUpgrade-help.xml',
    'Module Name: MfaServerUpgrade',
    '---',
    '',
    `<!-- ${generated} -->`,
    '',
    `# ${op.cmdlet}`,
    '',
    '## SYNOPSIS',
    '',
    op.synopsis,
    '',
    '## SYNTAX',
    '',
    syntax.join('\n\n'),
    '',
    '## DESCRIPTION',
    '',
    descriptionParagraphs(op).join('\n\n'),
    '',
    '## EXAMPLES',
    '',
    op.examples.map((e, i) => [`### Example ${i + 1}: ${e.title}`, '', '```powershell', e.code, '```', '', e.remarks].join('\n')).join('\n\n'),
    '',
    '## PARAMETERS',
    '',
    params.join('\n\n'),
    '',
    '### CommonParameters',
    '',
    'This cmdlet supports the common parameters: -Debug, -ErrorAction, -ErrorVariable, -InformationAction, -InformationVariable, -OutBuffer, ' +
      '-OutVariable, -PipelineVariable, -ProgressAction, -Verbose, -WarningAction, and -WarningVariable.',
    '',
    '## INPUTS',
    '',
    inputTypes(op).map(([type, text]) => `### ${type}\n\n${text}`).join('\n\n'),
    '',
    '## OUTPUTS',
    '',
    `### ${op.outputTypeName}`,
    ...(op.outputModes ?? []).flatMap((m) => ['', `### ${m.outputType}`, '', `With -${m.parameter}.`]),
    '',
    '## NOTES',
    '',
    `Generated from the '${op.name}' operation contract of the MfaServerUpgrade core.`,
    '',
    '## RELATED LINKS',
    '',
    ...op.links.map((l) => `- [${l}](${l}.md)`),
    '',
  ].join('\n');
}
