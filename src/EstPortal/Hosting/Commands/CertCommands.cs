using System.CommandLine;
using System.Globalization;
using EstPortal.Admin;
using EstPortal.Pki;

namespace EstPortal.Hosting.Commands;

internal static class CertCommands
{
    public static Command Create(AdminCli cli) => new("cert", "Issued certificates: list and revoke.") { List(cli), Revoke(cli) };

    private static Command List(AdminCli cli)
    {
        var device = new Option<string?>("--device") { Description = "Only this device's certificates. Default: every device." };
        var output = CommandOutput.Option();
        var list = new Command("list", "List issued certificates, newest first: serial, subject, notAfter, state (valid, expired, revoked:REASON).") { device, output };
        list.SetAction(async (parse, ct) =>
        {
            await cli.PrepareAsync(ct);
            Guid? deviceId = null;
            if (parse.GetValue(device) is { } name)
            {
                var found = await cli.App.Services.GetRequiredService<DeviceAdmin>().FindAsync(name, ct);
                if (found is null)
                    return AdminCli.NotFound($"no device is named '{name}'");
                deviceId = found.Id;
            }
            var now = cli.App.Services.GetRequiredService<TimeProvider>().GetUtcNow();
            var rows = await cli.App.Services.GetRequiredService<IssuedCertificateList>().ListAsync(deviceId, ct);
            CommandOutput.List(parse.GetValue(output), rows.Select(row => new CertificateListRow(row.SerialNumber, row.Subject,
                    CommandOutput.Utc(row.NotAfter), row.DeviceName, row.StateAt(now).Split(':')[0],
                    row.RevokedAt is { } at ? CommandOutput.Utc(at) : null, row.RevokedAt is null ? null : (row.Reason ?? RevocationReason.Unspecified).ToRfcName())),
                row => $"{row.Serial}\t{row.Subject}\t{row.NotAfter.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}\t{row.State}{(row.RevocationReason is null ? "" : ":" + row.RevocationReason)}");
            return 0;
        });
        return list;
    }

    private static Command Revoke(AdminCli cli)
    {
        var serial = new Argument<string>("SERIAL") { Description = "Serial number in hex, as `cert list` or `openssl x509 -serial` print it (colons allowed)." };
        var reason = new Option<string>("--reason")
        {
            Description = "RFC 5280 §5.3.1 reason: unspecified, keyCompromise, cACompromise, affiliationChanged, superseded, "
                + "cessationOfOperation, certificateHold, privilegeWithdrawn, aACompromise.",
            Required = true,
        };
        var revoke = new Command("revoke", "Revoke a certificate: refused for re-enrollment at once, listed in a new CRL, revoked in OCSP.") { serial, reason };
        revoke.SetAction(async (parse, ct) =>
        {
            var reasonText = parse.GetRequiredValue(reason);
            if (!RevocationReasons.TryParse(reasonText, out var parsed))
                return AdminCli.Fail($"'{reasonText}' is not an RFC 5280 revocation reason (e.g. keyCompromise, superseded, cessationOfOperation)");
            var serialText = parse.GetRequiredValue(serial).Trim().Replace(":", "", StringComparison.Ordinal);
            if (serialText.Length == 0 || !serialText.All(Uri.IsHexDigit))
                return AdminCli.Fail($"'{parse.GetRequiredValue(serial)}' is not a hex serial number");

            await cli.PrepareAsync(ct);
            var result = await cli.App.Services.GetRequiredService<CertificateRevocation>().RevokeAsync(serialText, parsed, "cli", ct);
            if (!result.Succeeded)
                return AdminCli.Fail(result);
            Console.WriteLine($"Revoked {result.Value} ({parsed.ToRfcName()}); the CA's CRL was republished and OCSP answers revoked.");
            return 0;
        });
        return revoke;
    }
}

/// <summary>`cert list` row (docs/cli-output.md); state is valid, expired or revoked.</summary>
internal sealed record CertificateListRow(string Serial, string Subject, DateTimeOffset NotAfter, string? Device, string State,
    DateTimeOffset? RevokedAt, string? RevocationReason);
