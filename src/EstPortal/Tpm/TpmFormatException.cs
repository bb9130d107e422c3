namespace EstPortal.Tpm;

/// <summary>A TPM structure that cannot be read; the message says what is wrong, for the device's 400 answer.</summary>
public sealed class TpmFormatException(string message) : Exception(message);
