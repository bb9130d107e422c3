using System.Globalization;
using EstPortal.Admin.Csv;

namespace EstPortal.Admin;

/// <summary>Tokens just issued as an installers' sheet (ADR 0024): the CLI's <c>token issue --csv</c> and the portal's one-time download.</summary>
public static class IssuedTokensCsv
{
    public const string Header = "id,token,expiresAt,device,profile,note";

    public static IEnumerable<string> Lines(IEnumerable<NewBootstrapToken> tokens, BootstrapTokenRequest request) =>
        tokens.Select(t => CsvTable.Row(t.Id.ToString(), t.Token, t.ExpiresAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            t.DeviceName, request.ProfileName, request.Note)).Prepend(Header);

    public static string Text(IEnumerable<NewBootstrapToken> tokens, BootstrapTokenRequest request) =>
        string.Concat(Lines(tokens, request).Select(l => l + "\n"));
}
