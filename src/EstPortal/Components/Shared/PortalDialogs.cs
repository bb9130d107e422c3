using MudBlazor;

namespace EstPortal.Components.Shared;

public static class PortalDialogs
{
    /// <summary>
    /// Dialogs that end by showing a secret once must not vanish on a stray click or Escape before it is copied.
    /// </summary>
    public static DialogOptions Options { get; } = new()
    {
        MaxWidth = MaxWidth.Small,
        FullWidth = true,
        BackdropClick = false,
        CloseOnEscapeKey = false,
        CloseButton = false,
    };

    /// <summary>The same, with room for command lines.</summary>
    public static DialogOptions Wide { get; } = Options with { MaxWidth = MaxWidth.Medium };
}
