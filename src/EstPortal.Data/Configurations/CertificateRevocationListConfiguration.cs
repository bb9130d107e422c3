using EstPortal.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EstPortal.Data.Configurations;

internal sealed class CertificateRevocationListConfiguration : IEntityTypeConfiguration<CertificateRevocationList>
{
    public void Configure(EntityTypeBuilder<CertificateRevocationList> builder)
    {
        // RFC 5280 §5.2.3: CRL numbers are monotonically increasing per issuer; the index makes a duplicate impossible.
        builder.HasIndex(c => new { c.CertificateAuthorityId, c.CrlNumber }).IsUnique();
        builder.HasOne<CertificateAuthority>().WithMany().HasForeignKey(c => c.CertificateAuthorityId).OnDelete(DeleteBehavior.Cascade);
    }
}
