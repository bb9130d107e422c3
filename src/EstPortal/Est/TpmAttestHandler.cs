using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Enrollment;
using EstPortal.Hosting;
using EstPortal.Tpm;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace EstPortal.Est;

/// <summary>
/// POST /.well-known/est/[label/]tpm/attest — a non-standard extension beside the RFC 7030 operations
/// (docs/tpm-attestation.md). Framing only: a multipart/form-data body with the parts <c>ek-certificate</c> (DER or PEM),
/// <c>ek-public</c> and <c>key-public</c> (TPM2B_PUBLIC, as <c>tpm2_readpublic -f tss</c> writes) and optionally
/// <c>ek-chain</c> (PEM intermediates); the answer is the tpm2-tools credential file (application/octet-stream) that
/// <c>tpm2_activatecredential</c> reads. Decisions are TpmAttestationService's.
/// </summary>
internal sealed class TpmAttestHandler(
    EnrollmentProfiles profiles, EstRateLimiter rateLimiter, TpmAttestationService attestation, IOptions<EstPortalOptions> options)
{
    public const string OperationPath = "tpm/attest";

    public async Task<IResult> HandleAsync(HttpContext context, string? label)
    {
        if (!HttpMethods.IsPost(context.Request.Method))
            return EstResults.Error(StatusCodes.Status405MethodNotAllowed, "tpm/attest takes POST", new Dictionary<string, string> { [HeaderNames.Allow] = "POST" });
        var profile = await profiles.ResolveAsync(label, context.RequestAborted);
        if (profile is null)
            return EstResults.Error(StatusCodes.Status404NotFound, label is null ? "no default EST profile is configured" : $"no EST profile is labelled '{label}'");
        if (rateLimiter.Check(context) is { } limited)
            return limited;
        if (!context.Request.HasFormContentType || !context.Request.ContentType!.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            return EstResults.Error(StatusCodes.Status415UnsupportedMediaType, "tpm/attest takes multipart/form-data (curl -F ek-certificate=@ek.der -F ek-public=@ek.pub -F key-public=@key.pub)");

        var limit = options.Value.MaxRequestBodyBytes;
        if (context.Request.ContentLength > limit)
            return EstResults.Error(StatusCodes.Status413PayloadTooLarge, $"the request body exceeds {limit} bytes");
        IFormCollection form;
        try
        {
            form = await context.Request.ReadFormAsync(new Microsoft.AspNetCore.Http.Features.FormOptions
            {
                MultipartBodyLengthLimit = limit, ValueCountLimit = 16, MultipartHeadersCountLimit = 8,
            }, context.RequestAborted);
        }
        catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException or IOException)
        {
            return EstResults.Error(StatusCodes.Status400BadRequest, $"the multipart body cannot be read: {ex.Message}");
        }

        var ekCertificate = await PartAsync(form, "ek-certificate", context.RequestAborted);
        IReadOnlyList<X509Certificate2> intermediates;
        try
        {
            intermediates = await IntermediatesAsync(form, context.RequestAborted);
        }
        catch (CryptographicException)
        {
            return EstResults.Error(StatusCodes.Status400BadRequest, "ek-chain: not PEM certificates");
        }
        var result = await attestation.AttestAsync(new TpmAttestationRequest(profile, PemOrDer(ekCertificate), intermediates,
            await PartAsync(form, "ek-public", context.RequestAborted), await PartAsync(form, "key-public", context.RequestAborted),
            context.Connection.RemoteIpAddress?.ToString()), context.RequestAborted);
        foreach (var intermediate in intermediates)
            intermediate.Dispose();
        return result.CredentialFile is { } file
            ? new EstResult(StatusCodes.Status200OK, "application/octet-stream", file)
            : EstResults.Error(result.Status, result.Reason!);
    }

    /// <summary>A part as a file (curl -F name=@file) or as a field (curl -F name=&lt;file, base64 or PEM text).</summary>
    private static async Task<byte[]?> PartAsync(IFormCollection form, string name, CancellationToken cancellationToken)
    {
        if (form.Files.GetFile(name) is { } file)
        {
            using var buffer = new MemoryStream();
            await file.CopyToAsync(buffer, cancellationToken);
            return buffer.ToArray();
        }
        return form.TryGetValue(name, out var value) && value.ToString() is { Length: > 0 } text ? System.Text.Encoding.UTF8.GetBytes(text) : null;
    }

    private static async Task<IReadOnlyList<X509Certificate2>> IntermediatesAsync(IFormCollection form, CancellationToken cancellationToken)
    {
        if (await PartAsync(form, "ek-chain", cancellationToken) is not { } pem)
            return [];
        var collection = new X509Certificate2Collection();
        collection.ImportFromPem(System.Text.Encoding.ASCII.GetString(pem));
        return [.. collection];
    }

    /// <summary>EK certificates come as DER from NV (tpm2_nvread) or as PEM; the service reads DER.</summary>
    private static byte[]? PemOrDer(byte[]? bytes)
    {
        if (bytes is null || bytes.Length == 0 || bytes[0] == 0x30)
            return bytes;
        var text = System.Text.Encoding.ASCII.GetString(bytes);
        if (!PemEncoding.TryFind(text, out var fields))
            return bytes;
        var der = new byte[bytes.Length];
        return Convert.TryFromBase64String(text[fields.Base64Data], der, out var written) ? der[..written] : bytes;
    }
}
