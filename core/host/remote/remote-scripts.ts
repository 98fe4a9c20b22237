import '../../util/test-hooks';
import { CORE_PROCESS_FUNCTIONS } from '../../generated/core-process';
import { SESSION_CLOSE_FUNCTION } from '../../generated/session-close';
import { FORGET_LINE, FORGOT_LINE } from './host-rpc';

/**
 * The PowerShell the remote adapter runs on this machine, in a pwsh of our own or in the admin's own PowerShell
 * (brokered-powershell.ts); values arrive as $V. What lasts between calls of one connection lives in $MfaState:
 *   Session     the open remoting session;
 *   Given       a session the admin gave with -Session for this server (set by the transport): used, never closed;
 *   Credential  the PSCredential given with -Credential (set by the transport): used to open the session;
 *   Borrowed    true when Session is the admin's own.
 * Everything here must run on Windows PowerShell 5.1 as well: no ternary, no ??, no ::new().
 *
 *   Parking     the transport's parking lot (ps-module/src/Get-MfaParking.ps1): sessions kept between commands; absent
 *               when this PowerShell is a pwsh of our own (then sessions end with the command, as before);
 *   ParkKey     the server and settings the session was opened with (PARKING_KEY).
 * The far side keeps its core in $MfaFarCore (and the task draining its stderr in $MfaFarCoreStderr): plain variables,
 * because every Invoke-Command -Session call runs in the session's global scope, so what one call sets the next sees
 * (test/remote/session-credential.test.ts looks for it there).
 */

/**
 * Heads each script that runs script blocks on the far side with Invoke-Command -ArgumentList: the analyzer's
 * PSUseUsingScopeModifierInNewRunspaces reads their param() parameters (and the far session's own $MfaFarCore) as values
 * of this side missing $using: (PSScriptAnalyzer issue 1504); they are not, and $using: would be wrong. PSScriptAnalyzer
 * 1.25 ignores the attribute on a nested script block's param block, so it sits on the script's own.
 */
const FAR_BLOCKS_TAKE_ARGUMENTS = String.raw`
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseUsingScopeModifierInNewRunspaces', '', Justification = 'The far script blocks get their values through param() and -ArgumentList, or read the far session''s own state; none reads a variable of this side.')]
param()`;

/** Ends the script with {lost, message} when the session is gone; otherwise leaves it in $s. */
const SESSION_OR_LOST = String.raw`
$s = $MfaState.Session
if (($null -eq $s) -or ($s.State -ne 'Opened')) {
    $state = 'not open'
    if ($null -ne $s) { $state = [string]$s.State }
    return @{ lost = $true; message = "the remoting session is $state" }
}`;

/**
 * The catch of a far script whose Invoke-Command failed: what happened, for the core to judge whether the link was lost
 * (link-loss.ts) rather than judged here by the session's state at this instant, which lags a cut.
 */
const CAUGHT_FAILURE = String.raw`
    $types = New-Object System.Collections.Generic.List[string]
    for ($e = $_.Exception; $null -ne $e; $e = $e.InnerException) { $types.Add($e.GetType().FullName) }
    @{ failed = @{ message = $_.Exception.Message; state = [string]$s.State; types = $types.ToArray() } }`;

/**
 * On the target: node found as the transport finds it (Find-MfaNode, with MFA_REMOTE_NODE as the hint) into $node;
 * ends the script block with {nodeMissing} when there is none. The functions are the module's own
 * (ps-module/src/Open-MfaCoreOnNode.ps1), so the lookup order and the process start are written once.
 * Needs $Root, $NodeHint.
 */
const FIND_FAR_NODE = String.raw`
${CORE_PROCESS_FUNCTIONS}
$node = Find-MfaNode -ModuleRoot $Root -Hint $NodeHint
if (-not $node) { return @{ nodeMissing = $true } }`;

/**
 * Which kept session a command may take: the same server reached the same way (transport, port, user, key and known
 * hosts file). The credential is compared apart, as the very PSCredential object the session was opened with (the
 * session holds it anyway): nothing of the password is kept or derived anywhere for the comparison, and a session is
 * never taken with another credential (Get-Credential again gives another object, hence a new session).
 */
