# The warm core: one core process per PowerShell runspace, started on the first call and kept for the session, so a
# cmdlet call costs a request line and an answer instead of a Node.js start (core/runtime/serve.ts is the other end).
# Module state ($script:) belongs to one runspace: ForEach-Object -Parallel, jobs and other runspaces each import the
# module anew and so start their own core; two never share one.
# Life of the core:
# - started on first use; the transport talks only to a core that states this module's build ($script:MfaBuildId);
# - a call stopped by Ctrl+C, a time-out or any failure stops the core (its input is closed: it writes why in the run's
#   log, as a per-call core does) and the next call starts a new one, so a stopped call never leaves work behind;
# - a core found dead before a call is replaced, with a warning unless it ended because it was idle;
# - it exits by itself after $script:MfaCoreIdleSeconds without a call, when this PowerShell ends or is killed (its
#   input closes), when the module is removed (OnRemove, set in the generated .psm1), and when this runspace closes
#   (Register-MfaRunspaceEnd: a ForEach-Object -Parallel runspace, a thread job).
# Must parse on Windows PowerShell 5.1: no ternary, null-coalescing, null-conditional or pipeline-chain operators.

function Get-MfaWarmCore {
    # The running warm core of this runspace, started (or restarted) when needed.
    $core = $script:MfaWarmCore
    if (($null -ne $core) -and $core.Process.HasExited) {
        $code = $core.Process.ExitCode
        Close-MfaWarmCore
        Write-MfaCoreReplaced -ExitCode $code
        $core = $null
    }
    if ($null -eq $core) { $core = Open-MfaWarmCore }
    return $core
}

function Write-MfaCoreReplaced {
    # Exit code 0: it was idle past its time, or its input closed between calls; anything else is worth a word.
    param([int] $ExitCode)
    if ($ExitCode -ne 0) { Write-Warning "The MfaServerUpgrade core of this session had stopped (exit code $ExitCode); a new one was started." }
}

