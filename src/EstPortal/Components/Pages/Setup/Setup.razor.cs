using EstPortal.Admin;
using EstPortal.Components.Account;
using EstPortal.Data.Entities;
using EstPortal.Hosting;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.AspNetCore.Identity;

namespace EstPortal.Components.Pages.Setup;

/// <summary>
/// Creates the first Admin with the one-time code <see cref="FirstAdminSetup"/> printed at start-up. Renders
/// statically: it runs before anyone can sign in, and it must never become a way to add Admins later.
/// </summary>
public partial class Setup
{
    private EditContext _editContext = default!;
    private ValidationMessageStore _messages = default!;
    private bool _complete;
    private string? _error;

    [Inject] private FirstAdminSetup FirstAdmin { get; set; } = default!;
    [Inject] private OperatorAdmin Operators { get; set; } = default!;
    [Inject] private UserManager<Operator> Users { get; set; } = default!;
    [Inject] private IdentityRedirectManager Redirect { get; set; } = default!;
    [Inject] private ILogger<Setup> Logger { get; set; } = default!;

    [CascadingParameter] private HttpContext HttpContext { get; set; } = default!;

    // Null until the framework binds a posted form; OnInitialized supplies an empty one for GET.
    [SupplyParameterFromForm(FormName = "setup")]
    private SetupForm Input { get; set; } = default!;

    protected override void OnInitialized()
    {
        Input ??= new SetupForm();
        _editContext = new EditContext(Input);
        _messages = new ValidationMessageStore(_editContext);
        _complete = !FirstAdmin.IsOpen;
    }

    private async Task CreateAdminAsync()
    {
        if (_complete)
            return;
        var input = Input;
        var email = input.Email.Trim();

        // Everything that could still refuse the account is checked before the code is spent.
        if (await Users.FindByEmailAsync(email) is not null)
        {
            Refuse(() => input.Email, "An operator with this e-mail already exists.");
            return;
        }
        if (await PasswordProblemAsync(email, input.Password) is { } passwordProblem)
        {
            Refuse(() => input.Password, passwordProblem);
            return;
        }
        if (!FirstAdmin.TryRedeem(input.Code))
        {
            Refuse(() => input.Code, "This setup code is not valid. Use the code the server printed at its latest start.");
            return;
        }

        var result = await Operators.AddAsync(email, OperatorRoles.Admin, input.Password, "setup");
        if (!result.Succeeded)
        {
            ReopenAfterFailure(result.Error);
            return;
        }
        Redirect.RedirectToWithStatus("Account/Login", $"The Admin account {email} was created. Sign in with it.", HttpContext);
    }

    private void Refuse(System.Linq.Expressions.Expression<Func<object>> field, string message)
    {
        _messages.Add(field, message);
        _editContext.NotifyValidationStateChanged();
    }

    private async Task<string?> PasswordProblemAsync(string email, string password)
    {
        var probe = new Operator { UserName = email, Email = email };
        foreach (var validator in Users.PasswordValidators)
        {
            var outcome = await validator.ValidateAsync(Users, probe, password);
            if (!outcome.Succeeded)
                return string.Join(" ", outcome.Errors.Select(e => e.Description));
        }
        return null;
    }

    /// <summary>The code was spent but no Admin exists: a new code goes to the console, as at start-up.</summary>
    private void ReopenAfterFailure(string? reason)
    {
        Logger.LogError("Creating the first Admin failed after the setup code was accepted: {Reason}", reason);
        var code = FirstAdmin.Open();
        Console.WriteLine();
        Console.WriteLine("=== EstPortal: creating the first Admin failed; use this new one-time setup code at /setup ===");
        Console.WriteLine($"    {code}");
        Console.WriteLine();
        _error = $"The account could not be created ({reason}). A new setup code was printed on the server console.";
    }
}
