using System.Security.Cryptography;
using EstPortal.DeviceAuth;

namespace EstPortal.Hosting;

/// <summary>
/// Replaces a default password: while no Admin exists, each start prints a fresh one-time setup code to the console,
/// and only a person holding it can create the first Admin at /setup. The code lives only in this process, hashed.
/// </summary>
public sealed class FirstAdminSetup
{
    private readonly Lock _gate = new();
    private byte[]? _codeHash;

    public bool IsOpen
    {
        get { lock (_gate) return _codeHash is not null; }
    }

    /// <summary>Generates a new code and returns it for printing; the previous one, if any, stops working.</summary>
    public string Open()
    {
        var code = DeviceSecrets.Generate();
        lock (_gate) _codeHash = DeviceSecrets.Hash(code);
        return code;
    }

    public void Close()
    {
        lock (_gate) _codeHash = null;
    }

    /// <summary>True once for the right code: the code is spent by the first successful check.</summary>
    public bool TryRedeem(string presented)
    {
        lock (_gate)
        {
            if (_codeHash is null || !CryptographicOperations.FixedTimeEquals(DeviceSecrets.Hash(presented.Trim()), _codeHash))
                return false;
            _codeHash = null;
            return true;
        }
    }
}
