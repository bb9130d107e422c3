using EstPortal.Admin.Csv;
using EstPortal.Audit;
using EstPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace EstPortal.Admin;

/// <summary>One device as a CSV line asks for it.</summary>
public sealed record DeviceImportLine(int Line, string Name, string? Description, IReadOnlyList<string> SanPatterns, string? Idevid = null);

/// <summary>What is wrong on a line (0: the file as a whole).</summary>
public sealed record ImportProblem(int Line, string Message);

/// <summary>The checked file: the devices to create, or every problem found — never both acted on.</summary>
public sealed record DeviceImportPlan(IReadOnlyList<DeviceImportLine> Devices, IReadOnlyList<ImportProblem> Problems)
{
    public bool IsValid => Problems.Count == 0;
}

/// <summary>
/// What an import did: the devices created with their secrets (shown once), and — when a batch failed — the lines
/// not created, which can be imported again as they are (no line was created twice: names are unique).
/// </summary>
public sealed record DeviceImportOutcome(IReadOnlyList<NewDevice> Created, IReadOnlyList<DeviceImportLine> Remaining, string? Error);

/// <summary>
/// Onboards a plant's devices from a CSV file (columns <c>name</c>, optional <c>description</c>, <c>san</c> —
/// patterns separated by spaces — and <c>idevid</c>, the value a manufacturer certificate names the board by (ADR
/// 0021), in any order). Every line is checked first, against the file and the database,
/// and nothing is created while any line has a problem. Devices are then created in batches, one transaction each
/// with their audit events, so 10,000 lines take seconds; a batch that fails (another operator added one of its names
/// meanwhile) leaves the created ones and reports the rest to retry.
/// </summary>
public sealed class DeviceImport(IDbContextFactory<EstPortalDbContext> contexts, AuditLog audit, TimeProvider time)
{
    public const int MaxDevices = 100_000;
    public const int BatchSize = 1_000;
    public static readonly IReadOnlyList<string> Columns = ["name", "description", "san", "idevid"];

    public async Task<DeviceImportPlan> PlanAsync(TextReader csv, CancellationToken cancellationToken = default)
    {
        var (header, records, error) = CsvTable.Read(csv);
        if (error is not null)
            return new([], [new ImportProblem(0, error)]);
        var problems = new List<ImportProblem>();
        foreach (var unknown in header.Where(h => !Columns.Contains(h)))
            problems.Add(new(1, $"Unknown column '{unknown}'; the columns are {string.Join(", ", Columns)} (name required)."));
        if (!header.Contains("name"))
            problems.Add(new(1, "The header has no 'name' column."));
        if (records.Count > MaxDevices)
            problems.Add(new(0, $"{records.Count:N0} devices; one import takes at most {MaxDevices:N0}."));
        if (problems.Count > 0)
            return new([], problems);

        var devices = new List<DeviceImportLine>();
        var firstLineOf = new Dictionary<string, int>(StringComparer.Ordinal);
        var idevidLineOf = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            var name = record["name"] ?? "";
            var idevid = record["idevid"];
            var patterns = (record["san"] ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if ((DeviceRegistration.Validate(name, record["description"], patterns, out _) ?? (idevid is null ? null : DeviceAdmin.ValidateIdevid(idevid))) is { } invalid)
                problems.Add(new(record.Line, invalid));
            else if (!firstLineOf.TryAdd(name, record.Line))
                problems.Add(new(record.Line, $"'{name}' is also on line {firstLineOf[name]}."));
            else if (idevid is not null && !idevidLineOf.TryAdd(idevid, record.Line))
                problems.Add(new(record.Line, $"idevid '{idevid}' is also on line {idevidLineOf[idevid]}."));
            else
                devices.Add(new DeviceImportLine(record.Line, name, record["description"], patterns, idevid));
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        foreach (var chunk in devices.Chunk(500))
        {
            var names = chunk.Select(d => d.Name).ToList();
            var existing = await db.Devices.Where(d => names.Contains(d.Name)).Select(d => d.Name).ToListAsync(cancellationToken);
            problems.AddRange(chunk.Where(d => existing.Contains(d.Name)).Select(d => new ImportProblem(d.Line, $"A device named '{d.Name}' already exists.")));
            var idevids = chunk.Select(d => d.Idevid).OfType<string>().ToList();
            if (idevids.Count == 0)
                continue;
            var taken = await db.Devices.Where(d => d.Idevid != null && idevids.Contains(d.Idevid)).Select(d => d.Idevid!).ToListAsync(cancellationToken);
            problems.AddRange(chunk.Where(d => d.Idevid is not null && taken.Contains(d.Idevid))
                .Select(d => new ImportProblem(d.Line, $"Another device already has idevid '{d.Idevid}'.")));
        }
        return problems.Count > 0 ? new([], problems.OrderBy(p => p.Line).ToList()) : new(devices, []);
    }

    public async Task<DeviceImportOutcome> ImportAsync(IReadOnlyList<DeviceImportLine> devices, string actor, IProgress<int>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var created = new List<NewDevice>(devices.Count);
        var batches = devices.Chunk(BatchSize).ToList();
        for (var i = 0; i < batches.Count; i++)
        {
            var batch = batches[i];
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var now = time.GetUtcNow();
            var staged = batch.Select(d => DeviceRegistration.Stage(db, audit, d.Name, d.Description,
                DeviceRegistrationPatterns(d), actor, now, "imported", d.Idevid)).ToList();
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                var remaining = batches.Skip(i).SelectMany(b => b).ToList();
                return new DeviceImportOutcome(created, remaining,
                    $"Lines {remaining[0].Line}–{remaining[^1].Line} were not created: a device with one of their names (or idevid values) appeared meanwhile. " +
                    $"{created.Count:N0} devices were created; check and import the remaining {remaining.Count:N0} lines again.");
            }
            created.AddRange(staged);
            progress?.Report(created.Count);
        }
        return new DeviceImportOutcome(created, [], null);
    }

    /// <summary>The credentials of created devices, for the one-time download: name and secret per line.</summary>
    public static string CredentialsCsv(IEnumerable<NewDevice> devices) =>
        string.Concat(devices.Select(d => CsvTable.Row(d.Name, d.Secret) + "\n").Prepend("name,secret\n"));

    /// <summary>Lines not created, as a file to import again.</summary>
    public static string RemainderCsv(IEnumerable<DeviceImportLine> lines) =>
        string.Concat(lines.Select(l => CsvTable.Row(l.Name, l.Description, string.Join(' ', l.SanPatterns), l.Idevid) + "\n").Prepend("name,description,san,idevid\n"));

    private static IReadOnlyList<Policy.DeviceSubjectAltNamePattern> DeviceRegistrationPatterns(DeviceImportLine line)
    {
        DeviceRegistration.Validate(line.Name, line.Description, line.SanPatterns, out var patterns);
        return patterns;
    }
}
