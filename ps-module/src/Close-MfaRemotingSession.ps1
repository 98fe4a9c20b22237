# Closing a remoting session: the one implementation, used by the transport here (Get-MfaParking.ps1, Invoke-MfaBroker.ps1,
# and the parking reaper, which gets it as text) and, as text the build copies into core/generated/session-close.ts, by
# the remoting scripts (core/host/remote/remote-scripts.ts). Keep it self-contained: those run it where nothing else of
# the module is defined. Must parse on Windows PowerShell 5.1: no ternary, null-coalescing, null-conditional or
# pipeline-chain operators.

function Close-MfaRemotingSession {
    # Closing is the last thing done with a session, and never a reason to fail what came before it or to leave the
    # rest uncleaned: Remove-PSSession can end with a terminating error that -ErrorAction does not govern (an IOException
    # from the transport as it closes, such as SSH's "Broken pipe": remote-scripts.ts SHIELD_SSH_CLOSE). A session that
    # cannot be closed cleanly ends with its connection or its PowerShell; the caller goes on.
    param([object] $Session)
    if ($null -eq $Session) { return }
    try { Remove-PSSession -Session $Session -ErrorAction Ignore }
    catch { Write-Verbose "The remoting session to $($Session.ComputerName) could not be closed cleanly: $($_.Exception.Message)" }
}
