using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Pki;
using Microsoft.AspNetCore.Server.Kestrel.Core;

// What any EST server on this machine must spend per request, and nothing else: Kestrel with TLS, the same URLs, and
// for /simpleenroll only what RFC 7030 §4.2 cannot do without — decode the PKCS#10 request, import its key once and
// verify its signature (proof of possession), sign a certificate for that key and return it as a PKCS#7 certs-only
// answer. No credential check, policy, database, audit or durability. The load bench (`--ceiling`) drives it exactly
// as it drives the app, so the gap between the two is what EstPortal's own work costs.
//
// Arguments, in the app's own form so the bench starts both alike: --Kestrel:Endpoints:Est:Url=https://127.0.0.1:PORT and
// --Ceiling:Tls=PFX --Ceiling:CaCertificate=PEM --Ceiling:CaKey=PEM (files the bench writes); the app's other settings
// are ignored.
var settings = new ConfigurationBuilder().AddCommandLine(args).Build();
var port = new Uri(settings["Kestrel:Endpoints:Est:Url"] ?? throw new ArgumentException("--Kestrel:Endpoints:Est:Url is required")).Port;
var tls = X509CertificateLoader.LoadPkcs12FromFile(settings["Ceiling:Tls"]!, null);
var ca = X509Certificate2.CreateFromPemFile(settings["Ceiling:CaCertificate"]!, settings["Ceiling:CaKey"]);
var caKey = ca.GetECDsaPrivateKey() ?? throw new InvalidOperationException("an EC P-256 CA is expected");
var signatureGenerator = X509SignatureGenerator.CreateForECDsa(caKey);
var caCerts = Base64Body.Of(CertsOnlyPkcs7.EncodeDer([ca.RawData]));

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen =>
{
    listen.Protocols = HttpProtocols.Http1AndHttp2;
    listen.UseHttps(tls);
}));
var app = builder.Build();
app.MapGet("/readyz", () => "ready");
app.MapGet("/.well-known/est/cacerts", (HttpContext context) => Answer(context, caCerts));
app.MapPost("/.well-known/est/simpleenroll", async (HttpContext context) =>
{
    using var body = new MemoryStream();
    await context.Request.Body.CopyToAsync(body);
    var csr = Convert.FromBase64String(System.Text.Encoding.ASCII.GetString(body.GetBuffer(), 0, (int)body.Length));
    var request = SigningRequest.Decode(csr);
    using (var key = ECDsa.Create())
    {
        key.ImportSubjectPublicKeyInfo(request.SubjectPublicKeyInfo.Span, out _);
        if (!key.VerifyData(request.Info.Span, request.Signature.Span, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
    }
    var certificate = CertificateOf(request);
    await Answer(context, Base64Body.Of(CertsOnlyPkcs7.EncodeDer([certificate])));
});
app.Run();

// RFC 5280 §4.1: a v3 certificate of the same shape as the app's, written by the app's own encoder.
byte[] CertificateOf(SigningRequest request)
{
    var serial = RandomNumberGenerator.GetBytes(16);
    serial[0] = (byte)((serial[0] & 0x7F) | 0x40); // positive, and minimally encoded (RFC 5280 §4.1.2.2)
    return CertificateEncoder.Sign(ca.SubjectName, signatureGenerator, HashAlgorithmName.SHA256, serial,
        DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(365), new X500DistinguishedName(request.Subject.Span),
        request.SubjectPublicKeyInfo.Span, [new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true)]);
}

static Task Answer(HttpContext context, byte[] base64)
{
    context.Response.ContentType = "application/pkcs7-mime; smime-type=certs-only";
    context.Response.Headers["Content-Transfer-Encoding"] = "base64";
    context.Response.ContentLength = base64.Length;
    return context.Response.Body.WriteAsync(base64).AsTask();
}

/// <summary>The parts of a PKCS#10 request (RFC 2986 §4) the floor needs.</summary>
internal sealed record SigningRequest(ReadOnlyMemory<byte> Info, ReadOnlyMemory<byte> Subject, ReadOnlyMemory<byte> SubjectPublicKeyInfo, ReadOnlyMemory<byte> Signature)
{
    public static SigningRequest Decode(byte[] der)
    {
        var outer = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        var info = outer.PeekEncodedValue();
        var infoReader = outer.ReadSequence();
        outer.ReadSequence();
        var signature = outer.ReadBitString(out _);
        infoReader.ReadInteger();
        var subject = infoReader.ReadEncodedValue();
        var subjectPublicKeyInfo = infoReader.ReadEncodedValue();
        return new SigningRequest(info, subject, subjectPublicKeyInfo, signature);
    }
}

internal static class Base64Body
{
    public static byte[] Of(byte[] der) => System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(der));
}
