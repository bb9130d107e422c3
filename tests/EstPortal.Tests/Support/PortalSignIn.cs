using System.Net;
using System.Text.RegularExpressions;

namespace EstPortal.Tests.Support;

/// <summary>Signs in to the portal over plain HTTP(S) the way a browser posts the sign-in form, for tests without a browser.</summary>
public static partial class PortalSignIn
{
    /// <summary>
    /// Posts /Account/Login with its hidden fields (antiforgery token and the form's handler name); the client must
    /// keep cookies and not follow redirects. Throws when the portal does not sign the operator in.
    /// </summary>
    public static async Task SignInAsync(HttpClient client, string email, string password)
    {
        using var response = await PostPasswordAsync(client, email, password);
        if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location?.OriginalString.Contains("Login", StringComparison.Ordinal) == true)
            throw new InvalidOperationException($"sign-in of {email} failed: {(int)response.StatusCode} {response.Headers.Location}");
    }

    /// <summary>Posts the sign-in form and hands back the answer (a redirect: into the portal, or on to the second factor).</summary>
    public static Task<HttpResponseMessage> PostPasswordAsync(HttpClient client, string email, string password) =>
        PostFormAsync(client, "/Account/Login", ("Input.Email", email), ("Input.Password", password));

    /// <summary>
    /// Loads a page with a form, then posts it the way a browser does: the page's hidden fields (antiforgery token,
    /// form handler name, …) plus <paramref name="fields"/>.
    /// </summary>
    public static Task<HttpResponseMessage> PostFormAsync(HttpClient client, string path, params (string Name, string Value)[] fields) =>
        PostFormAsync(client, path, path, fields);

    /// <summary>As above, for a form on <paramref name="pagePath"/> whose action is <paramref name="actionPath"/>.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string pagePath, string actionPath,
        params (string Name, string Value)[] fields)
    {
        var page = await client.GetStringAsync(pagePath);
        var form = new List<KeyValuePair<string, string>>();
        foreach (Match input in HiddenInput().Matches(page))
        {
            var name = Attribute(input.Value, "name");
            // A page with several forms repeats the antiforgery token; a browser posts it once.
            if (name is not null && form.All(f => f.Key != name))
                form.Add(new(name, WebUtility.HtmlDecode(Attribute(input.Value, "value") ?? "")));
        }
        form.AddRange(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));
        return await client.PostAsync(actionPath, new FormUrlEncodedContent(form));
    }

    /// <summary>
    /// An HTTPS client for the portal that keeps cookies and shows redirects instead of following them; every
    /// Set-Cookie header it receives is added to <paramref name="setCookies"/> when given.
    /// </summary>
    public static HttpClient NewClient(EstPortalHost host, List<string>? setCookies = null, CookieContainer? cookies = null) =>
        new(new SetCookieRecorder(setCookies ?? [])
        {
            InnerHandler = NewHandler(host, cookies ?? new CookieContainer()),
        })
    { BaseAddress = new Uri(host.PortalUrl) };

    private static SocketsHttpHandler NewHandler(EstPortalHost host, CookieContainer cookies) => new()
    {
        AllowAutoRedirect = false,
        UseCookies = true,
        CookieContainer = cookies,
        SslOptions = new System.Net.Security.SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null
                && host.ChainsToCa(System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(certificate.GetRawCertData())),
        },
    };

    private sealed class SetCookieRecorder(List<string> setCookies) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (response.Headers.TryGetValues("Set-Cookie", out var values))
                lock (setCookies) setCookies.AddRange(values);
            return response;
        }
    }

    private static string? Attribute(string tag, string name)
    {
        var match = Regex.Match(tag, $@"\b{name}=""([^""]*)""");
        return match.Success ? match.Groups[1].Value : null;
    }

    [GeneratedRegex(@"<input[^>]*type=""hidden""[^>]*>")]
    private static partial Regex HiddenInput();
}
