using System.CommandLine;
using System.CommandLine.Help;
using EstPortal.Hosting.Commands;

namespace EstPortal.Tests.Hosting;

/// <summary>
/// Issue "A CLI for scripts": `--help` of every command lists its flags with their defaults, so a script author
/// never has to read the source to know what leaving a flag out means.
/// </summary>
public sealed class CommandHelpTests
{
    [Fact]
    public void EveryOptionOfEveryCommand_IsDescribed_AndSaysItsDefault_UnlessRequired()
    {
        var undocumented = new AdminCli().AllCommands
            .SelectMany(command => command.Options.Select(option => (Command: CommandPath(command), Option: option)))
            .Where(o => o.Option is not (HelpOption or VersionOption))
            .Where(o => !o.Option.Required && !o.Option.HasDefaultValue) // help prints "[default: …]" for those itself
            .Where(o => o.Option.Description is not { } description || !description.Contains("default", StringComparison.OrdinalIgnoreCase))
            .Select(o => $"{o.Command} {o.Option.Name}: {o.Option.Description ?? "(no description)"}")
            .ToList();

        Assert.True(undocumented.Count == 0, "options whose help does not say their default:\n" + string.Join('\n', undocumented));
    }

    private static string CommandPath(Command command) =>
        string.Join(" ", Ancestors(command).Reverse().Skip(1).Select(c => c.Name));

    private static IEnumerable<Command> Ancestors(Command command)
    {
        for (Command? current = command; current is not null; current = current.Parents.OfType<Command>().FirstOrDefault())
            yield return current;
    }
}
