using KernelGan.Gan.Ilsgan;
using KernelGan.Gan.Training;
using Xunit;

namespace KernelGan.Tests.Cli;

/// <summary>train's options for the official ILSGAN settings reach the trainer's config (config.json is what the trainer is built from), and bad values give one line.</summary>
[Collection("cli")]
public class OfficialOptionsCliTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("kg-official-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string[] Tiny(string run, params string[] extra) =>
        ["train", "--out", Path.Combine(_root, run), "--device", "cpu", "--arch", "small", "--size", "32", "--batch", "4",
         "--steps", "2", "--no-segmenter", "--sample-every", "100", "--checkpoint-every", "100", .. extra];

    private RunConfig<IlsganConfig> Config(string run) => RunConfig<IlsganConfig>.FromJson(File.ReadAllText(Path.Combine(_root, run, "config.json")), run);

    [Fact]
    public void TheDefaultsAreOursAndUnchanged()
    {
        var r = CliHarness.Run(Tiny("plain"));
        Assert.True(r.ExitCode == 0, r.Error);
        var gan = Config("plain").Gan;
        Assert.False(gan.SharedLatent);
        Assert.False(gan.LossesOnShiftedMask);
        Assert.Null(gan.SigmaSwitchTimeFraction);
        Assert.Equal(DAugment.None, gan.Augment);
        Assert.Equal(1f, gan.R1Gamma);
        Assert.Equal((0.5f, 0.999f), (gan.Beta1, gan.Beta2));
        Assert.DoesNotContain("augment_p", File.ReadAllLines(Path.Combine(_root, "plain", "metrics.csv"))[0]);
    }

    [Fact]
    public void EachOfficialOptionReachesTheConfig()
    {
        var r = CliHarness.Run(Tiny("official", "--shared-latent", "--losses-on", "shifted", "--r1", "auto", "--minutes", "5",
            "--sigma-switch", "0.05", "--sigma-switch-by", "time", "--augment", "diff", "--augment-target", "0.7", "--adam-betas", "0,0.99"));
        Assert.True(r.ExitCode == 0, r.Error);
        var gan = Config("official").Gan;
        Assert.True(gan.SharedLatent);
        Assert.True(gan.LossesOnShiftedMask);
        Assert.Equal(0.0002f * 32 * 32 / 4, gan.R1Gamma, 1e-7f);
        Assert.Equal(0.05, gan.SigmaSwitchTimeFraction);
        Assert.Equal(DAugment.Diff, gan.Augment);
        Assert.Equal(0.7f, gan.AugmentTarget);
        Assert.Equal((0f, 0.99f), (gan.Beta1, gan.Beta2));
        var metrics = File.ReadAllLines(Path.Combine(_root, "official", "metrics.csv"));
        Assert.EndsWith(",augment_p", metrics[0]);
        Assert.Equal(metrics[0].Split(',').Length, metrics[1].Split(',').Length);
    }

    [Theory]
    [InlineData(new string[0], 0.5)]
    [InlineData(new[] { "--sigma-switch", "0.2" }, 0.2)]
    [InlineData(new[] { "--sigma-switch-by", "steps" }, null)]
    public void WithMinutesSigmaAlsoSwitchesByTimeUnlessToldSteps(string[] extra, double? expected)
    {
        var r = CliHarness.Run(Tiny("minutes", ["--minutes", "5", .. extra]));
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Equal(expected, Config("minutes").Gan.SigmaSwitchTimeFraction);
    }

    [Theory]
    [InlineData("--losses-on", "sideways", "--losses-on must be one of unshifted|shifted")]
    [InlineData("--augment", "ada", "--augment must be one of none|diff")]
    [InlineData("--augment-target", "2", "--augment-target")]
    [InlineData("--r1", "fast", "--r1")]
    [InlineData("--adam-betas", "0.9", "--adam-betas must be two numbers")]
    [InlineData("--adam-betas", "0,1.5", "--adam-betas must be two numbers")]
    [InlineData("--sigma-switch-by", "time", "needs --minutes")]
    [InlineData("--sigma-switch-by", "epochs", "--sigma-switch-by must be one of auto|steps|time")]
    public void BadValuesGiveOneLine(string option, string value, string fragment) =>
        CliHarness.AssertOneLineError(CliHarness.Run(Tiny("bad", option, value)), fragment);

    [Fact]
    public void ThePriorRefusesThem() =>
        CliHarness.AssertOneLineError(CliHarness.Run(["train", "--data", "synthetic-boxes", "--boxes", "--out", Path.Combine(_root, "prior"), "--shared-latent"]), "--shared-latent");
}
