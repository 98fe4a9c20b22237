/**
 * The PowerShell the remote adapter runs in its local pwsh (through PowerShellSession: values arrive as $V). The open
 * session lives in $global:MfaRemoteSession of that pwsh. Script blocks sent to the target must run on Windows
 * PowerShell 5.1 as well: no ternary, no ??, no ::new().
 */

/** Opens the remoting session; a failure is a terminating error whose message says why. */
export const OPEN_SESSION = String.raw`
$ErrorActionPreference = 'Stop'
$p = @{ ErrorAction = 'Stop' }
if ($V.transport -eq 'ssh') {
    $p.HostName = $V.computerName
    $p.SSHTransport = $true
    if ($V.port) { $p.Port = [int]$V.port }
    if ($V.userName) { $p.UserName = $V.userName }
    if ($V.keyFilePath) { $p.KeyFilePath = $V.keyFilePath }
    # Keepalives: a server that disappears mid-run is noticed within a minute instead of hanging the call.
    $o = @{ ServerAliveInterval = '15'; ServerAliveCountMax = '4'; ConnectTimeout = '20'; BatchMode = 'yes' }
    if ($V.knownHostsFile) { $o.UserKnownHostsFile = $V.knownHostsFile; $o.StrictHostKeyChecking = 'yes' }
    $p.Options = $o
} else {
    $p.ComputerName = $V.computerName
}
$global:MfaRemoteSession = New-PSSession @p
`;

/** Where the module lives on the target and which build is there (the fingerprint file written after each copy). */
export const FIND_FAR_MODULE = String.raw`
$ErrorActionPreference = 'Stop'
Invoke-Command -Session $global:MfaRemoteSession -ErrorAction Stop -ArgumentList $V.version -ScriptBlock {
    param([string] $Version)
    # MFA_MODULE_CACHE on the target moves the copy elsewhere (a server whose profile or ProgramData is locked down).
    if ($env:MFA_MODULE_CACHE) { $base = $env:MFA_MODULE_CACHE }
    elseif ($env:OS -eq 'Windows_NT') { $base = Join-Path $env:ProgramData 'MfaServerUpgrade' }
    else { $base = Join-Path $HOME '.mfa-server-upgrade' }
    $root = Join-Path $base $Version
    $file = Join-Path $root '.mfa-fingerprint'
    $current = $null
    if (Test-Path -LiteralPath $file -PathType Leaf) { $current = ([string](Get-Content -LiteralPath $file -Raw)).Trim() }
    @{ base = $base; root = $root; fingerprint = $current }
}
`;

/**
 * Copies the module into a fresh staging folder on the target, checks the core's hash there, then swaps it into place:
 * a copy cut short never leaves a half module where the next run would use it.
 */
export const COPY_MODULE = String.raw`
$ErrorActionPreference = 'Stop'
$s = $global:MfaRemoteSession
$staging = Invoke-Command -Session $s -ErrorAction Stop -ArgumentList $V.base -ScriptBlock {
    param([string] $Base)
    $d = Join-Path $Base ('.incoming-' + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory -Path $d -Force | Out-Null
    $d
}
Copy-Item -Path (Join-Path $V.localRoot '*') -Destination $staging -ToSession $s -Recurse -Force -ErrorAction Stop
Invoke-Command -Session $s -ErrorAction Stop -ArgumentList $staging, $V.root, $V.fingerprint, $V.coreSha256 -ScriptBlock {
    param([string] $Staging, [string] $Root, [string] $Fingerprint, [string] $CoreSha256)
    $ErrorActionPreference = 'Stop'
    $core = Join-Path (Join-Path $Staging 'lib') 'mfa-core.cjs'
    $got = ''
    if (Test-Path -LiteralPath $core -PathType Leaf) { $got = (Get-FileHash -LiteralPath $core -Algorithm SHA256).Hash.ToLowerInvariant() }
    if ($got -ne $CoreSha256) {
        Remove-Item -LiteralPath $Staging -Recurse -Force
        throw "The module copied to $env:COMPUTERNAME does not match the one sent (SHA-256 of lib/mfa-core.cjs differs)."
    }
    Set-Content -LiteralPath (Join-Path $Staging '.mfa-fingerprint') -Value $Fingerprint -Encoding Ascii
    if (Test-Path -LiteralPath $Root) { Remove-Item -LiteralPath $Root -Recurse -Force }
    Move-Item -LiteralPath $Staging -Destination $Root
}
`;

