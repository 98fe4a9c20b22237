# The transport: the only hand-written PowerShell of the module. Every generated cmdlet collects its pipeline input
# and calls Invoke-MfaCore once. The core runs as a child process: JSON request on stdin (UTF-8), one JSON envelope on
# stdout, progress/log events as NDJSON on stderr, exit code 0 (ok) / 1 (operation failed) / 2 (bad request).
# JSON never travels in argv: Windows PowerShell 5.1 and 7.x quote native arguments differently.
# Must parse on Windows PowerShell 5.1: no ternary, null-coalescing, null-conditional or pipeline-chain operators.

function Clear-MfaHandledError {
    # An exception the transport caught and handled (a pipe already closed, a line that is not JSON) is no error of the
    # command: it leaves $Error, where PowerShell put it, so the admin finds there only what the command reported.
    # The entry may hold the exception itself or the one PowerShell wrapped it in (a method call's), or the other way.
    param([Parameter(Mandatory = $true)] [System.Management.Automation.ErrorRecord] $ErrorRecord)
    $handled = [System.Collections.Generic.List[object]]::new()
    for ($e = $ErrorRecord.Exception; $null -ne $e; $e = $e.InnerException) { $handled.Add($e) }
    foreach ($entry in @($global:Error)) {
        if ($entry -isnot [System.Management.Automation.ErrorRecord]) { continue }
        for ($e = $entry.Exception; $null -ne $e; $e = $e.InnerException) {
            if ($handled.Contains($e)) { $global:Error.Remove($entry); break }
        }
    }
}

function Get-MfaProperty {
    # A property of a JSON object, or $null when absent (the module runs under Set-StrictMode).
    param($Object, [string] $Name)
    if ($null -eq $Object) { return $null }
    $property = $Object.PSObject.Properties[$Name]
    if ($null -eq $property) { return $null }
    return $property.Value
}

function Get-MfaList {
    # The values of a JSON list property without nulls (none when the property is absent or null). A foreach, not
    # `| Where-Object`: a pipeline costs ~0.4 ms, and every call of every cmdlet reads several lists (issue 29).
    param($Object, [string] $Name)
    $values = [System.Collections.Generic.List[object]]::new()
    foreach ($value in @(Get-MfaProperty -Object $Object -Name $Name)) { if ($null -ne $value) { $values.Add($value) } }
    return , $values.ToArray()
}

function Get-MfaErrorCategory {
    param([string] $Name)
    $category = [System.Management.Automation.ErrorCategory]::NotSpecified
    if ($Name) { [void][Enum]::TryParse($Name, $true, [ref]$category) }
    return $category
}

function ConvertTo-MfaErrorRecord {
    param([Parameter(Mandatory = $true)] $ErrorBody, [string] $Server)
    $message = [string]$ErrorBody.message
    if ($Server) { $message = "[$Server] $message" }
    $exception = New-Object System.InvalidOperationException($message)
    $category = Get-MfaErrorCategory -Name ([string](Get-MfaProperty -Object $ErrorBody -Name 'category'))
    $target = Get-MfaProperty -Object $ErrorBody -Name 'target'
    $record = New-Object System.Management.Automation.ErrorRecord($exception, [string]$ErrorBody.code, $category, $target)
    $record.ErrorDetails = New-Object System.Management.Automation.ErrorDetails($message)
    $recommended = Get-MfaProperty -Object $ErrorBody -Name 'recommendedAction'
    if ($recommended) { $record.ErrorDetails.RecommendedAction = [string]$recommended }
    return $record
}

