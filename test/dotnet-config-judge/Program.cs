// Prints, for each config file named on the command line, what .NET's configuration system reads from it: the
// effective appSettings (after file=, configSource=, <location path=".">, <clear/>, <remove>, duplicates) and every
// applicationSettings value, or the error .NET raises. One JSON object per line, in argument order.
using System.Configuration;
using System.Text.Json;

foreach (var path in args)
{
    var result = new Dictionary<string, object?> { ["path"] = path };
    try
    {
        var map = new ExeConfigurationFileMap { ExeConfigFilename = Path.GetFullPath(path) };
        var config = ConfigurationManager.OpenMappedExeConfiguration(map, ConfigurationUserLevel.None);
        var appSettings = new Dictionary<string, string>();
        foreach (KeyValueConfigurationElement e in config.AppSettings.Settings) appSettings[e.Key] = e.Value;
        var settings = new Dictionary<string, string>();
        var group = config.SectionGroups["applicationSettings"];
        if (group != null)
        {
            foreach (ConfigurationSection section in group.Sections)
            {
                if (section is not ClientSettingsSection client) continue;
                foreach (SettingElement s in client.Settings)
                    settings[$"{section.SectionInformation.Name}/{s.Name}"] = s.Value.ValueXml?.InnerText ?? "";
            }
        }
        // Touch every other section so that a section .NET would refuse is not missed.
        foreach (ConfigurationSection _ in config.Sections) { }
        result["ok"] = true;
        result["appSettings"] = appSettings;
        result["settings"] = settings;
    }
    catch (Exception e)
    {
        result["ok"] = false;
        result["error"] = $"{e.GetType().Name}: {e.Message}";
    }
    Console.WriteLine(JsonSerializer.Serialize(result));
}
