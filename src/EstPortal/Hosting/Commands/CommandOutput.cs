using System.CommandLine;
using System.Text.Json;

namespace EstPortal.Hosting.Commands;

internal enum OutputFormat
{
    Text,
    Json,
}

/// <summary>
/// `--output text|json` on every list and show command. Text is for eyes and `cut` (tab-separated rows, or
/// `field: value` lines); JSON is for scripts: camelCase fields named in docs/cli-output.md, kept stable across
/// versions (fields are only ever added), UTC times in ISO 8601, a list always an array (empty when nothing matches).
/// </summary>
internal static class CommandOutput
{
    // Rows carry states as strings; a profile's policy keeps the enum names its own converters write, so that
    // `profile show -o json` output can be fed back as a policy file.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Option<OutputFormat> Option() => new("--output", "-o")
    {
        Description = "text, or json for scripts (field names in docs/cli-output.md).",
        DefaultValueFactory = _ => OutputFormat.Text,
    };

    public static void List<T>(OutputFormat format, IEnumerable<T> rows, Func<T, string> text)
    {
        if (format == OutputFormat.Json)
        {
            Console.WriteLine(JsonSerializer.Serialize(rows.ToList(), Json));
            return;
        }
        foreach (var row in rows)
            Console.WriteLine(text(row));
    }

    public static void One<T>(OutputFormat format, T value, Action<T> text)
    {
        if (format == OutputFormat.Json)
            Console.WriteLine(JsonSerializer.Serialize(value, Json));
        else
            text(value);
    }

    /// <summary>Times in output: UTC, to the second, whatever the database's offset.</summary>
    public static DateTimeOffset Utc(DateTimeOffset time) => new(time.UtcTicks - time.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
}
