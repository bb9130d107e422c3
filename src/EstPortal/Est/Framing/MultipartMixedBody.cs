namespace EstPortal.Est.Framing;

/// <summary>A multipart/mixed response: the Content-Type header value (with its boundary) and the body bytes.</summary>
public sealed record MultipartMixedBody(string ContentType, byte[] Body);
