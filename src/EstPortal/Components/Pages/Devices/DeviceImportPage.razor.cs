using System.Diagnostics;
using EstPortal.Admin;
using EstPortal.Components.Authorization;
using EstPortal.Components.OneTime;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Forms;
using MudBlazor;

namespace EstPortal.Components.Pages.Devices;

/// <summary>
/// The portal's side of bulk onboarding (ADR 0024, ADR 0027): the same <see cref="DeviceImport"/> as <c>device import</c>
/// checks the whole file, then creates the devices in batches with a progress bar, and the credentials are offered once.
/// </summary>
public sealed partial class DeviceImportPage : IDisposable
{
    /// <summary>8 MiB: 100,000 lines (the import's limit) of ~80 bytes; a Blazor upload of that size still takes seconds.</summary>
    public const long MaxFileBytes = 8 * 1024 * 1024;

    private const int MaxProblemsShown = 1_000;

    private string _fileName = "";
    private IReadOnlyList<ImportProblem> _problems = [];
    private IReadOnlyList<DeviceImportLine>? _devices;
    private bool _checking;
    private bool _running;
    private int _done;
    private DeviceImportOutcome? _outcome;
    private TimeSpan? _elapsed;
    private string? _credentialsId;
    private string? _remainderId;

    [Inject] private DeviceImport Import { get; set; } = default!;
    [Inject] private OneTimeDownloads Downloads { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private async Task ReadFileAsync(InputFileChangeEventArgs e)
    {
        if (e.File.Size > MaxFileBytes)
        {
            _fileName = e.File.Name;
            _devices = null;
            _problems = [new ImportProblem(0, $"The file has {e.File.Size / 1024.0 / 1024.0:0.0} MB; one import takes at most {MaxFileBytes / (1024 * 1024)} MB. Split it.")];
            return;
        }
        _checking = true;
        try
        {
            // The upload is read whole first: the CSV reader reads synchronously, which a browser file stream does not allow.
            using var reader = new StreamReader(e.File.OpenReadStream(MaxFileBytes));
            await CheckAsync(new StringReader(await reader.ReadToEndAsync()), e.File.Name);
        }
        finally
        {
            _checking = false;
        }
    }

    /// <summary>Checks every line (nothing is created); the problems by line, or the devices ready to create.</summary>
    internal async Task CheckAsync(TextReader csv, string fileName)
    {
        if (!PortalRoles.CanManage((await AuthenticationState).User))
        {
            Snackbar.Add(PortalRoles.ReadOnlyMessage, Severity.Error);
            return;
        }
        _fileName = fileName;
        var plan = await Import.PlanAsync(csv);
        _problems = plan.Problems;
        _devices = plan.IsValid && plan.Devices.Count > 0 ? plan.Devices : null;
        if (plan.IsValid && plan.Devices.Count == 0)
            _problems = [new ImportProblem(0, "The file has a header but no devices.")];
    }

    /// <summary>Creates the checked devices in batches; a failed batch leaves a remainder to import again, never a duplicate (ADR 0024).</summary>
    internal async Task CreateAsync()
    {
        var user = (await AuthenticationState).User;
        if (!PortalRoles.CanManage(user))
        {
            Snackbar.Add(PortalRoles.ReadOnlyMessage, Severity.Error);
            return;
        }
        if (_devices is not { } devices || _running || _outcome is not null)
            return;
        _running = true;
        var actor = PortalRoles.ActorOf(user);
        var progress = new Progress<int>(done =>
        {
            _done = done;
            StateHasChanged();
        });
        var started = Stopwatch.StartNew();
        try
        {
            // Off the circuit's context, so the progress bar renders between batches.
            _outcome = await Task.Run(() => Import.ImportAsync(devices, actor, progress));
        }
        finally
        {
            _running = false;
        }
        _elapsed = started.Elapsed;
        if (_outcome.Created.Count > 0)
            _credentialsId = Downloads.Offer(actor, OneTimeFile.Text("device-credentials.csv", "text/csv; charset=utf-8; header=present",
                DeviceImport.CredentialsCsv(_outcome.Created)));
        if (_outcome.Remaining.Count > 0)
            _remainderId = Downloads.Offer(actor, OneTimeFile.Text("devices.remaining.csv", "text/csv; charset=utf-8; header=present",
                DeviceImport.RemainderCsv(_outcome.Remaining)));
        Snackbar.Add($"{_outcome.Created.Count:N0} devices created.", _outcome.Error is null ? Severity.Success : Severity.Warning);
    }

    public void Dispose() => Downloads.Discard(new[] { _credentialsId, _remainderId }.OfType<string>());
}
