# Cost of one cmdlet call through the whole stack (PowerShell -> transport -> node core -> web.config merge -> objects)
# against starting bare node (`& node -e 0`) from the same session. Runs are interleaved so machine noise hits both.
param([string] $ModulePath, [string] $WebConfig, [int] $Runs = 31)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath -Force
$node = (Get-Command node -CommandType Application | Select-Object -First 1).Source
& $node -e 0
$null = Merge-MfaWebConfig -Path $WebConfig -ReferencePath $WebConfig -Confirm:$false
$bare = New-Object System.Collections.Generic.List[double]
$cmdlet = New-Object System.Collections.Generic.List[double]
for ($i = 0; $i -lt $Runs; $i++) {
    $bare.Add((Measure-Command { & $node -e 0 }).TotalMilliseconds)
    $cmdlet.Add((Measure-Command { $null = Merge-MfaWebConfig -Path $WebConfig -ReferencePath $WebConfig -Confirm:$false }).TotalMilliseconds)
}
function Get-Median([double[]] $values) { $s = $values | Sort-Object; return $s[[int][Math]::Floor($s.Count / 2)] }
[pscustomobject]@{ runs = $Runs; bareNodeMs = (Get-Median $bare.ToArray()); cmdletMs = (Get-Median $cmdlet.ToArray()) } | ConvertTo-Json -Compress
