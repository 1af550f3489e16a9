using KernelGan.Gan.Data;
using KernelGan.Gan.Ilsgan;
using KernelGan.Gan.Training;
using Xunit;

namespace KernelGan.Tests.Cli;

/// <summary>
/// train's auto defaults: on the user's photos at 32 px the style generator without the centre
/// prior (the paper's method); on the built-in sets small with it; an explicit choice wins. The
/// progress output says which.
/// </summary>
[Collection("cli")]
public class ModelDefaultsCliTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("kg-model-defaults-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Folder()
    {
        string data = Path.Combine(_root, "photos");
        for (int i = 0; i < 4; i++)
        {
            var img = new HostImage(3, 32, 32);
            for (int y = 8; y < 24; y++) for (int x = 6 + i; x < 22 + i; x++) img[1, y, x] = 1;
            ImageIo.SavePng(Path.Combine(data, "images", $"im{i}.png"), img);
        }
        return data;
    }

    private (CliHarness.Result Result, IlsganConfig Gan) Train(string run, string data, params string[] extra)
    {
        string dir = Path.Combine(_root, run);
        var r = CliHarness.Run(["train", "--data", data, "--out", dir, "--device", "cpu", "--batch", "4", "--steps", "1",
                                "--no-segmenter", "--sample-every", "100", "--checkpoint-every", "100", .. extra]);
        Assert.True(r.ExitCode == 0, r.Error);
        return (r, RunConfig<IlsganConfig>.FromJson(File.ReadAllText(Path.Combine(dir, "config.json")), run).Gan);
    }

    [Fact]
    public void PhotosGetTheStyleGeneratorWithoutTheCentrePrior()
    {
        var (r, gan) = Train("photos", Folder());
        Assert.Equal("style", gan.Architecture.Name);
        Assert.True(gan.Architecture.StyleGenerator);
        Assert.Equal(0f, gan.CentrePrior);
        Assert.Contains("model: ILSGAN, style at 32 px (StyleGAN2-shaped generator), no centre prior", r.Out);
    }

    [Fact]
    public void TheBuiltInSetsKeepSmallWithTheCentrePrior()
    {
        var (r, gan) = Train("synthetic", "synthetic");
        Assert.Equal("small", gan.Architecture.Name);
        Assert.Equal(1.5f, gan.CentrePrior);
        Assert.Contains("model: ILSGAN, small at 32 px (DCGAN-shaped generator), centre prior 1.5", r.Out);
    }

    [Theory]
    [InlineData(new[] { "--arch", "small" }, "small", 1.5f)]
    [InlineData(new[] { "--arch", "style", "--centre-prior", "1" }, "style", 1f)]
    [InlineData(new[] { "--centre-prior", "0.5" }, "style", 0.5f)]
    public void AnExplicitChoiceWins(string[] options, string arch, float centrePrior)
    {
        var (_, gan) = Train("explicit", Folder(), options);
        Assert.Equal(arch, gan.Architecture.Name);
        Assert.Equal(centrePrior, gan.CentrePrior);
    }

    [Fact]
    public void ACentrePriorThatIsNeitherANumberNorAutoIsOneLine() =>
        CliHarness.AssertOneLineError(CliHarness.Run("train", "--data", "synthetic", "--out", Path.Combine(_root, "bad"), "--device", "cpu",
                                                     "--steps", "1", "--no-segmenter", "--centre-prior", "high"), "centre-prior");

    [Fact]
    public void TheStyleGeneratorsExportIsRefusedInOneLine()
    {
        string run = Path.Combine(_root, "photos");
        Train("photos", Folder());
        CliHarness.AssertOneLineError(CliHarness.Run("export", "--run", run, "--model", "generator", "--out", Path.Combine(_root, "g.onnx"), "--device", "cpu"),
                                      "style", "not exportable");
        Assert.False(File.Exists(Path.Combine(_root, "g.onnx")));
    }
}
