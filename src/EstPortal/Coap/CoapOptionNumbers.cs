namespace EstPortal.Coap;

/// <summary>Option numbers from RFC 7252 §12.2, RFC 7959 §6 (Block1/Block2, Size2).</summary>
public static class CoapOptionNumbers
{
    public const int IfMatch = 1;
    public const int UriHost = 3;
    public const int ETag = 4;
    public const int IfNoneMatch = 5;
    public const int Observe = 6;
    public const int UriPort = 7;
    public const int LocationPath = 8;
    public const int UriPath = 11;
    public const int ContentFormat = 12;
    public const int MaxAge = 14;
    public const int UriQuery = 15;
    public const int Accept = 17;
    public const int LocationQuery = 20;
    public const int Block2 = 23;
    public const int Block1 = 27;
    public const int Size2 = 28;
    public const int ProxyUri = 35;
    public const int ProxyScheme = 39;
    public const int Size1 = 60;

    /// <summary>RFC 7252 §5.4.1: odd option numbers are critical; an unrecognised critical option in a request is 4.02.</summary>
    public static bool IsCritical(int number) => (number & 1) == 1;

    /// <summary>The options this server understands in a request; any other critical one is refused (RFC 7252 §5.4.1).</summary>
    public static bool IsUnderstood(int number) => number is UriHost or UriPort or UriPath or ContentFormat or UriQuery
        or Accept or Block1 or Block2 or Size1 or Size2 or ETag or IfNoneMatch or Observe or MaxAge;
}
