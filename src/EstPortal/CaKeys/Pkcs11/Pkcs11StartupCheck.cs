using Microsoft.Extensions.Options;

namespace EstPortal.CaKeys.Pkcs11;

/// <summary>
/// With PKCS#11 configured, logs in to the token before the app serves anything: a wrong PIN, a module that is not
/// PKCS#11 or a missing token stops start-up with a message naming the setting, instead of failing enrollments later.
/// </summary>
internal sealed class Pkcs11StartupCheck(IOptions<Pkcs11Options> options, Pkcs11Token token) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        if (options.Value.IsConfigured)
            token.Check();
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
