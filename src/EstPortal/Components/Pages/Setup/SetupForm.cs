using System.ComponentModel.DataAnnotations;

namespace EstPortal.Components.Pages.Setup;

public sealed class SetupForm
{
    public const int MinPasswordLength = 12;

    [Required(ErrorMessage = "Enter the setup code printed on the server console.")]
    public string Code { get; set; } = "";

    [Required(ErrorMessage = "Enter the Admin's e-mail address.")]
    [EmailAddress(ErrorMessage = "Enter a valid e-mail address.")]
    public string Email { get; set; } = "";

    [Required(ErrorMessage = "Choose a password.")]
    [StringLength(256, MinimumLength = MinPasswordLength, ErrorMessage = "The password needs at least {2} characters.")]
    [DataType(DataType.Password)]
    public string Password { get; set; } = "";

    [DataType(DataType.Password)]
    [Compare(nameof(Password), ErrorMessage = "The passwords do not match.")]
    public string ConfirmPassword { get; set; } = "";
}
