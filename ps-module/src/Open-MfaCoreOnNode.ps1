# Finding node and starting the core on it: the one implementation, used by the transport here (Invoke-MfaCore.ps1,
# Invoke-MfaWarmCore.ps1) and, as text the build copies into core/generated/core-process.ts, by the far side of a
# remote connection (core/host/remote/remote-scripts.ts). Keep it self-contained: on the far side nothing else of the
# module is defined. Must parse on Windows PowerShell 5.1: no ternary, null-coalescing, null-conditional or
# pipeline-chain operators.

function Find-MfaNode {
    # node, in this order: the module's own signed bin\node.exe (on Windows only: elsewhere it is not a program),
    # $env:MFA_NODE (which must name a file), the caller's hint (the far side's MFA_REMOTE_NODE, when it names a file),
    # then node on PATH. The PATH lookup is remembered for the session (it costs more than the rest of a call); the
    # others are checked every time. $null when there is none.
    param([Parameter(Mandatory = $true)] [string] $ModuleRoot, [string] $Hint)
    $own = Join-Path (Join-Path $ModuleRoot 'bin') 'node.exe'
    if (($env:OS -eq 'Windows_NT') -and (Test-Path -LiteralPath $own -PathType Leaf)) { return $own }
    if ($env:MFA_NODE) {
        if (Test-Path -LiteralPath $env:MFA_NODE -PathType Leaf) { return $env:MFA_NODE }
        throw "MFA_NODE is set to '$($env:MFA_NODE)', but no file is there."
    }
    if ($Hint -and (Test-Path -LiteralPath $Hint -PathType Leaf)) { return $Hint }
    # Read with Get-Variable: a far session the admin gave may run under Set-StrictMode, where an unset variable throws.
    $remembered = Get-Variable -Name MfaNodeOnPath -Scope Script -ValueOnly -ErrorAction Ignore
    if ($remembered -and (Test-Path -LiteralPath $remembered -PathType Leaf)) { return $remembered }
    $onPath = Get-Command -Name 'node' -CommandType Application -ErrorAction Ignore | Select-Object -First 1
    if (-not $onPath) { return $null }
    # -WhatIf:$false: remembering a path changes nothing on any server, and a cmdlet run with -WhatIf must not print it.
    Set-Variable -Name MfaNodeOnPath -Scope Script -Value $onPath.Source -WhatIf:$false -Confirm:$false
    return $onPath.Source
}

function Open-MfaCoreOnNode {
    # `node <ModuleRoot>/lib/mfa-core.cjs <Arguments>` as a child process with redirected UTF-8 streams.
    param([Parameter(Mandatory = $true)] [string] $Node, [Parameter(Mandatory = $true)] [string] $ModuleRoot, [string] $Arguments)
    $utf8 = New-Object System.Text.UTF8Encoding($false)
    $psi = New-Object System.Diagnostics.ProcessStartInfo
    $psi.FileName = $Node
    $psi.Arguments = '"' + (Join-Path (Join-Path $ModuleRoot 'lib') 'mfa-core.cjs') + '" ' + $Arguments
    $psi.UseShellExecute = $false
    $psi.CreateNoWindow = $true
    $psi.RedirectStandardInput = $true
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.StandardOutputEncoding = $utf8
    $psi.StandardErrorEncoding = $utf8
    # The core runs what the module ships, whatever this PowerShell's environment says (an APM agent's NODE_OPTIONS
    # once made a completed upgrade look killed): no Node.js variable reaches it (NODE_OPTIONS preloads code and sets
    # flags, NODE_PATH changes what require finds, NODE_COMPILE_CACHE runs cached code from a folder of its own...;
    # NODE_EXTRA_CA_CERTS too: the core opens no TLS connection), nor OpenSSL's configuration, which can load engines.
    foreach ($name in @($psi.EnvironmentVariables.Keys)) {
        if (($name -like 'NODE_*') -or ($name -like 'OPENSSL_*')) { $psi.EnvironmentVariables.Remove($name) }
    }
    return [System.Diagnostics.Process]::Start($psi)
}
