using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using EstPortal.Admin;
using EstPortal.Policy;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EstPortal.Api;

public sealed record CreateDeviceRequest(string? Name, string? Description = null, IReadOnlyList<string>? SanPatterns = null);

public sealed record DeviceSecretResponse(string Name, string Secret);

public sealed record DeviceItem(string Name, string? Description, bool Disabled, DateTimeOffset CreatedAt, int CertificateCount);

public sealed record DeviceResponse(string Name, string? Description, bool Disabled, DateTimeOffset CreatedAt, IReadOnlyList<string> SanPatterns,
    int CertificateCount, DateTimeOffset? LastCredentialUseAt);

public sealed record DisableDeviceRequest(bool RevokeCertificates = false);

public sealed record DisableDeviceResponse(string Name, bool Disabled, int RevokedCertificates);

/// <summary>/api/v1/devices: the portal's Devices page for machines, through <see cref="DeviceAdmin"/>.</summary>
public static class DevicesApi
{
    private const string List = "devices";

    public static void Map(RouteGroupBuilder api)
    {
        var devices = api.MapGroup("/devices").WithTags("Devices");
        devices.MapPost("/", CreateAsync).RequireAuthorization(ApiPolicies.Manage)
            .Accepts<CreateDeviceRequest>("application/json")
            .Produces<DeviceSecretResponse>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        devices.MapGet("/", ListAsync).RequireAuthorization(ApiPolicies.Read);
        devices.MapGet("/{name}", GetAsync).RequireAuthorization(ApiPolicies.Read);
        devices.MapPost("/{name}/disable", DisableAsync).RequireAuthorization(ApiPolicies.Manage)
            .Accepts<DisableDeviceRequest>("application/json").ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        devices.MapPost("/{name}/rotate-credential", RotateAsync).RequireAuthorization(ApiPolicies.Manage);
    }

    /// <summary>201 with the secret (shown once); with an Idempotency-Key, a retry gets the same answer.</summary>
    private static async Task<IResult> CreateAsync(HttpRequest request, ClaimsPrincipal user, ApiJson json, DeviceAdmin devices,
        DeviceCreationReplay replay, CancellationToken cancellationToken)
    {
        var (body, problem) = await json.ReadAsync<CreateDeviceRequest>(request);
        if (problem is not null)
            return problem;
        async Task<(int, object)> Create()
        {
            if (DeviceAdmin.ValidateName(body!.Name) is { } nameError)
                return (StatusCodes.Status400BadRequest, nameError);
            var result = await devices.AddAsync(body.Name!, body.Description, body.SanPatterns ?? [], ApiCallFilter.ActorOf(user), cancellationToken);
            if (!result.Succeeded)
                return (result.Failure == AdminFailure.Conflict ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest, result.Error!);
            return (StatusCodes.Status201Created, new DeviceSecretResponse(result.Value!.Name, result.Value.Secret));
        }

        var idempotencyKey = request.Headers["Idempotency-Key"].ToString();
        (int Status, object Body) answer;
        if (idempotencyKey.Length == 0)
            answer = await Create();
        else
        {
            if (idempotencyKey.Length > 255)
                return ApiProblems.BadRequest("An Idempotency-Key has at most 255 characters.");
            var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(body))));
            var (kept, replayed) = await replay.OnceAsync(ApiCallFilter.ActorOf(user), idempotencyKey, hash, Create, cancellationToken);
            if (replayed && kept.RequestHash != hash)
                return ApiProblems.Problem(StatusCodes.Status422UnprocessableEntity,
                    "This Idempotency-Key was used for another request body; use a new key for a new device.", "Idempotency-Key reused");
            answer = (kept.Status, kept.Body);
        }
        return answer.Body is DeviceSecretResponse created
            ? TypedResults.Created($"/api/v1/devices/{Uri.EscapeDataString(created.Name)}", created)
            : answer.Status == StatusCodes.Status409Conflict
                ? ApiProblems.Conflict((string)answer.Body)
                : ApiProblems.BadRequest((string)answer.Body);
    }

    /// <summary>Devices by name; search matches name or description.</summary>
    private static async Task<Results<Ok<ApiPage<DeviceItem>>, ProblemHttpResult>> ListAsync(string? search, string? cursor, string? limit,
        KeysetPages pages, CancellationToken cancellationToken)
    {
        if (!ApiCursor.TryLimit(limit, out var take))
            return ApiProblems.BadRequest(ApiCursor.BadLimit);
        if (!ApiCursor.TryDecode(List, cursor, out string? after))
            return ApiProblems.BadRequest(ApiCursor.BadCursor);
        var page = await pages.DevicesAsync(search, after, take, cancellationToken);
        return TypedResults.Ok(new ApiPage<DeviceItem>(
            page.Items.Select(d => new DeviceItem(d.Name, d.Description, d.Disabled, d.CreatedAt, d.CertificateCount)).ToList(),
            page.Next is null ? null : ApiCursor.Encode(List, page.Next)));
    }

    private static async Task<Results<Ok<DeviceResponse>, ProblemHttpResult>> GetAsync(string name, DeviceAdmin devices, CancellationToken cancellationToken)
    {
        var device = await devices.FindAsync(name, cancellationToken);
        if (device is null)
            return NoSuchDevice(name);
        var certificates = await devices.CertificatesOfAsync(device.Id, cancellationToken);
        var credentials = await devices.CredentialsOfAsync(device.Id, cancellationToken);
        return TypedResults.Ok(new DeviceResponse(device.Name, device.Description, device.Disabled, device.CreatedAt,
            DeviceSubjectAltNamePatterns.Parse(device.SubjectAltNamePatterns).Select(p => p.ToString()).ToList(),
            certificates.Count, credentials.Max(c => c.LastUsedAt)));
    }

    /// <summary>Disables the device (every EST credential of it stops at once); optionally revokes its certificates.</summary>
    private static async Task<Results<Ok<DisableDeviceResponse>, ProblemHttpResult>> DisableAsync(string name, HttpRequest request, ClaimsPrincipal user,
        ApiJson json, DeviceAdmin devices, CancellationToken cancellationToken)
    {
        var (body, problem) = await json.ReadAsync(request, new DisableDeviceRequest());
        if (problem is not null)
            return problem;
        var device = await devices.FindAsync(name, cancellationToken);
        if (device is null)
            return NoSuchDevice(name);
        var result = await devices.SetDisabledAsync(device.Id, true, body!.RevokeCertificates, ApiCallFilter.ActorOf(user), cancellationToken);
        return result.Succeeded
            ? TypedResults.Ok(new DisableDeviceResponse(device.Name, true, result.Value))
            : ApiProblems.BadRequest(result.Error!);
    }

    /// <summary>A new credential secret (shown once); the device's other credentials stop working.</summary>
    private static async Task<Results<Ok<DeviceSecretResponse>, ProblemHttpResult>> RotateAsync(string name, ClaimsPrincipal user, DeviceAdmin devices,
        CancellationToken cancellationToken)
    {
        var device = await devices.FindAsync(name, cancellationToken);
        if (device is null)
            return NoSuchDevice(name);
        var result = await devices.RotateCredentialAsync(device.Id, ApiCallFilter.ActorOf(user), cancellationToken);
        return result.Succeeded
            ? TypedResults.Ok(new DeviceSecretResponse(result.Value!.Name, result.Value.Secret))
            : ApiProblems.BadRequest(result.Error!);
    }

    private static ProblemHttpResult NoSuchDevice(string name) =>
        ApiProblems.NotFound($"No device is named '{name}'. GET /api/v1/devices?search=… lists the devices.");
}