const PARKING_KEY = String.raw`
$key = @($V.transport, ([string]$V.computerName).ToLowerInvariant(), $V.port, $V.userName, $V.keyFilePath, $V.knownHostsFile) -join '|'`;

/**
 * Takes the session an earlier command kept (CLOSE_SESSION) for this key and credential, out of the parking lot, into
 * $parked (or $null). Under the lot's lock: the transport's idle reaper closes kept sessions from another runspace.
 */
const TAKE_PARKED = String.raw`
$parked = $null
$lot = $MfaState.Parking
[System.Threading.Monitor]::Enter($lot.Lock)
try {
    foreach ($entry in $lot.Entries) {
        if (($entry.Key -ceq $key) -and [object]::ReferenceEquals($entry.Credential, $MfaState.Credential)) { $parked = $entry; break }
    }
    if ($null -ne $parked) { [void]$lot.Entries.Remove($parked) }
} finally { [System.Threading.Monitor]::Exit($lot.Lock) }`;

/**
 * Keeps a lost SSH connection from ending the PowerShell that holds the session. PowerShell's SSH client (seen with
 * pwsh 7.6.9) writes to ssh's input through a buffered pipe; once ssh stops reading, a write fails and leaves its bytes
 * in the buffer, and closing the connection later flushes them into the broken pipe again: from Remove-PSSession that
 * is an IOException ("Broken pipe") the caller sees, and from the transport's own error thread (ssh ended) it is
 * unhandled and ends the whole process, which for the broker is the admin's console (seen in CI, the connection-lost
 * upgrade test; reproduced by test/remote/ssh-client-crash.test.ts). The transport's reference to that writer is taken
 * away, so closing never flushes it: PowerShell still ends ssh when the session closes, and the writer is left to the
 * garbage collector, whose finalizer ignores a broken pipe. Best effort: a PowerShell built otherwise is left as it is.
 * Applied to every SSH session the scripts use, the admin's own (-Session) included: its console is at stake too.
 */
const SHIELD_SSH_CLOSE = String.raw`
function Protect-MfaSshSessionClose([object] $Session) {
    if ([string]$Session.Transport -ne 'SSH') { return }
    try {
        $flags = [Reflection.BindingFlags]'Instance, NonPublic, Public'
        $pool = $Session.Runspace.GetType().GetProperty('RunspacePool', $flags).GetValue($Session.Runspace)
        $internal = $pool.GetType().GetProperty('RemoteRunspacePoolInternal', $flags).GetValue($pool)
        $handler = $internal.GetType().GetProperty('DataStructureHandler', $flags).GetValue($internal)
        $transport = $handler.GetType().GetProperty('TransportManager', $flags).GetValue($handler)
        $inputField = $transport.GetType().GetField('_stdInWriter', $flags)
        if ($null -ne $inputField) { $inputField.SetValue($transport, $null) }
    } catch {
        Write-Verbose "The SSH session's input could not be shielded: $($_.Exception.Message)"
    }
}`;

/**
 * Opens the remoting session, or takes the one the admin gave for this server, or the one an earlier command kept
 * (answers {reused}; a kept one found ended is removed and a new one opened: {dead: why}); a failure is a terminating
 * error whose message says why (error id Mfa:<code> when the cause is known, so the core reports that code).
 * $V.fresh: the session taken did not answer (RemoteConnection.open): it is removed and a new one opened. In the test
 * build only (core/util/test-hooks.ts), MFA_TEST_REMOTING_SHIM names a script dot-sourced first: it may stand in for
 * New-PSSession, the way the recorded-command fakes stand in for Windows tools. The shipped core has no such line.
 */
const REMOTING_SHIM_FOR_TESTS = globalThis.__MFA_TEST_HOOKS__ ? 'if ($env:MFA_TEST_REMOTING_SHIM) { . $env:MFA_TEST_REMOTING_SHIM }' : '';

