using System.Runtime.InteropServices;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace EstPortal.CaKeys.Pkcs11;

/// <summary>
/// PKCS#11 modules loaded in this process. C_Initialize may run once per module per process (PKCS#11 v2.40 §5.4:
/// a second call answers CKR_CRYPTOKI_ALREADY_INITIALIZED), so every user of one library path shares one loaded
/// module, and the last one to let go finalizes it.
/// </summary>
internal static class Pkcs11Modules
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, (IPkcs11Library Library, int Users)> Loaded = new(StringComparer.Ordinal);
    private static readonly Pkcs11InteropFactories Factories = new();

    static Pkcs11Modules()
    {
        // Pkcs11Interop loads modules through dlopen from "libdl"; glibc 2.34+ ships only libdl.so.2 (the unversioned
        // name comes with the -dev package), so point the import at the versioned library.
        NativeLibrary.SetDllImportResolver(typeof(IPkcs11Library).Assembly, (name, assembly, path) =>
            name == "libdl" && OperatingSystem.IsLinux() && NativeLibrary.TryLoad("libdl.so.2", assembly, path, out var handle)
                ? handle
                : IntPtr.Zero);
    }

    public static IPkcs11Library Acquire(string libraryPath)
    {
        lock (Gate)
        {
            if (Loaded.TryGetValue(libraryPath, out var loaded))
            {
                Loaded[libraryPath] = (loaded.Library, loaded.Users + 1);
                return loaded.Library;
            }
            // Multi-threaded: the module does its own locking (CKF_OS_LOCKING_OK), so sessions sign in parallel.
            var library = Factories.Pkcs11LibraryFactory.LoadPkcs11Library(Factories, libraryPath, AppType.MultiThreaded);
            Loaded[libraryPath] = (library, 1);
            return library;
        }
    }

    /// <summary>
    /// Finalizes and initializes the module again, as a client library must after its HSM connection was lost (and
    /// SoftHSM2 must to see a token directory that came back). Done once for all users: whoever still holds
    /// <paramref name="stale"/> gets the module loaded in its place.
    /// </summary>
    public static IPkcs11Library Reload(string libraryPath, IPkcs11Library stale)
    {
        lock (Gate)
        {
            if (!Loaded.TryGetValue(libraryPath, out var loaded))
                throw new InvalidOperationException($"the PKCS#11 module '{libraryPath}' is not loaded");
            if (!ReferenceEquals(loaded.Library, stale))
                return loaded.Library;
            try
            {
                stale.Dispose();
            }
            catch (Pkcs11Exception)
            {
            }
            var library = Factories.Pkcs11LibraryFactory.LoadPkcs11Library(Factories, libraryPath, AppType.MultiThreaded);
            Loaded[libraryPath] = (library, loaded.Users);
            return library;
        }
    }

    public static void Release(string libraryPath)
    {
        lock (Gate)
        {
            if (!Loaded.TryGetValue(libraryPath, out var loaded))
                return;
            if (loaded.Users > 1)
            {
                Loaded[libraryPath] = (loaded.Library, loaded.Users - 1);
                return;
            }
            Loaded.Remove(libraryPath);
            try
            {
                loaded.Library.Dispose();
            }
            catch (Pkcs11Exception)
            {
                // Finalizing a module whose token vanished may fail; there is nothing left to release.
            }
        }
    }
}
