namespace EstPortal.Tests.Support;

/// <summary>
/// The settings a systemd unit file gives its service (<c>Key=Value</c> lines; comments and sections ignored), so a
/// test can start the published app exactly as <c>deploy/estportal.service</c> says rather than as the test assumes.
/// </summary>
public sealed class SystemdUnit
{
    private readonly List<KeyValuePair<string, string>> entries;

    private SystemdUnit(List<KeyValuePair<string, string>> entries) => this.entries = entries;

    public static SystemdUnit Load(string path) =>
        new(File.ReadAllLines(path)
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && line[0] is not ('#' or ';' or '['))
            .Select(line => line.Split('=', 2))
            .Where(parts => parts.Length == 2)
            .Select(parts => KeyValuePair.Create(parts[0].Trim(), parts[1].Trim()))
            .ToList());

    /// <summary>Every value of a key, in file order (e.g. each <c>Environment=</c> line).</summary>
    public IReadOnlyList<string> All(string key) => entries.Where(e => e.Key == key).Select(e => e.Value).ToList();

    public string Value(string key) => All(key) is [var value] ? value : throw new InvalidOperationException($"the unit has no single {key}=");

    /// <summary>The <c>Environment=NAME=VALUE</c> lines as a dictionary (one variable per line, as our unit writes them).</summary>
    public IReadOnlyDictionary<string, string> Environment() =>
        All("Environment").Select(value => value.Split('=', 2)).ToDictionary(parts => parts[0], parts => parts[1]);
}