function Write-MfaCoreEvent {
    # One stderr line of a per-call core: an event, or text node printed (kept for the error message). An upgrade's
    # core names its journal (the 'run' event): kept in $RunRecords, so that a kill the core cannot record
    # is recorded there for it (Save-MfaRunStop).
    param([string] $Line, $Caller, [System.Text.StringBuilder] $Unparsed, [hashtable] $RunRecords)
    $evt = ConvertFrom-MfaCoreLine -Line $Line
    $kind = Get-MfaProperty -Object $evt -Name 'event'
    if ($null -eq $kind) { [void]$Unparsed.AppendLine($Line); return }
    if ($kind -eq 'run') {
        $RunRecords['journal'] = [string]$evt.journal
        $RunRecords['processId'] = [int]$evt.processId
        return
    }
    Write-MfaEvent -CoreEvent $evt -Caller $Caller
}

function Write-MfaEvent {
    param($CoreEvent, $Caller)
    if ($CoreEvent.event -eq 'progress') {
        $record = New-Object System.Management.Automation.ProgressRecord(1, [string]$CoreEvent.activity, [string]$CoreEvent.status)
        $percent = Get-MfaProperty -Object $CoreEvent -Name 'percent'
        if ($null -ne $percent) { $record.PercentComplete = [int]$percent }
        $Caller.WriteProgress($record)
        $script:MfaProgressShown = $true
    }
    elseif ($CoreEvent.event -eq 'log') {
        if ($CoreEvent.level -eq 'warning') { Write-MfaToCaller -Caller $Caller -Stream Warning -Record ([string]$CoreEvent.message) }
        elseif ($CoreEvent.level -eq 'information') { Write-MfaToCaller -Caller $Caller -Stream Information -Record ([string]$CoreEvent.message) }
        else { Write-MfaToCaller -Caller $Caller -Stream Verbose -Record ([string]$CoreEvent.message) }
    }
}

function Write-MfaToCaller {
    # Writes a warning, verbose message, information message or error through the calling cmdlet (so -WarningVariable, -ErrorVariable and
    # the other common parameters see it). -Debug (or an explicit Inquire) makes PowerShell ask after each record;
    # where nothing can ask (pwsh -NonInteractive: ConfigMgr, Intune, a scheduled task) PowerShell throws instead, which
    # once stopped the read loop and killed the core mid-step. Inquire means "show it, then ask": a warning or verbose
    # record has been written when the asking fails (PowerShell 5.1 and 7 write first), so nothing is left to do; an
    # error under an explicit -ErrorAction Inquire is asked about first, so it is written here without asking. Any
    # other failure (-WarningAction Stop, -ErrorAction Stop) is the admin's choice and goes on up.
    param($Caller, [string] $Stream, $Record)
    try {
        if ($Stream -eq 'Warning') { $Caller.WriteWarning($Record) }
        elseif ($Stream -eq 'Information') {
            # As Write-Host writes it: shown in the console whatever $InformationPreference says, and kept by 6> or
            # -InformationVariable.
            $message = New-Object System.Management.Automation.HostInformationMessage
            $message.Message = $Record
            $Caller.WriteInformation($message, [string[]]@('PSHOST'))
        }
        elseif ($Stream -eq 'Verbose') { $Caller.WriteVerbose($Record) }
        else { $Caller.WriteError($Record) }
    }
    catch {
        if (-not (Test-MfaCannotAsk -ErrorRecord $_)) { throw }
        if ($Stream -eq 'Error') { Write-Error -ErrorRecord $Record -ErrorAction Continue }
    }
}

function Test-MfaCannotAsk {
    # Whether a failure is PowerShell saying it cannot ask the user (no interactive host: pwsh -NonInteractive).
    param([Parameter(Mandatory = $true)] [System.Management.Automation.ErrorRecord] $ErrorRecord)
    for ($e = $ErrorRecord.Exception; $null -ne $e; $e = $e.InnerException) {
        if (($e -is [System.Management.Automation.PSInvalidOperationException]) -or ($e -is [System.Management.Automation.Host.HostException])) { return $true }
    }
    return $false
}

