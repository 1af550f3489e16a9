using System.Text.Json.Nodes;
using KernelGan.Gan.Ilsgan;
using KernelGan.Gan.Prior;
using KernelGan.Gan.Training;
using Xunit;

namespace KernelGan.Tests.Training;

/// <summary>
/// One config.json shape for both methods, with a version: files written before the version field
/// (tests/Training/OldConfigs, as that code wrote them) read into the one <see cref="RunConfig{TGan}"/>
/// with every setting kept, and what is read is written back in the current shape.
/// </summary>
public class RunConfigVersionTests
{
    [Fact]
    public void AnIlsganConfigWithoutAVersionReadsWithEverySetting()
    {
        var config = RunConfig<IlsganConfig>.FromJson(File.ReadAllText(OldConfigs.IlsganVersion1), "ilsgan-v1.json");
        Assert.Equal((RunConfigVersions.Current, IlsganConfig.ModelName), (config.Version, config.Model));
        Assert.Equal(("synthetic", false, 1L, "cpu"), (config.Data, config.Boxes, config.Steps, config.Device));
        Assert.Equal(("small", 32), (config.Gan.Architecture.Name, config.Gan.Architecture.ImageSize));
        Assert.Equal((4, 5e-4f, 5e-4f, 0.5f, 0.999f, 7UL), (config.Gan.Batch, config.Gan.LearningRateG, config.Gan.LearningRateD, config.Gan.Beta1, config.Gan.Beta2, config.Gan.Seed));
        Assert.Equal((0.5f, DAugment.Diff, IndependenceTerm.Club), (config.Gan.CentrePriorFinal, config.Gan.Augment, config.Gan.Independence));
        Assert.Equal((2048, 1200L, 1.25f), (config.Segmenter.Pairs, config.Segmenter.Steps, config.Segmenter.Zoom));
        Assert.False(config.SelfTraining);
        Assert.Equal(1, config.SelfTrainingRounds); // written before rounds existed: the one round
        // Written before --precision existed: the fp32 the run was trained in.
        Assert.Equal("fp32", config.Precision);
        Assert.Equal(IlsganConfig.ModelName, RunConfigVersions.ModelOf(OldConfigs.IlsganVersion1));
    }

    [Fact]
    public void APriorConfigWithoutAVersionReadsWithEverySetting()
    {
        var config = RunConfig<PriorConfig>.FromJson(File.ReadAllText(OldConfigs.PriorVersion1), "prior-v1.json");
        Assert.Equal((RunConfigVersions.Current, PriorConfig.ModelName), (config.Version, config.Model));
        Assert.Equal(("synthetic-boxes", true, 1L, "cpu"), (config.Data, config.Boxes, config.Steps, config.Device));
        Assert.Equal((32, 2, 30f), (config.Gan.Architecture.CanvasSize, config.Gan.Architecture.Slots, config.Gan.Architecture.Pose.MaxRotationDegrees));
        Assert.Equal((4, 3e-4f, 3e-4f, 5UL, 2f), (config.Gan.Batch, config.Gan.LearningRateG, config.Gan.LearningRateD, config.Gan.Seed, config.Gan.AreaWeight));
        Assert.Equal(IndependenceTerm.None, config.Gan.Independence);
        Assert.Equal((2048, 400L), (config.Segmenter.Pairs, config.Segmenter.Steps));
        Assert.Equal(PriorConfig.ModelName, RunConfigVersions.ModelOf(OldConfigs.PriorVersion1));
    }

    [Fact]
    public void AnOldConfigIsWrittenBackInTheCurrentShapeAndReadsTheSame()
    {
        var ilsgan = RunConfig<IlsganConfig>.FromJson(File.ReadAllText(OldConfigs.IlsganVersion1), "ilsgan-v1.json");
        var prior = RunConfig<PriorConfig>.FromJson(File.ReadAllText(OldConfigs.PriorVersion1), "prior-v1.json");
        foreach (var written in new[] { ilsgan.ToJsonObject(), prior.ToJsonObject() })
        {
            Assert.Equal(RunConfigVersions.Current, written["Version"]!.GetValue<int>());
            Assert.NotNull(written["Gan"]);
            Assert.Null(written["Prior"]);
            Assert.Null(written["Gan"]!["Model"]);
        }
        Assert.Equal(ilsgan.ToJson(), RunConfig<IlsganConfig>.FromJson(ilsgan.ToJson(), "again").ToJson());
        Assert.Equal(prior.ToJson(), RunConfig<PriorConfig>.FromJson(prior.ToJson(), "again").ToJson());
    }

    [Fact]
    public void ARunOfTheOtherMethodIsRefusedByName()
    {
        var e = Assert.Throws<CheckpointException>(() => RunConfig<IlsganConfig>.FromJson(File.ReadAllText(OldConfigs.PriorVersion1), "prior-v1.json"));
        Assert.Equal("prior-v1.json: a 'prior' run, not 'ilsgan'", e.Message);
    }

    [Fact]
    public void ANewerVersionIsRefusedRatherThanMisread()
    {
        var json = JsonNode.Parse(File.ReadAllText(OldConfigs.IlsganVersion1))!.AsObject();
        json["Version"] = RunConfigVersions.Current + 1;
        var e = Assert.Throws<CheckpointException>(() => RunConfig<IlsganConfig>.FromJson(json.ToJsonString(), "future.json"));
        Assert.StartsWith($"future.json: configuration version {RunConfigVersions.Current + 1} is newer", e.Message);
    }
}
