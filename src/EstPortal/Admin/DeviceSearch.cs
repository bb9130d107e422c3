using EstPortal.Data;
using EstPortal.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace EstPortal.Admin;

/// <summary>
/// The devices whose name or description contains a text, ignoring case — the search of the portal's Devices page and of
/// <c>GET /api/v1/devices?search=</c> alike. Characters match as themselves: '%', '_' and '"' are not wildcards or syntax.
/// A substring has no B-tree range, so at 100,000 devices a plain scan costs every name; a trigram index answers
/// instead (ADR 0026): on SQLite the FTS5 table <c>DeviceSearch</c> (tokenizer <c>trigram</c>, kept by triggers on
/// Devices) narrows the rows and <c>LIKE</c> then decides, so the answer is LIKE's (case folded for ASCII letters) with
/// or without the index; on PostgreSQL <c>ILIKE</c> is served by pg_trgm GIN indexes on both columns.
/// </summary>
internal static class DeviceSearch
{
    /// <summary>A trigram index holds three-character pieces: a shorter text cannot be looked up in it and is scanned for.</summary>
    public const int IndexedLength = 3;

    private const string Escape = "\\";

    /// <summary>Candidates beyond which a text is searched along the name order instead of through the trigram table.</summary>
    public const int BroadText = 2_000;

    public static async Task<IQueryable<Device>> MatchingAsync(EstPortalDbContext db, string? search, CancellationToken cancellationToken)
    {
        var devices = db.Devices.AsNoTracking();
        if (string.IsNullOrWhiteSpace(search))
            return devices;
        var text = search.Trim();
        var pattern = "%" + EscapeLike(text) + "%";
        if (db.Database.IsNpgsql())
            return devices.Where(d => EF.Functions.ILike(d.Name, pattern, Escape)
                || (d.Description != null && EF.Functions.ILike(d.Description, pattern, Escape)));
        if (text.EnumerateRunes().Count() >= IndexedLength)
        {
            // Candidates by trigram (a superset: FTS5 folds case beyond ASCII), decided below by the same LIKE as a short
            // text. A text most devices contain ("dev") would make that thousands of lookups and a sort, where walking the
            // names in order finds a page at once: one bounded probe of the trigram table decides (as for a broad subject
            // prefix, CertificateAdmin.FilterAsync).
            var phrase = Phrase(text);
            var candidates = await db.Database
                .SqlQuery<int>($"SELECT COUNT(*) AS \"Value\" FROM (SELECT rowid FROM DeviceSearch WHERE DeviceSearch MATCH {phrase} LIMIT {BroadText})")
                .SingleAsync(cancellationToken);
            if (candidates < BroadText)
                devices = db.Devices.FromSql($"SELECT * FROM Devices WHERE rowid IN (SELECT rowid FROM DeviceSearch WHERE DeviceSearch MATCH {phrase})")
                    .AsNoTracking();
        }
        return devices.Where(d => EF.Functions.Like(d.Name, pattern, Escape)
            || (d.Description != null && EF.Functions.Like(d.Description, pattern, Escape)));
    }

    /// <summary>An FTS5 string (double quotes doubled): the whole text as one phrase, which the trigram tokenizer matches as a substring.</summary>
    private static string Phrase(string text) => "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string EscapeLike(string text) =>
        text.Replace(Escape, Escape + Escape, StringComparison.Ordinal)
            .Replace("%", Escape + "%", StringComparison.Ordinal)
            .Replace("_", Escape + "_", StringComparison.Ordinal);
}