function Confirm-MfaAction {
    # ShouldProcess for one action of the plan. Where PowerShell cannot ask (a High-impact command, or -Confirm, under
    # pwsh -NonInteractive) it throws its own PSInvalidOperationException, whose id named this helper rather than the
    # command: the command's own error says what to do instead. Nothing has been changed at this point.
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSShouldProcess', '', Justification = 'ShouldProcess is called on the calling cmdlet ($Caller), which supports it.')]
    [CmdletBinding()]
    param($Caller, [string] $Target, [string] $Description)
    try { return $Caller.ShouldProcess($Target, $Description) }
    catch {
        if (-not (Test-MfaCannotAsk -ErrorRecord $_)) { throw }
        Clear-MfaHandledError -ErrorRecord $_
        $name = $Caller.MyInvocation.MyCommand.Name
        throw (Get-MfaTransportError -Id 'ConfirmationNotPossible' -Category InvalidOperation -Target $name `
                -Message "$name asks before it changes anything, but this PowerShell cannot ask (it runs non-interactively, as under ConfigMgr, Intune or a scheduled task). Nothing was changed." `
                -Action 'Pass -Confirm:$false to run it unattended, or -WhatIf to see what it would do.')
    }
}

function Open-MfaCoreProcess {
    # The core as a child process (Open-MfaCoreOnNode.ps1); $Arguments follow the path of mfa-core.cjs.
    param([string] $Arguments)
    $why = "the module's bin\node.exe is missing, MFA_NODE is not set and node is not on PATH"
    try { $node = Find-MfaNode -ModuleRoot $script:MfaModuleRoot } catch { Clear-MfaHandledError -ErrorRecord $_; $node = $null; $why = $_.Exception.Message }
    if (-not $node) {
        throw (Get-MfaTransportError -Id 'NodeNotFound' -Category ObjectNotFound -Target 'MFA_NODE' -Message "Node.js was not found: $why" `
                -Action 'Install the packaged module (it carries node.exe) or set MFA_NODE to the full path of node.')
    }
    return Open-MfaCoreOnNode -Node $node -ModuleRoot $script:MfaModuleRoot -Arguments $Arguments
}

function Write-MfaProgressDone {
    # Closes the progress bar of the call, when it showed one (most calls show none: this saves the host's work).
    param($Caller)
    if (-not $script:MfaProgressShown) { return }
    $script:MfaProgressShown = $false
    $done = New-Object System.Management.Automation.ProgressRecord(1, 'MfaServerUpgrade', 'Done')
    $done.RecordType = [System.Management.Automation.ProgressRecordType]::Completed
    $Caller.WriteProgress($done)
}

function Invoke-MfaCoreProcess {
    # One core process: request in, envelope out. Enforces the timeout on every read. The request is one line and the
    # core's stdin stays open while this PowerShell lives (--attached): if this PowerShell is killed, the pipe closes
    # and the core stops instead of going on unseen. With $Remoting (-ComputerName, -Session or -Credential was given) the core runs
    # with --broker: remoting scripts the core asks for run here, where the sessions and the credential live.
    # Without remoting through this PowerShell, and unless the operation keeps a process of its own, the call goes to
    # this runspace's warm core instead (Invoke-MfaWarmCore.ps1).
    param([string] $Operation, [string] $RequestJson, $Caller, [int] $TimeoutSeconds, $Remoting, [switch] $OwnProcess)
    if ((-not $OwnProcess) -and (Test-MfaWarmCoreFree)) {
        try {
            $answer = Invoke-MfaWarmCall -Operation $Operation -RequestJson $RequestJson -Caller $Caller -TimeoutSeconds $TimeoutSeconds -Remoting $Remoting
        }
        finally { if ($null -ne $Remoting) { Close-MfaBroker -Remoting $Remoting } }
        Write-MfaProgressDone -Caller $Caller
        return $answer
    }
    $mode = ' --attached'
    if ($null -ne $Remoting) { $mode = ' --broker' }
    $process = Open-MfaCoreProcess -Arguments ($Operation + $mode)
    $utf8 = [System.Text.UTF8Encoding]::new($false)
    $ended = $false
    $runRecords = @{}
    # Why the core is stopped if this call ends before it answers: unless a catch below says otherwise, the command was
    # stopped (Ctrl+C runs only the finally blocks, never a catch).
    $stop = @{ Cause = 'Cancelled'; Detail = 'The command was stopped (Ctrl+C, Stop-Job or a stopped pipeline).' }
    try {
        $bytes = $utf8.GetBytes($RequestJson + "`n")
        try {
            $process.StandardInput.BaseStream.Write($bytes, 0, $bytes.Length)
            $process.StandardInput.BaseStream.Flush()
        }
        catch [System.IO.IOException] { Clear-MfaHandledError -ErrorRecord $_; Write-Verbose "The core closed its input early: $($_.Exception.Message)" }

        $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
        $stdoutTask = $process.StandardOutput.ReadToEndAsync()
        $unparsed = New-Object System.Text.StringBuilder
        while ($true) {
            $lineTask = $process.StandardError.ReadLineAsync()
            Wait-MfaTask -Task $lineTask -Deadline $deadline -Process $process -Operation $Operation -TimeoutSeconds $TimeoutSeconds -RunRecords $runRecords
            $line = $lineTask.Result
            if ($null -eq $line) { break }
            if (($null -ne $Remoting) -and (Test-MfaBrokerAsk -Line $line)) {
                Invoke-MfaBrokerRun -Remoting $Remoting -Ask (ConvertFrom-Json -InputObject $line) -Answers $process.StandardInput.BaseStream
                continue
            }
            # Graph broker hook (Invoke-MfaGraphBroker.ps1): the tenant cmdlets read Graph through this PowerShell's session.
            if (Test-MfaGraphEvent -Line $line) {
                Invoke-MfaGraphBrokerEvent -Line $line -Answers $process.StandardInput.BaseStream
                continue
            }
            Write-MfaCoreEvent -Line $line -Caller $Caller -Unparsed $unparsed -RunRecords $runRecords
        }
        Wait-MfaTask -Task $stdoutTask -Deadline $deadline -Process $process -Operation $Operation -TimeoutSeconds $TimeoutSeconds -RunRecords $runRecords
        $process.WaitForExit()
        $ended = $true
        Write-MfaProgressDone -Caller $Caller
        return [pscustomobject]@{ ExitCode = $process.ExitCode; Envelope = $null; Stdout = $stdoutTask.Result; Stderr = $unparsed.ToString(); RunRecords = $runRecords }
    }
    catch {
        $stop = @{ Cause = 'CommandFailed'; Detail = "The PowerShell command failed while the core worked: $($_.Exception.Message)" }
        throw
    }
    finally {
        # The command was stopped (Ctrl+C, a stopped pipeline or job) or failed: the core must not go on unseen.
        if ((-not $ended) -and (-not $process.HasExited)) { Close-MfaCore -Process $process -Cause $stop.Cause -Detail $stop.Detail -RunRecords $runRecords }
        if ($null -ne $Remoting) { Close-MfaBroker -Remoting $Remoting }
        try { $process.StandardInput.Close() } catch { Clear-MfaHandledError -ErrorRecord $_; Write-Verbose "The core's input was already closed: $($_.Exception.Message)" }
        $process.Dispose()
    }
}

function Wait-MfaTask {
    # Waits for a read of the core's output in short slices: PowerShell can only stop a pipeline (Ctrl+C) between
    # statements, and one long Wait() would hold the command until the core ends. Past the deadline, the core is stopped.
    param($Task, [DateTime] $Deadline, $Process, [string] $Operation, [int] $TimeoutSeconds, [hashtable] $RunRecords)
    while (-not $Task.Wait(200)) {
        if ([DateTime]::UtcNow -ge $Deadline) { Invoke-MfaCoreTimeout -Process $Process -Operation $Operation -TimeoutSeconds $TimeoutSeconds -RunRecords $RunRecords }
    }
}

function Invoke-MfaCoreTimeout {
    param($Process, [string] $Operation, [int] $TimeoutSeconds, [hashtable] $RunRecords)
    $message = "The MfaServerUpgrade core ($Operation) did not finish within $TimeoutSeconds seconds and was stopped."
    Close-MfaCore -Process $Process -Cause 'TimedOut' -Detail $message -RunRecords $RunRecords
    throw (Get-MfaTransportError -Id 'CoreTimedOut' -Category OperationTimeout -Target $Operation -Message $message -Exception (New-Object System.TimeoutException($message)) `
            -Action 'Check the server for a hung installer, then run the same command again with -Resume.')
}

function Close-MfaCore {
    # Stopping the core at any point is safe (the journal says where a run stood; -Resume continues), and an installer
    # it started finishes or rolls back under Windows Installer on its own. The core is told why first (one stdin line,
    # then stdin closes): it writes the cause into the run's journal and log and closes its remote sessions (it ends
    # within about 2 s). A core still running after that is killed, and the stop is recorded for it.
    # The warm core (no $RunRecords) reads each stdin line as a call: it gets no stop word, only the end of stdin.
    param($Process, [string] $Cause, [string] $Detail, [hashtable] $RunRecords)
    if ($null -ne $RunRecords) {
        try {
            $word = [System.Text.Encoding]::UTF8.GetBytes((ConvertTo-Json -InputObject ([ordered]@{ stop = $Cause; detail = $Detail }) -Compress) + "`n")
            $Process.StandardInput.BaseStream.Write($word, 0, $word.Length)
            $Process.StandardInput.BaseStream.Flush()
        }
        catch { Clear-MfaHandledError -ErrorRecord $_ } # the core ended meanwhile: nobody to tell
    }
    try { $Process.StandardInput.Close() } catch { Clear-MfaHandledError -ErrorRecord $_ }
    if (-not $Process.WaitForExit(3000)) {
        try { $Process.Kill() } catch { Clear-MfaHandledError -ErrorRecord $_ } # it ended on its own after all
        [void]$Process.WaitForExit(5000)
        Save-MfaRunStop -RunRecords $RunRecords -Cause $Cause -Detail ($Detail + ' The core did not stop when asked and was killed.')
    }
}

