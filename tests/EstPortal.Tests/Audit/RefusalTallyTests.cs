using EstPortal.Audit;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace EstPortal.Tests.Audit;

public sealed class RefusalTallyTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 10, TimeSpan.Zero));

    private RefusalTally Create() => new(_time, Options.Create(new RefusalSummaryOptions()));

    [Fact]
    public void OneSummaryPerAddressAndMinute_ReadableByAnOperator_OnlyOnceTheMinuteIsOver()
    {
        var tally = Create();
        for (var i = 0; i < 998; i++)
            tally.Count("127.0.0.2", "wrong password or unknown token for 'ap1'", "ap1");
        tally.Count("127.0.0.2", "no credentials");
        tally.Count("127.0.0.2", "no credentials");
        tally.Count("127.0.0.3", "no credentials");

        Assert.Empty(tally.Take());
        _time.Advance(TimeSpan.FromMinutes(1));
        var summaries = tally.Take();

        Assert.Equal(2, summaries.Count);
        var flood = summaries.Single(s => s.ClientAddress == "127.0.0.2");
        Assert.Equal(1000, flood.Count);
        Assert.Equal("1,000 refused: 998 × wrong password or unknown token for 'ap1', 2 × no credentials", flood.Reason);
        Assert.Equal("from 2026-12-01 12:00:00 to 12:01:00 UTC; user names tried: 'ap1'", flood.Details);
        Assert.Empty(tally.Take(everything: true));
    }

    [Fact]
    public void ReasonsNamesAndAddresses_AreBounded()
    {
        var tally = Create();
        for (var i = 0; i < 50; i++)
            tally.Count("127.0.0.2", $"client certificate {i} not issued here", "name-" + i);
        for (var i = 0; i < RefusalTally.MaxAddresses + 100; i++)
            tally.Count($"10.0.{i / 256}.{i % 256}", "no credentials");

        var summaries = tally.Take(everything: true);

        var flood = summaries.Single(s => s.ClientAddress == "127.0.0.2");
        Assert.Contains($"{50 - RefusalTally.MaxReasons} × other reasons", flood.Reason);
        Assert.EndsWith("and others", flood.Details);
        Assert.Equal(RefusalTally.MaxAddresses + 1, summaries.Count);
        Assert.Equal(101, summaries.Single(s => s.ClientAddress == RefusalTally.OtherAddresses).Count);
    }
}
