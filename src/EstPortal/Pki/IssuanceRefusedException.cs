namespace EstPortal.Pki;

/// <summary>
/// The CA will not sign what it was asked to. The message is a short reason meant for the client (an EST 400
/// text/plain body) and for the audit log, so it never contains secrets or stack details.
/// </summary>
public sealed class IssuanceRefusedException : Exception
{
    public IssuanceRefusedException(string reason)
        : base(reason)
    {
    }

    public IssuanceRefusedException(string reason, Exception innerException)
        : base(reason, innerException)
    {
    }

    public IssuanceRefusedException()
        : base("the certificate authority refused to issue")
    {
    }
}
