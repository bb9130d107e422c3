using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;

namespace EstPortal.Transport;

/// <summary>
/// The certificates a TLS client sent after its own (a manufacturer's intermediate CAs, for an IDevID: RFC 7030
/// §3.3.2, IEEE 802.1AR). ASP.NET Core exposes only the leaf on the connection; the handshake's validation callback
/// sees the rest in the chain's ExtraStore, so it is kept here, per leaf instance, for the request to use as path
/// candidates. Never trusted by itself: a path must still end at one of the profile's anchors (ADR 0021).
/// </summary>
public static class ClientCertificateChains
{
    private const int MaxCertificates = 8;

    private static readonly ConditionalWeakTable<X509Certificate2, X509Certificate2[]> Sent = new();

    /// <summary>Called from the TLS validation callback; copies, since the platform disposes its chain afterwards.</summary>
    public static void Remember(X509Certificate2 leaf, X509Chain? chain)
    {
        if (chain is null || chain.ChainPolicy.ExtraStore.Count == 0)
            return;
        var others = chain.ChainPolicy.ExtraStore
            .Where(c => !c.RawDataMemory.Span.SequenceEqual(leaf.RawDataMemory.Span))
            .Take(MaxCertificates)
            .Select(c => X509CertificateLoader.LoadCertificate(c.RawDataMemory.Span))
            .ToArray();
        if (others.Length > 0)
            Sent.AddOrUpdate(leaf, others);
    }

    public static IReadOnlyList<X509Certificate2> Of(X509Certificate2? leaf) =>
        leaf is not null && Sent.TryGetValue(leaf, out var others) ? others : [];
}
