<#
.SYNOPSIS
Detection script of the MfaServerUpgrade application for ConfigMgr and Intune, built on Test-MfaServerUpgrade -Detection.

.DESCRIPTION
The detection-script contract of both tools: exit code 0 always; one line on STDOUT means "installed" (the server is
upgraded to MFA Server); nothing on STDOUT means "not installed". Nothing is ever written to STDERR (ConfigMgr reads
anything there as a failed detection).

When the check itself cannot run (module missing, core error), the script writes nothing and exits 0: "cannot tell"
reads as "not upgraded", so the deployment runs the install program, which resumes or reports the real error.

The module is looked for beside this script, then in the 64-bit machine modules folder
(%ProgramW6432%\WindowsPowerShell\Modules, where the install program copies it; a 32-bit detection host looks there
too), then on PSModulePath. -LabPath checks a lab made by New-MfaLab instead of this machine (rehearsals; ConfigMgr and
Intune pass no parameters). Runs on Windows PowerShell 5.1 and PowerShell 7.

-WebTier (opt-in) also probes the web tier from this machine (Test-MfaServerUpgrade -WebTier: the SDK, portal and mobile
app endpoints, and the SDK URLs their consumers use, as Test-MfaWebTier does): detection then stays silent while any
endpoint fails, so the deployment is not reported as installed until the web tier answers. ConfigMgr and Intune pass no
parameters: to opt in there, set $WebTierByDefault to $true below in the copy of this script you upload.
-TrustedCertificatePath names a PEM file of CA certificates to trust besides the machine's (a private CA).
#>
param([string] $LabPath, [switch] $WebTier, [string] $TrustedCertificatePath)

# The opt-in for deployment tools that pass no parameters (see above).
$WebTierByDefault = $false

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$WarningPreference = 'SilentlyContinue'
$VerbosePreference = 'SilentlyContinue'

$line = $null
try {
    $candidates = @((Join-Path $PSScriptRoot 'MfaServerUpgrade'), (Join-Path (Split-Path -Parent $PSScriptRoot) 'MfaServerUpgrade'))
    $programFiles = $env:ProgramW6432
    if (-not $programFiles) { $programFiles = $env:ProgramFiles }
    if ($programFiles) { $candidates += (Join-Path $programFiles 'WindowsPowerShell\Modules\MfaServerUpgrade') }
    $imported = $false
    foreach ($candidate in $candidates) {
        if (Test-Path -LiteralPath $candidate) {
            $manifest = Join-Path $candidate 'MfaServerUpgrade.psd1'
            if (Test-Path -LiteralPath $manifest -PathType Leaf) { Import-Module -Name $manifest -ErrorAction Stop 2>$null 3>$null }
            else { Import-Module -Name $candidate -ErrorAction Stop 2>$null 3>$null }
            $imported = $true
            break
        }
    }
    if (-not $imported) { Import-Module -Name 'MfaServerUpgrade' -ErrorAction Stop 2>$null 3>$null }
    $check = @{ Detection = $true; ErrorAction = 'SilentlyContinue' }
    if ($LabPath) { $check['LabPath'] = $LabPath }
    if ($WebTier -or $WebTierByDefault) { $check['WebTier'] = $true }
    if ($TrustedCertificatePath) { $check['TrustedCertificatePath'] = $TrustedCertificatePath }
    $found = @(Test-MfaServerUpgrade @check 2>$null 3>$null | Where-Object { $_ -is [string] -and $_ })
    if ($found.Count -gt 0) { $line = [string]$found[0] }
}
catch {
    $line = $null
}
if ($line) { [Console]::Out.WriteLine($line) }
exit 0
