# The remoting broker of the transport. PSSession objects (-Session) and PSCredential objects (-Credential) cannot
# leave this PowerShell, so for commands given either one the core asks the transport to run its remoting scripts here
# (core/host/remote/brokered-powershell.ts). Commands given -ComputerName use it too (issue 29): the sessions then
# live in this PowerShell as well, instead of in a pwsh the core would start for them (a process and its start saved): a `ps-run` event on the core's stderr carries one ready-made command line;
# a runspace of our pool runs it and writes the answer, one JSON line, to the core's stdin. Each server the core
# connects to is one channel with its own state table ($MfaState): the session, and what -Session/-Credential gave.
# Channels run in parallel (the core bounds them with -ThrottleLimit); calls of one channel come one at a time.
# The credential and the sessions stay in this process; the core only learns user and computer names.
# Must parse on Windows PowerShell 5.1: no ternary, null-coalescing, null-conditional or pipeline-chain operators.

# Runs in a pool runspace, so it is passed as text: a script block made here would run back in the caller's runspace.
$script:MfaBrokerRunner = @'
param([string] $Command, [hashtable] $MfaState, [long] $Id, [System.IO.Stream] $Answers, [object] $AnswerLock)
try {
    $printed = @(foreach ($record in @(& ([scriptblock]::Create($Command)) 2>&1)) { [string]$record }) -join "`n"
    $answer = @{ id = $Id; output = $printed }
} catch {
    $answer = @{ id = $Id; error = "The remoting command failed in the calling PowerShell: $($_.Exception.Message)" }
}
$bytes = [System.Text.Encoding]::UTF8.GetBytes((ConvertTo-Json -InputObject $answer -Compress -Depth 3) + "`n")
[System.Threading.Monitor]::Enter($AnswerLock)
try {
    $Answers.Write($bytes, 0, $bytes.Length)
    $Answers.Flush()
} catch {
    # The core has ended (its input is closed): nobody is waiting for this answer any more.
} finally { [System.Threading.Monitor]::Exit($AnswerLock) }
'@

function Split-MfaRemoting {
    # Takes the PSCredential and PSSession objects out of the items (the core gets the user name and the sessions'
    # computer names instead) and returns what the broker needs, or $null when the command was given neither and
    # names no server (-ComputerName: the core decides which names are remote, and asks only for those).
    param([Parameter(Mandatory = $true)] [AllowEmptyCollection()] [object[]] $Items, [Parameter(Mandatory = $true)] $Caller)
    $credential = $null
    $sessions = @{}
    $servers = $false
    foreach ($item in $Items) {
        if ($item.Contains('ComputerName') -and $item['ComputerName']) { $servers = $true }
        if ($item.Contains('Credential')) {
            $given = $item['Credential']
            if (($null -eq $given) -or ($given -eq [System.Management.Automation.PSCredential]::Empty)) { $item.Remove('Credential') }
            else {
                $credential = $given
                $item['Credential'] = $credential.UserName
            }
        }
        if (-not $item.Contains('Session')) { continue }
        $names = [System.Collections.Generic.List[string]]::new()
        foreach ($session in @($item['Session'])) {
            $key = $session.ComputerName.ToLowerInvariant()
            if ($sessions.ContainsKey($key) -and ($sessions[$key].InstanceId -ne $session.InstanceId)) {
                $message = "Two sessions given to -Session connect to $($session.ComputerName) (Ids $($sessions[$key].Id) and $($session.Id)): give one session per server."
                $record = New-Object System.Management.Automation.ErrorRecord((New-Object System.ArgumentException($message)), 'DuplicateSession', 'InvalidArgument', $session.ComputerName)
                $Caller.ThrowTerminatingError($record)
            }
            $sessions[$key] = $session
            $names.Add($session.ComputerName)
        }
        $item['Session'] = $names.ToArray()
    }
    if (($null -eq $credential) -and ($sessions.Count -eq 0) -and (-not $servers)) { return $null }
    return @{
        Credential = $credential
        Sessions = $sessions
        States = @{}
        Runs = [System.Collections.Generic.List[object]]::new()
        AnswerLock = New-Object object
    }
}

function Test-MfaBrokerAsk {
    # Whether a line of a per-call core's stderr is an ask of its broker (a ps-run event).
    param([string] $Line)
    return $Line.StartsWith('{"event":"ps-run"')
}

function Invoke-MfaBrokerRun {
    # One ps-run request from the core (a per-call core's stderr line, or the warm core's ask): run its command in the
    # pool, on the state table of its channel; the answer goes to the core's stdin ($Answers).
    param([Parameter(Mandatory = $true)] [hashtable] $Remoting, [Parameter(Mandatory = $true)] $Ask, [Parameter(Mandatory = $true)] [System.IO.Stream] $Answers)
    $ask = $Ask
    $channel = [string]$ask.channel
    if (-not $Remoting.States.ContainsKey($channel)) {
        $given = $null
        $key = ([string]$ask.computerName).ToLowerInvariant()
        if ($Remoting.Sessions.ContainsKey($key)) { $given = $Remoting.Sessions[$key] }
        # Parking: the sessions kept between commands (Get-MfaParking.ps1), which OPEN_SESSION takes from and CLOSE_SESSION
        # parks in; the sessions live in its pool, so that they outlive the command.
        $Remoting.States[$channel] = @{ Given = $given; Credential = $Remoting.Credential; Session = $null; Borrowed = $false; Parking = (Get-MfaParking); ParkKey = $null }
    }
    Clear-MfaFinishedBrokerRun -Remoting $Remoting
    $shell = [powershell]::Create()
    $shell.RunspacePool = (Get-MfaParking).Pool
    [void]$shell.AddScript($script:MfaBrokerRunner).AddArgument([string]$ask.command).AddArgument($Remoting.States[$channel]).AddArgument([long]$ask.id).AddArgument($Answers).AddArgument($Remoting.AnswerLock)
    $Remoting.Runs.Add(@{ Shell = $shell; Handle = $shell.BeginInvoke() })
}

function Clear-MfaFinishedBrokerRun {
    param([Parameter(Mandatory = $true)] [hashtable] $Remoting)
    foreach ($run in $Remoting.Runs.ToArray()) {
        if (-not $run.Handle.IsCompleted) { continue }
        try { [void]$run.Shell.EndInvoke($run.Handle) } catch { Clear-MfaHandledError -ErrorRecord $_; Write-Verbose "A remoting call ended with: $($_.Exception.Message)" }
        $run.Shell.Dispose()
        [void]$Remoting.Runs.Remove($run)
    }
}

function Close-MfaBroker {
    # The core has ended. Calls still running are stopped; sessions the broker opened and the core neither parked nor
    # closed (it was stopped) are removed; the sessions the admin gave stay as they are; parked ones wait for the next
    # command (the reaper closes them when they have been idle too long).
    param([Parameter(Mandatory = $true)] [hashtable] $Remoting)
    foreach ($run in $Remoting.Runs.ToArray()) {
        if (-not $run.Handle.IsCompleted) { try { $run.Shell.Stop() } catch { Clear-MfaHandledError -ErrorRecord $_; Write-Verbose "Stopping a remoting call: $($_.Exception.Message)" } }
    }
    Clear-MfaFinishedBrokerRun -Remoting $Remoting
    foreach ($state in $Remoting.States.Values) {
        if (($null -ne $state.Session) -and (-not $state.Borrowed)) { Close-MfaRemotingSession $state.Session }
    }
    $Remoting.States.Clear()
    Open-MfaParkingReaper
}
