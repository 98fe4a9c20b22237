# One pipeline object's bound parameters as the core's input object, with every path parameter made a full path of
# this machine FIRST (the core's working folder is not PowerShell's location, and a path the core cannot place would
# land there). A path that cannot be resolved, or a value that is no path at all, ends the command here, naming the
# parameter, before the core is called. What still is not a usable full path (blanks around it, C: alone, too long,
# a Windows path off Windows without -LabPath) the core refuses by name (PathNotUsable, core/util/windows-path.ts).
# Must parse on Windows PowerShell 5.1: no ternary, null-coalescing, null-conditional or pipeline-chain operators.

function Get-MfaPathErrorRecord {
    param([string] $Code, [string] $Category, [string] $Message, [string] $Action, $Target)
    $body = [pscustomobject]@{ code = $Code; message = $Message; category = $Category; recommendedAction = $Action; target = $Target }
    return (ConvertTo-MfaErrorRecord -ErrorBody $body)
}

function ConvertTo-MfaCorePath {
    # One value bound to a path parameter, as the text the core takes. Strings are resolved; a FileInfo or
    # DirectoryInfo (Get-Item, Get-ChildItem) and a PathInfo (Resolve-Path, Get-Location) give their file-system path;
    # anything else is refused, naming its type (once an object's text made a folder tree twelve levels deep).
    param([string] $Name, $Value, $Caller)
    if ($Value -is [System.IO.FileSystemInfo]) { return $Value.FullName }
    if (($Value -is [System.Management.Automation.PathInfo]) -and ($Value.Provider.Name -eq 'FileSystem')) { return $Value.ProviderPath }
    if ($Value -isnot [string]) {
        $type = 'null'
        if ($null -ne $Value) { $type = $Value.GetType().FullName }
        $Caller.ThrowTerminatingError((Get-MfaPathErrorRecord -Code 'PathNotUsable' -Category 'InvalidArgument' -Target $Name `
            -Message "-$Name takes a path (text such as C:\MfaBackup); it was given a [$type], which is no path. Nothing was done." `
            -Action 'Give the path as text, or the property that holds it (for example (Get-Item .\backups).FullName).'))
    }
    $text = [string]$Value
    # Blanks, blanks around a path, C: alone or C:name, UNC paths: passed as given; the core refuses or takes them by name.
    if (($text.Trim() -eq '') -or ($text -ne $text.Trim()) -or ($text -match '^[A-Za-z]:(?![\\/])') -or ($text -match '^[\\/]{2}[^\\/]')) {
        return $text
    }
    if ($text -match '^([A-Za-z]):[\\/]') {
        # A drive letter PowerShell knows as a file-system drive (C: on Windows, a New-PSDrive Q) is resolved to its
        # provider path; otherwise it is a Windows path for a lab (or one the core refuses off Windows).
        $letter = $Matches[1]
        $known = $false
        foreach ($fileSystemDrive in $Caller.SessionState.Drive.GetAllForProvider('FileSystem')) { if ($fileSystemDrive.Name -eq $letter) { $known = $true } }
        if (-not $known) { return $text }
    }
    $provider = $null
    $drive = $null
    try {
        $resolved = $Caller.SessionState.Path.GetUnresolvedProviderPathFromPSPath($text, [ref]$provider, [ref]$drive)
    }
    catch {
        $why = $_.Exception.Message
        $Caller.ThrowTerminatingError((Get-MfaPathErrorRecord -Code 'PathNotResolved' -Category 'ObjectNotFound' -Target $Name `
            -Message "-$Name '$text' cannot be resolved to a folder or file of this machine ($why). Nothing was done." `
            -Action 'Give a full path of this machine (C:\Backups, \\server\share\x) or of a FileSystem drive (Get-PSDrive -PSProvider FileSystem).'))
    }
    if ($provider.Name -ne 'FileSystem') {
        $Caller.ThrowTerminatingError((Get-MfaPathErrorRecord -Code 'PathNotResolved' -Category 'ObjectNotFound' -Target $Name `
            -Message "-$Name '$text' names a $($provider.Name) path, not a folder or file. Nothing was done." `
            -Action 'Give a full path of this machine (C:\Backups, \\server\share\x) or of a FileSystem drive (Get-PSDrive -PSProvider FileSystem).'))
    }
    return $resolved
}

function ConvertTo-MfaCoreItem {
    param(
        [Parameter(Mandatory = $true)] [System.Collections.IDictionary] $Bound,
        [Parameter(Mandatory = $true)] [AllowEmptyCollection()] [string[]] $Names,
        [Parameter(Mandatory = $true)] [AllowEmptyCollection()] [string[]] $PathNames,
        [Parameter(Mandatory = $true)] $Caller
    )
    $item = [ordered]@{}
    foreach ($name in $Names) {
        if (-not $Bound.ContainsKey($name)) { continue }
        $value = $Bound[$name]
        if ($value -is [System.Management.Automation.SwitchParameter]) { $value = $value.IsPresent }
        if ($PathNames -contains $name) {
            if (($value -is [array]) -or ($value -is [System.Collections.IList])) {
                # A list of paths (New-MfaLab -FromBackup a, b): each one resolves like a single path.
                $value = @(foreach ($one in $value) { ConvertTo-MfaCorePath -Name $name -Value $one -Caller $Caller })
            }
            else {
                $value = ConvertTo-MfaCorePath -Name $name -Value $value -Caller $Caller
            }
        }
        $item[$name] = $value
    }
    return $item
}
