using System.Collections.Concurrent;
using EstPortal.Pki;
using Microsoft.Extensions.Options;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using ISession = Net.Pkcs11Interop.HighLevelAPI.ISession;

namespace EstPortal.CaKeys.Pkcs11;

/// <summary>
/// The configured token and a bounded pool of logged-in sessions on it. Every use borrows a session with a bounded
/// wait; a call that fails is retried once on a fresh session (after a re-login), and if that fails too the token is
/// reported unavailable (<see cref="CaKeyUnavailableException"/>) for a short, growing back-off before the next real
/// attempt, so requests fail fast instead of queueing behind a dead HSM, and service resumes by itself.
/// Nothing here keeps the PIN: it is read again for each login.
/// </summary>
public sealed class Pkcs11Token : IDisposable
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    private readonly Pkcs11Options _options;
    private readonly TimeProvider _time;
    private readonly ILogger<Pkcs11Token> _logger;
    private readonly SemaphoreSlim _permits;
    private readonly ConcurrentBag<ISession> _idle = [];
    private readonly Lock _gate = new();
    private IPkcs11Library? _library;
    private ISlot? _slot;
    private bool _reload;
    private int _generation;
    private int _failures;
    private DateTimeOffset _retryAt;
    private string? _outage;

    public Pkcs11Token(IOptions<Pkcs11Options> options, TimeProvider time, ILogger<Pkcs11Token> logger)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
        _permits = new SemaphoreSlim(Math.Max(1, _options.Sessions));
    }

    public string Label => _options.TokenLabel ?? "";

    /// <summary>
    /// Changes whenever the module is initialized again; object handles from an earlier generation mean nothing (or
    /// another object) now, so callers that cache a handle look the key up again.
    /// </summary>
    public int Generation => Volatile.Read(ref _generation);

    /// <summary>Why the token is unusable right now (the last failure), or null when the last use worked.</summary>
    public string? Outage => Volatile.Read(ref _outage);

    /// <summary>
    /// Loads the module, finds the token and logs in, or throws with a message naming the setting to fix. Run at
    /// start-up, so a wrong PIN or module stops the app instead of failing the first enrollment.
    /// </summary>
    public void Check()
    {
        try
        {
            Use(_ => 0);
        }
        catch (CaKeyUnavailableException ex)
        {
            throw new InvalidOperationException($"EstPortal:Pkcs11: {ex.Message}", ex.InnerException);
        }
    }

    /// <summary>Runs <paramref name="operation"/> on a logged-in session of the token.</summary>
    /// <exception cref="CaKeyUnavailableException">The token cannot be used now; the reason says why.</exception>
    public T Use<T>(Func<ISession, T> operation)
    {
        if (Volatile.Read(ref _outage) is { } outage && _time.GetUtcNow() < _retryAt)
            throw Unavailable(outage, null);
        if (!_permits.Wait(_options.SessionWaitMilliseconds))
            throw Unavailable($"all {_options.Sessions} sessions of HSM token '{Label}' stayed busy for {_options.SessionWaitMilliseconds} ms", null);
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                ISession? session = null;
                try
                {
                    session = Borrow();
                    var result = operation(session);
                    _idle.Add(session);
                    Recovered();
                    return result;
                }
                catch (Exception ex) when (IsTokenFailure(ex))
                {
                    if (session is not null)
                        Close(session);
                    // A closed session, a logged-out user or a token that went away: forget every session and the slot,
                    // so the retry opens, finds and logs in afresh. If that fails too, the next attempt also
                    // initializes the module again (a lost HSM connection, a token that was removed and put back).
                    Reset(reload: attempt > 0);
                    if (attempt == 0 && !IsPermanent(ex))
                        continue;
                    throw Failed(ex);
                }
                catch when (session is not null)
                {
                    // The operation refused on its own terms (e.g. a key that does not match); the session is fine.
                    _idle.Add(session);
                    throw;
                }
            }
        }
        finally
        {
            _permits.Release();
        }
    }

    public void Dispose()
    {
        Reset(reload: false);
        lock (_gate)
        {
            if (_library is not null && _options.LibraryPath is { } path)
                Pkcs11Modules.Release(path);
            _library = null;
        }
        _permits.Dispose();
    }

    private ISession Borrow()
    {
        if (_idle.TryTake(out var idle))
            return idle;
        var session = Slot().OpenSession(SessionType.ReadWrite);
        try
        {
            // PKCS#11 §5.6: login state belongs to the application, not the session; a second login says so.
            session.Login(CKU.CKU_USER, Pkcs11Pin.Read(_options));
        }
        catch (Pkcs11Exception ex) when (ex.RV == CKR.CKR_USER_ALREADY_LOGGED_IN)
        {
        }
        catch
        {
            Close(session);
            throw;
        }
        return session;
    }

    private ISlot Slot()
    {
        lock (_gate)
        {
            if (_slot is not null)
                return _slot;
            try
            {
                if (_library is null)
                {
                    _library = Pkcs11Modules.Acquire(_options.LibraryPath!);
                }
                else if (_reload)
                {
                    _library = Pkcs11Modules.Reload(_options.LibraryPath!, _library);
                    _generation++;
                    _logger.LogInformation("Initialized the PKCS#11 module {Module} again to reach token {Token}", _options.LibraryPath, Label);
                }
                _reload = false;
            }
            catch (Exception ex) when (ex is not Pkcs11Exception)
            {
                throw new Pkcs11TokenException($"the PKCS#11 module '{_options.LibraryPath}' (LibraryPath) cannot be loaded: {ex.Message}");
            }
            foreach (var slot in _library.GetSlotList(SlotsType.WithTokenPresent))
            {
                if (slot.GetTokenInfo().Label.Trim() == Label)
                    return _slot = slot;
            }
            throw new Pkcs11TokenException($"no token labelled '{Label}' (TokenLabel) is present in '{_options.LibraryPath}'");
        }
    }

    private void Reset(bool reload)
    {
        lock (_gate)
        {
            _slot = null;
            _reload |= reload;
        }
        while (_idle.TryTake(out var session))
            Close(session);
    }

    private static void Close(ISession session)
    {
        try
        {
            session.Dispose();
        }
        catch (Exception ex) when (ex is Pkcs11Exception or ObjectDisposedException)
        {
            // The session is gone already (or its module was initialized again under it).
        }
    }

    /// <summary>
    /// A failure of the token rather than of the operation. Besides PKCS#11 return values this includes a session whose
    /// module another thread has just initialized again (<see cref="Reset"/> with reload): Pkcs11Interop then answers
    /// with <see cref="ObjectDisposedException"/>, which is the same outage and must become a 503, never a 500.
    /// </summary>
    internal static bool IsTokenFailure(Exception ex) => ex is Pkcs11Exception or Pkcs11TokenException or ObjectDisposedException;

    private void Recovered()
    {
        if (Volatile.Read(ref _outage) is null)
            return;
        lock (_gate)
        {
            if (_outage is null)
                return;
            _logger.LogInformation("HSM token {Token} is usable again", Label);
            _outage = null;
            _failures = 0;
        }
    }

    private CaKeyUnavailableException Failed(Exception ex)
    {
        var reason = ex switch
        {
            Pkcs11Exception { RV: CKR.CKR_PIN_INCORRECT } => $"login to HSM token '{Label}' failed: the PIN (PinFile or {_options.PinEnvironmentVariable}) is wrong",
            Pkcs11Exception { RV: CKR.CKR_PIN_LOCKED } => $"the user PIN of HSM token '{Label}' is locked",
            Pkcs11Exception p => $"HSM token '{Label}' failed: {p.Method} returned {p.RV}",
            _ => ex.Message,
        };
        lock (_gate)
        {
            _failures++;
            // 250 ms, 500 ms, 1 s ... at most MaxBackoff: short enough to resume quickly, long enough not to hammer.
            var backoff = TimeSpan.FromMilliseconds(Math.Min(MaxBackoff.TotalMilliseconds, 250 * Math.Pow(2, Math.Min(_failures - 1, 10))));
            _retryAt = _time.GetUtcNow() + backoff;
            if (_outage is null)
                _logger.LogWarning("HSM token {Token} is unavailable: {Reason}", Label, reason);
            _outage = reason;
        }
        return Unavailable(reason, ex);
    }

    private CaKeyUnavailableException Unavailable(string reason, Exception? inner) =>
        new($"the CA key is unavailable: {reason}", _options.RetryAfterSeconds, inner);

    // Retrying cannot help with these, and retrying a wrong PIN would only bring the token closer to locking it.
    private static bool IsPermanent(Exception ex) =>
        ex is Pkcs11Exception { RV: CKR.CKR_PIN_INCORRECT or CKR.CKR_PIN_LOCKED or CKR.CKR_PIN_EXPIRED };
}