export const OPEN_SESSION = String.raw`
$ErrorActionPreference = 'Stop'
${SHIELD_SSH_CLOSE}
${SESSION_CLOSE_FUNCTION}
if ($null -ne $MfaState.Given) {
    $given = $MfaState.Given
    if ($given.State -ne 'Opened') {
        $todo = 'Open a new one with New-PSSession and run the command again.'
        if ([string]$given.State -eq 'Disconnected') { $todo = 'Reconnect it with Connect-PSSession and run the command again.' }
        Write-Error -ErrorId 'Mfa:SessionNotOpen' -Message "The session given with -Session for $($V.computerName) (Id $($given.Id), $($given.Name)) is $($given.State), not Opened. $todo"
    }
    Protect-MfaSshSessionClose $given
    $MfaState.Session = $given
    $MfaState.Borrowed = $true
    return @{ given = "The session you gave (Id $($given.Id), $($given.Name))" }
}
${PARKING_KEY}
$dead = $null
if ($V.fresh -and ($null -ne $MfaState.Session)) {
    Close-MfaRemotingSession $MfaState.Session
    $MfaState.Session = $null
}
elseif ($null -ne $MfaState.Parking) {
${TAKE_PARKED}
    if ($null -ne $parked) {
        if ($parked.Session.State -eq 'Opened') {
            $MfaState.Session = $parked.Session
            $MfaState.Borrowed = $false
            $MfaState.ParkKey = $key
            return @{ reused = $true }
        }
        $dead = "it is $($parked.Session.State)"
        Close-MfaRemotingSession $parked.Session
    }
}
${REMOTING_SHIM_FOR_TESTS}
$p = @{ ErrorAction = 'Stop' }
if ($V.transport -eq 'ssh') {
    if ($null -ne $MfaState.Credential) {
        Write-Error -ErrorId 'Mfa:CredentialNotSupported' -Message "-Credential cannot be used with PowerShell remoting over SSH (-RemoteTransport SSH, or MFA_REMOTE_TRANSPORT=ssh): SSH signs in with a key. Give -RemoteUserName and -RemoteKeyFilePath, or open the session yourself (New-PSSession -HostName ...) and pass it with -Session."
    }
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
    if ($null -ne $MfaState.Credential) { $p.Credential = $MfaState.Credential }
}
if ($V.transport -eq 'ssh') {
    # The port is reached before ssh is started. PowerShell's SSH client can end its whole process when ssh exits at
    # once, as ssh does for a name that does not resolve or a port that refuses: an unhandled IOException (Broken pipe)
    # as it closes ssh's input in SSHClientSessionTransportManager.HandleSSHError (seen with pwsh 7.6.9 on Linux). The
    # caller's PowerShell holds the sessions, so that would end the admin's console with the command. The probe is also
    # the diagnosis: PowerShell only says that ssh ended, the probe says why (the core makes it RemoteUnreachable).
    $sshPort = 22
    if ($V.port) { $sshPort = [int]$V.port }
    $probe = New-Object System.Net.Sockets.TcpClient
    $unreached = $null
    try {
        if (-not $probe.ConnectAsync($V.computerName, $sshPort).Wait(20000)) { $unreached = "no answer on port $sshPort within 20 s" }
    } catch {
        $inner = $_.Exception
        while ($null -ne $inner.InnerException) { $inner = $inner.InnerException }
        $code = ''
        if ($inner -is [System.Net.Sockets.SocketException]) { $code = [string]$inner.SocketErrorCode }
        if ($code -eq 'ConnectionRefused') { $unreached = "nothing accepts connections on port $sshPort" }
        elseif (@('HostNotFound', 'TryAgain', 'NoData') -contains $code) { $unreached = 'the name does not resolve' }
        else { $unreached = "port $sshPort could not be reached ($($inner.Message))" }
    } finally {
        $probe.Dispose()
    }
    if ($null -ne $unreached) { throw "$unreached, so ssh was not started." }
    try { $MfaState.Session = New-PSSession @p }
    catch { throw "port $sshPort answers, so the SSH login or the powershell subsystem failed: $($_.Exception.Message)" }
} else {
    $MfaState.Session = New-PSSession @p
}
Protect-MfaSshSessionClose $MfaState.Session
$MfaState.Borrowed = $false
$MfaState.ParkKey = $key
if ($dead) { return @{ dead = $dead } }
`;