/**
 * Runs the core on the target: JSON request on its stdin (UTF-8), envelope from its stdout. Returns
 * {lost, message} when the session itself is gone, so the caller can tell a dead link from a failing call.
 */
export const RUN_FAR_CORE = String.raw`
$s = $global:MfaRemoteSession
if (($null -eq $s) -or ($s.State -ne 'Opened')) {
    $state = 'not open'
    if ($null -ne $s) { $state = [string]$s.State }
    return @{ lost = $true; message = "the remoting session is $state" }
}
try {
    $r = Invoke-Command -Session $s -ErrorAction Stop -ArgumentList $V.root, $V.operation, $V.request, $V.nodeHint -ScriptBlock {
        param([string] $Root, [string] $Operation, [string] $RequestJson, [string] $NodeHint)
        $ErrorActionPreference = 'Stop'
        $node = $null
        $own = Join-Path (Join-Path $Root 'bin') 'node.exe'
        if (($env:OS -eq 'Windows_NT') -and (Test-Path -LiteralPath $own -PathType Leaf)) { $node = $own }
        elseif ($env:MFA_NODE) { $node = $env:MFA_NODE }
        elseif ($NodeHint -and (Test-Path -LiteralPath $NodeHint -PathType Leaf)) { $node = $NodeHint }
        else {
            $cmd = Get-Command -Name 'node' -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
            if ($cmd) { $node = $cmd.Source }
        }
        if (-not $node) { return @{ nodeMissing = $true } }
        $utf8 = New-Object System.Text.UTF8Encoding($false)
        $psi = New-Object System.Diagnostics.ProcessStartInfo
        $psi.FileName = $node
        $psi.Arguments = '"' + (Join-Path (Join-Path $Root 'lib') 'mfa-core.cjs') + '" ' + $Operation
        $psi.UseShellExecute = $false
        $psi.CreateNoWindow = $true
        $psi.RedirectStandardInput = $true
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $psi.StandardOutputEncoding = $utf8
        $psi.StandardErrorEncoding = $utf8
        $p = [System.Diagnostics.Process]::Start($psi)
        try {
            $outTask = $p.StandardOutput.ReadToEndAsync()
            $errTask = $p.StandardError.ReadToEndAsync()
            $bytes = $utf8.GetBytes($RequestJson)
            $p.StandardInput.BaseStream.Write($bytes, 0, $bytes.Length)
            $p.StandardInput.BaseStream.Flush()
            $p.StandardInput.Close()
            $p.WaitForExit()
            @{ exitCode = $p.ExitCode; stdout = $outTask.Result; stderr = $errTask.Result; node = $node }
        } finally { $p.Dispose() }
    }
    @{ lost = $false; exitCode = $r.exitCode; stdout = $r.stdout; stderr = $r.stderr; nodeMissing = [bool]$r.nodeMissing }
} catch {
    @{ lost = ($s.State -ne 'Opened'); message = $_.Exception.Message }
}
`;

/** A file on the target copied here over the session. */
export const COPY_FROM_FAR = String.raw`
Copy-Item -LiteralPath $V.farPath -Destination $V.localPath -FromSession $global:MfaRemoteSession -Force -ErrorAction Stop
`;

/** A file here copied to the target over the session. */
export const COPY_TO_FAR = String.raw`
Copy-Item -LiteralPath $V.localPath -Destination $V.farPath -ToSession $global:MfaRemoteSession -Force -ErrorAction Stop
`;

export const CLOSE_SESSION = String.raw`
if ($global:MfaRemoteSession) { Remove-PSSession -Session $global:MfaRemoteSession -ErrorAction SilentlyContinue; $global:MfaRemoteSession = $null }
`;
