using EstPortal.DeviceAuth;
using EstPortal.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace EstPortal.Tests.DeviceAuth;

public sealed class FailedAuthenticationThrottleTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));

    private FailedAuthenticationThrottle Create(int perMinute = 3) =>
        new(Options.Create(new EstPortalOptions { RateLimiting = new RateLimitingOptions { FailedAuthenticationsPerMinute = perMinute } }), _time);

    [Fact]
    public void AfterTheAllowedFailures_ThePairWaitsUntilTheMinuteIsOver_OtherPairsDoNot()
    {
        var throttle = Create(perMinute: 3);
        for (var i = 0; i < 3; i++)
        {
            Assert.Null(throttle.RetryAfterSeconds("127.0.0.2", "ap1"));
            throttle.RecordFailure("127.0.0.2", "ap1");
        }

        _time.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(40, throttle.RetryAfterSeconds("127.0.0.2", "ap1"));
        Assert.Null(throttle.RetryAfterSeconds("127.0.0.1", "ap1"));
        Assert.Null(throttle.RetryAfterSeconds("127.0.0.2", "ap2"));

        _time.Advance(TimeSpan.FromSeconds(40));
        Assert.Null(throttle.RetryAfterSeconds("127.0.0.2", "ap1"));
    }

    [Fact]
    public void AFloodOfMadeUpNames_DoesNotGrowTheTableBeyondItsBound()
    {
        var throttle = Create();
        for (var i = 0; i < FailedAuthenticationThrottle.MaxTracked + 5_000; i++)
            throttle.RecordFailure("127.0.0.2", "name-" + i);

        Assert.InRange(throttle.Tracked, 1, FailedAuthenticationThrottle.MaxTracked);
    }
}
