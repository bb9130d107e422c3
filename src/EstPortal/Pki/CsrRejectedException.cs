namespace EstPortal.Pki;

/// <summary>
/// The request body is not a usable PKCS#10 request. The message is a short client-facing reason for an EST 400
/// text/plain body and the audit log.
/// </summary>
public sealed class CsrRejectedException : Exception
{
    public CsrRejectedException(string reason)
        : base(reason)
    {
    }

    public CsrRejectedException(string reason, Exception innerException)
        : base(reason, innerException)
    {
    }

    public CsrRejectedException()
        : base("the certification request was rejected")
    {
    }
}
