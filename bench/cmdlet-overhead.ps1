# Cost of one cmdlet call through the whole stack (PowerShell -> transport -> core -> web.config merge -> objects)
# against starting bare node (`& node -e 0`) from the same session. Runs are interleaved so machine noise hits both.
# - warm: the session's warm core is running (every call after the first);
# - cold: the first call after Import-Module -Force, which starts the core;
# - idle memory: the warm core's resident memory after the runs.
param([string] $ModulePath, [string] $WebConfig, [int] $Runs = 51, [int] $ColdRuns = 11)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath -Force
$node = (Get-Command node -CommandType Application | Select-Object -First 1).Source
& $node -e 0
$null = Merge-MfaWebConfig -Path $WebConfig -ReferencePath $WebConfig -Confirm:$false
$bare = New-Object System.Collections.Generic.List[double]
$warm = New-Object System.Collections.Generic.List[double]
for ($i = 0; $i -lt $Runs; $i++) {
    $bare.Add((Measure-Command { & $node -e 0 }).TotalMilliseconds)
    $warm.Add((Measure-Command { $null = Merge-MfaWebConfig -Path $WebConfig -ReferencePath $WebConfig -Confirm:$false }).TotalMilliseconds)
}
$corePid = & (Get-Module MfaServerUpgrade) { $script:MfaWarmCore.Process.Id }
$idleBytes = (Get-Process -Id $corePid).WorkingSet64
$cold = New-Object System.Collections.Generic.List[double]
$coldBare = New-Object System.Collections.Generic.List[double]
for ($i = 0; $i -lt $ColdRuns; $i++) {
    Import-Module $ModulePath -Force
    $coldBare.Add((Measure-Command { & $node -e 0 }).TotalMilliseconds)
    $cold.Add((Measure-Command { $null = Merge-MfaWebConfig -Path $WebConfig -ReferencePath $WebConfig -Confirm:$false }).TotalMilliseconds)
}
function Get-Median([double[]] $values) { $s = $values | Sort-Object; return $s[[int][Math]::Floor($s.Count / 2)] }
[pscustomobject]@{
    runs = $Runs; bareNodeMs = (Get-Median $bare.ToArray()); warmMs = (Get-Median $warm.ToArray())
    coldRuns = $ColdRuns; coldBareNodeMs = (Get-Median $coldBare.ToArray()); coldMs = (Get-Median $cold.ToArray())
    idleMiB = [Math]::Round($idleBytes / 1MB, 1)
} | ConvertTo-Json -Compress
