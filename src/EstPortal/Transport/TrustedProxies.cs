using System.Net;
namespace EstPortal.Transport;

/// <summary>The reverse proxies named in <c>EstPortal:Est:TrustedProxies</c>, as networks (a single address is a /32 or /128).</summary>
public sealed class TrustedProxies
{
    /// <summary>Entries that do not parse are left out here; <see cref="EstTransportOptionsValidator"/> stops the app on them.</summary>
    public TrustedProxies(IEnumerable<string> entries)
    {
        Networks = [.. entries.Select(entry => TryParseEntry(entry, out var network) ? (IPNetwork?)network : null).OfType<IPNetwork>()];
    }

    public IReadOnlyList<IPNetwork> Networks { get; }

    public bool IsEmpty => Networks.Count == 0;

    public bool Contains(IPAddress? address)
    {
        if (address is null)
            return false;
        // A dual-stack listener reports an IPv4 peer as ::ffff:a.b.c.d; the operator wrote a.b.c.d.
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        foreach (var network in Networks)
        {
            if (network.Contains(address))
                return true;
        }
        return false;
    }

    public static bool TryParseEntry(string? entry, out IPNetwork network)
    {
        network = default;
        if (string.IsNullOrWhiteSpace(entry))
            return false;
        entry = entry.Trim();
        if (entry.Contains('/'))
            return IPNetwork.TryParse(entry, out network);
        if (!IPAddress.TryParse(entry, out var address))
            return false;
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        return true;
    }
}
