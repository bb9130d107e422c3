using System.Net;

namespace EstPortal.Coap.Dtls;

/// <summary>
/// How many DTLS sessions (and, of those, handshakes in progress) each client address and all together may hold.
/// A flood of handshakes from one address fills that address's slots only; another address still gets in.
/// </summary>
internal sealed class DtlsSessionLimits(CoapsOptions options)
{
    private readonly Dictionary<IPAddress, (int Sessions, int Handshakes)> _perAddress = [];
    private int _total;

    public int Total
    {
        get { lock (_perAddress) return _total; }
    }

    /// <summary>Takes a session slot and a handshake slot for <paramref name="address"/>, or says which limit is full.</summary>
    public string? TryOpen(IPAddress address)
    {
        lock (_perAddress)
        {
            var (sessions, handshakes) = _perAddress.GetValueOrDefault(address);
            if (_total >= options.MaxSessions)
                return "the server holds its maximum number of DTLS sessions";
            if (sessions >= options.MaxSessionsPerAddress)
                return "this address holds its maximum number of DTLS sessions";
            if (handshakes >= options.MaxHandshakesPerAddress)
                return "this address has its maximum number of handshakes in progress";
            _perAddress[address] = (sessions + 1, handshakes + 1);
            _total++;
            return null;
        }
    }

    public void HandshakeDone(IPAddress address)
    {
        lock (_perAddress)
        {
            var (sessions, handshakes) = _perAddress.GetValueOrDefault(address);
            _perAddress[address] = (sessions, Math.Max(0, handshakes - 1));
        }
    }

    public void Close(IPAddress address, bool handshaking)
    {
        lock (_perAddress)
        {
            var (sessions, handshakes) = _perAddress.GetValueOrDefault(address);
            sessions = Math.Max(0, sessions - 1);
            handshakes = handshaking ? Math.Max(0, handshakes - 1) : handshakes;
            if (sessions == 0)
                _perAddress.Remove(address);
            else
                _perAddress[address] = (sessions, handshakes);
            _total--;
        }
    }
}