function Open-MfaWarmCore {
    $process = Open-MfaCoreProcess -Arguments ('--serve --idle-seconds ' + $script:MfaCoreIdleSeconds)
    $started = $false
    try {
        # stderr carries only what node prints when something breaks; reading it all the time keeps its pipe from filling.
        $stderr = $process.StandardError.ReadToEndAsync()
        # Its first line of its own says it is ready; lines something else in the node process printed are passed over.
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        $ready = $null
        $other = New-Object System.Text.StringBuilder
        while ($null -eq (Get-MfaProperty -Object $ready -Name 'ready')) {
            $readyTask = $process.StandardOutput.ReadLineAsync()
            Wait-MfaTask -Task $readyTask -Deadline $deadline -Process $process -Operation 'start' -TimeoutSeconds 60
            if ($null -eq $readyTask.Result) { break }
            $ready = ConvertFrom-MfaCoreLine -Line $readyTask.Result
            if ($null -eq (Get-MfaProperty -Object $ready -Name 'ready')) { [void]$other.AppendLine($readyTask.Result) }
        }
        if ($null -eq (Get-MfaProperty -Object $ready -Name 'ready')) {
            $detail = $other.ToString().Trim()
            if ($stderr.Wait(3000)) { $detail = ($stderr.Result.Trim() + ' ' + $detail).Trim() }
            throw (Get-MfaTransportError -Id 'CoreNotStarted' -Category ResourceUnavailable -Target 'start' -Message "The MfaServerUpgrade core did not start. $detail".Trim() `
                    -Action 'Read what node printed (in the message); check MFA_NODE and the module''s files, then run the command again.')
        }
        if ([string]$ready.buildId -ne $script:MfaBuildId) {
            $message = "The MfaServerUpgrade module files on disk (build $($ready.buildId)) are not the ones this session loaded (build $script:MfaBuildId): the module was updated. Run 'Import-Module MfaServerUpgrade -Force' to use the new version."
            throw (Get-MfaTransportError -Id 'ModuleUpdated' -Category InvalidOperation -Target $script:MfaModuleRoot -Message $message -Action "Run 'Import-Module MfaServerUpgrade -Force', then the command again.")
        }
        Write-Verbose "Started the MfaServerUpgrade core for this session (process $($process.Id))."
        $watch = Register-MfaRunspaceEnd -Resource $process.StandardInput
        $script:MfaWarmCore = [pscustomobject]@{ Process = $process; Stderr = $stderr; NextId = 0; Busy = $false; RunspaceWatch = $watch }
        $started = $true
        return $script:MfaWarmCore
    }
    finally {
        # Not started (another build, a failure, Ctrl+C while it was starting): no core may be left behind unseen.
        if (-not $started) {
            if (-not $process.HasExited) { Close-MfaCore -Process $process }
            $process.Dispose()
        }
    }
}

function Register-MfaRunspaceEnd {
    # What this runspace keeps outside itself ends when it closes: a runspace closed without removing the module (each
    # runspace of a ForEach-Object -Parallel loop, a thread job) left its core for the idle time (12 items, throttle 6:
    # 6 cores, 364 MB for 10 minutes), because the core's input belongs to the process, which lives on; the same holds
    # for the pool of kept remote sessions (Get-MfaParking.ps1). The runspace's StateChanged event is raised on the
    # thread that closes it, where no PowerShell script can run; so the handler is a compiled expression (no script, no
    # compiler needed): on Closing, Closed or Broken it disposes $Resource (the core's input: the core, idle, exits;
    # the pool: its sessions close). Returns what Unregister-MfaRunspaceEnd needs.
    param([Parameter(Mandatory = $true)] [System.IDisposable] $Resource)
    $x = [System.Linq.Expressions.Expression]
    $states = [System.Management.Automation.Runspaces.RunspaceState]
    $source = $x::Parameter([object], 'sender')
    $e = $x::Parameter([System.Management.Automation.Runspaces.RunspaceStateEventArgs], 'e')
    $state = $x::Property($x::Property($e, 'RunspaceStateInfo'), 'State')
    $ending = $x::OrElse($x::Equal($state, $x::Constant($states::Closing)), $x::OrElse($x::Equal($state, $x::Constant($states::Closed)), $x::Equal($state, $x::Constant($states::Broken))))
    $close = $x::Call($x::Constant($Resource, [System.IDisposable]), [System.IDisposable].GetMethod('Dispose', [Type[]]@()))
    # It may be closed already (the core ended): nothing may fail in the thread that closes the runspace.
    $safely = $x::TryCatch($close, [System.Linq.Expressions.CatchBlock[]]@($x::Catch([System.Exception], $x::Empty())))
    $type = [System.EventHandler[System.Management.Automation.Runspaces.RunspaceStateEventArgs]]
    $handler = $x::Lambda($type, $x::IfThen($ending, $safely), [System.Linq.Expressions.ParameterExpression[]]@($source, $e)).Compile()
    $runspace = [runspace]::DefaultRunspace
    $runspace.add_StateChanged($handler)
    return @{ Runspace = $runspace; Handler = $handler }
}

function Unregister-MfaRunspaceEnd {
    param([hashtable] $Watch)
    if ($null -ne $Watch) { $Watch.Runspace.remove_StateChanged($Watch.Handler) }
}

function Close-MfaWarmCore {
    # Ends this runspace's warm core (module removed, a call stopped, a core found dead) and forgets it.
    $core = $script:MfaWarmCore
    $script:MfaWarmCore = $null
    if ($null -eq $core) { return }
    Unregister-MfaRunspaceEnd -Watch $core.RunspaceWatch
    if (-not $core.Process.HasExited) { Close-MfaCore -Process $core.Process }
    $core.Process.Dispose()
}

function Test-MfaWarmCoreFree {
    # A call made while another call of this runspace is still reading its answer (a cmdlet run from a progress or
    # output handler) cannot use the warm core: it gets a core of its own.
    return (($null -eq $script:MfaWarmCore) -or (-not $script:MfaWarmCore.Busy))
}

function Invoke-MfaWarmCall {
    # One call on the warm core: the request line out; its events, its asks for remoting scripts ($Remoting: the
    # broker's state of this command, Invoke-MfaBroker.ps1) and its envelope back, in order, on stdout.
    param([string] $Operation, [string] $RequestJson, $Caller, [int] $TimeoutSeconds, $Remoting)
    for ($attempt = 1; $attempt -le 2; $attempt++) {
        $core = Get-MfaWarmCore
        $core.NextId++
        $id = $core.NextId
        $answer = Send-MfaWarmCall -Core $core -Id $id -Operation $Operation -RequestJson $RequestJson -Caller $Caller -TimeoutSeconds $TimeoutSeconds -Remoting $Remoting
        if ($null -ne $answer) { return $answer }
        # The core ended before it read the call, having been idle past its time at that very moment: once more.
    }
    throw (Get-MfaCoreKilledRecord -Operation $Operation -Message "The MfaServerUpgrade core ($Operation) ended twice before it read the call.")
}

function Get-MfaCallerEnvironment {
    # The MFA_* environment variables as they are now: a per-call core would inherit them, so the warm core gets them
    # with every call (an admin may set one between two calls).
    $variables = @{}
    foreach ($entry in [Environment]::GetEnvironmentVariables().GetEnumerator()) {
        if ([string]$entry.Key -like 'MFA_*') { $variables[[string]$entry.Key] = [string]$entry.Value }
    }
    return $variables
}

function Send-MfaWarmCall {
    # Returns the answer, or $null when the core had ended before it saw the call (idle past its time, or found dead:
    # its input no longer took the call), so that a new one takes it.
    param($Core, [long] $Id, [string] $Operation, [string] $RequestJson, $Caller, [int] $TimeoutSeconds, $Remoting)
    $process = $Core.Process
    $variables = Get-MfaCallerEnvironment
    $environment = '{}'
    if ($variables.Count -gt 0) { $environment = ConvertTo-Json -InputObject $variables -Compress }
    $line = '{"id":' + $Id + ',"operation":' + (ConvertTo-Json -InputObject $Operation -Compress) + ',"env":' + $environment + ',"request":' + $RequestJson + "}`n"
    # Encoding.UTF8 writes no byte-order mark through GetBytes (only GetPreamble has one).
    $bytes = [System.Text.Encoding]::UTF8.GetBytes($line)
    $Core.Busy = $true
    $answered = $false
    $notTaken = $false
    try {
        try {
            $process.StandardInput.BaseStream.Write($bytes, 0, $bytes.Length)
            $process.StandardInput.BaseStream.Flush()
        }
        catch [System.IO.IOException] {
            # The core was gone before this call (killed since the last one, and not yet seen to have exited).
            Clear-MfaHandledError -ErrorRecord $_
            Write-Verbose "The core closed its input: $($_.Exception.Message)"
            $notTaken = $true
        }
        $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
        $seen = $false
        while ($true) {
            $task = $process.StandardOutput.ReadLineAsync()
            # Most answers come within the first slice: Wait-MfaTask (the timeout) only for the others.
            if (-not $task.Wait(200)) { Wait-MfaTask -Task $task -Deadline $deadline -Process $process -Operation $Operation -TimeoutSeconds $TimeoutSeconds }
            $text = $task.Result
            if ($null -eq $text) {
                $process.WaitForExit(3000) | Out-Null
                if ((-not $seen) -and $process.HasExited -and (($process.ExitCode -eq 0) -or $notTaken)) {
                    Write-MfaCoreReplaced -ExitCode $process.ExitCode
                    return $null
                }
                $detail = ''
                if ($Core.Stderr.Wait(1000)) { $detail = $Core.Stderr.Result.Trim() }
                $code = ''
                if ($process.HasExited) { $code = " (exit code $($process.ExitCode))" }
                $message = "The MfaServerUpgrade core stopped during $Operation$code without a result: it was killed (Task Manager, Stop-Process) or Node.js itself failed. $detail".Trim()
                throw (Get-MfaCoreKilledRecord -Operation $Operation -Message $message)
            }
            # Lines of another call, and lines that are not the core's (something else in the node process printed
            # them), are passed over: only the core's lines for this call count.
            $message = ConvertFrom-MfaCoreLine -Line $text
            if ((Get-MfaProperty -Object $message -Name 'id') -ne $Id) { continue }
            $seen = $true
            if ($null -eq (Get-MfaProperty -Object $message -Name 'exitCode')) {
                if ((Get-MfaProperty -Object $message -Name 'event') -eq 'ps-run') { Send-MfaWarmAsk -Remoting $Remoting -Ask $message.ask -Answers $process.StandardInput.BaseStream }
                else { Write-MfaEvent -CoreEvent $message -Caller $Caller }
                continue
            }
            $answered = $true
            return [pscustomobject]@{ ExitCode = [int]$message.exitCode; Envelope = $message.envelope; Stdout = ''; Stderr = '' }
        }
    }
    finally {
        $Core.Busy = $false
        # Stopped (Ctrl+C, time-out) or broken mid-call: this core may still be working on it. It is stopped, and the
        # next call starts a fresh one.
        if (-not $answered) { Close-MfaWarmCore }
    }
}

function Send-MfaWarmAsk {
    # An ask of the warm core's broker: run here (Invoke-MfaBrokerRun). A command given no server has no broker state;
    # the core then gets an error for an answer rather than waiting for one.
    param($Remoting, $Ask, [System.IO.Stream] $Answers)
    if ($null -ne $Remoting) { return Invoke-MfaBrokerRun -Remoting $Remoting -Ask $Ask -Answers $Answers }
    $answer = @{ id = [long]$Ask.id; error = 'This command was given no remote server, so this PowerShell holds no remoting session for it.' }
    $bytes = [System.Text.Encoding]::UTF8.GetBytes((ConvertTo-Json -InputObject $answer -Compress) + "`n")
    $Answers.Write($bytes, 0, $bytes.Length)
    $Answers.Flush()
}
