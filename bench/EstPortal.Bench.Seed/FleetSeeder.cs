using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Data;
using EstPortal.Data.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EstPortal.Bench.Seed;

/// <summary>
/// Creates the schema with the app's own DbContext and migrations, then bulk-inserts rows with prepared SqliteCommands
/// in one transaction. Secondary indexes are dropped for the load and re-created from their own SQL afterwards
/// (building a B-tree from sorted input is much faster than a million random inserts into it).
/// </summary>
public sealed class FleetSeeder : IAsyncDisposable
{
    private static readonly string[] BulkTables = ["Devices", "DeviceCredentials", "IssuedCertificates", "AuditEvents", "BootstrapTokens"];

    private static readonly string[] RefusalReasons =
    [
        "unknown user name or wrong secret",
        "the bootstrap token was already used",
        "the bootstrap token has expired",
        "device is disabled",
        "CSR signature does not verify",
        "RSA keys must have at least 2048 bits",
        "RFC 7030 §4.2.2: Subject and SAN must match the current certificate",
        "the client certificate is revoked",
    ];

    private readonly ServiceProvider _services;
    private readonly string _connectionString;
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;
    private readonly Random _random = new(7030);

    private FleetSeeder(ServiceProvider services, string connectionString)
    {
        _services = services;
        _connectionString = connectionString;
    }

    public static Task<FleetSeeder> CreateAsync(string databasePath)
    {
        var connectionString = $"Data Source={databasePath};Pooling=False";
        var services = new ServiceCollection();
        // The app's Identity schema (ServiceRegistration sets Version3): without it the model lags the migrations.
        services.Configure<IdentityOptions>(o => o.Stores.SchemaVersion = EstPortalDbContext.IdentitySchemaVersion);
        services.AddDbContextFactory<SqliteEstPortalDbContext>(db => db.UseSqlite(connectionString));
        return Task.FromResult(new FleetSeeder(services.BuildServiceProvider(), connectionString));
    }

    public async Task MigrateAsync()
    {
        var contexts = _services.GetRequiredService<IDbContextFactory<SqliteEstPortalDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        await db.Database.MigrateAsync();
    }

    public async Task SeedAsync(SeedOptions options, TextWriter log)
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync();
        await ExecuteAsync(connection, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-262144; PRAGMA temp_store=MEMORY;");

        var indexes = await DropSecondaryIndexesAsync(connection);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using (var transaction = (SqliteTransaction)await connection.BeginTransactionAsync())
        {
            var (caId, ders) = await InsertBenchCaAsync(connection, transaction);
            var devices = await InsertDevicesAsync(connection, transaction, options.Devices);
            log.WriteLine($"devices + credentials: {devices.Length:N0} in {clock.Elapsed.TotalSeconds:F1} s");
            await InsertCertificatesAsync(connection, transaction, options.Certificates, caId, ders, devices);
            log.WriteLine($"issued certificates: {options.Certificates:N0} in {clock.Elapsed.TotalSeconds:F1} s");
            await InsertAuditEventsAsync(connection, transaction, options.AuditEvents, devices);
            log.WriteLine($"audit events: {options.AuditEvents:N0} in {clock.Elapsed.TotalSeconds:F1} s");
            await InsertTokensAsync(connection, transaction, options.Tokens, devices);
            await transaction.CommitAsync();
        }
        foreach (var sql in indexes)
            await ExecuteAsync(connection, sql);
        log.WriteLine($"indexes rebuilt: {indexes.Count} in {clock.Elapsed.TotalSeconds:F1} s");
        // The app's own setting (FirstRunInitializer); no ANALYZE, so the planner sees what a real deployment has.
        await ExecuteAsync(connection, "PRAGMA journal_mode=WAL;");
    }

