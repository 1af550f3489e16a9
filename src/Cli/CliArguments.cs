using System.Globalization;

namespace KernelGan.Cli;

/// <summary>A usage mistake (unknown option, bad value); printed as one line with exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>One option a command accepts: --name VALUE (or a bare --flag), its default and help.</summary>
public sealed record OptionSpec(string Name, string Help, string? Default = null, bool IsFlag = false, string ValueName = "VALUE");

/// <summary>
/// The parsed options of one command. Options are --name value pairs or bare --flags; values are
/// checked and converted on access, and errors name the option and the bad value.
/// </summary>
public sealed class CliArguments
{
    private readonly Dictionary<string, string?> _values;
    private readonly HashSet<string> _given;
    private readonly string _command;

    private CliArguments(string command, Dictionary<string, string?> values, HashSet<string> given)
    {
        _command = command;
        _values = values;
        _given = given;
    }

    public static CliArguments Parse(string command, IReadOnlyList<OptionSpec> specs, string[] args)
    {
        var known = specs.ToDictionary(s => s.Name);
        var values = new Dictionary<string, string?>();
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (!arg.StartsWith("--"))
                throw new UsageException($"{command}: unexpected argument '{arg}' (options start with --; see 'kernelgan {command} --help')");
            string name = arg[2..];
            string? inline = null;
            int eq = name.IndexOf('=');
            if (eq >= 0) { inline = name[(eq + 1)..]; name = name[..eq]; }
            if (!known.TryGetValue(name, out var spec))
                throw new UsageException($"{command}: unknown option --{name} (see 'kernelgan {command} --help')");
            if (spec.IsFlag)
            {
                values[name] = inline ?? "true";
                continue;
            }
            string? value = inline ?? (i + 1 < args.Length ? args[++i] : null);
            if (value is null || (inline is null && value.StartsWith("--")))
                throw new UsageException($"{command}: option --{name} needs a value ({spec.ValueName})");
            values[name] = value;
        }
        var given = values.Keys.ToHashSet();
        foreach (var spec in specs)
            if (!values.ContainsKey(spec.Name) && spec.Default is not null) values[spec.Name] = spec.Default;
        return new CliArguments(command, values, given);
    }

    /// <summary>Whether the user typed --name (rather than it having a default).</summary>
    public bool Given(string name) => _given.Contains(name);

    /// <summary>
    /// For --resume: a resumed run keeps the settings saved in its config.json, so any option
    /// outside <paramref name="changeable"/> is refused rather than silently ignored.
    /// </summary>
    public void RejectAllBut(string context, params string[] changeable)
    {
        if (_given.FirstOrDefault(n => !changeable.Contains(n)) is { } option)
            throw new UsageException($"{_command}: --{option} cannot change {context}; the run keeps the settings in its config.json " +
                                     $"(what may be given: {string.Join(" ", changeable.Select(c => "--" + c))})");
    }

    public bool Has(string name) => _values.TryGetValue(name, out var v) && v is not null;

    public string? String(string name) => _values.GetValueOrDefault(name);

    public string Required(string name) =>
        String(name) ?? throw new UsageException($"{_command}: option --{name} is required");

    public bool Flag(string name) => String(name) is "true" or "1" or "yes";

    public int Int(string name, int min = int.MinValue, int max = int.MaxValue)
    {
        string raw = Required(name);
        if (!int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v))
            throw new UsageException($"{_command}: --{name} expects a whole number, got '{raw}'");
        if (v < min || v > max)
            throw new UsageException($"{_command}: --{name} must be between {min} and {max}, got {v}");
        return v;
    }

    public double Double(string name, double min = double.NegativeInfinity, double max = double.PositiveInfinity)
    {
        string raw = Required(name);
        if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
            throw new UsageException($"{_command}: --{name} expects a number, got '{raw}'");
        if (v < min || v > max)
            throw new UsageException($"{_command}: --{name} must be between {min} and {max}, got {v}");
        return v;
    }

    /// <summary>The option's value, or <paramref name="fallback"/> when it was not given (defaults that depend on other options).</summary>
    public int IntOr(string name, int fallback, int min = int.MinValue, int max = int.MaxValue) =>
        Has(name) ? Int(name, min, max) : fallback;

    public double DoubleOr(string name, double fallback, double min = double.NegativeInfinity, double max = double.PositiveInfinity) =>
        Has(name) ? Double(name, min, max) : fallback;

    public T Choice<T>(string name, params (string Text, T Value)[] choices)
    {
        string raw = Required(name);
        foreach (var (text, value) in choices)
            if (string.Equals(text, raw, StringComparison.OrdinalIgnoreCase)) return value;
        throw new UsageException($"{_command}: --{name} must be one of {string.Join("|", choices.Select(c => c.Text))}, got '{raw}'");
    }
}
