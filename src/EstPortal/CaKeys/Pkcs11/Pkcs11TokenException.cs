namespace EstPortal.CaKeys.Pkcs11;

/// <summary>The token or a key in it cannot be found (the module answered, but not with what we need).</summary>
internal sealed class Pkcs11TokenException(string message) : Exception(message);
