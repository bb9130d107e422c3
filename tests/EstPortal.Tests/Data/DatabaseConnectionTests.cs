using EstPortal.Data;
using EstPortal.Hosting;
using Microsoft.Extensions.Configuration;

namespace EstPortal.Tests.Data;

/// <summary>How `Database:Provider` and `ConnectionStrings:EstPortal` are read, and the messages a bad setting gets.</summary>
public sealed class DatabaseConnectionTests
{
    private static DatabaseConnection From(params (string Key, string Value)[] settings) => DatabaseConnection.From(
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build(),
        "/var/lib/estportal");

    [Fact]
    public void NothingConfigured_IsSqliteInTheDataDirectory_MigratingAtStartup()
    {
        var database = From();
        Assert.Equal(DatabaseProvider.Sqlite, database.Provider);
        Assert.Equal("Data Source=/var/lib/estportal/estportal.db", database.ConnectionString);
        Assert.True(database.MigrateAtStartup);
    }

    [Fact]
    public void Postgres_DoesNotMigrateAtStartupUnlessAskedTo_AndBoundsItsPool()
    {
        var database = From(("Database:Provider", "Postgres"), ("ConnectionStrings:EstPortal", "Host=db;Database=estportal;Username=est"));
        Assert.Equal(DatabaseProvider.Postgres, database.Provider);
        Assert.False(database.MigrateAtStartup);
        Assert.Contains($"Maximum Pool Size={DatabaseConnection.DefaultPostgresPoolSize}", database.ConnectionString);
        Assert.Contains($"Max Auto Prepare={DatabaseConnection.DefaultPostgresAutoPrepared}", database.ConnectionString);
        Assert.Contains("No Reset On Close=True", database.ConnectionString);

        var migrating = From(("Database:Provider", "postgres"), ("Database:MigrateAtStartup", "true"), ("ConnectionStrings:EstPortal", "Host=db"));
        Assert.True(migrating.MigrateAtStartup);
    }

    [Theory]
    [InlineData("Maximum Pool Size=5")]
    [InlineData("MaxPoolSize=5")]
    public void Postgres_PoolSizeTheOperatorChose_IsKept(string poolSetting)
    {
        var database = From(("Database:Provider", "Postgres"), ("ConnectionStrings:EstPortal", $"Host=db;{poolSetting}"));
        Assert.Contains("Maximum Pool Size=5", database.ConnectionString);
    }

    [Theory]
    [InlineData("Max Auto Prepare=0;No Reset On Close=false", "Max Auto Prepare=0")]
    [InlineData("MaxAutoPrepare=5;NoResetOnClose=false", "Max Auto Prepare=5")]
    public void Postgres_StatementSettingsTheOperatorChose_AreKept(string written, string expectedPrepare)
    {
        var database = From(("Database:Provider", "Postgres"), ("ConnectionStrings:EstPortal", $"Host=db;{written}"));
        Assert.Contains(expectedPrepare, database.ConnectionString);
        Assert.DoesNotContain("No Reset On Close=True", database.ConnectionString);
    }

    [Fact]
    public void Postgres_WithoutAConnectionString_StopsWithAnExample()
    {
        var error = Assert.Throws<InvalidOperationException>(() => From(("Database:Provider", "Postgres")));
        Assert.Contains("ConnectionStrings:EstPortal is not set", error.Message);
    }

    [Fact]
    public void UnknownProvider_StopsNamingTheChoices()
    {
        var error = Assert.Throws<InvalidOperationException>(() => From(("Database:Provider", "Oracle")));
        Assert.Contains("'Oracle'", error.Message);
        Assert.Contains("Sqlite, Postgres", error.Message);
    }
}
