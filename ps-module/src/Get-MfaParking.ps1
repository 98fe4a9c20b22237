# Warm remote sessions (issue 29): the sessions a command opened through this PowerShell (Invoke-MfaBroker.ps1) are
# kept, with the core running on each server, for the next command to the same server reached the same way and with
# the same credential (the remoting scripts take and park them: core/host/remote/remote-scripts.ts OPEN_SESSION and
# CLOSE_SESSION; the far core forgets the command's secrets before it is parked). Nothing else of a command is kept.
# The lot belongs to this runspace's module, as the warm core does. Its sessions are opened in the runspace pool kept
# here, and closing that pool closes them (PowerShell closes the sessions a runspace opened when it closes). They close:
# - after $script:MfaRemoteIdleSeconds parked (the reaper below, a script of the pool, closes each when its time is up);
# - when the module is removed (OnRemove: Close-MfaParkedSession) and when this runspace closes (Register-MfaRunspaceEnd);
# - with this PowerShell (its ssh clients end with it, and with them the far sessions and cores).
# Must parse on Windows PowerShell 5.1: no ternary, null-coalescing, null-conditional or pipeline-chain operators.

# Runs in the pool, so it is passed as text (see $script:MfaBrokerRunner), with the text of Close-MfaRemotingSession
# (nothing of the module is defined there). Ends when no session is parked any more.
$script:MfaParkingReaper = @'
param([hashtable] $Parking, [string] $SessionCloseFunction)
. ([scriptblock]::Create($SessionCloseFunction))
while ($true) {
    Start-Sleep -Milliseconds 250
    $expired = [System.Collections.Generic.List[object]]::new()
    $done = $false
    [System.Threading.Monitor]::Enter($Parking.Lock)
    try {
        foreach ($entry in $Parking.Entries.ToArray()) {
            if (([DateTime]::UtcNow - $entry.ParkedAt).TotalSeconds -ge $Parking.IdleSeconds) {
                $expired.Add($entry)
                [void]$Parking.Entries.Remove($entry)
            }
        }
        if ($Parking.Entries.Count -eq 0) {
            $Parking.ReaperRunning = $false
            $done = $true
        }
    } finally { [System.Threading.Monitor]::Exit($Parking.Lock) }
    # The far core ends with its session (its input closes when the far PowerShell ends).
    foreach ($entry in $expired) { Close-MfaRemotingSession $entry.Session }
    if ($done) { return }
}
'@

function Get-MfaParking {
    # This runspace's lot and the pool its sessions live in, made on first use.
    if ($null -ne $script:MfaParking) { return $script:MfaParking }
    # At most 64 servers at once: the ceiling of -ThrottleLimit, which the core applies before asking; one more for the reaper.
    $pool = [runspacefactory]::CreateRunspacePool(1, 65)
    $pool.Open()
    $script:MfaParking = @{
        Lock = New-Object object
        Entries = [System.Collections.Generic.List[object]]::new()
        Pool = $pool
        IdleSeconds = $script:MfaRemoteIdleSeconds
        ReaperRunning = $false
        Reaper = $null
        RunspaceWatch = (Register-MfaRunspaceEnd -Resource $pool)
    }
    return $script:MfaParking
}

function Open-MfaParkingReaper {
    # After a command: the reaper runs while sessions are parked (it stops by itself once none is left).
    $parking = $script:MfaParking
    if ($null -eq $parking) { return }
    $parking.IdleSeconds = $script:MfaRemoteIdleSeconds
    [System.Threading.Monitor]::Enter($parking.Lock)
    try {
        if ($parking.ReaperRunning -or ($parking.Entries.Count -eq 0)) { return }
        $parking.ReaperRunning = $true
    } finally { [System.Threading.Monitor]::Exit($parking.Lock) }
    Close-MfaParkingReaper -Parking $parking
    $shell = [powershell]::Create()
    $shell.RunspacePool = $parking.Pool
    $sessionClose = 'function Close-MfaRemotingSession {' + ${function:Close-MfaRemotingSession}.ToString() + '}'
    [void]$shell.AddScript($script:MfaParkingReaper).AddArgument($parking).AddArgument($sessionClose)
    $parking.Reaper = @{ Shell = $shell; Handle = $shell.BeginInvoke() }
}

function Close-MfaParkingReaper {
    param([Parameter(Mandatory = $true)] [hashtable] $Parking)
    $reaper = $Parking.Reaper
    $Parking.Reaper = $null
    if ($null -eq $reaper) { return }
    try {
        if (-not $reaper.Handle.IsCompleted) { $reaper.Shell.Stop() }
        [void]$reaper.Shell.EndInvoke($reaper.Handle)
    } catch { Clear-MfaHandledError -ErrorRecord $_; Write-Verbose "The idle reaper of kept sessions ended with: $($_.Exception.Message)" }
    $reaper.Shell.Dispose()
}

function Close-MfaParkedSession {
    # Closes every kept session and the pool they live in (Remove-Module, Import-Module -Force).
    $parking = $script:MfaParking
    $script:MfaParking = $null
    if ($null -eq $parking) { return }
    Unregister-MfaRunspaceEnd -Watch $parking.RunspaceWatch
    Close-MfaParkingReaper -Parking $parking
    [System.Threading.Monitor]::Enter($parking.Lock)
    try {
        $all = $parking.Entries.ToArray()
        $parking.Entries.Clear()
    } finally { [System.Threading.Monitor]::Exit($parking.Lock) }
    foreach ($entry in $all) { Close-MfaRemotingSession $entry.Session }
    $parking.Pool.Close()
    $parking.Pool.Dispose()
}
