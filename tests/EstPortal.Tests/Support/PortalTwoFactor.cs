using System.Net;
using System.Text.RegularExpressions;

namespace EstPortal.Tests.Support;

/// <summary>An operator's TOTP authenticator as the portal handed it out: the key (base32) and the recovery codes.</summary>
public sealed record Authenticator(string Key, string OtpAuthUri, IReadOnlyList<string> RecoveryCodes);

/// <summary>Turns on TOTP and signs in with it over HTTPS, as an operator with an authenticator app would (no browser).</summary>
public static partial class PortalTwoFactor
{
    public const string SetupPath = "/Account/Manage/EnableAuthenticator";

    /// <summary>
    /// On a signed-in client (<see cref="PortalSignIn.NewClient"/>): reads the key from the setup page's QR code data,
    /// confirms it with a code computed from it, and returns the recovery codes the portal then shows once.
    /// </summary>
    public static async Task<Authenticator> EnableAsync(HttpClient client)
    {
        var page = await client.GetStringAsync(SetupPath);
        var uri = WebUtility.HtmlDecode(OtpAuthAttribute().Match(page) is { Success: true } m ? m.Groups[1].Value
            : throw new InvalidOperationException("the setup page shows no QR code data"));
        var key = Secret().Match(uri).Groups[1].Value;
        using var response = await PortalSignIn.PostFormAsync(client, SetupPath, ("Input.Code", await Totp.CurrentCodeAsync(key)));
        var body = await response.Content.ReadAsStringAsync();
        var codes = RecoveryCode().Matches(body).Select(c => c.Groups[1].Value).ToList();
        if (codes.Count == 0)
            throw new InvalidOperationException($"enabling TOTP showed no recovery codes: {(int)response.StatusCode} {response.Headers.Location}");
        return new Authenticator(key, uri, codes);
    }

    /// <summary>Password, then the second step; returns every answer on the way (for their cookies). Throws when not signed in.</summary>
    public static async Task<List<HttpResponseMessage>> SignInAsync(HttpClient client, string email, string password,
        string secondStepPath, params (string Name, string Value)[] secondStepFields)
    {
        var password1 = await PortalSignIn.PostPasswordAsync(client, email, password);
        var secondStep = password1.Headers.Location?.OriginalString ?? "";
        if (!secondStep.Contains("/Account/LoginWith2fa", StringComparison.Ordinal))
            throw new InvalidOperationException($"the password step did not ask for a second factor: {(int)password1.StatusCode} {secondStep}");
        secondStep = secondStep.Replace("LoginWith2fa", secondStepPath, StringComparison.Ordinal);
        var second = await PortalSignIn.PostFormAsync(client, secondStep, secondStepFields);
        var location = second.Headers.Location?.OriginalString ?? "";
        if (second.StatusCode != HttpStatusCode.Redirect || location.Contains("/Account/", StringComparison.Ordinal))
            throw new InvalidOperationException($"the second step did not sign in: {(int)second.StatusCode} {location}");
        return [password1, second];
    }

    public static async Task<List<HttpResponseMessage>> SignInWithTotpAsync(HttpClient client, string email, string password, string key,
        bool rememberMachine = false) =>
        await SignInAsync(client, email, password, "LoginWith2fa",
            [("Input.TwoFactorCode", await Totp.CurrentCodeAsync(key)), .. rememberMachine ? [("Input.RememberMachine", "true")] : Array.Empty<(string, string)>()]);

    public static Task<List<HttpResponseMessage>> SignInWithRecoveryCodeAsync(HttpClient client, string email, string password, string code) =>
        SignInAsync(client, email, password, "LoginWithRecoveryCode", ("Input.RecoveryCode", code));

    [GeneratedRegex(@"data-otpauth=""([^""]+)""")]
    private static partial Regex OtpAuthAttribute();

    [GeneratedRegex(@"[?&]secret=([A-Z2-7]+)")]
    private static partial Regex Secret();

    [GeneratedRegex(@"<code class=""recovery-code"">([^<]+)</code>")]
    private static partial Regex RecoveryCode();
}
