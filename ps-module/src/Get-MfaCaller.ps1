# What the core is told about its caller with every request (the request's "caller", core/util/caller-facts.ts): the
# account, the machine and the manifest of this module as it was loaded. Facts only PowerShell knows exactly: Windows'
# own identity of the process (SYSTEM as its well-known SID, whatever the display language calls it) and the module
# file a scheduled task must import again (by full path: Windows PowerShell 5.1 does not look where PowerShell 7
# installs modules).
# Must parse on Windows PowerShell 5.1: no ternary, null-coalescing, null-conditional or pipeline-chain operators.

function Get-MfaCaller {
    # The facts do not change while the module is loaded (the process's identity, the machine, the loaded manifest):
    # read once per import, they cost ~1.2 ms a call otherwise (issue 29).
    [CmdletBinding()]
    [OutputType([hashtable])]
    param()
    if ($null -eq $script:MfaCallerFacts) { $script:MfaCallerFacts = Read-MfaCaller }
    return $script:MfaCallerFacts
}

function Read-MfaCaller {
    [CmdletBinding()]
    [OutputType([hashtable])]
    param()
    $account = [Environment]::UserDomainName + '\' + [Environment]::UserName
    if ([Environment]::OSVersion.Platform -eq [PlatformID]::Win32NT) {
        try {
            $identity = [System.Security.Principal.WindowsIdentity]::GetCurrent()
            if ($identity.User.IsWellKnown([System.Security.Principal.WellKnownSidType]::LocalSystemSid)) { $account = $identity.User.Value }
            else { $account = $identity.Name }
        }
        catch { Write-Verbose "The Windows identity of this process could not be read: $($_.Exception.Message)" }
    }
    $module = $MyInvocation.MyCommand.Module
    $manifest = $null
    if ($null -ne $module) {
        $manifest = Join-Path $module.ModuleBase ($module.Name + '.psd1')
        if (-not (Test-Path -LiteralPath $manifest -PathType Leaf)) { $manifest = $module.Path }
    }
    return @{ account = $account; machine = [Environment]::MachineName; moduleManifest = $manifest }
}
