<#
.SYNOPSIS
Requirement script of the MfaServerUpgrade application for Intune: says whether this server still needs the upgrade.

.DESCRIPTION
Intune runs a requirement script before it downloads the app's content, so this script is self-contained: it does not
need the MfaServerUpgrade module. Intune's contract: the rule is met when the script exits 0 and its output matches the
rule (Output data type String, Operator Equals, Value Applicable). The script writes exactly one line, Applicable,
when this server still needs the upgrade, and nothing otherwise; it always exits 0 and never writes to STDERR.

Applicable when either:
- a PhoneFactor-era product is installed (an entry of the 64-bit or 32-bit Uninstall keys whose DisplayName names
  PhoneFactor): the upgrade has not run, or has not finished removing it;
- an upgrade of this server started and has not completed (its claim, %ProgramData%\MfaServerUpgrade\upgrade-run.json,
  is removed only when the run completes): a run paused or stopped between the uninstalls and the install must be
  able to resume.
Not applicable otherwise (no PhoneFactor: nothing to upgrade, or upgraded already), and when the check itself cannot
run: a Required assignment then does nothing rather than start an upgrade nobody can tell is wanted.

-LabPath checks a lab made by New-MfaLab instead of this machine (rehearsals; Intune passes no parameters).
Runs on Windows PowerShell 5.1 and PowerShell 7, 32-bit or 64-bit: both registry views are opened explicitly.
#>
param([string] $LabPath)

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

# PhoneFactor-era products: every one of them names PhoneFactor (Agent, User Portal, Phone App Web Service, Web
# Service SDK); MFA Server's own products do not (Multi-Factor Authentication Server ...).
$legacyName = 'phone\s*factor'
$uninstallKey = 'SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall'

function Get-MfaInstalledProductName {
    # DisplayName of every entry of the Uninstall keys, 64-bit and 32-bit views, whatever the bitness of this process.
    $names = @()
    foreach ($view in @([Microsoft.Win32.RegistryView]::Registry64, [Microsoft.Win32.RegistryView]::Registry32)) {
        $base = [Microsoft.Win32.RegistryKey]::OpenBaseKey([Microsoft.Win32.RegistryHive]::LocalMachine, $view)
        try {
            $key = $base.OpenSubKey($uninstallKey)
            if ($null -eq $key) { continue }
            foreach ($sub in $key.GetSubKeyNames()) {
                # One unreadable entry must not hide the others.
                try {
                    $entry = $key.OpenSubKey($sub)
                    if ($null -ne $entry) { $names += [string]$entry.GetValue('DisplayName'); $entry.Close() }
                }
                catch { Write-Verbose "Uninstall entry $sub could not be read: $($_.Exception.Message)" }
            }
            $key.Close()
        }
        finally { $base.Close() }
    }
    return $names
}

function Get-MfaLabProductName {
    # A lab's registry is a regedit export (registry.reg, UTF-16): the DisplayName of each key under an Uninstall key.
    param([string] $Lab)
    $names = @()
    $inUninstall = $false
    foreach ($line in [System.IO.File]::ReadAllLines((Join-Path $Lab 'registry.reg'), [System.Text.Encoding]::Unicode)) {
        if ($line -match '^\[(.*)\]$') { $inUninstall = $Matches[1] -match '\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\[^\\]+$'; continue }
        if ($inUninstall -and ($line -match '^"DisplayName"="(.*)"$')) { $names += ($Matches[1] -replace '\\\\', '\') }
    }
    return $names
}

$applicable = $false
try {
    if ($LabPath) {
        if (-not (Test-Path -LiteralPath (Join-Path $LabPath 'registry.reg') -PathType Leaf)) { throw "No lab server at $LabPath." }
        $names = Get-MfaLabProductName -Lab $LabPath
        $claim = Join-Path $LabPath 'C\ProgramData\MfaServerUpgrade\upgrade-run.json'
    }
    else {
        $names = Get-MfaInstalledProductName
        $claim = Join-Path $env:ProgramData 'MfaServerUpgrade\upgrade-run.json'
    }
    $phoneFactor = @($names | Where-Object { $_ -match $legacyName })
    $applicable = ($phoneFactor.Count -gt 0) -or (Test-Path -LiteralPath $claim -PathType Leaf)
}
catch {
    $applicable = $false
}
if ($applicable) { [Console]::Out.WriteLine('Applicable') }
exit 0
