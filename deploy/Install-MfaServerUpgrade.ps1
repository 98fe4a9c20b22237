<#
.SYNOPSIS
Install program of the MfaServerUpgrade application for ConfigMgr and Intune: runs Invoke-MfaServerUpgrade unattended
and turns its result into a return code both tools understand.

.DESCRIPTION
- Started by a 32-bit host on 64-bit Windows (ConfigMgr and Intune may do that), it starts itself again in 64-bit
  Windows PowerShell (Sysnative) and returns that run's exit code.
- Reads the parameters from -ParametersFile (.psd1 or .json): InstallerPath (or PlanPath), BackupDestination, optional
  VirtualDirectoryNaming (New or Legacy), optional RollbackMediaPath (a folder with the installers of the PhoneFactor
  products installed now, for the way back), optional LabPath (a lab made by New-MfaLab, to rehearse) and optional
  ModulesFolder (where the module is copied for the detection script; default the 64-bit
  %ProgramFiles%\WindowsPowerShell\Modules). Relative paths are relative to the parameters file. PlanPath: a reviewed
  plan written by Get-MfaUpgradePlan -OutFile; the upgrade then runs exactly that plan (Invoke-MfaServerUpgrade
  -PlanPath), or stops with 69003 before anything changes when the servers changed since; InstallerPath and
  VirtualDirectoryNaming come from the plan then (given as well, they must be the plan's).
- Imports MfaServerUpgrade from beside this script (.\MfaServerUpgrade or ..\MfaServerUpgrade), else from the machine's
  modules folder or PSModulePath, and copies it into the machine's modules folder so the detection script finds it.
- Always runs with -Resume -Confirm:$false: a retry after 1618 or a run after a manual step continues the journal.
- Logs in CMTrace format to %SystemRoot%\Logs\Software\MfaServerUpgrade-Install.log, or in -LogFolder (the upgrade's
  own log, MfaServerUpgrade.log, is in %SystemRoot%\Logs\Software whatever -LogFolder says). At about 10 MB the log
  becomes MfaServerUpgrade-Install-1.log and a new one starts; 10 files are kept.
- STDOUT: one summary line. STDERR: one line, only when the run failed (exit code 69002, 69003, 69010, 69011).
- With -Undo (the uninstall program of the application) it runs Undo-MfaServerUpgrade instead, from the same
  parameters file (BackupDestination, optional LabPath; InstallerPath is not needed): the servers go back to their
  PhoneFactor backups. Its own codes: 0 / 3010 done, 1618 retry, 69021 a step was not approved, 69022 failed after
  changes (run it again: it goes on where it stopped), 69023 failed before changes (no package to reinstall, a backup
  that does not verify, nothing to undo). STDERR for 69021-69023.

Exit codes: 0 done; 3010 done, restart pending; 1641 done, the installer started a restart; 1618 another installation
was running, retry; 69001 paused at a manual step; 69002 failed after changes; 69003 failed before changes;
69010 this script could not start the upgrade (module missing, bad parameters file, relaunch failed);
69011 the upgrade command ended without a result (see the log). See README.md beside this script.

Runs on Windows PowerShell 5.1: no ternary, ??, ?., && or ||.

.PARAMETER Undo
Run Undo-MfaServerUpgrade: take the servers of the upgrade recorded under BackupDestination back to their backups.

.PARAMETER ParametersFile
The .psd1 or .json file with the upgrade's parameters.

.PARAMETER LogFolder
The folder of MfaServerUpgrade-Install.log instead of %SystemRoot%\Logs\Software (a parameter of the command line, not
of the parameters file, so that a parameters file that cannot be read is logged there too).

.EXAMPLE
powershell.exe -NoProfile -ExecutionPolicy Bypass -File .\deploy\Install-MfaServerUpgrade.ps1 -ParametersFile .\deploy\MfaServerUpgrade.Parameters.psd1
#>
[CmdletBinding()]
param(
    [string] $ParametersFile,
    [string] $LogFolder,
    [switch] $Undo,
    # Set by the 64-bit relaunch, so a host that is still 32-bit cannot start an endless chain of relaunches.
    [Parameter(DontShow = $true)] [switch] $Relaunched
)

Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

$script:ExitScriptError = 69010
$script:ExitNoResult = 69011
$script:Component = 'Install-MfaServerUpgrade'
$script:LogFolder = $LogFolder
$script:KnownCodes = @(0, 3010, 1641, 1618, 69001, 69002, 69003)
$script:FailureCodes = @(69002, 69003)
$script:Command = 'Invoke-MfaServerUpgrade'
if ($Undo) {
    # Undo-MfaServerUpgrade's own codes (about_MfaServerUpgrade_Errors, EXIT CODES OF AN UNATTENDED UNDO).
    $script:KnownCodes = @(0, 3010, 1641, 1618, 69021, 69022, 69023)
    $script:FailureCodes = @(69021, 69022, 69023)
    $script:Command = 'Undo-MfaServerUpgrade'
}

# ---------------------------------------------------------------------------------------------------------------------
# CMTrace log: the same line format as the core's log (core/log/cmtrace-format.ts).
function Get-MfaDeployLogPath {
    $folder = $script:LogFolder
    if (-not $folder) {
        if ($env:SystemRoot) { $folder = Join-Path $env:SystemRoot 'Logs\Software' }
        else { $folder = [System.IO.Path]::GetTempPath() }
    }
    return (Join-Path $folder 'MfaServerUpgrade-Install.log')
}

# Rotated like every log of the tool (core/domain/log-rotation.ts): at about 10 MB the log becomes
# MfaServerUpgrade-Install-1.log (older ones move up one number, the 10th file is deleted) and a new file starts.
$script:LogRotateBytes = 10MB
$script:LogKeepFiles = 10

function Switch-MfaDeployLog {
    param([string] $Path, [int] $Adding)
    if (-not (Test-Path -LiteralPath $Path -PathType Leaf)) { return }
    if (((Get-Item -LiteralPath $Path).Length + $Adding) -le $script:LogRotateBytes) { return }
    $numbered = { param([int] $n) $Path -replace '\.log$', ('-' + $n + '.log') }
    Remove-Item -LiteralPath (& $numbered ($script:LogKeepFiles - 1)) -Force -ErrorAction SilentlyContinue
    for ($i = $script:LogKeepFiles - 2; $i -ge 1; $i--) {
        if (Test-Path -LiteralPath (& $numbered $i)) { Move-Item -LiteralPath (& $numbered $i) -Destination (& $numbered ($i + 1)) -Force }
    }
    Move-Item -LiteralPath $Path -Destination (& $numbered 1) -Force
}

function Write-MfaDeployLog {
    param([string] $Message, [ValidateSet('Info', 'Warning', 'Error')] [string] $Severity = 'Info')
    try {
        $path = Get-MfaDeployLogPath
        $folder = Split-Path -Parent $path
        if (-not (Test-Path -LiteralPath $folder)) { $null = New-Item -ItemType Directory -Path $folder -Force }
        $now = [DateTime]::Now
        # Bias as ConfigMgr writes it: UTC minus local time in minutes, signed, three digits.
        $bias = -[int][TimeZoneInfo]::Local.GetUtcOffset($now).TotalMinutes
        $sign = '+'
        if ($bias -lt 0) { $sign = '-' }
        $biasText = $sign + ([string][Math]::Abs($bias)).PadLeft(3, '0')
        $type = 1
        if ($Severity -eq 'Warning') { $type = 2 }
        if ($Severity -eq 'Error') { $type = 3 }
        $text = ($Message -replace '\]LOG\]!>', ']LOG]!&gt;') -replace "`r?`n|`r", "`r`n"
        $context = [Environment]::UserDomainName + '\' + [Environment]::UserName
        $line = '<![LOG[' + $text + ']LOG]!><time="' + $now.ToString('HH:mm:ss.fff', [Globalization.CultureInfo]::InvariantCulture) + $biasText +
            '" date="' + $now.Month + '-' + $now.Day + '-' + $now.Year + '" component="' + $script:Component + '" context="' + ($context -replace '"', "'") +
            '" type="' + $type + '" thread="' + $PID + '" file="Install-MfaServerUpgrade.ps1">' + "`r`n"
        Switch-MfaDeployLog -Path $path -Adding ([System.Text.Encoding]::UTF8.GetByteCount($line))
        $isNew = (-not (Test-Path -LiteralPath $path)) -or ((Get-Item -LiteralPath $path).Length -eq 0)
        if ($isNew) { $line = [char]0xFEFF + $line }
        [System.IO.File]::AppendAllText($path, $line, (New-Object System.Text.UTF8Encoding($false)))
    }
    catch {
        # A log that cannot be written must not change the return code ConfigMgr / Intune act on.
        Write-Verbose "The log $path could not be written: $($_.Exception.Message)"
    }
}

function Exit-MfaDeploy {
    # The one way out: log, one line on STDOUT (or STDERR for a failure), the return code.
    param([int] $Code, [string] $Message, [switch] $Failure)
    if ($Failure) {
        Write-MfaDeployLog -Message "$Message (return code $Code)" -Severity Error
        [Console]::Error.WriteLine("MfaServerUpgrade: $Message (return code $Code)")
    }
    else {
        Write-MfaDeployLog -Message "$Message (return code $Code)"
        [Console]::Out.WriteLine("MfaServerUpgrade: $Message (return code $Code)")
    }
    exit $Code
}

# ---------------------------------------------------------------------------------------------------------------------
# 64-bit relaunch.
function Test-MfaNeeds64BitRelaunch {
    # Windows (WOW64) sets PROCESSOR_ARCHITEW6432 in a 32-bit process on 64-bit Windows, and only there: a 64-bit
    # process it starts, such as the relaunch, gets its own environment without it.
    return [bool]$env:PROCESSOR_ARCHITEW6432
}

function Get-MfaRelaunchCommand {
    param([string] $ResolvedParametersFile)
    $systemRoot = $env:SystemRoot
    if (-not $systemRoot) { $systemRoot = 'C:\Windows' }
    # Sysnative: the 32-bit process's view of the real (64-bit) System32.
    $exe = [System.IO.Path]::Combine($systemRoot, 'Sysnative', 'WindowsPowerShell', 'v1.0', 'powershell.exe')
    # The execution policy this run has (AllSigned when a signed package is deployed so): the relaunch never widens it
    # to Bypass, which would let an unsigned or altered module load where the deployment asked for signed code only.
    $policy = [string](Get-ExecutionPolicy)
    $arguments = @('-NoProfile', '-NonInteractive', '-ExecutionPolicy', $policy, '-File', $PSCommandPath, '-ParametersFile', $ResolvedParametersFile)
    if ($script:LogFolder) { $arguments += @('-LogFolder', $script:LogFolder) }
    if ($Undo) { $arguments += '-Undo' }
    $arguments += '-Relaunched'
    return New-Object PSObject -Property @{ FilePath = $exe; Arguments = $arguments }
}

# ---------------------------------------------------------------------------------------------------------------------
# Parameters file.
function Test-MfaRootedPath {
    param([string] $Path)
    return (($Path -match '^([A-Za-z]:[\\/]|\\\\)') -or [System.IO.Path]::IsPathRooted($Path))
}

function Resolve-MfaParameterPath {
    # Windows-rooted paths stay as written (on a lab they are paths inside the lab); others are relative to the file.
    param([string] $Path, [string] $BaseFolder)
    if (Test-MfaRootedPath -Path $Path) { return $Path }
    return [System.IO.Path]::GetFullPath((Join-Path $BaseFolder $Path))
}

function Read-MfaParametersFile {
    param([string] $Path, [switch] $ForUndo)
    if (-not $Path) { throw 'No -ParametersFile was given. Pass a .psd1 or .json file with InstallerPath and BackupDestination.' }
    if (-not (Test-Path -LiteralPath $Path -PathType Leaf)) { throw "The parameters file '$Path' was not found." }
    $full = (Resolve-Path -LiteralPath $Path).ProviderPath
    $extension = [System.IO.Path]::GetExtension($full).ToLowerInvariant()
    $values = @{}
    try {
        if ($extension -eq '.psd1') {
            $data = Import-PowerShellDataFile -LiteralPath $full
            foreach ($key in $data.Keys) { $values[[string]$key] = $data[$key] }
        }
        elseif ($extension -eq '.json') {
            $data = [System.IO.File]::ReadAllText($full) | ConvertFrom-Json
            if ($data -isnot [System.Management.Automation.PSCustomObject]) { throw 'the file does not hold a JSON object' }
            foreach ($property in $data.PSObject.Properties) { $values[$property.Name] = $property.Value }
        }
        else { throw 'use a .psd1 or a .json file' }
    }
    catch { throw "The parameters file '$full' could not be read: $($_.Exception.Message)" }

    $allowed = @('InstallerPath', 'PlanPath', 'BackupDestination', 'VirtualDirectoryNaming', 'RollbackMediaPath', 'LabPath', 'ModulesFolder')
    $unknown = @($values.Keys | Where-Object { $allowed -notcontains $_ })
    if ($unknown.Count -gt 0) { throw "The parameters file '$full' has unknown key(s): $($unknown -join ', '). Allowed: $($allowed -join ', ')." }
    foreach ($key in $values.Keys) {
        if (($values[$key] -isnot [string]) -or ([string]::IsNullOrWhiteSpace($values[$key]))) {
            throw "The parameters file '$full': $key must be a non-empty string."
        }
    }
    $requiredKeys = @('InstallerPath', 'BackupDestination')
    # A reviewed plan carries its media folder.
    if ($values.ContainsKey('PlanPath')) { $requiredKeys = @('BackupDestination') }
    # An Undo needs only where the upgrade recorded its run (the media of the upgrade play no part in it).
    if ($ForUndo) { $requiredKeys = @('BackupDestination') }
    foreach ($required in $requiredKeys) {
        if (-not $values.ContainsKey($required)) { throw "The parameters file '$full' lacks $required." }
    }
    if ($values.ContainsKey('VirtualDirectoryNaming') -and (@('New', 'Legacy') -notcontains $values['VirtualDirectoryNaming'])) {
        throw "The parameters file '$full': VirtualDirectoryNaming must be New or Legacy, not '$($values['VirtualDirectoryNaming'])'."
    }
    $base = Split-Path -Parent $full
    $result = @{ File = $full }
    foreach ($key in @('InstallerPath', 'PlanPath', 'BackupDestination', 'RollbackMediaPath', 'LabPath', 'ModulesFolder')) {
        if ($values.ContainsKey($key)) { $result[$key] = Resolve-MfaParameterPath -Path $values[$key] -BaseFolder $base }
    }
    if ($values.ContainsKey('VirtualDirectoryNaming')) { $result['VirtualDirectoryNaming'] = $values['VirtualDirectoryNaming'] }
    return $result
}

# ---------------------------------------------------------------------------------------------------------------------
# The module.
function Get-MfaMachineModulesFolder {
    # The parameters file's ModulesFolder, else the machine's. ProgramW6432 is the 64-bit Program Files even in a 32-bit
    # process, where ProgramFiles is the x86 folder.
    param([string] $ModulesFolder)
    if ($ModulesFolder) { return $ModulesFolder }
    $programFiles = $env:ProgramW6432
    if (-not $programFiles) { $programFiles = $env:ProgramFiles }
    if (-not $programFiles) { return $null }
    return (Join-Path $programFiles 'WindowsPowerShell\Modules')
}

function Import-MfaDeployModule {
    param([string] $ModulesFolder)
    $candidates = @((Join-Path $PSScriptRoot 'MfaServerUpgrade'), (Join-Path (Split-Path -Parent $PSScriptRoot) 'MfaServerUpgrade'))
    foreach ($candidate in $candidates) {
        if (Test-Path -LiteralPath (Join-Path $candidate 'MfaServerUpgrade.psd1') -PathType Leaf) {
            return (Import-Module -Name (Join-Path $candidate 'MfaServerUpgrade.psd1') -Force -PassThru -ErrorAction Stop)
        }
    }
    $machine = Get-MfaMachineModulesFolder -ModulesFolder $ModulesFolder
    if ($machine -and (Test-Path -LiteralPath (Join-Path $machine 'MfaServerUpgrade'))) {
        return (Import-Module -Name (Join-Path $machine 'MfaServerUpgrade') -Force -PassThru -ErrorAction Stop)
    }
    $found = Get-Module -ListAvailable -Name 'MfaServerUpgrade' | Sort-Object Version -Descending | Select-Object -First 1
    if ($found) { return (Import-Module -Name $found.Path -Force -PassThru -ErrorAction Stop) }
    throw "The MfaServerUpgrade module was not found beside this script ($($candidates -join ', ')), in the machine's modules folder or on PSModulePath."
}

function Copy-MfaModuleToMachine {
    # The content folder of ConfigMgr / Intune is temporary; the detection script needs the module afterwards.
    # A rehearsal copies only into a ModulesFolder it was given: it leaves the machine's own modules folder alone.
    param($Module, [bool] $Rehearsal, [string] $ModulesFolder)
    $machine = Get-MfaMachineModulesFolder -ModulesFolder $ModulesFolder
    if ((-not $machine) -or ($Rehearsal -and (-not $ModulesFolder))) { return }
    $destination = Join-Path (Join-Path $machine 'MfaServerUpgrade') ([string]$Module.Version)
    $source = [System.IO.Path]::GetFullPath($Module.ModuleBase).TrimEnd('\', '/')
    if ($source -eq [System.IO.Path]::GetFullPath($destination).TrimEnd('\', '/')) { return }
    try {
        if (Test-Path -LiteralPath $destination) { Remove-Item -LiteralPath $destination -Recurse -Force }
        $null = New-Item -ItemType Directory -Path $destination -Force
        Copy-Item -Path (Join-Path $source '*') -Destination $destination -Recurse -Force
        Write-MfaDeployLog -Message "The module was copied to $destination (for the detection script and later -Resume runs)."
    }
    catch {
        Write-MfaDeployLog -Message "The module could not be copied to ${destination}: $($_.Exception.Message). The detection script may not find it." -Severity Warning
    }
}

# ---------------------------------------------------------------------------------------------------------------------
# Main.
Write-MfaDeployLog -Message "Started: PowerShell $($PSVersionTable.PSVersion), 64-bit process $([Environment]::Is64BitProcess), parameters file '$ParametersFile'."

$parameters = $null
try { $parameters = Read-MfaParametersFile -Path $ParametersFile -ForUndo:$Undo }
catch { Exit-MfaDeploy -Code $script:ExitScriptError -Message $_.Exception.Message -Failure }

if (Test-MfaNeeds64BitRelaunch) {
    if ($Relaunched) { Exit-MfaDeploy -Code $script:ExitScriptError -Message 'Still a 32-bit process after the 64-bit relaunch; run the install program in 64-bit PowerShell.' -Failure }
    $command = Get-MfaRelaunchCommand -ResolvedParametersFile $parameters.File
    Write-MfaDeployLog -Message ("32-bit host on 64-bit Windows: starting again as " + $command.FilePath + ' ' + ($command.Arguments -join ' '))
    try { & $command.FilePath @($command.Arguments); $code = $LASTEXITCODE }
    catch { Exit-MfaDeploy -Code $script:ExitScriptError -Message "The 64-bit relaunch failed: $($_.Exception.Message)" -Failure }
    Write-MfaDeployLog -Message "The 64-bit run ended with return code $code."
    exit $code
}

$modulesFolder = $null
if ($parameters.ContainsKey('ModulesFolder')) { $modulesFolder = $parameters.ModulesFolder }
$module = $null
try { $module = Import-MfaDeployModule -ModulesFolder $modulesFolder }
catch { Exit-MfaDeploy -Code $script:ExitScriptError -Message $_.Exception.Message -Failure }
Write-MfaDeployLog -Message "MfaServerUpgrade $($module.Version) imported from $($module.ModuleBase)."
$rehearsal = $parameters.ContainsKey('LabPath')
Copy-MfaModuleToMachine -Module $module -Rehearsal $rehearsal -ModulesFolder $modulesFolder

if ($Undo) {
    $invoke = @{ BackupDestination = $parameters.BackupDestination; Confirm = $false }
}
else {
    $invoke = @{ BackupDestination = $parameters.BackupDestination; Resume = $true; Confirm = $false }
    if ($parameters.ContainsKey('InstallerPath')) { $invoke['InstallerPath'] = $parameters.InstallerPath }
    # The reviewed plan runs as it was reviewed, or the run stops with 69003 before anything changes.
    if ($parameters.ContainsKey('PlanPath')) { $invoke['PlanPath'] = $parameters.PlanPath }
    if ($parameters.ContainsKey('VirtualDirectoryNaming')) { $invoke['VirtualDirectoryNaming'] = $parameters.VirtualDirectoryNaming }
    if ($parameters.ContainsKey('RollbackMediaPath')) { $invoke['RollbackMediaPath'] = $parameters.RollbackMediaPath }
}
if ($rehearsal) { $invoke['LabPath'] = $parameters.LabPath }
Write-MfaDeployLog -Message ($script:Command + ' ' + (($invoke.Keys | Sort-Object | ForEach-Object { "-$_ '$($invoke[$_])'" }) -join ' '))

$result = $null
# The id of the last error (CoreKilled, CoreCrashed, CoreTimedOut...): a run without a result says what ended it.
$stoppedBy = $null
try {
    # Warnings, verbose lines and non-terminating errors go to the log, never to the console.
    $records = @(& $script:Command @invoke -Verbose -ErrorAction Continue 2>&1 3>&1 4>&1)
    foreach ($record in $records) {
        if ($record -is [System.Management.Automation.ErrorRecord]) {
            Write-MfaDeployLog -Message ("$($record.FullyQualifiedErrorId): " + [string]$record) -Severity Error
            $stoppedBy = $record.FullyQualifiedErrorId
        }
        elseif ($record -is [System.Management.Automation.WarningRecord]) { Write-MfaDeployLog -Message $record.Message -Severity Warning }
        elseif ($record -is [System.Management.Automation.VerboseRecord]) { Write-MfaDeployLog -Message $record.Message }
        elseif ($null -ne $record.PSObject.Properties['ExitCode']) { $result = $record }
    }
}
catch {
    $stoppedBy = $_.FullyQualifiedErrorId
    Write-MfaDeployLog -Message "$($script:Command) stopped ($stoppedBy): $($_.Exception.Message)" -Severity Error
}

if ($null -eq $result) {
    $why = ''
    if ($stoppedBy) { $why = " ($stoppedBy)" }
    Exit-MfaDeploy -Code $script:ExitNoResult -Message "$($script:Command) ended without a result$why; see $(Get-MfaDeployLogPath)" -Failure
}

$code = [int]$result.ExitCode
$summary = "$($result.Status): $($result.Message)"
if ($result.NextAction) { Write-MfaDeployLog -Message "Next action: $($result.NextAction)" -Severity Warning }
# An Undo's result has no follow-ups (Set-StrictMode: a property that is not there must not be read).
if ($null -ne $result.PSObject.Properties['FollowUps']) {
    foreach ($followUp in @($result.FollowUps)) { if ($followUp) { Write-MfaDeployLog -Message "Follow-up: $followUp" } }
}
if ($result.LogPath) { Write-MfaDeployLog -Message "Upgrade log: $($result.LogPath)" }
if ($script:KnownCodes -notcontains $code) { Write-MfaDeployLog -Message "Return code $code is not one this script knows; it is passed on as is." -Severity Warning }
$failed = ($script:FailureCodes -contains $code) -or (($code -ne 0) -and ($script:KnownCodes -notcontains $code))
if ($failed) { Exit-MfaDeploy -Code $code -Message $summary -Failure }
Exit-MfaDeploy -Code $code -Message $summary
