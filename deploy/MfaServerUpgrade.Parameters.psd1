# Parameters of deploy\Install-MfaServerUpgrade.ps1. Relative paths are relative to this file.
@{
    # The folder holding MultiFactorAuthenticationServerSetup.exe and the component MSIs (here: the Media folder of the
    # application's content, beside this file).
    InstallerPath          = 'Media'
    # Receives the verified backup and the upgrade journal. Keep it readable by Administrators and SYSTEM only.
    BackupDestination      = 'D:\MfaBackup'
    # A reviewed plan (Get-MfaUpgradePlan -OutFile, approved in the change): the upgrade runs exactly that plan, or stops
    # with 69003 before anything changes when the servers changed since. It carries InstallerPath and VirtualDirectoryNaming.
    # PlanPath             = 'CHG0012345-plan.json'
    # New (the MFA Server names) or Legacy (keep the PhoneFactor virtual directory names).
    VirtualDirectoryNaming = 'New'
    # The installers of the PhoneFactor products installed now (same versions, with their .cab files), when neither
    # Windows Installer's cache nor their original source can reinstall them: without one the upgrade stops (69003).
    # RollbackMediaPath    = 'PhoneFactorMedia'
    # To rehearse on a lab made by New-MfaLab, uncomment (InstallerPath is then a path inside the lab: C:\Media\MfaServer).
    # LabPath              = 'C:\MfaLab'
    # Where the module is copied for the detection script (default: the 64-bit %ProgramFiles%\WindowsPowerShell\Modules).
    # A folder elsewhere must be on the detection host's PSModulePath. A rehearsal copies the module only when this is set.
    # ModulesFolder        = 'D:\PowerShell\Modules'
}
