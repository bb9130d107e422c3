using System.Globalization;

namespace EstPortal.Bench.Seed;

public sealed record SeedOptions(string DataDirectory, int Devices, int Certificates, int AuditEvents, int Tokens, bool Force)
{
    public static SeedOptions Parse(string[] args)
    {
        var options = new SeedOptions(args[0], 100_000, 1_000_000, 200_000, 2_000, false);
        for (var i = 1; i < args.Length; i++)
        {
            options = args[i] switch
            {
                "--devices" => options with { Devices = Number(args, ++i) },
                "--certificates" => options with { Certificates = Number(args, ++i) },
                "--audit-events" => options with { AuditEvents = Number(args, ++i) },
                "--tokens" => options with { Tokens = Number(args, ++i) },
                "--force" => options with { Force = true },
                _ => throw new ArgumentException($"unknown option '{args[i]}'"),
            };
        }
        return options;
    }

    private static int Number(string[] args, int i) =>
        i < args.Length ? int.Parse(args[i], NumberStyles.None, CultureInfo.InvariantCulture) : throw new ArgumentException($"{args[i - 1]} needs a number");
}
