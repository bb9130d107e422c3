namespace EstPortal.Coap;

/// <summary>CoAP Content-Format numbers RFC 9148 §8.1 registers for EST (and RFC 8710's multipart-core, RFC 6690's link format).</summary>
public static class CoapContentFormats
{
    public const int TextPlain = 0;
    public const int LinkFormat = 40;
    public const int MultipartCore = 62;
    public const int Pkcs7ServerGeneratedKey = 280;
    public const int Pkcs7CertsOnly = 281;
    public const int Pkcs8 = 284;
    public const int CsrAttrs = 285;
    public const int Pkcs10 = 286;
    public const int PkixCert = 287;
}
