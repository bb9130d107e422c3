using EstPortal.Data.Entities;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace EstPortal.Data;

/// <summary>
/// The model, shared by every provider. Each provider has its own subclass (<see cref="SqliteEstPortalDbContext"/>,
/// <see cref="PostgresEstPortalDbContext"/>) so that its migrations and type mappings stay apart (EF Core's
/// "multiple context types" layout); the rest of the app only ever sees this type.
/// </summary>
public abstract class EstPortalDbContext(DbContextOptions options)
    : IdentityDbContext<Operator>(options), IDataProtectionKeyContext
{
    /// <summary>
    /// Identity's schema version, read from <c>IdentityOptions</c> in the application's services while the model is
    /// built; design-time factories and the app must agree on it or migrations drift.
    /// </summary>
    public static readonly Version IdentitySchemaVersion = Microsoft.AspNetCore.Identity.IdentitySchemaVersions.Version3;

    public DbSet<CertificateAuthority> CertificateAuthorities => Set<CertificateAuthority>();
    public DbSet<Device> Devices => Set<Device>();
    public DbSet<DeviceCredential> DeviceCredentials => Set<DeviceCredential>();
    public DbSet<BootstrapToken> BootstrapTokens => Set<BootstrapToken>();
    public DbSet<IssuedCertificate> IssuedCertificates => Set<IssuedCertificate>();
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();
    public DbSet<EnrollmentProfile> EnrollmentProfiles => Set<EnrollmentProfile>();
    public DbSet<PendingEnrollment> PendingEnrollments => Set<PendingEnrollment>();
    public DbSet<AuditChainHead> AuditChainHeads => Set<AuditChainHead>();
    public DbSet<CertificateRevocationList> CertificateRevocationLists => Set<CertificateRevocationList>();
    public DbSet<TrustAnchor> TrustAnchors => Set<TrustAnchor>();

    /// <summary>The Data Protection key ring lives here so that several instances can share it.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(EstPortalDbContext).Assembly);
    }
}