function Save-MfaRunStop {
    # The core cannot record its own kill: a fresh core writes the stop into the run's journal and log
    # (mfa-core --record-stop; it refuses a journal another live run holds, and one where the core recorded it itself).
    # Best effort and silent: this may run while the command is being stopped, when nothing can be written to the
    # caller; a stop not recorded here is found and recorded by the next run.
    param([hashtable] $RunRecords, [string] $Cause, [string] $Detail)
    if ((-not $RunRecords) -or (-not $RunRecords['journal'])) { return }
    try {
        $recorder = Open-MfaCoreProcess -Arguments '--record-stop'
        # The log is not named: the core writes the run's own, as its journal records it.
        $request = ConvertTo-Json -Compress -InputObject @{ journal = $RunRecords['journal']; cause = $Cause; detail = $Detail; processId = $RunRecords['processId'] }
        $bytes = (New-Object System.Text.UTF8Encoding($false)).GetBytes($request)
        $recorder.StandardInput.BaseStream.Write($bytes, 0, $bytes.Length)
        $recorder.StandardInput.Close()
        if (-not $recorder.WaitForExit(15000)) { $recorder.Kill() }
        $recorder.Dispose()
    }
    catch { Clear-MfaHandledError -ErrorRecord $_; $RunRecords['recordFailed'] = $_.Exception.Message }
}

