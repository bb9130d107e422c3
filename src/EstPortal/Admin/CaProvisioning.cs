using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using EstPortal.Audit;
using EstPortal.Data;
using EstPortal.Data.Entities;
using EstPortal.Enrollment;
using EstPortal.Pki;
using Microsoft.EntityFrameworkCore;

namespace EstPortal.Admin;

/// <summary>What the portal's "New CA" form asks for. <see cref="IssuerId"/> null makes a self-signed root.</summary>
public sealed record NewCaRequest(string Name, string Subject, CaKeyAlgorithm Algorithm, int ValidityDays, int? PathLength, Guid? IssuerId);

/// <summary>An existing CA to import: PEM certificate (+ chain) and PEM key, or a PKCS#12 file.</summary>
public sealed record CaImportRequest(string Name, string? CertificatePem, string? PrivateKeyPem, byte[]? Pkcs12, string? Password);

/// <summary>
/// Creates (root or intermediate) and imports CAs for the portal. Key generation runs on the thread pool, so an RSA
/// 4096 key does not block a Blazor circuit. Keys are stored only through <see cref="CaKeyProtector"/>, as
/// <see cref="CertificateAuthorityAdmin.CreateRootAsync"/> does.
/// </summary>
public sealed partial class CaProvisioning(
    IDbContextFactory<EstPortalDbContext> contexts,
    RootCaFactory roots,
    IntermediateCaFactory intermediates,
    CertificateAuthorities cas,
    CaKeyProtector protector,
    AuditLog audit,
    TimeProvider time)
{
    public const int MinValidityDays = 1;
    public const int MaxValidityDays = 10958; // 30 years
    public const int MaxPathLength = 10;

    public static string? ValidateName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
            return "A CA name is required.";
        if (name.Length > 64)
            return "A CA name has at most 64 characters.";
        if (!NameCharacters().IsMatch(name))
            return "A CA name uses letters, digits, '-', '_' and '.' only (it appears in download URLs and commands).";
        return null;
    }

    public static string? ValidateValidity(int days) =>
        days is < MinValidityDays or > MaxValidityDays ? $"Validity must be between {MinValidityDays} and {MaxValidityDays} days." : null;

    public static string? ValidatePathLength(int? pathLength) =>
        pathLength is < 0 or > MaxPathLength ? $"A path length is between 0 and {MaxPathLength}, or empty for no limit." : null;

    public async Task<AdminResult<CertificateAuthority>> CreateAsync(NewCaRequest request, string actor, CancellationToken cancellationToken = default)
    {
        var error = ValidateName(request.Name) ?? CaSubject.Validate(request.Subject) ?? ValidateValidity(request.ValidityDays)
            ?? ValidatePathLength(request.PathLength);
        if (error is not null)
            return AdminResult<CertificateAuthority>.Fail(error);
        if (await cas.FindByNameAsync(request.Name, cancellationToken) is not null)
            return AdminResult<CertificateAuthority>.Fail($"A CA named '{request.Name}' already exists.");

        CertificateAuthority? issuer = null;
        if (request.IssuerId is { } issuerId)
        {
            issuer = await cas.FindAsync(issuerId, cancellationToken);
            if (issuer is null)
                return AdminResult<CertificateAuthority>.Fail("The chosen issuing CA no longer exists.");
            if (issuer.RetiredAt is not null)
                return AdminResult<CertificateAuthority>.Fail($"CA '{issuer.Name}' is retired and signs nothing new.");
        }

        var validity = TimeSpan.FromDays(request.ValidityDays);
        CreatedCa created;
        try
        {
            // Off the caller's thread: an RSA 4096 key takes seconds.
            created = await Task.Run(() => issuer is null
                ? roots.CreateRoot(request.Subject, request.Algorithm, validity, request.PathLength)
                : intermediates.CreateIntermediate(cas.GetSigner(issuer), request.Subject, request.Algorithm, validity, request.PathLength),
                cancellationToken);
        }
        catch (Exception ex) when (ex is IssuanceRefusedException or ArgumentException)
        {
            return AdminResult<CertificateAuthority>.Fail(ex.Message);
        }

        using (created.Certificate)
        {
            var kind = issuer is null ? "root" : $"intermediate under '{issuer.Name}'";
            return await StoreAsync(request.Name, created.Certificate, created.Pkcs8PrivateKey, request.Algorithm.DisplayName(), issuer?.Id, chain: null,
                imported: false, AuditEventTypes.CaCreated,
                $"{kind} '{request.Name}': {created.Certificate.Subject} ({request.Algorithm.DisplayName()}), pathLen={request.PathLength?.ToString() ?? "none"}, " +
                $"valid to {created.Certificate.NotAfter.ToUniversalTime():u}",
                actor, cancellationToken);
        }
    }

    public async Task<AdminResult<CertificateAuthority>> ImportAsync(CaImportRequest request, string actor, CancellationToken cancellationToken = default)
    {
        if (ValidateName(request.Name) is { } nameError)
            return AdminResult<CertificateAuthority>.Fail(nameError);
        if (await cas.FindByNameAsync(request.Name, cancellationToken) is not null)
            return AdminResult<CertificateAuthority>.Fail($"A CA named '{request.Name}' already exists.");

        ImportedCa imported;
        try
        {
            var now = time.GetUtcNow();
            imported = request.Pkcs12 is { } pkcs12
                ? CaImport.FromPkcs12(pkcs12, request.Password, now)
                : CaImport.FromPem(request.CertificatePem ?? "", request.PrivateKeyPem ?? "", request.Password, now);
        }
        catch (CaImportException ex)
        {
            await audit.RecordAsync(new AuditRecord(AuditEventTypes.CaImported, false, actor, Reason: ex.Message, Details: $"import as '{request.Name}'"), cancellationToken);
            return AdminResult<CertificateAuthority>.Fail(ex.Message);
        }

        var thumbprint = Convert.ToHexString(SHA256.HashData(imported.Certificate.RawData));
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            if (await db.CertificateAuthorities.AnyAsync(c => c.Sha256Thumbprint == thumbprint, cancellationToken))
            {
                CryptographicOperations.ZeroMemory(imported.Pkcs8PrivateKey);
                return AdminResult<CertificateAuthority>.Fail("This CA certificate is already in the portal.");
            }
        }

        // The parent, when the issuer is a CA the portal already holds (so the chain is walked from the database).
        var parentId = await FindIssuerIdAsync(imported.Certificate, cancellationToken);
        using (imported.Certificate)
        {
            return await StoreAsync(request.Name, imported.Certificate, imported.Pkcs8PrivateKey, imported.KeyAlgorithm, parentId,
                imported.Chain.Count == 0 ? null : CaImport.ConcatenateDer(imported.Chain), imported: true, AuditEventTypes.CaImported,
                $"'{request.Name}': {imported.Certificate.Subject} ({imported.KeyAlgorithm}) from {(request.Pkcs12 is null ? "PEM" : "PKCS#12")}, " +
                $"SHA-256 {thumbprint}, {imported.Chain.Count} chain certificate(s)",
                actor, cancellationToken);
        }
    }

    /// <summary>The CA certificate first, then each issuer up to the root (or as far as the portal knows it).</summary>
    public Task<IReadOnlyList<X509Certificate2>> ChainAsync(CertificateAuthority ca, CancellationToken cancellationToken = default) =>
        cas.ChainAsync(ca, cancellationToken);

    private async Task<Guid?> FindIssuerIdAsync(X509Certificate2 certificate, CancellationToken cancellationToken)
    {
        if (certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData))
            return null;
        foreach (var candidate in await cas.ListAsync(cancellationToken))
        {
            using var issuer = X509CertificateLoader.LoadCertificate(candidate.CertificateDer);
            if (issuer.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData) && IsSignedBy(certificate, issuer))
                return candidate.Id;
        }
        return null;
    }

    private static bool IsSignedBy(X509Certificate2 certificate, X509Certificate2 issuer)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.AllowUnknownCertificateAuthority;
        chain.ChainPolicy.ExtraStore.Add(issuer);
        chain.ChainPolicy.CustomTrustStore.Add(issuer);
        return chain.Build(certificate) && chain.ChainElements.Count > 1
            && chain.ChainElements[1].Certificate.RawData.AsSpan().SequenceEqual(issuer.RawData);
    }

    private async Task<AdminResult<CertificateAuthority>> StoreAsync(
        string name, X509Certificate2 certificate, byte[] pkcs8, string keyAlgorithm, Guid? parentId, byte[]? chain, bool imported,
        string eventType, string details, string actor, CancellationToken cancellationToken)
    {
        byte[] protectedKey;
        try
        {
            protectedKey = protector.Protect(pkcs8);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }

        var ca = new CertificateAuthority
        {
            Id = Guid.NewGuid(),
            Name = name,
            Subject = certificate.Subject,
            CertificateDer = certificate.RawData,
            ProtectedPrivateKey = protectedKey,
            KeyAlgorithm = keyAlgorithm,
            Sha256Thumbprint = Convert.ToHexString(SHA256.HashData(certificate.RawData)),
            NotBefore = certificate.NotBefore.ToUniversalTime(),
            NotAfter = certificate.NotAfter.ToUniversalTime(),
            ParentId = parentId,
            ChainDer = chain,
            Imported = imported,
            CreatedAt = time.GetUtcNow(),
        };
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.CertificateAuthorities.Add(ca);
        audit.Stage(db, new AuditRecord(eventType, true, actor, Details: details));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return AdminResult<CertificateAuthority>.Fail($"A CA named '{name}' already exists.");
        }
        return AdminResult<CertificateAuthority>.Ok(ca);
    }

    [GeneratedRegex("^[A-Za-z0-9._-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex NameCharacters();
}
