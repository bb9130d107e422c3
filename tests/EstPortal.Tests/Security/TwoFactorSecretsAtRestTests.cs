using System.Net;
using System.Text;
using EstPortal.Admin;
using EstPortal.Components.Account;
using EstPortal.Data.Entities;
using EstPortal.Tests.Support;
using Microsoft.Data.Sqlite;

namespace EstPortal.Tests.Security;

/// <summary>
/// TOTP authenticator keys and recovery codes are encrypted at rest (Data Protection, like CA keys): the database
/// file and its write-ahead log never hold them in clear, also after upgrading a database an older version wrote
/// them to in clear — and operators still sign in with their authenticator and, once per code, a recovery code.
/// </summary>
public sealed class TwoFactorSecretsAtRestTests(EstPortalHost host) : IClassFixture<EstPortalHost>
{
    [Fact]
    public async Task TotpKeyAndRecoveryCodes_AreNotInTheDatabaseFiles_AndStillSignIn()
    {
        var op = await host.AddOperatorAsync("totp-at-rest@example.com", OperatorRoles.Operator);
        using var client = PortalSignIn.NewClient(host);
        await PortalSignIn.SignInAsync(client, op.Email, op.Password);
        var authenticator = await PortalTwoFactor.EnableAsync(client);

        // Still signed in after turning TOTP on (enabling changes the security stamp the cookie carries).
        using (var page = await client.GetAsync("/devices"))
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);

        // First as written (the fresh rows may sit in the write-ahead log), then once checkpointed into the database.
        await AssertNotInClearAsync(host, authenticator);
        await CheckpointAsync(host);
        await AssertNotInClearAsync(host, authenticator);
        Assert.All(await StoredSecretsAsync(host, op.Email), v => Assert.StartsWith(TwoFactorSecretProtector.Prefix, v, StringComparison.Ordinal));

        await AssertSignsInWithAsync(host, op, authenticator);
    }

    [Fact]
    public async Task ClearSecretsFromAnEarlierVersion_AreEncryptedAtStart_AndTheAuthenticatorKeepsWorking()
    {
        NewOperator op;
        Authenticator authenticator;
        string dataDirectory;
        using (var earlier = EstPortalHost.Create())
        {
            earlier.KeepDataDirectory = true;
            await earlier.InitializeAsync();
            dataDirectory = earlier.DataDirectory;
            op = await earlier.AddOperatorAsync("totp-upgrade@example.com", OperatorRoles.Admin);
            using var client = PortalSignIn.NewClient(earlier);
            await PortalSignIn.SignInAsync(client, op.Email, op.Password);
            authenticator = await PortalTwoFactor.EnableAsync(client);
            // What a version before encryption at rest stored: the key and the ';'-joined codes in clear.
            await earlier.ExecuteOutsideAppAsync(
                $"UPDATE \"AspNetUserTokens\" SET \"Value\" = '{authenticator.Key}' WHERE \"Name\" = 'AuthenticatorKey';" +
                $"UPDATE \"AspNetUserTokens\" SET \"Value\" = '{string.Join(';', authenticator.RecoveryCodes)}' WHERE \"Name\" = 'RecoveryCodes';");
            Assert.Contains(authenticator.Key, await StoredSecretsAsync(earlier, op.Email));
        }

        using var upgraded = EstPortalHost.Create(dataDirectory);
        await upgraded.InitializeAsync();

        var stored = await StoredSecretsAsync(upgraded, op.Email);
        Assert.Equal(2, stored.Count);
        Assert.All(stored, v => Assert.StartsWith(TwoFactorSecretProtector.Prefix, v, StringComparison.Ordinal));
        await CheckpointAsync(upgraded);
        await AssertNotInClearAsync(upgraded, authenticator);
        await AssertSignsInWithAsync(upgraded, op, authenticator);
    }

    private static async Task AssertSignsInWithAsync(EstPortalHost host, NewOperator op, Authenticator authenticator)
    {
        using (var totp = PortalSignIn.NewClient(host))
        {
            await PortalTwoFactor.SignInWithTotpAsync(totp, op.Email, op.Password, authenticator.Key);
            using var page = await totp.GetAsync("/devices");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }
        var code = authenticator.RecoveryCodes[0];
        using (var recovery = PortalSignIn.NewClient(host))
        {
            await PortalTwoFactor.SignInWithRecoveryCodeAsync(recovery, op.Email, op.Password, code);
            using var page = await recovery.GetAsync("/devices");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }
        using var again = PortalSignIn.NewClient(host);
        await Assert.ThrowsAsync<InvalidOperationException>(() => PortalTwoFactor.SignInWithRecoveryCodeAsync(again, op.Email, op.Password, code));
    }

    private static async Task AssertNotInClearAsync(EstPortalHost host, Authenticator authenticator)
    {
        var secrets = new Dictionary<string, string> { ["authenticator key"] = authenticator.Key, ["otpauth URI"] = authenticator.OtpAuthUri };
        foreach (var (code, i) in authenticator.RecoveryCodes.Select((c, i) => (c, i)))
            secrets[$"recovery code {i + 1}"] = code;
        var files = Directory.GetFiles(host.DataDirectory, "estportal.db*");
        Assert.Contains(files, f => f.EndsWith("estportal.db", StringComparison.Ordinal));
        foreach (var file in files)
        {
            var bytes = await File.ReadAllBytesAsync(file);
            foreach (var (what, secret) in secrets)
                Assert.True(bytes.AsSpan().IndexOf(Encoding.ASCII.GetBytes(secret)) < 0, $"{what} found in clear in {Path.GetFileName(file)}");
        }
    }

    private static async Task<List<string>> StoredSecretsAsync(EstPortalHost host, string email)
    {
        await using var connection = new SqliteConnection($"Data Source={host.DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT t.\"Value\" FROM \"AspNetUserTokens\" t JOIN \"AspNetUsers\" u ON u.\"Id\" = t.\"UserId\" " +
                              "WHERE u.\"Email\" = $email AND t.\"LoginProvider\" = '[AspNetUserStore]' ORDER BY t.\"Name\"";
        command.Parameters.AddWithValue("$email", email);
        var values = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            values.Add(reader.GetString(0));
        return values;
    }

    private static Task CheckpointAsync(EstPortalHost host) => host.ExecuteOutsideAppAsync("PRAGMA wal_checkpoint(FULL);");
}