/** Where the module lives on the target and which build is there (the fingerprint file written after each copy). */
export const FIND_FAR_MODULE = String.raw`
$ErrorActionPreference = 'Stop'
Invoke-Command -Session $MfaState.Session -ErrorAction Stop -ArgumentList $V.version -ScriptBlock {
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
 * Copies the module into a fresh staging folder on the target, checks the hash of its lib/ there (module-deploy.ts,
 * libHash: same algorithm), then swaps it into place: a copy cut short never leaves a half module where the next run
 * would use it.
 */
export const COPY_MODULE = String.raw`${FAR_BLOCKS_TAKE_ARGUMENTS}
$ErrorActionPreference = 'Stop'
$s = $MfaState.Session
$staging = Invoke-Command -Session $s -ErrorAction Stop -ArgumentList $V.base -ScriptBlock {
    param([string] $Base)
    $d = Join-Path $Base ('.incoming-' + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory -Path $d -Force | Out-Null
    $d
}
Get-ChildItem -LiteralPath $V.localRoot -Force | ForEach-Object {
    Copy-Item -LiteralPath $_.FullName -Destination $staging -ToSession $s -Recurse -Force -ErrorAction Stop
}
Invoke-Command -Session $s -ErrorAction Stop -ArgumentList $staging, $V.root, $V.fingerprint, $V.libSha256 -ScriptBlock {
    param([string] $Staging, [string] $Root, [string] $Fingerprint, [string] $LibSha256)
    $ErrorActionPreference = 'Stop'
    $got = ''
    $lib = Join-Path $Staging 'lib'
    if (Test-Path -LiteralPath $lib -PathType Container) {
        $base = (Get-Item -LiteralPath $lib).FullName.TrimEnd('\', '/')
        $names = [string[]]@(Get-ChildItem -LiteralPath $base -Recurse -File -Force | ForEach-Object { $_.FullName.Substring($base.Length + 1).Replace('\', '/') })
        [Array]::Sort($names, [StringComparer]::Ordinal)
        $text = New-Object System.Text.StringBuilder
        foreach ($n in $names) {
            $h = (Get-FileHash -LiteralPath (Join-Path $base $n) -Algorithm SHA256).Hash.ToLowerInvariant()
            [void]$text.Append($n).Append([char]9).Append($h).Append([char]10)
        }
        $sha = [System.Security.Cryptography.SHA256]::Create()
        $got = (($sha.ComputeHash((New-Object System.Text.UTF8Encoding($false)).GetBytes($text.ToString())) | ForEach-Object { $_.ToString('x2') }) -join '')
    }
    if ($got -ne $LibSha256) {
        Remove-Item -LiteralPath $Staging -Recurse -Force
        throw "The module copied to $env:COMPUTERNAME does not match the one sent (the SHA-256 of its lib folder differs)."
    }
    Set-Content -LiteralPath (Join-Path $Staging '.mfa-fingerprint') -Value $Fingerprint -Encoding Ascii
    try {
        if (Test-Path -LiteralPath $Root) { Remove-Item -LiteralPath $Root -Recurse -Force }
        Move-Item -LiteralPath $Staging -Destination $Root
    } catch {
        # Two names of one machine (or two runs) copying at once: the other copy of this same build is as good.
        $file = Join-Path $Root '.mfa-fingerprint'
        $there = ''
        if (Test-Path -LiteralPath $file -PathType Leaf) { $there = ([string](Get-Content -LiteralPath $file -Raw)).Trim() }
        Remove-Item -LiteralPath $Staging -Recurse -Force -ErrorAction SilentlyContinue
        if ($there -ne $Fingerprint) { throw }
    }
}
`;

/**
 * Sends one batch to the core kept running on the target (mfa-core --serve-host), started on first use and kept in
 * the remote session's own $MfaFarCore. Answers:
 *   {stdout}        the core's answer line;
 *   {notSent}       the core could not be started or fed: nothing reached it, the caller may use RUN_FAR_CORE instead;
 *   {died}          the core ended after the batch was sent: whether it ran is unknown, so it is not sent again;
 *   {nodeMissing}   no node on the target; {lost, message} the session itself is gone;
 *   {failed}        Invoke-Command failed (CAUGHT_FAILURE): the core judges whether the link was lost.
 */
export const RUN_FAR_SERVE = String.raw`${FAR_BLOCKS_TAKE_ARGUMENTS}
${SESSION_OR_LOST}
try {
    $r = Invoke-Command -Session $s -ErrorAction Stop -ArgumentList $V.root, $V.request, $V.nodeHint -ScriptBlock {
        param([string] $Root, [string] $RequestJson, [string] $NodeHint)
        $ErrorActionPreference = 'Stop'
        $utf8 = New-Object System.Text.UTF8Encoding($false)
        $p = $MfaFarCore
        if (($null -eq $p) -or $p.HasExited) {
${FIND_FAR_NODE}
            try {
                $p = Open-MfaCoreOnNode -Node $node -ModuleRoot $Root -Arguments '--serve-host'
                $MfaFarCore = $p
                # Drained in the background so a chatty core never blocks on a full stderr pipe.
                $MfaFarCoreStderr = $p.StandardError.ReadToEndAsync()
            } catch { return @{ notSent = $true; message = $_.Exception.Message } }
        }
        try {
            $bytes = $utf8.GetBytes($RequestJson + [char]10)
            $p.StandardInput.BaseStream.Write($bytes, 0, $bytes.Length)
            $p.StandardInput.BaseStream.Flush()
        } catch { return @{ notSent = $true; message = $_.Exception.Message } }
        # The answer is the core's one line starting {"ok": (serve-host.ts); a line something else in the node process
        # printed is passed over.
        $line = $p.StandardOutput.ReadLine()
        while (($null -ne $line) -and (-not $line.StartsWith('{"ok":'))) { $line = $p.StandardOutput.ReadLine() }
        if ($null -eq $line) {
            $p.WaitForExit(5000) | Out-Null
            $err = ''
            if ($MfaFarCoreStderr -and $MfaFarCoreStderr.Wait(2000)) { $err = $MfaFarCoreStderr.Result }
            $code = $null
            if ($p.HasExited) { $code = $p.ExitCode }
            $MfaFarCore = $null
            return @{ died = $true; exitCode = $code; stderr = $err }
        }
        @{ stdout = $line }
    }
    @{ stdout = $r.stdout; notSent = [bool]$r.notSent; died = [bool]$r.died; nodeMissing = [bool]$r.nodeMissing; message = $r.message; exitCode = $r.exitCode; stderr = $r.stderr }
} catch {${CAUGHT_FAILURE}
}
`;

/**
 * Runs the core on the target: JSON request on its stdin (UTF-8), envelope from its stdout. Returns {lost, message}
 * when the session is gone, {failed} (CAUGHT_FAILURE) when Invoke-Command failed.
 */
export const RUN_FAR_CORE = String.raw`${FAR_BLOCKS_TAKE_ARGUMENTS}
${SESSION_OR_LOST}
try {
    $r = Invoke-Command -Session $s -ErrorAction Stop -ArgumentList $V.root, $V.operation, $V.request, $V.nodeHint -ScriptBlock {
        param([string] $Root, [string] $Operation, [string] $RequestJson, [string] $NodeHint)
        $ErrorActionPreference = 'Stop'
${FIND_FAR_NODE}
        $utf8 = New-Object System.Text.UTF8Encoding($false)
        $p = Open-MfaCoreOnNode -Node $node -ModuleRoot $Root -Arguments $Operation
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
    @{ exitCode = $r.exitCode; stdout = $r.stdout; stderr = $r.stderr; nodeMissing = [bool]$r.nodeMissing }
} catch {${CAUGHT_FAILURE}
}
`;

/** Whether the session still answers (after the far core ended: a crash of the core, or the link going down). */
export const PROBE_SESSION = String.raw`
$s = $MfaState.Session
if (($null -eq $s) -or ($s.State -ne 'Opened')) { return @{ lost = $true; message = 'the remoting session is closed' } }
try {
    Invoke-Command -Session $s -ErrorAction Stop -ScriptBlock { 1 } | Out-Null
    @{ lost = $false }
} catch { @{ lost = $true; message = $_.Exception.Message } }
`;

/** A file on the target copied here over the session. */
export const COPY_FROM_FAR = String.raw`
Copy-Item -LiteralPath $V.farPath -Destination $V.localPath -FromSession $MfaState.Session -Force -ErrorAction Stop
`;

/** A file here copied to the target over the session. */
export const COPY_TO_FAR = String.raw`
Copy-Item -LiteralPath $V.localPath -Destination $V.farPath -ToSession $MfaState.Session -Force -ErrorAction Stop
`;

/**
 * Keeps the session we opened for the next command to the same server (the transport's parking lot; its idle reaper,
 * Remove-Module and the end of the runspace close it): the far core is kept too, once it has said that it forgot every
 * secret value of this command (serve-host.ts FORGET_LINE). Answers $true when parked; anything else (no lot, a
 * session the admin gave, one no longer open, a far core that does not answer) leaves it to CLOSE_SESSION's close.
 */
const PARK_SESSION = String.raw`
$parkedNow = $false
if ((-not $MfaState.Borrowed) -and ($null -ne $MfaState.Parking) -and $MfaState.ParkKey -and ($s.State -eq 'Opened')) {
    try {
        $forgot = Invoke-Command -Session $s -ErrorAction Stop -ArgumentList '${FORGET_LINE}', '${FORGOT_LINE}' -ScriptBlock {
            param([string] $Forget, [string] $Forgot)
            $p = $MfaFarCore
            # No far core (none started, or it ended): nothing of this command is left to forget.
            if (($null -eq $p) -or $p.HasExited) { return $true }
            $bytes = (New-Object System.Text.UTF8Encoding($false)).GetBytes($Forget + [char]10)
            $p.StandardInput.BaseStream.Write($bytes, 0, $bytes.Length)
            $p.StandardInput.BaseStream.Flush()
            $line = $p.StandardOutput.ReadLine()
            while (($null -ne $line) -and ($line -ne $Forgot) -and (-not $line.StartsWith('{"ok":'))) { $line = $p.StandardOutput.ReadLine() }
            return ($line -eq $Forgot)
        }
        $parkedNow = ($forgot -eq $true)
    } catch {
        Write-Verbose "The far core could not be told to forget: $($_.Exception.Message)"
    }
}
if ($parkedNow) {
    $lot = $MfaState.Parking
    [System.Threading.Monitor]::Enter($lot.Lock)
    try { $lot.Entries.Add(@{ Key = $MfaState.ParkKey; Session = $s; Credential = $MfaState.Credential; ParkedAt = [DateTime]::UtcNow }) }
    finally { [System.Threading.Monitor]::Exit($lot.Lock) }
    $MfaState.Session = $null
    return @{ parked = $true }
}`;

/**
 * The end of a command's connection: the session we opened is kept for the next command (PARK_SESSION); otherwise the
 * far core ends and the session we opened is removed (one the admin gave stays open, as it was, without our state).
 */
export const CLOSE_SESSION = String.raw`${FAR_BLOCKS_TAKE_ARGUMENTS}
${SESSION_CLOSE_FUNCTION}
$s = $MfaState.Session
if ($s) {
${PARK_SESSION}
    # The far core ends when its stdin closes; closing it first lets it go before the session is torn down.
    try {
        Invoke-Command -Session $s -ErrorAction Stop -ScriptBlock {
            if ($MfaFarCore) { $MfaFarCore.StandardInput.Close(); $MfaFarCore.WaitForExit(5000) | Out-Null }
            # A session the admin gave stays theirs: what the far scripts defined in it goes with the core.
            Remove-Variable -Name MfaFarCore, MfaFarCoreStderr, MfaNodeOnPath -Scope Global -ErrorAction SilentlyContinue
            Remove-Item -Path Function:\Find-MfaNode, Function:\Open-MfaCoreOnNode -ErrorAction SilentlyContinue
        }
    } catch {
        # A session already broken has no core left to end; removing it below is all there is to do.
        Write-Verbose "The far core could not be told to end: $($_.Exception.Message)"
    }
    if (-not $MfaState.Borrowed) { Close-MfaRemotingSession $s }
    $MfaState.Session = $null
}
`;
