namespace EstPortal.CaKeys.Pkcs11;

/// <summary>
/// Reads the token's user PIN from the PIN file or the environment, on demand (login and re-login), so it is held no
/// longer than a login takes. Messages name where the PIN was looked for, never the PIN.
/// </summary>
internal static class Pkcs11Pin
{
    public static string? Problem(Pkcs11Options options)
    {
        if (!string.IsNullOrWhiteSpace(options.PinFile))
        {
            if (!File.Exists(options.PinFile))
                return $"EstPortal:Pkcs11:PinFile '{options.PinFile}' does not exist.";
            if (!OperatingSystem.IsWindows())
            {
                var mode = File.GetUnixFileMode(options.PinFile);
                const UnixFileMode others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;
                if ((mode & others) != 0)
                    return $"EstPortal:Pkcs11:PinFile '{options.PinFile}' is readable or writable by group or others; make it readable only by the service (chmod 600).";
            }
            return null;
        }
        return string.IsNullOrEmpty(Environment.GetEnvironmentVariable(options.PinEnvironmentVariable))
            ? $"EstPortal:Pkcs11 needs the token PIN: set PinFile, or the environment variable {options.PinEnvironmentVariable}."
            : null;
    }

    public static string Read(Pkcs11Options options)
    {
        if (Problem(options) is { } problem)
            throw new InvalidOperationException(problem);
        return string.IsNullOrWhiteSpace(options.PinFile)
            ? Environment.GetEnvironmentVariable(options.PinEnvironmentVariable)!
            : File.ReadAllText(options.PinFile).TrimEnd('\r', '\n');
    }
}