function ConvertFrom-MfaCoreLine {
    # One line the core wrote: the JSON object it holds, or $null for anything else (text something else in the node
    # process printed: a preloaded agent, a warning).
    param([string] $Line)
    if ($null -eq $Line) { return $null }
    $text = $Line.Trim()
    if (-not ($text.StartsWith('{') -and $text.EndsWith('}'))) { return $null }
    try { $parsed = ConvertFrom-Json -InputObject $text -ErrorAction Stop } catch { Clear-MfaHandledError -ErrorRecord $_; return $null }
    if ($parsed -isnot [System.Management.Automation.PSCustomObject]) { return $null }
    return $parsed
}

function Find-MfaEnvelope {
    # The answer in what a per-call core printed on stdout, found by the core's framing: one line holding a JSON
    # object with "ok" (true or false) and its "result" or "error", written last. Never all of stdout read as JSON:
    # anything else in the node process may print before or after it, and a core that answered must not be taken
    # for one that was killed. $null when there is no such line.
    param([string] $Text)
    if (-not $Text) { return $null }
    $lines = @($Text -split "`n")
    for ($i = $lines.Count - 1; $i -ge 0; $i--) {
        $envelope = ConvertFrom-MfaCoreLine -Line $lines[$i]
        if ($null -eq $envelope) { continue }
        $ok = Get-MfaProperty -Object $envelope -Name 'ok'
        $body = 'result'
        if ($ok -eq $false) { $body = 'error' }
        if (($ok -is [bool]) -and ($null -ne $envelope.PSObject.Properties[$body])) { return $envelope }
    }
    return $null
}

