# A warm local call against the same work done by PowerShell itself (issue 29): `Merge-MfaWebConfig -WhatIf` of two
# web.config files through the whole stack (binding, transport, the session's warm core, the merge, objects, the
# ShouldProcess round) against reading the same two files as XML in this session and comparing their settings.
# Interleaved, medians. Then where the call's time goes, each part measured on its own in the same runs:
# - request: the caller's facts and the request as JSON (what Invoke-MfaCore builds before it calls the core);
# - core: the call line written to the warm core and its answer line read back, nothing else (the merge in node, the
#   pipe both ways);
# - answer: the rest of one call on the warm core (Invoke-MfaWarmCall: the line built, the answer read as objects);
# - the rest (by difference): parameter binding, the items, the ShouldProcess round, writing the objects.
param([string] $ModulePath, [string] $Path, [string] $ReferencePath, [int] $Runs = 51)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath -Force

function Compare-WebConfigInPowerShell {
    # The same two files read as XML, their appSettings and applicationSettings compared, one object per difference.
    $new = [xml](Get-Content -LiteralPath $Path -Raw)
    $old = [xml](Get-Content -LiteralPath $ReferencePath -Raw)
    $settings = @{}
    foreach ($node in $new.SelectNodes('/configuration/appSettings/add | /configuration/applicationSettings/*/setting')) {
        $settings[$node.GetAttribute('key') + $node.GetAttribute('name')] = $node
    }
    foreach ($node in $old.SelectNodes('/configuration/appSettings/add | /configuration/applicationSettings/*/setting')) {
        $name = $node.GetAttribute('key') + $node.GetAttribute('name')
        $oldValue = $node.GetAttribute('value') + $node.InnerText
        $target = $settings[$name]
        $newValue = $null
        if ($null -ne $target) { $newValue = $target.GetAttribute('value') + $target.InnerText }
        if ($newValue -ne $oldValue) { [pscustomobject]@{ Path = $Path; Name = $name; OldValue = $oldValue; NewValue = $newValue } }
    }
}

function Get-Median([double[]] $Values) { $s = $Values | Sort-Object; return $s[[int][Math]::Floor($s.Count / 2)] }
function Measure-Ms([scriptblock] $Block) { return (Measure-Command $Block).TotalMilliseconds }

$module = Get-Module MfaServerUpgrade
$merge = { $null = Merge-MfaWebConfig -Path $Path -ReferencePath $ReferencePath -WhatIf }
# -WhatIf writes its "What if:" line to the host: it is part of the call (run.mjs keeps only the last line).
& $merge
$found = @(Compare-WebConfigInPowerShell).Count

$callMs = New-Object System.Collections.Generic.List[double]
$psMs = New-Object System.Collections.Generic.List[double]
$requestMs = New-Object System.Collections.Generic.List[double]
$coreMs = New-Object System.Collections.Generic.List[double]
$roundTripMs = New-Object System.Collections.Generic.List[double]
$requestJson = & $module { param($p, $r) ConvertTo-Json -Compress -Depth 20 -InputObject @{ items = @([ordered]@{ Path = $p; ReferencePath = $r }); dryRun = $true; caller = (Get-MfaCaller) } } $Path $ReferencePath
for ($i = 0; $i -lt $Runs; $i++) {
    $psMs.Add((Measure-Ms { $null = Compare-WebConfigInPowerShell }))
    $callMs.Add((Measure-Ms $merge))
    $requestMs.Add((Measure-Ms { & $module { param($p, $r) $null = ConvertTo-Json -Compress -Depth 20 -InputObject @{ items = @([ordered]@{ Path = $p; ReferencePath = $r }); dryRun = $true; caller = (Get-MfaCaller) } } $Path $ReferencePath }))
    $coreMs.Add((& $module {
                param($json)
                $core = Get-MfaWarmCore
                $core.NextId++
                $bytes = [System.Text.Encoding]::UTF8.GetBytes('{"id":' + $core.NextId + ',"operation":"merge-webconfig","env":{},"request":' + $json + "}`n")
                $watch = [System.Diagnostics.Stopwatch]::StartNew()
                $core.Process.StandardInput.BaseStream.Write($bytes, 0, $bytes.Length)
                $core.Process.StandardInput.BaseStream.Flush()
                $null = $core.Process.StandardOutput.ReadLine()
                $watch.Elapsed.TotalMilliseconds
            } $requestJson))
    $roundTripMs.Add((Measure-Ms {
                & $module {
                    param($json)
                    function Invoke-Round { [CmdletBinding()] param() $null = Invoke-MfaWarmCall -Operation 'merge-webconfig' -RequestJson $json -Caller $PSCmdlet -TimeoutSeconds 60 }
                    Invoke-Round
                } $requestJson
            }))
}
[pscustomobject]@{
    runs = $Runs; psDifferences = $found
    callMs = (Get-Median $callMs.ToArray()); powershellMs = (Get-Median $psMs.ToArray())
    requestMs = (Get-Median $requestMs.ToArray()); roundTripMs = (Get-Median $roundTripMs.ToArray()); coreMs = (Get-Median $coreMs.ToArray())
} | ConvertTo-Json -Compress
