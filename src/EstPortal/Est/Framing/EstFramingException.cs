namespace EstPortal.Est.Framing;

/// <summary>
/// A request body that cannot be unwrapped to DER. The message is a short client-facing reason for an EST 400
/// text/plain body.
/// </summary>
public sealed class EstFramingException : Exception
{
    public EstFramingException(string reason)
        : base(reason)
    {
    }

    public EstFramingException(string reason, Exception innerException)
        : base(reason, innerException)
    {
    }

    public EstFramingException()
        : base("the request body could not be decoded")
    {
    }
}
