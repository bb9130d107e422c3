using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using EstPortal.Audit;
using EstPortal.CaKeys;
using EstPortal.Data;
using EstPortal.Data.Entities;
using EstPortal.Enrollment;
using EstPortal.Pki;
using Microsoft.EntityFrameworkCore;

namespace EstPortal.Admin;

/// <summary>
/// What the portal's "New CA" form (and <c>ca create</c>) asks for. <see cref="IssuerId"/> null makes a self-signed root;
/// <see cref="KeyStore"/> says where the new key is generated (<see cref="CaKeyStores"/>).
/// </summary>
public sealed record NewCaRequest(
    string Name, string Subject, CaKeyAlgorithm Algorithm, int ValidityDays, int? PathLength, Guid? IssuerId, string KeyStore = CaKeyStores.Software);

/// <summary>
/// An existing CA to import: PEM certificate (+ chain) and PEM key, or a PKCS#12 file, or — with
/// <see cref="Pkcs11KeyLabel"/> — a PEM certificate whose key is already in the HSM token under that label.
/// </summary>
public sealed record CaImportRequest(string Name, string? CertificatePem, string? PrivateKeyPem, byte[]? Pkcs12, string? Password, string? Pkcs11KeyLabel = null);

/// <summary>
/// Creates (root or intermediate) and imports CAs for the portal and the CLI. Key generation runs on the thread pool,
/// so an RSA 4096 key does not block a Blazor circuit. Keys are generated, protected and adopted only through
/// <see cref="CaKeyBackends"/>.
/// </summary>
public sealed partial class CaProvisioning(
    IDbContextFactory<EstPortalDbContext> contexts,
    RootCaFactory roots,
    IntermediateCaFactory intermediates,
    CertificateAuthorities cas,
    CaKeyBackends backends,
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
            return AdminResult<CertificateAuthority>.Conflict($"A CA named '{request.Name}' already exists.");

        CertificateAuthority? issuer = null;
        if (request.IssuerId is { } issuerId)
        {
            issuer = await cas.FindAsync(issuerId, cancellationToken);
            if (issuer is null)
                return AdminResult<CertificateAuthority>.NotFound("The chosen issuing CA no longer exists.");
            if (issuer.RetiredAt is not null)
                return AdminResult<CertificateAuthority>.Fail($"CA '{issuer.Name}' is retired and signs nothing new.");
        }

        if (backends.Unusable(request.KeyStore) is { } unusable)
            return AdminResult<CertificateAuthority>.Fail($"The key cannot be generated there: {unusable}.");

        var validity = TimeSpan.FromDays(request.ValidityDays);
        NewCaKey key;
        X509Certificate2 certificate;
        try
        {
            // Off the caller's thread: an RSA 4096 key takes seconds (in an HSM too).
            (key, certificate) = await Task.Run(() =>
            {
                var generated = backends.Generate(request.KeyStore, request.Algorithm, request.Name);
                try
                {
                    return (generated, issuer is null
                        ? roots.CreateRoot(request.Subject, generated, validity, request.PathLength)
                        : intermediates.CreateIntermediate(cas.GetSigner(issuer), request.Subject, generated, validity, request.PathLength));
                }
                catch
                {
                    Discard(generated);
                    throw;
                }
            }, cancellationToken);
        }
        catch (Exception ex) when (ex is IssuanceRefusedException or ArgumentException or CaKeyUnavailableException)
        {
            return AdminResult<CertificateAuthority>.Fail(ex.Message);
        }

        using (key)
        using (certificate)
        {
            var kind = issuer is null ? "root" : $"intermediate under '{issuer.Name}'";
            var result = await StoreAsync(request.Name, certificate, key.Location, request.Algorithm.DisplayName(), issuer?.Id, chain: null,
                imported: false, AuditEventTypes.CaCreated,
                $"{kind} '{request.Name}': {certificate.Subject} ({request.Algorithm.DisplayName()}, key {CaKeyStores.Describe(request.KeyStore)}), " +
                $"pathLen={request.PathLength?.ToString() ?? "none"}, valid to {certificate.NotAfter.ToUniversalTime():u}",
                actor, cancellationToken);
            if (!result.Succeeded)
                Discard(key);
            return result;
        }
    }

    public async Task<AdminResult<CertificateAuthority>> ImportAsync(CaImportRequest request, string actor, CancellationToken cancellationToken = default)
    {
        if (ValidateName(request.Name) is { } nameError)
            return AdminResult<CertificateAuthority>.Fail(nameError);
        if (await cas.FindByNameAsync(request.Name, cancellationToken) is not null)
            return AdminResult<CertificateAuthority>.Conflict($"A CA named '{request.Name}' already exists.");

        ImportedCa imported;
        CaKeyLocation? location;
        try
        {
            var now = time.GetUtcNow();
            imported = request.Pkcs11KeyLabel is not null ? CaImport.CertificateOnlyFromPem(request.CertificatePem ?? "", now)
                : request.Pkcs12 is { } pkcs12 ? CaImport.FromPkcs12(pkcs12, request.Password, now)
                : CaImport.FromPem(request.CertificatePem ?? "", request.PrivateKeyPem ?? "", request.Password, now);
            // A key in the HSM is adopted where it is: found by label and proven to sign for this certificate.
            location = request.Pkcs11KeyLabel is { } label
                ? await Task.Run(() => backends.Adopt(CaKeyStores.Pkcs11, imported.Certificate, label), cancellationToken)
                : null;
        }
        catch (Exception ex) when (ex is CaImportException or CaKeyUnavailableException)
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
                return AdminResult<CertificateAuthority>.Conflict("This CA certificate is already in the portal.");
            }
        }

        // The parent, when the issuer is a CA the portal already holds (so the chain is walked from the database).
        var parentId = await FindIssuerIdAsync(imported.Certificate, cancellationToken);
        using (imported.Certificate)
        {
            return await StoreAsync(request.Name, imported.Certificate, location ?? backends.ProtectImported(imported.Pkcs8PrivateKey), imported.KeyAlgorithm, parentId,
                imported.Chain.Count == 0 ? null : CaImport.ConcatenateDer(imported.Chain), imported: true, AuditEventTypes.CaImported,
                $"'{request.Name}': {imported.Certificate.Subject} ({imported.KeyAlgorithm}) from {(request.Pkcs11KeyLabel is { } l ? $"PEM, key '{l}' in the HSM" : request.Pkcs12 is null ? "PEM" : "PKCS#12")}, " +
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
        string name, X509Certificate2 certificate, CaKeyLocation key, string keyAlgorithm, Guid? parentId, byte[]? chain, bool imported,
        string eventType, string details, string actor, CancellationToken cancellationToken)
    {
        var ca = new CertificateAuthority
        {
            Id = Guid.NewGuid(),
            Name = name,
            Subject = certificate.Subject,
            CertificateDer = certificate.RawData,
            ProtectedPrivateKey = key.ProtectedPrivateKey,
            KeyStore = key.Store,
            KeyReference = key.KeyReference,
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
            return AdminResult<CertificateAuthority>.Conflict($"A CA named '{name}' already exists.");
        }
        return AdminResult<CertificateAuthority>.Ok(ca);
    }

    /// <summary>A key generated for a CA that was not stored is removed again (an HSM would keep it forever).</summary>
    private static void Discard(NewCaKey key)
    {
        try
        {
            key.Discard();
        }
        catch (CaKeyUnavailableException)
        {
            // The token went away meanwhile; an orphaned key object is harmless and visible with pkcs11-tool.
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex NameCharacters();
}
