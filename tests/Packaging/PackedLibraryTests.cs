using System.Reflection;
using KernelGan.Gan.Data;
using KernelGan.Segmentation;
using KernelGan.Tests.Segmentation;
using Xunit;

namespace KernelGan.Tests.Packaging;

/// <summary>
/// `dotnet pack` gives the library packages, and the README's "Use it from C#" example, as a
/// stranger's console project referencing those packages, restores, builds and segments an image.
/// </summary>
public class PackedLibraryTests(TinySegmenterRun fixture) : IClassFixture<TinySegmenterRun>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "KernelGan.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no KernelGan.sln above {AppContext.BaseDirectory}");
    }

    /// <summary>The code block under README's "## Use it from C#" heading.</summary>
    public static string[] ReadmeExample(string root)
    {
        var lines = File.ReadAllLines(Path.Combine(root, "README.md"));
        int heading = Array.IndexOf(lines, "## Use it from C#");
        Assert.True(heading >= 0, "README.md has no '## Use it from C#' section");
        int open = Array.FindIndex(lines, heading, l => l.StartsWith("```csharp"));
        int close = Array.FindIndex(lines, open + 1, l => l.StartsWith("```"));
        Assert.True(open > heading && close > open, "the 'Use it from C#' section has no ```csharp block");
        return lines[(open + 1)..close];
    }

    [Fact]
    public void TheReadmeExampleBuildsAgainstThePackedPackagesAndSegments()
    {
        string root = RepositoryRoot();
        string example = string.Join('\n', ReadmeExample(root));
        Assert.True(ReadmeExample(root).Length <= 10, $"the README promises a ten-line example:\n{example}");

        // Pack what `dotnet test` just built (same configuration), as `dotnet pack` would after a build.
        string configuration = typeof(Segmenter).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        string version = typeof(Segmenter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];
        string work = Path.Combine(fixture.Root, "pack-" + Guid.NewGuid().ToString("N")[..8]);
        string feed = Path.Combine(work, "feed"), app = Path.Combine(work, "app");
        Directory.CreateDirectory(app);
        // No MSBuild nodes or compiler servers left running here or below: nothing may outlive the test.
        var pack = DotnetCommand.Run(root, null, Timeout, "pack", "KernelGan.sln", "--no-build", "-c", configuration, "-o", feed, "-nodeReuse:false");
        Assert.True(pack.ExitCode == 0, pack.Output);
        var packages = Directory.GetFiles(feed, "*.nupkg").Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(new[] { "KernelGan.Gan", "KernelGan.Kernels", "KernelGan.Nn", "KernelGan.Segmentation", "KernelGan.Tensor" }.Select(id => $"{id}.{version}.nupkg"), packages);

        // The consumer sees only the packed folder and the machine's package cache (as a feed, for
        // StbImageSharp and ILGPU), with a cache of its own: no network, and never a stale
        // KernelGan package that an earlier run left in the machine's cache.
        string machineCache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="packed" value="{feed}" />
                <add key="machine-cache" value="{machineCache}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(app, "app.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="KernelGan.Segmentation" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), example + "\n");
        var env = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(work, "nuget-cache") };
        var build = DotnetCommand.Run(app, env, Timeout, "build", "-c", "Release", "--disable-build-servers", "-nodeReuse:false", "-p:UseSharedCompilation=false");
        Assert.True(build.ExitCode == 0, build.Output);

        // A non-square image: the mask must come back at 50x37, not at the model's 32x32.
        string image = Path.Combine(work, "photo.png");
        var pixels = new HostImage(3, 37, 50);
        for (int i = 0; i < pixels.Data.Length; i++) pixels.Data[i] = (i * 7 % 255) / 255f;
        ImageIo.SavePng(image, pixels);
        var run = DotnetCommand.Run(work, null, Timeout, Path.Combine(app, "bin", "Release", "net10.0", "app.dll"), fixture.Run, image);
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains($"{image}: mask 50x37, foreground", run.Output);
        Assert.Contains("buffer: mask 64x48, 3072 pixels", run.Output);
        Assert.Equal((50, 37), ImageIo.ReadSize(Path.Combine(work, "mask.png")));
    }
}