    private static async Task<List<string>> DropSecondaryIndexesAsync(SqliteConnection connection)
    {
        var indexes = new List<(string Name, string Sql)>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = $"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({string.Join(", ", BulkTables.Select(t => $"'{t}'"))})";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                indexes.Add((reader.GetString(0), reader.GetString(1)));
        }
        foreach (var (name, _) in indexes)
            await ExecuteAsync(connection, $"DROP INDEX \"{name}\";");
        return indexes.Select(i => i.Sql + ";").ToList();
    }

    /// <summary>
    /// A CA row for the seeded certificates: imported, never default, keyless and retired, so it never signs and the
    /// readiness check (every CA that still issues can sign) passes on the seeded database.
    /// </summary>
    private async Task<(string CaId, byte[][] Ders)> InsertBenchCaAsync(SqliteConnection connection, SqliteTransaction transaction)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=EstPortal Bench CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(_now.AddYears(-4), _now.AddYears(6));

        var ders = new List<byte[]>();
        for (var i = 0; i < 4; i++)
        {
            using AsymmetricAlgorithm key = i == 3 ? RSA.Create(2048) : ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var subject = $"CN=bench-sample-{i}";
            var request = key is RSA rsa
                ? new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
                : new CertificateRequest(subject, (ECDsa)key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | (key is RSA ? X509KeyUsageFlags.KeyEncipherment : 0), true));
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2"), new Oid("1.3.6.1.5.5.7.3.1")], false));
            var san = new SubjectAlternativeNameBuilder();
            san.AddDnsName($"bench-sample-{i}.bench.example");
            request.CertificateExtensions.Add(san.Build());
            var serial = RandomNumberGenerator.GetBytes(16);
            serial[0] &= 0x7F;
            using var leaf = request.Create(ca.SubjectName, X509SignatureGenerator.CreateForECDsa(caKey), _now.AddDays(-10), _now.AddDays(355), serial);
            ders.Add(leaf.RawData);
        }

        var id = Upper(Guid.NewGuid());
        await using var command = Command(connection, transaction, "CertificateAuthorities",
            "Id", "Name", "Subject", "CertificateDer", "ProtectedPrivateKey", "KeyAlgorithm", "Sha256Thumbprint", "NotBefore", "NotAfter",
            "IsDefault", "Imported", "CreatedAt", "RetiredAt");
        Set(command, id, "bench", ca.Subject, ca.RawData, Array.Empty<byte>(), "EC P-256", Convert.ToHexString(SHA256.HashData(ca.RawData)),
            Ticks(ca.NotBefore.ToUniversalTime()), Ticks(ca.NotAfter.ToUniversalTime()), 0, 1, Ticks(_now), Ticks(_now));
        await command.ExecuteNonQueryAsync();
        return (id, ders.ToArray());
    }

    private async Task<(string Id, string Name, string CredentialId)[]> InsertDevicesAsync(SqliteConnection connection, SqliteTransaction transaction, int count)
    {
        var devices = new (string, string, string)[count];
        await using var device = Command(connection, transaction, "Devices", "Id", "Name", "Description", "Disabled", "CreatedAt");
        await using var credential = Command(connection, transaction, "DeviceCredentials", "Id", "DeviceId", "SecretHash", "CreatedAt", "DisabledAt", "LastUsedAt");
        for (var i = 0; i < count; i++)
        {
            var id = Upper(Guid.NewGuid());
            var name = $"dev-{i:D6}";
            var created = _now.AddDays(-1095).AddSeconds(i * (1095d * 86400 / count));
            Set(device, id, name, $"bench device, site {i % 250}, line {i % 17}", i % 100 == 0 ? 1 : 0, Ticks(created));
            await device.ExecuteNonQueryAsync();
            var credentialId = Upper(Guid.NewGuid());
            Set(credential, credentialId, id, RandomNumberGenerator.GetBytes(32), Ticks(created), null, Ticks(_now.AddHours(-_random.Next(1, 24 * 90))));
            await credential.ExecuteNonQueryAsync();
            devices[i] = (id, name, credentialId);
        }
        return devices;
    }

    /// <summary>
    /// Ten per device in turn (each renewal replaces the one before), issued evenly over three years with a one-year
    /// validity: about a third unexpired, ~2.7 % expiring within 30 days, 2 % revoked; 1 in 10 enrolled by token
    /// without a device.
    /// </summary>
    private async Task InsertCertificatesAsync(SqliteConnection connection, SqliteTransaction transaction, int count, string caId,
        byte[][] ders, (string Id, string Name, string CredentialId)[] devices)
    {
        await using var command = Command(connection, transaction, "IssuedCertificates",
            "Id", "SerialNumber", "CertificateAuthorityId", "ProfileId", "DeviceId", "Subject", "SubjectAlternativeNames", "Sha256Thumbprint",
            "PublicKeySha256", "CertificateDer", "NotBefore", "NotAfter", "IssuedAt", "IssuedVia", "ReplacesCertificateId", "RevokedAt",
            "RevokedBy", "RevocationReason");
        var previousOfDevice = new string?[devices.Length];
        var span = TimeSpan.FromDays(1095);
        var serial = new byte[16];
        for (var i = 0; i < count; i++)
        {
            var id = Upper(Guid.NewGuid());
            var issuedAt = _now - span + TimeSpan.FromTicks((long)(span.Ticks * (i / (double)count))) + TimeSpan.FromSeconds(_random.Next(0, 60));
            var notAfter = issuedAt.AddDays(365);
            RandomNumberGenerator.Fill(serial);
            serial[0] &= 0x7F;
            serial[0] |= 0x01;
            var byToken = i % 10 == 9;
            var d = i % devices.Length;
            var device = devices[d];
            var name = byToken ? $"tok-{i:D7}" : device.Name;
            var revoked = i % 50 == 7;
            var revokedAt = revoked ? issuedAt.AddDays(_random.Next(1, 300)) : (DateTimeOffset?)null;
            if (revokedAt > _now)
                revokedAt = _now.AddMinutes(-_random.Next(1, 10_000));
            Set(command, id, Convert.ToHexString(serial), caId, null, byToken ? null : device.Id,
                $"CN={name}-{i / devices.Length:D2}", $"DNS:{name}.bench.example", Convert.ToHexString(RandomNumberGenerator.GetBytes(32)),
                Convert.ToHexString(RandomNumberGenerator.GetBytes(32)), ders[i % ders.Length], Ticks(issuedAt), Ticks(notAfter), Ticks(issuedAt),
                byToken ? $"token:{Guid.NewGuid()}" : $"credential:{device.CredentialId}", byToken ? null : previousOfDevice[d],
                revokedAt is { } at ? Ticks(at) : null, revoked ? "cli" : null, revoked ? (i % 3 == 0 ? 1 : 5) : null);
            await command.ExecuteNonQueryAsync();
            if (!byToken)
                previousOfDevice[d] = id;
        }
    }

    /// <summary>EST attempts (one in ten refused, with a reason) and admin actions over the last year, in time order.</summary>
    private async Task InsertAuditEventsAsync(SqliteConnection connection, SqliteTransaction transaction, int count,
        (string Id, string Name, string CredentialId)[] devices)
    {
        await using var command = Command(connection, transaction, "AuditEvents",
            "Timestamp", "EventType", "Outcome", "Actor", "ClientIp", "Reason", "SerialNumber", "DeviceId", "Details", "CsrSha256", "Sequence", "Hash");
        var span = TimeSpan.FromDays(365);
        for (var i = 0; i < count; i++)
        {
            // Microsecond precision, as the app stores audit times (AuditChain.Normalize).
            var at = _now - span + TimeSpan.FromTicks((long)(span.Ticks * (i / (double)count)));
            at = new DateTimeOffset(at.UtcTicks - at.UtcTicks % 10, TimeSpan.Zero);
            var device = devices[_random.Next(devices.Length)];
            var kind = i % 20;
            var (type, actor) = kind switch
            {
                < 12 => ("est.simplereenroll", $"certificate:{RandomHex(16)}"),
                < 17 => ("est.simpleenroll", $"credential:{device.Name}"),
                17 => ("est.serverkeygen", $"credential:{device.Name}"),
                18 => ("token.issued", "operator:ops@example.com"),
                _ => ("device.credential-issued", "operator:ops@example.com"),
            };
            var failed = type.StartsWith("est.", StringComparison.Ordinal) && _random.Next(10) == 0;
            Set(command, Ticks(at), type, failed ? "Failure" : "Success", actor, $"10.{i % 200}.{i % 250}.{i % 240 + 1}",
                failed ? RefusalReasons[_random.Next(RefusalReasons.Length)] : null, failed || !type.StartsWith("est.", StringComparison.Ordinal) ? null : RandomHex(16),
                device.Id, type.StartsWith("est.", StringComparison.Ordinal) ? $"profile default" : $"device '{device.Name}'",
                type.StartsWith("est.", StringComparison.Ordinal) ? RandomHex(32) : null, i + 1, "");
            await command.ExecuteNonQueryAsync();
        }
    }

    private async Task InsertTokensAsync(SqliteConnection connection, SqliteTransaction transaction, int count, (string Id, string Name, string CredentialId)[] devices)
    {
        await using var command = Command(connection, transaction, "BootstrapTokens",
            "Id", "TokenHash", "DeviceId", "Note", "SubjectPattern", "CreatedBy", "CreatedAt", "ExpiresAt", "UsedAt", "RevokedAt", "UsedForSerial", "UsedFromIp");
        for (var i = 0; i < count; i++)
        {
            var created = _now.AddMinutes(-i * 37);
            var expires = created.AddDays(7);
            var used = i % 4 == 1 ? created.AddHours(2) : (DateTimeOffset?)null;
            var revoked = i % 4 == 3 ? created.AddHours(1) : (DateTimeOffset?)null;
            Set(command, Upper(Guid.NewGuid()), RandomNumberGenerator.GetBytes(32), i % 2 == 0 ? devices[i % devices.Length].Id : null,
                $"bench token {i}", i % 5 == 0 ? "dev-[0-9]{6}" : null, "operator:ops@example.com", Ticks(created), Ticks(expires),
                used is { } u ? Ticks(u) : null, revoked is { } r ? Ticks(r) : null, used is null ? null : RandomHex(16), used is null ? null : "192.0.2.10");
            await command.ExecuteNonQueryAsync();
        }
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string table, params string[] columns)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT INTO \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) VALUES ({string.Join(", ", columns.Select((_, i) => $"$p{i}"))})";
        for (var i = 0; i < columns.Length; i++)
            command.Parameters.Add(new SqliteParameter($"$p{i}", null));
        command.Prepare();
        return command;
    }

    private static void Set(SqliteCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>EF Core's SQLite storage of Guid (upper-case text) and DateTimeOffset (UTC ticks, the app's converter).</summary>
    private static string Upper(Guid id) => id.ToString("D").ToUpperInvariant();

    private static long Ticks(DateTimeOffset value) => value.UtcTicks;

    private static long Ticks(DateTime value) => new DateTimeOffset(value, TimeSpan.Zero).UtcTicks;

    private string RandomHex(int bytes) => Convert.ToHexString(RandomNumberGenerator.GetBytes(bytes));

    public async ValueTask DisposeAsync() => await _services.DisposeAsync();
}
