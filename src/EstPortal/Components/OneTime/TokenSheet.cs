using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using EstPortal.Admin;
using EstPortal.Components.Shared;

namespace EstPortal.Components.OneTime;

/// <summary>Everything a printed sheet of tokens says besides the tokens: where they enroll and what limits them.</summary>
public sealed record TokenSheetHeading(string EstRoot, string? ProfileName, string? Label, string? CaFingerprint, string? Note);

/// <summary>
/// The printable page of bootstrap tokens for installers: per token a QR code of the ready-to-run enrollment command
/// (<see cref="EnrollmentCommands.Curl"/>, the text the single-token dialog shows) and the command in print, two
/// tokens to an A4/Letter page. Written as it is sent, one QR code at a time, so a big sheet does not sit in memory.
/// It holds the tokens in clear, so it is served once like the CSV (<see cref="OneTimeDownloads"/>).
/// </summary>
public static class TokenSheet
{
    private const string Style = """
        body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #111; }
        .screen-only { background: #fff4e5; border: 1px solid #f0b060; padding: .75rem 1rem; margin-bottom: 1rem; }
        .token { border: 1px solid #999; padding: 1rem; margin-bottom: 1rem; display: flex; gap: 1rem; align-items: flex-start;
                 break-inside: avoid; page-break-inside: avoid; }
        .token img { width: 60mm; height: 60mm; image-rendering: pixelated; flex: none; }
        .token pre { white-space: pre-wrap; word-break: break-all; font-size: 8.5pt; margin: .5rem 0 0; }
        .token h2 { font-size: 11pt; margin: 0; }
        .meta { font-size: 9pt; color: #444; }
        @page { margin: 12mm; }
        @media print {
          body { margin: 0; }
          .screen-only { display: none; }
          .token:nth-of-type(2n) { break-after: page; page-break-after: always; }
        }
        """;

    public static OneTimeFile File(IReadOnlyList<NewBootstrapToken> tokens, TokenSheetHeading heading) =>
        new("bootstrap-tokens.html", "text/html; charset=utf-8", (stream, ct) => WriteAsync(stream, tokens, heading, ct), Inline: true);

    public static async Task WriteAsync(Stream stream, IReadOnlyList<NewBootstrapToken> tokens, TokenSheetHeading heading, CancellationToken cancellationToken)
    {
        var html = HtmlEncoder.Default;
        await using var writer = new StreamWriter(stream, new UTF8Encoding(false), 16 * 1024, leaveOpen: true);
        var estUrl = EnrollmentCommands.EstUrl(heading.EstRoot, heading.Label);
        var limits = heading.ProfileName is null ? "any profile that accepts tokens" : $"profile {heading.ProfileName}";
        await writer.WriteAsync($"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Bootstrap tokens · EstPortal</title><style>{Style}</style></head>
            <body>
            <div class="screen-only" data-testid="sheet-once-warning">
              This page holds {tokens.Count} one-time tokens in clear and cannot be opened again: print it now (Ctrl+P), and treat the
              printout like the tokens themselves. Each QR code is the enrollment command beside it.
            </div>
            """);
        for (var i = 0; i < tokens.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var token = tokens[i];
            var command = EnrollmentCommands.Curl(estUrl, token.Token, token.DeviceName ?? "my-device");
            await writer.WriteAsync($"""
                <section class="token" data-testid="sheet-token">
                  <img src="{QrCodeImage.PngDataUri(command)}" alt="QR code of the enrollment command for token {i + 1}" data-testid="sheet-qr">
                  <div>
                    <h2>Token {i + 1} of {tokens.Count}</h2>
                    <div class="meta">EST {html.Encode(estUrl)} · {html.Encode(limits)} · one enrollment, until {token.ExpiresAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)}
                    {(heading.Note is null ? "" : "· " + html.Encode(heading.Note))}{(heading.CaFingerprint is null ? "" : $"<br>CA SHA-256 {html.Encode(heading.CaFingerprint)}")}</div>
                    <pre data-testid="sheet-command">{html.Encode(command)}</pre>
                  </div>
                </section>
                """);
        }
        await writer.WriteAsync("</body></html>\n");
    }
}
