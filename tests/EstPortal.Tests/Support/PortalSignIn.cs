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
        var page = await client.GetStringAsync("/Account/Login");
        var form = new List<KeyValuePair<string, string>>();
        foreach (Match input in HiddenInput().Matches(page))
        {
            var name = Attribute(input.Value, "name");
            if (name is not null)
                form.Add(new(name, WebUtility.HtmlDecode(Attribute(input.Value, "value") ?? "")));
        }
        form.Add(new("Input.Email", email));
        form.Add(new("Input.Password", password));
        using var response = await client.PostAsync("/Account/Login", new FormUrlEncodedContent(form));
        if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location?.OriginalString.Contains("Login", StringComparison.Ordinal) == true)
            throw new InvalidOperationException($"sign-in of {email} failed: {(int)response.StatusCode} {response.Headers.Location}");
    }

    private static string? Attribute(string tag, string name)
    {
        var match = Regex.Match(tag, $@"\b{name}=""([^""]*)""");
        return match.Success ? match.Groups[1].Value : null;
    }

    [GeneratedRegex(@"<input[^>]*type=""hidden""[^>]*>")]
    private static partial Regex HiddenInput();
}