function Read-MfaEnvelope {
    # The core's answer; a core that ended without one was killed from outside (or Node.js itself failed): the error
    # says so by name (CoreKilled), and an upgrade's journal and log get the stop recorded for it.
    param($Response, [string] $Operation)
    if ($null -ne $Response.Envelope) { return $Response.Envelope }
    $envelope = Find-MfaEnvelope -Text $Response.Stdout
    if ($null -eq $envelope) {
        $detail = ($Response.Stderr.Trim() + ' ' + $Response.Stdout.Trim()).Trim()
        $message = "The MfaServerUpgrade core ($Operation) ended with exit code $($Response.ExitCode) without a result: it was killed (Task Manager, Stop-Process, a time limit) or Node.js itself failed. $detail".Trim()
        $runRecords = Get-MfaProperty -Object $Response -Name 'RunRecords'
        Save-MfaRunStop -RunRecords $runRecords -Cause 'CoreKilled' -Detail "The core (process $(if ($runRecords) { $runRecords['processId'] })) ended with exit code $($Response.ExitCode) before it answered."
        throw (Get-MfaCoreKilledRecord -Operation $Operation -Message $message)
    }
    return $envelope
}

function Get-MfaCoreKilledRecord {
    # A core (per call or warm) that ended before it answered: one error id for every path, CoreKilled.
    param([string] $Operation, [string] $Message)
    return Get-MfaTransportError -Id 'CoreKilled' -Category OperationStopped -Target $Operation -Message $Message `
        -Action 'Find what ended the process (the log, the event log), then run the same command again (an upgrade with -Resume).'
}

function Get-MfaTransportError {
    # An error the transport raises itself (not the core): its id is in the core's error catalog (core/util/error-catalog.ts).
    param([Parameter(Mandatory = $true)] [string] $Id, [System.Management.Automation.ErrorCategory] $Category, $Target,
        [Parameter(Mandatory = $true)] [string] $Message, [string] $Action, [System.Exception] $Exception)
    if ($null -eq $Exception) { $Exception = New-Object System.InvalidOperationException($Message) }
    $record = New-Object System.Management.Automation.ErrorRecord($Exception, $Id, $Category, $Target)
    $record.ErrorDetails = New-Object System.Management.Automation.ErrorDetails($Message)
    if ($Action) { $record.ErrorDetails.RecommendedAction = $Action }
    return $record
}

function Exit-MfaCommand {
    # The one way a failure inside the module reaches the caller: each generated cmdlet runs its work in a try, and its
    # catch ends here with the one record of what stopped it, as a terminating error of that cmdlet.
    # Why the try: under -ErrorAction SilentlyContinue or Ignore, PowerShell does not stop at a `throw` (or a strict-mode
    # error) in an advanced function with no try around it: it goes on with the next statement, and one failure became
    # many (34 errors from one call after the module on disk was updated). Inside a try every throw stops, whatever the
    # caller's preference; the caller's -ErrorAction is for the records the command writes, not for how it works.
    param([Parameter(Mandatory = $true)] $Caller, [Parameter(Mandatory = $true)] [System.Management.Automation.ErrorRecord] $ErrorRecord)
    $Caller.ThrowTerminatingError($ErrorRecord)
}

function Invoke-MfaCore {
    <#
    .SYNOPSIS
    Sends one request to the MfaServerUpgrade core and turns its answer into objects and error records.
    #>
    # ShouldProcess is asked of $Caller, the generated cmdlet, which declares SupportsShouldProcess and its ConfirmImpact;
    # this private helper has no -WhatIf of its own, so the rule's advice (declare it here) does not apply.
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSShouldProcess', '', Justification = 'ShouldProcess is called on the calling cmdlet ($Caller), which supports it.')]
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true)] [string] $Operation,
        [Parameter(Mandatory = $true)] [AllowEmptyCollection()] [object[]] $Items,
        [Parameter(Mandatory = $true)] $Caller,
        [Parameter(Mandatory = $true)] [string] $OutputTypeName,
        [int] $TimeoutSeconds = 600,
        [switch] $ChangesState,
        [System.Management.Automation.ConfirmImpact] $ConfirmImpact = 'Medium',
        # The operation runs in a core process of its own rather than this session's warm core (its contract says why).
        [switch] $OwnProcess
    )
    # An empty pipeline (a filter that matched nothing) is nothing to do, as for any cmdlet; the core refuses an empty
    # request as a bad one.
    if (@($Items).Count -eq 0) { return }
    # Commands that reach other servers (-ComputerName, -Session, -Credential) ask this PowerShell to hold the remoting
    # sessions (the broker), whichever core runs them; the sessions we open are kept for the next command (Get-MfaParking.ps1).
    $remoting = Split-MfaRemoting -Items $Items -Caller $Caller
    # Graph broker hook (Invoke-MfaGraphBroker.ps1): -AccessToken becomes text only inside the request on the core's stdin.
    ConvertFrom-MfaSecureParameter -Items $Items
    $request = @{ items = @($Items); dryRun = $false; caller = (Get-MfaCaller) }
    # Errors already shown by the plan round (code and target): the real run meets the same failures again.
    $shown = [System.Collections.Generic.HashSet[string]]::new()
    # $WhatIfPreference and $ConfirmPreference are the calling cmdlet's (dynamic scope): -WhatIf / -Confirm set them.
    $mayAsk = [bool]$WhatIfPreference -or (($ConfirmPreference -ne 'None') -and ($ConfirmImpact -ge $ConfirmPreference))
    if ($ChangesState -and $mayAsk) {
        # Ask the core for its plan, let ShouldProcess approve each action (-WhatIf prints them, -Confirm asks),
        # then run only the approved ones. When nothing can prompt, the plan round is skipped: one process.
        $request.dryRun = $true
        $plan = Invoke-MfaCoreRound -Operation $Operation -Request $request -Caller $Caller -TimeoutSeconds $TimeoutSeconds -OutputTypeName $OutputTypeName -Remoting $remoting -Shown $shown -OwnProcess:$OwnProcess
        if ($null -eq $plan) { return }
        $actions = Get-MfaList -Object $plan -Name 'actions'
        if ($actions.Count -eq 0) {
            if (-not $plan.ok) { return }
            Write-MfaResult -Envelope $plan -Caller $Caller -OutputTypeName $OutputTypeName
            return
        }
        $approved = [System.Collections.Generic.List[string]]::new()
        foreach ($action in $actions) {
            # The prompt shows one line for the target and one for the action; the details (each file, each
            # setting) go to the verbose stream, shown with -Verbose.
            foreach ($detail in (Get-MfaList -Object $action -Name 'details')) {
                Write-MfaToCaller -Caller $Caller -Stream Verbose -Record (([string]$action.target) + ': ' + [string]$detail)
            }
            if (Confirm-MfaAction -Caller $Caller -Target ([string]$action.target) -Description ([string]$action.description)) { $approved.Add([string]$action.id) }
        }
        if ($approved.Count -eq 0) { return }
        $request.dryRun = $false
        $request.approvedActions = $approved.ToArray()
    }
    $envelope = Invoke-MfaCoreRound -Operation $Operation -Request $request -Caller $Caller -TimeoutSeconds $TimeoutSeconds -OutputTypeName $OutputTypeName -Remoting $remoting -Shown $shown -OwnProcess:$OwnProcess
    if ($null -ne $envelope) { Write-MfaResult -Envelope $envelope -Caller $Caller -OutputTypeName $OutputTypeName }
}

function Invoke-MfaCoreRound {
    # One call; errors become ErrorRecords: a bad request ends the command, an operation failure is per object.
    param([string] $Operation, [hashtable] $Request, $Caller, [int] $TimeoutSeconds, [string] $OutputTypeName, $Remoting, $Shown, [switch] $OwnProcess)
    $json = ConvertTo-Json -InputObject $Request -Depth 20 -Compress
    $response = Invoke-MfaCoreProcess -Operation $Operation -RequestJson $json -Caller $Caller -TimeoutSeconds $TimeoutSeconds -Remoting $Remoting -OwnProcess:$OwnProcess
    $envelope = Read-MfaEnvelope -Response $response -Operation $Operation
    if ($envelope.ok) { return $envelope }
    if ($response.ExitCode -eq 2) { $Caller.ThrowTerminatingError((ConvertTo-MfaErrorRecord -ErrorBody $envelope.error)) }
    $errors = Get-MfaList -Object $envelope -Name 'errors'
    if ($errors.Count -eq 0) { $errors = @($envelope.error) }
    if ($Request.dryRun) {
        # Objects that failed while planning are reported now and left out of the real run.
        $failed = @(foreach ($e in $errors) { Get-MfaProperty -Object (Get-MfaProperty -Object $e -Name 'details') -Name 'item' })
        $Request.items = @(for ($i = 0; $i -lt $Request.items.Count; $i++) { if ($failed -notcontains $i) { $Request.items[$i] } })
    }
    else {
        Write-MfaResult -Envelope $envelope -Caller $Caller -OutputTypeName $OutputTypeName
    }
    foreach ($e in $errors) {
        # A failure the plan round showed (same code, same target: a server) is not shown again by the real run, even
        # when its wording differs (a name lookup may fail differently twice); without a target, the message counts.
        $target = [string](Get-MfaProperty -Object $e -Name 'target')
        if (-not $target) { $target = [string]$e.message }
        $key = [string]$e.code + '|' + $target
        if ($Request.dryRun) { [void]$Shown.Add($key) }
        elseif ($Shown.Contains($key)) { continue }
        Write-MfaToCaller -Caller $Caller -Stream Error -Record (ConvertTo-MfaErrorRecord -ErrorBody $e)
    }
    if ($Request.dryRun -and $Request.items.Count -gt 0) {
        $envelope | Add-Member -NotePropertyName ok -NotePropertyValue $true -Force
        return $envelope
    }
    return $null
}

function Write-MfaResult {
    param($Envelope, $Caller, [string] $OutputTypeName)
    foreach ($result in (Get-MfaList -Object $Envelope -Name 'result')) {
        # Objects get the contract's PSTypeName (and so its format view); text (Test-MfaServerUpgrade -Detection) stays text.
        if ($OutputTypeName -and ($result -isnot [string])) { $result.PSObject.TypeNames.Insert(0, $OutputTypeName) }
        $Caller.WriteObject($result)
    }
}
