<#
.SYNOPSIS
The Windows half of the signing step of npm run package (scripts/package-sign.mjs): signs the listed PowerShell files
with Set-AuthenticodeSignature, writes the module's catalog with New-FileCatalog -CatalogVersion 2, signs it, and checks
it with Test-FileCatalog.

.DESCRIPTION
The certificate comes from the store by -Thumbprint (CurrentUser\My, then LocalMachine\My) or from -PfxPath, whose
password is read from standard input (never a parameter: it would be on the command line). Writes one JSON object on
STDOUT: Subject (the signer) and CatalogStatus. Any failure is a terminating error (exit code 1).
Runs on Windows PowerShell 5.1 (and PowerShell 7 on Windows).
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)] [string] $ListPath,
    [Parameter(Mandatory = $true)] [string] $ModuleFolder,
    [Parameter(Mandatory = $true)] [string] $CatalogPath,
    [string] $Thumbprint,
    [string] $PfxPath,
    [string] $TimestampUrl
)

Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'

function Get-MfaSigningCertificate {
    param([string] $FromThumbprint, [string] $FromPfx)
    if ($FromThumbprint) {
        foreach ($store in @('Cert:\CurrentUser\My', 'Cert:\LocalMachine\My')) {
            $found = @(Get-ChildItem -LiteralPath $store | Where-Object { $_.Thumbprint -eq $FromThumbprint -and $_.HasPrivateKey })
            if ($found.Count -gt 0) { return $found[0] }
        }
        throw "No certificate with thumbprint $FromThumbprint and its private key in CurrentUser\My or LocalMachine\My."
    }
    $secret = [Console]::In.ReadToEnd()
    $flags = [System.Security.Cryptography.X509Certificates.X509KeyStorageFlags]::DefaultKeySet
    return New-Object System.Security.Cryptography.X509Certificates.X509Certificate2 -ArgumentList $FromPfx, $secret, $flags
}

function Add-MfaSignature {
    param([string] $Path, [System.Security.Cryptography.X509Certificates.X509Certificate2] $Certificate, [string] $TimestampServer)
    $arguments = @{ LiteralPath = $Path; Certificate = $Certificate; HashAlgorithm = 'SHA256'; IncludeChain = 'NotRoot' }
    if ($TimestampServer) { $arguments.TimestampServer = $TimestampServer }
    $signature = Set-AuthenticodeSignature @arguments
    # An untrusted root (a test certificate) still signs (UnknownError); no signer or a hash mismatch means it did not.
    if ($null -eq $signature.SignerCertificate -or $signature.Status -eq 'HashMismatch' -or $signature.Status -eq 'NotSigned') {
        throw "Set-AuthenticodeSignature did not sign ${Path}: $($signature.Status) $($signature.StatusMessage)"
    }
}

$certificate = Get-MfaSigningCertificate -FromThumbprint $Thumbprint -FromPfx $PfxPath
foreach ($file in [System.IO.File]::ReadAllLines($ListPath)) {
    if ($file) { Add-MfaSignature -Path $file -Certificate $certificate -TimestampServer $TimestampUrl }
}
if (Test-Path -LiteralPath $CatalogPath) { Remove-Item -LiteralPath $CatalogPath -Force }
New-FileCatalog -Path $ModuleFolder -CatalogFilePath $CatalogPath -CatalogVersion 2.0 | Out-Null
Add-MfaSignature -Path $CatalogPath -Certificate $certificate -TimestampServer $TimestampUrl
$status = Test-FileCatalog -Path $ModuleFolder -CatalogFilePath $CatalogPath
if ([string]$status -ne 'Valid') { throw "Test-FileCatalog says $status for the catalog just made ($CatalogPath)." }
ConvertTo-Json -Compress -InputObject ([pscustomobject]@{ Subject = $certificate.Subject; CatalogStatus = [string]$status })
