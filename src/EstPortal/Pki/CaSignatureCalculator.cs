using Org.BouncyCastle.Crypto;

namespace EstPortal.Pki;

/// <summary>
/// Collects the bytes BouncyCastle writes (the DER of a TBS structure) and signs them all at once:
/// <see cref="System.Security.Cryptography.X509Certificates.X509SignatureGenerator.SignData"/> takes the whole message
/// and hashes it itself. TBS structures are small, so buffering costs nothing worth streaming for.
/// </summary>
internal sealed class CaSignatureCalculator : IStreamCalculator<IBlockResult>
{
    private readonly ICaSigner _ca;
    private readonly MemoryStream _buffer = new();

    public CaSignatureCalculator(ICaSigner ca) => _ca = ca;

    public Stream Stream => _buffer;

    // ToArray still works after BouncyCastle disposes the stream, which it does before asking for the result.
    public IBlockResult GetResult() => new SignatureResult(_ca.SignatureGenerator.SignData(_buffer.ToArray(), _ca.HashAlgorithm));

    private sealed class SignatureResult(byte[] signature) : IBlockResult
    {
        public byte[] Collect() => (byte[])signature.Clone();

        public int Collect(byte[] buf, int off)
        {
            signature.CopyTo(buf, off);
            return signature.Length;
        }

        public int Collect(Span<byte> output)
        {
            signature.CopyTo(output);
            return signature.Length;
        }

        public int GetMaxResultLength() => signature.Length;
    }
}
