# One round of the remote benchmark, in a fresh PowerShell (bench/remote.bench.mjs starts one per round): a bare
# remoting round (New-PSSession + one Invoke-Command + Remove-PSSession) to the given servers, then the first module
# command to the same servers (Get-PhoneFactorComponent of a lab on each), then the next one in this session.
# Several servers: the bare round opens them all with one New-PSSession and runs one Invoke-Command over all of them,
# which PowerShell does in parallel, as the module does (-ThrottleLimit).
# The remoting settings come from MFA_REMOTE_* (the loopback sshd's); -Servers is a comma-separated list. Prints one JSON line of milliseconds.
param([string] $ModulePath, [string] $Servers, [string] $LabPath, [switch] $BareFirst)
$ErrorActionPreference = 'Stop'
# -File passes text only: the servers come as one comma-separated list.
$ComputerName = @($Servers -split ',')

function Measure-BareRound {
    $ssh = @{ HostName = $ComputerName; Port = [int]$env:MFA_REMOTE_SSH_PORT; UserName = $env:MFA_REMOTE_USER; KeyFilePath = $env:MFA_REMOTE_KEYFILE }
    $ssh.Options = @{ UserKnownHostsFile = $env:MFA_REMOTE_KNOWN_HOSTS; StrictHostKeyChecking = 'yes'; BatchMode = 'yes' }
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $sessions = New-PSSession @ssh
    $null = Invoke-Command -Session $sessions -ScriptBlock { $PSVersionTable.PSVersion }
    Remove-PSSession -Session $sessions
    return $watch.Elapsed.TotalMilliseconds
}

function Measure-ModuleCommand {
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $found = @(Get-PhoneFactorComponent -ComputerName $ComputerName -LabPath $LabPath)
    if ($found.Count -eq 0) { throw 'the module command found nothing' }
    return $watch.Elapsed.TotalMilliseconds
}

Import-Module $ModulePath
# The order alternates between rounds (run.mjs): whichever goes first pays for loading the remoting code.
if ($BareFirst) { $bare = Measure-BareRound; $first = Measure-ModuleCommand }
else { $first = Measure-ModuleCommand; $bare = Measure-BareRound }
$next = Measure-ModuleCommand
[pscustomobject]@{ bareMs = $bare; firstMs = $first; nextMs = $next } | ConvertTo-Json -Compress
