using EstPortal.Admin;
using EstPortal.Audit;
using EstPortal.Components.Account;
using EstPortal.Data;
using EstPortal.Data.Entities;
using EstPortal.Enrollment;
using EstPortal.Pki;
using EstPortal.Policy;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace EstPortal.Hosting;

/// <summary>
/// Everything a fresh machine needs before the first request: schema, roles, a first root CA, the TLS certificate,
/// and (while no Admin exists) a setup code. Runs in <see cref="StartingAsync"/>, before Kestrel binds, so the
/// TLS certificate exists when the first handshake arrives. Later starts reuse what is there.
/// </summary>
public sealed class FirstRunInitializer(
    IServiceProvider services,
    DatabaseSchema schema,
    KeyRingCompatibility keyRing,
    CertificateAuthorityAdmin caAdmin,
    CertificateAuthorities cas,
    EnrollmentProfiles profiles,
    ProfileAdmin profileAdmin,
    TlsCertificateProvider tls,
    FirstAdminSetup setup,
    AuditChainSealer sealer,
    TwoFactorSecretsAtRest twoFactorSecrets,
    ILogger<FirstRunInitializer> logger) : IHostedLifecycleService
{
    /// <summary>Schema, roles and the default CA: what the admin commands need too.</summary>
    public async Task PrepareDatabaseAsync(CancellationToken cancellationToken)
    {
        await schema.EnsureCurrentAsync(cancellationToken);
        // Before anything touches Data Protection, which would otherwise add a key this instance can read to a ring
        // the others cannot.
        await keyRing.EnsureAsync(cancellationToken);
        await twoFactorSecrets.ProtectClearValuesAsync(cancellationToken);

        // Before anything is appended: chain the events an older version wrote without hashes.
        await sealer.SealUnchainedAsync(cancellationToken);

        await using var scope = services.CreateAsyncScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in OperatorRoles.All)
        {
            if (await roles.RoleExistsAsync(role))
                continue;
            try
            {
                await roles.CreateAsync(new IdentityRole(role));
            }
            catch (DbUpdateException)
            {
                // Created meanwhile by another process starting on the same database.
                if (!await roles.RoleExistsAsync(role))
                    throw;
            }
        }

        if (await cas.FindDefaultAsync(cancellationToken) is null)
        {
            try
            {
                var ca = await caAdmin.CreateRootAsync(CertificateAuthorityAdmin.DefaultName, CertificateAuthorityAdmin.DefaultSubject,
                    CaKeyAlgorithm.EcP256, TimeSpan.FromDays(3650), makeDefault: true, actor: "system", cancellationToken);
                logger.LogInformation("Created the default root CA {Subject}", ca.Subject);
            }
            catch (DbUpdateException)
            {
                // Another process starting on the same database may have created it first (unique CA name).
                if (await cas.FindDefaultAsync(cancellationToken) is null)
                    throw;
            }
        }

        if (await profiles.ResolveAsync(label: null, cancellationToken) is null)
        {
            // The plain /.well-known/est/ paths: the default CA and the default policy (RFC 7030 §3.2.2).
            var created = await profileAdmin.AddAsync(ProfileAdmin.DefaultName, label: null, caName: null, CsrPolicy.Default,
                requiresApproval: false, wrapBase64Lines: false, actor: "system", cancellationToken);
            if (!created.Succeeded && await profiles.ResolveAsync(label: null, cancellationToken) is null)
                throw new InvalidOperationException($"The default profile could not be created: {created.Error}");
        }
    }

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await PrepareDatabaseAsync(cancellationToken);

        var defaultCa = await cas.FindDefaultAsync(cancellationToken)
            ?? throw new InvalidOperationException("No default CA exists.");
        tls.LoadOrIssue(cas.GetSigner(defaultCa));

        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<Operator>>();
        if ((await users.GetUsersInRoleAsync(OperatorRoles.Admin)).Count == 0)
        {
            var code = setup.Open();
            // Printed on the console, not only logged, so it is seen whatever the log level; never stored.
            Console.WriteLine();
            Console.WriteLine("=== EstPortal first start: no Admin account exists yet ===");
            Console.WriteLine("Open the portal at /setup and enter this one-time setup code to create the first Admin:");
            Console.WriteLine($"    {code}");
            Console.WriteLine();
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
