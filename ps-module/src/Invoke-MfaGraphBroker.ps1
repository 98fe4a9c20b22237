# The Microsoft Graph broker of the transport. When the admin connected this PowerShell to Microsoft Graph
# (Connect-MgGraph), the tenant cmdlets read Graph through that session: the core asks with a `graph-context` or
# `graph-get` event on its stderr (core/tenant/graph-broker.ts) and this file answers on the core's stdin, one JSON
# line, so the token stays in the Microsoft.Graph.Authentication module of this PowerShell and never reaches the core.
# Calls run here, in the caller's runspace (where Connect-MgGraph ran), one at a time: the core waits for each answer.
# Only GET is ever sent (the method is written below, not taken from the core), and only to the Graph hosts of the
# national clouds over HTTPS (an address elsewhere is refused, whatever the core asks).
# Also here: -AccessToken arrives as a SecureString and becomes text only inside the request written to the core's stdin.
# Must parse on Windows PowerShell 5.1: no ternary, null-coalescing, null-conditional or pipeline-chain operators.

# Source: Microsoft Learn, "National cloud deployments" (core/tenant/clouds.ts holds the same list).
$script:MfaGraphHosts = @('graph.microsoft.com', 'graph.microsoft.us', 'dod-graph.microsoft.us', 'microsoftgraph.chinacloudapi.cn')

function ConvertFrom-MfaSecureParameter {
    # SecureString parameter values (-AccessToken) as the text the core needs, in the items only: they go to the core's
    # stdin with the request and nowhere else (never argv, environment, a file or a stream).
    param([Parameter(Mandatory = $true)] [AllowEmptyCollection()] [object[]] $Items)
    foreach ($item in $Items) {
        foreach ($name in @($item.Keys)) {
            if ($item[$name] -is [System.Security.SecureString]) {
                $item[$name] = (New-Object System.Net.NetworkCredential('', $item[$name])).Password
            }
        }
    }
}

function Test-MfaGraphEvent {
    param([string] $Line)
    return $Line.StartsWith('{"event":"graph-')
}

function Invoke-MfaGraphBrokerEvent {
    # One question from the core, answered on its stdin.
    param([Parameter(Mandatory = $true)] [string] $Line, [Parameter(Mandatory = $true)] [System.IO.Stream] $Answers)
    $ask = ConvertFrom-Json -InputObject $Line
    try {
        if ($ask.event -eq 'graph-context') { $answer = Get-MfaGraphContext }
        else { $answer = Invoke-MfaGraphGet -Uri ([string]$ask.uri) -Headers $ask.headers }
    }
    catch { $answer = @{ error = "Microsoft Graph could not be read through the connected session: $($_.Exception.Message)" } }
    $answer['graphId'] = [long]$ask.graphId
    $bytes = [System.Text.Encoding]::UTF8.GetBytes((ConvertTo-Json -InputObject $answer -Compress -Depth 4) + "`n")
    try {
        $Answers.Write($bytes, 0, $bytes.Length)
        $Answers.Flush()
    }
    catch [System.IO.IOException] { Write-Verbose "The core ended before its Graph answer: $($_.Exception.Message)" }
}

function Get-MfaGraphContext {
    # What Get-MgContext says: connected or not, the cloud, account and scopes (never a token: the context holds none).
    if ($null -eq (Get-Command -Name Get-MgContext -ErrorAction Ignore)) {
        return @{ connected = $false; reason = 'Get-MgContext was not found: the Microsoft.Graph.Authentication module is not installed' }
    }
    $context = Get-MgContext
    if ($null -eq $context) { return @{ connected = $false; reason = 'Get-MgContext returned nothing: run Connect-MgGraph' } }
    return @{
        connected = $true
        environment = [string](Get-MfaProperty -Object $context -Name 'Environment')
        scopes = @(foreach ($scope in @(Get-MfaProperty -Object $context -Name 'Scopes')) { [string]$scope })
        tenantId = [string](Get-MfaProperty -Object $context -Name 'TenantId')
        account = [string](Get-MfaProperty -Object $context -Name 'Account')
        authType = [string](Get-MfaProperty -Object $context -Name 'AuthType')
    }
}

function Invoke-MfaGraphGet {
    # GET through Invoke-MgGraphRequest: the status, Retry-After and JSON body go back to the core, which pages and
    # retries (core/tenant/graph-reader.ts).
    param([Parameter(Mandatory = $true)] [string] $Uri, $Headers)
    $address = [uri]$Uri
    if ((-not $address.IsAbsoluteUri) -or ($address.Scheme -ne 'https') -or (-not $address.IsDefaultPort) -or ($script:MfaGraphHosts -notcontains $address.Host.ToLowerInvariant())) {
        return @{ error = "Refused to read $($address.GetLeftPart([System.UriPartial]::Authority)): the connected Graph session is used only for the Graph hosts of the national clouds." }
    }
    $sent = @{}
    if ($null -ne $Headers) { foreach ($p in $Headers.PSObject.Properties) { $sent[$p.Name] = [string]$p.Value } }
    $graphStatus = $null
    $graphHeaders = $null
    $body = Invoke-MgGraphRequest -Method GET -Uri $Uri -Headers $sent -OutputType Json -SkipHttpErrorCheck -StatusCodeVariable 'graphStatus' -ResponseHeadersVariable 'graphHeaders' -ErrorAction Stop
    $retryAfter = $null
    if ($null -ne $graphHeaders) {
        foreach ($key in @($graphHeaders.Keys)) { if ([string]$key -eq 'Retry-After') { $retryAfter = [string](@($graphHeaders[$key])[0]) } }
    }
    $status = 200
    if ($null -ne $graphStatus) { $status = [int]$graphStatus }
    return @{ status = $status; retryAfter = $retryAfter; body = [string]$body }
}
