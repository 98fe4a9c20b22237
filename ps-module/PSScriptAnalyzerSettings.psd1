# The project's PSScriptAnalyzer settings (kept in the repository so a clone lints as CI does): the default rules, as the
# PowerShell Gallery runs them, plus the Windows PowerShell 5.1 checks that this module's users depend on.
@{
    IncludeDefaultRules = $true
    Rules = @{
        PSUseCompatibleSyntax  = @{ Enable = $true; TargetVersions = @('5.1', '7.4') }
        # Microsoft's recorded command data of Windows PowerShell 5.1 and PowerShell on Windows.
        PSUseCompatibleCmdlets = @{ compatibility = @('desktop-5.1.14393.206-windows', 'core-6.1.0-windows') }
        PSAvoidUsingCmdletAliases = @{}
        PSProvideCommentHelp   = @{ Enable = $true; ExportedOnly = $true }
    }
}
