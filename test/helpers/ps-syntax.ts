/**
 * The PowerShell parser as the judge of PowerShell text we generate: parse errors, and nodes Windows PowerShell 5.1
 * cannot parse (ternary, pipeline chains && ||, ?? and ??=, ?. and ?[]). Shared by every test that checks generated or
 * hand-written PowerShell, so the rule is written once.
 */
import type { PowerShellSession } from '../../core/host/remote/powershell-session';

export const SEVEN_ONLY_QUERY = String.raw`{ param($n)
  ($n.GetType().Name -in 'TernaryExpressionAst', 'PipelineChainAst') -or
  ($n -is [System.Management.Automation.Language.BinaryExpressionAst] -and [string]$n.Operator -eq 'QuestionQuestion') -or
  ($n -is [System.Management.Automation.Language.AssignmentStatementAst] -and [string]$n.Operator -eq 'QuestionQuestionEquals') -or
  ($n -is [System.Management.Automation.Language.MemberExpressionAst] -and $n.NullConditional) -or
  ($n -is [System.Management.Automation.Language.IndexExpressionAst] -and $n.NullConditional) }`;

export interface SyntaxFinding {
  Name: string;
  Errors: string[];
  SevenOnly: string[];
}

/** Parses each text with the real PowerShell parser; one finding per text (empty arrays when it is fine). */
export async function checkPowerShellText(ps: PowerShellSession, texts: Record<string, string>): Promise<SyntaxFinding[]> {
  const r = await ps.run(String.raw`
    foreach ($p in $V.texts.PSObject.Properties) {
      $tokens = $null; $errors = $null
      $ast = [System.Management.Automation.Language.Parser]::ParseInput([string]$p.Value, [ref]$tokens, [ref]$errors)
      $sevenOnly = $ast.FindAll(${SEVEN_ONLY_QUERY}, $true)
      [pscustomobject]@{ Name = $p.Name; Errors = @($errors | ForEach-Object { $_.Message }); SevenOnly = @($sevenOnly | ForEach-Object { $_.Extent.Text }) }
    }`, { texts });
  if (!r.ok) throw new Error(`parse check failed: ${r.terminatingError?.message}`);
  return (r.output as SyntaxFinding[]).map((f) => ({ Name: f.Name, Errors: [...(f.Errors ?? [])], SevenOnly: [...(f.SevenOnly ?? [])] }));
}
