using System.Collections;
using System.Text;

namespace EstPortal.Audit;

/// <summary>
/// An audit event as a structured log entry: the fields a record has, and no others. A message template would
/// print absent fields as "(null)" (a first start printed four of them per line) and give log shippers null-valued
/// properties; here an absent actor, address, serial or reason is simply not there.
/// </summary>
internal readonly struct AuditLogLine : IReadOnlyList<KeyValuePair<string, object?>>
{
    private readonly AuditRecord record;
    private readonly KeyValuePair<string, object?>[] fields;

    /// <summary>Built only after the caller checked that the level is enabled.</summary>
    public AuditLogLine(AuditRecord record)
    {
        this.record = record;
        fields = FieldsOf(record);
    }

    public static readonly Func<AuditLogLine, Exception?, string> Format = (line, _) => line.ToString();

    private const string Template = "Audit {EventType} {Outcome} actor={Actor} ip={ClientIp} serial={Serial} reason={Reason}";

    public int Count => fields.Length;

    public KeyValuePair<string, object?> this[int index] => fields[index];

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)fields).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString()
    {
        var text = new StringBuilder("Audit ").Append(record.EventType).Append(' ').Append(record.OutcomeText);
        Append(text, "actor", record.Actor);
        Append(text, "ip", record.ClientIp);
        Append(text, "serial", record.SerialNumber);
        Append(text, "reason", record.Reason);
        return text.ToString();
    }

    private static KeyValuePair<string, object?>[] FieldsOf(AuditRecord record)
    {
        var fields = new List<KeyValuePair<string, object?>>(7) { new("EventType", record.EventType), new("Outcome", record.OutcomeText) };
        Add(fields, "Actor", record.Actor);
        Add(fields, "ClientIp", record.ClientIp);
        Add(fields, "Serial", record.SerialNumber);
        Add(fields, "Reason", record.Reason);
        fields.Add(new("{OriginalFormat}", Template));
        return fields.ToArray();
    }

    private static void Add(List<KeyValuePair<string, object?>> fields, string name, string? value)
    {
        if (value is not null)
            fields.Add(new(name, value));
    }

    private static void Append(StringBuilder text, string name, string? value)
    {
        if (value is not null)
            text.Append(' ').Append(name).Append('=').Append(value);
    }
}
