# The README's first command: rehearse a PhoneFactor Agent -> MFA Server upgrade on a fresh lab (a simulated server).
param([string] $ModulePath, [string] $WorkFolder)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath -Force
$lab = Join-Path $WorkFolder 'lab'
$backups = Join-Path $WorkFolder 'backups'

Write-Host "`n== 1. A simulated PhoneFactor Agent 5.x server: $lab" -ForegroundColor Cyan
$server = New-MfaLab -Path $lab -Scenario SingleServer -Force -Confirm:$false
$server | Format-Table ComputerName, Scenario, InstallerPath, LabPath -AutoSize | Out-Host

Write-Host "== 2. What is installed" -ForegroundColor Cyan
Get-PhoneFactorComponent -LabPath $lab | Format-Table Component, DisplayName, Version, VirtualDirectory, SdkUrl -AutoSize | Out-Host

Write-Host "== 3. The plan (New virtual directory names)" -ForegroundColor Cyan
$server | Get-MfaUpgradePlan -BackupDestination $backups | Format-Table Order, Kind, Action, Component, Description -AutoSize -Wrap | Out-Host

Write-Host "== 4. The upgrade (journaled; -Resume continues after any stop)" -ForegroundColor Cyan
$result = $server | Invoke-MfaServerUpgrade -BackupDestination $backups -Confirm:$false
$result.Steps | Format-Table Order, Id, Status, DurationMs -AutoSize | Out-Host
$result | Format-List Status, ExitCode, RebootRequired, BackupPath, JournalPath, LogPath | Out-Host
Write-Host "Follow-up actions the tool cannot do for you:" -ForegroundColor Yellow
$result.FollowUps | ForEach-Object { Write-Host " - $_" }

Write-Host "`n== 5. Verification (Intune/ConfigMgr detection line below)" -ForegroundColor Cyan
Test-MfaServerUpgrade -LabPath $lab | Select-Object -ExpandProperty Checks | Format-Table Name, Passed, Detail -AutoSize -Wrap | Out-Host
Test-MfaServerUpgrade -LabPath $lab -Detection
if ($result.Status -ne 'Completed') { exit $result.ExitCode }
