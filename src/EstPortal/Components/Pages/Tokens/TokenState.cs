using EstPortal.Admin;
using EstPortal.Components.Shared;
using MudBlazor;

namespace EstPortal.Components.Pages.Tokens;

/// <summary>What an operator needs to know about a token: whether it can still be used, and if not, why.</summary>
public sealed record TokenState(string Text, Color Color, bool Revocable)
{
    public static TokenState Of(BootstrapTokenSummary token, DateTimeOffset now) =>
        Of(token.RevokedAt, token.UsedAt, token.UsedForSerial, null, token.ExpiresAt, now);

    public static TokenState Of(BootstrapTokenRow token, DateTimeOffset now) =>
        Of(token.RevokedAt, token.UsedAt, token.UsedForSerial, token.UsedFromIp, token.ExpiresAt, now);

    private static TokenState Of(DateTimeOffset? revokedAt, DateTimeOffset? usedAt, string? serial, string? fromIp, DateTimeOffset expiresAt, DateTimeOffset now) =>
        (TokenStates.Of(revokedAt, usedAt, expiresAt, now), revokedAt, usedAt) switch
        {
            (TokenStateFilter.Revoked, { } revoked, _) => new($"Revoked {CertificateFormat.DateTime(revoked)}", Color.Default, false),
            (TokenStateFilter.Used, _, { } used) => new($"Used {CertificateFormat.DateTime(used)} for serial {serial ?? "unknown"}" + (fromIp is null ? "" : $" from {fromIp}"), Color.Success, false),
            (TokenStateFilter.Expired, _, _) => new("Expired", Color.Warning, false),
            _ => new("Unused", Color.Info, true),
        };
}
