using System.Collections.Concurrent;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace KernelGan.Tests;

/// <summary>
/// Runs this assembly's tests in-process, through xunit's own discovery and execution (fixtures,
/// theories, collections as `dotnet test` runs them), for a build `dotnet test` cannot host: CI's
/// linux-arm64 build under qemu-user, which is how the NEON path of the CPU kernels runs (.ci/run).
/// <c>KernelGan.Tests --filter "FullyQualifiedName~A|FullyQualifiedName~B"</c> runs the tests whose
/// Namespace.Class.Method contains A or B (the part of `dotnet test`'s filter syntax CI uses).
/// With --verbose each test's name is printed as it starts (what was running when a process dies);
/// with --list the selected tests are printed, not run.
/// Exit code 0 when every selected test passed; 1 when one failed, a fixture or cleanup failed, or
/// none was selected; 2 on bad arguments.
/// </summary>
public static class InProcessRunner
{
    private const string FilterPrefix = "FullyQualifiedName~";

    public static int Main(string[] args)
    {
        bool verbose = args.Contains("--verbose"), list = args.Contains("--list");
        args = args.Where(a => a != "--verbose" && a != "--list").ToArray();
        if (args.Length != 2 || args[0] != "--filter" || !TryParseFilter(args[1], out var fragments))
        {
            Console.Error.WriteLine($"usage: KernelGan.Tests --filter \"{FilterPrefix}A|{FilterPrefix}B\" [--verbose] [--list] (got: {string.Join(' ', args)})");
            return 2;
        }
        var assembly = typeof(InProcessRunner).Assembly;
        using var framework = new XunitTestFramework(new NullMessageSink());
        var options = new Options();

        var found = new Sink();
        using (var discoverer = framework.GetDiscoverer(Reflector.Wrap(assembly)))
        {
            discoverer.Find(includeSourceInformation: false, found, options);
            found.Done.WaitOne();
        }
        var selected = found.TestCases
            .Where(tc => fragments.Any(f => FullName(tc).Contains(f, StringComparison.Ordinal)))
            .ToList();
        Console.WriteLine($"in-process run: {selected.Count} of {found.TestCases.Count} test cases match the filter ({SimdDescription()})");
        if (selected.Count == 0) return 1;
        if (list)
        {
            foreach (var tc in selected) Console.WriteLine($"  {tc.DisplayName}");
            return 0;
        }

        var results = new Sink { Verbose = verbose };
        using (var executor = framework.GetExecutor(assembly.GetName()))
        {
            executor.RunTests(selected, results, options);
            results.Done.WaitOne();
        }
        foreach (var failure in results.Failures) Console.WriteLine(failure);
        bool ok = results.Failed == 0 && results.Errors == 0 && results.Passed > 0;
        Console.WriteLine($"{(ok ? "Passed!" : "Failed!")}  - Failed: {results.Failed}, Passed: {results.Passed}, Skipped: {results.Skipped}, " +
                          $"Total: {results.Failed + results.Passed + results.Skipped}, Errors outside tests: {results.Errors}, Duration: {results.Seconds:F0} s");
        return ok ? 0 : 1;
    }

    private static bool TryParseFilter(string filter, out string[] fragments)
    {
        var parts = filter.Split('|');
        fragments = parts.Select(p => p.StartsWith(FilterPrefix, StringComparison.Ordinal) ? p[FilterPrefix.Length..] : "").ToArray();
        return fragments.All(f => f.Length > 0);
    }

    private static string FullName(ITestCase tc) => $"{tc.TestMethod.TestClass.Class.Name}.{tc.TestMethod.Method.Name}";

    private static string SimdDescription() => $"CPU path: {KernelGan.Kernels.Cpu.Simd.SimdPath.Name}";

    /// <summary>Discovery and execution options: xunit's defaults (an unset option reads as null).</summary>
    private sealed class Options : ITestFrameworkDiscoveryOptions, ITestFrameworkExecutionOptions
    {
        private readonly ConcurrentDictionary<string, object?> _values = new();

        public TValue GetValue<TValue>(string name) => _values.TryGetValue(name, out var v) ? (TValue)v! : default!;

        public void SetValue<TValue>(string name, TValue value) => _values[name] = value;
    }

    /// <summary>Collects discovered test cases, or results, until the phase's closing message.</summary>
    private sealed class Sink : Xunit.LongLivedMarshalByRefObject, IMessageSink
    {
        public readonly List<ITestCase> TestCases = [];
        public readonly ConcurrentQueue<string> Failures = new();
        public readonly ManualResetEvent Done = new(false);
        public bool Verbose;
        public int Passed, Failed, Skipped, Errors;
        public decimal Seconds;

        public bool OnMessage(IMessageSinkMessage message)
        {
            switch (message)
            {
                case ITestCaseDiscoveryMessage discovered:
                    lock (TestCases) TestCases.Add(discovered.TestCase);
                    break;
                case IDiscoveryCompleteMessage:
                    Done.Set();
                    break;
                case ITestStarting starting when Verbose:
                    Console.WriteLine($"  starting {starting.Test.DisplayName}");
                    break;
                case ITestPassed:
                    Interlocked.Increment(ref Passed);
                    break;
                case ITestSkipped:
                    Interlocked.Increment(ref Skipped);
                    break;
                case ITestFailed failed:
                    Interlocked.Increment(ref Failed);
                    Failures.Enqueue($"  Failed {failed.Test.DisplayName}\n{Describe(failed)}");
                    break;
                case IFailureInformation error: // a fixture's or cleanup's failure, or a runner error: not a test's, but a failed run
                    Interlocked.Increment(ref Errors);
                    Failures.Enqueue($"  Error ({message.GetType().Name})\n{Describe(error)}");
                    break;
                case ITestAssemblyFinished finished:
                    Seconds = finished.ExecutionTime;
                    Done.Set();
                    break;
            }
            return true;
        }

        private static string Describe(IFailureInformation failure) =>
            $"    {string.Join("\n    ", failure.Messages)}\n{string.Join("\n", failure.StackTraces)}";
    }
}
