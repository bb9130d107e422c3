using EstPortal.Admin;
using EstPortal.Components.Shared;
using MudBlazor;

namespace EstPortal.Components.Pages.Tokens;

/// <summary>What an operator needs to know about a token: whether it can still be used, and if not, why.</summary>
public sealed record TokenState(string Text, Color Color)
{
    public static TokenState Of(BootstrapTokenSummary token, DateTimeOffset now) => token switch
    {
        { RevokedAt: { } revokedAt } => new($"Revoked {CertificateFormat.DateTime(revokedAt)}", Color.Default),
        { UsedAt: { } usedAt } => new($"Used {CertificateFormat.DateTime(usedAt)} for serial {token.UsedForSerial ?? "unknown"}", Color.Success),
        _ when token.ExpiresAt <= now => new("Expired", Color.Warning),
        _ => new("Unused", Color.Info),
    };
}
