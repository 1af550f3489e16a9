using KernelGan.Gan.Data;
using KernelGan.Gan.Ilsgan;
using KernelGan.Gan.Models;
using KernelGan.Gan.Training;
using Xunit;

namespace KernelGan.Tests.Training;

/// <summary>
/// Step statistics staged on the device and read back every --stats-every steps: metrics.csv is
/// the same whatever the interval, a NaN between read-backs still stops the run before the next
/// checkpoint, and ADA's sign sums kept on the device move p exactly as the host's did.
/// </summary>
public class StatsReadBackTests
{
    private static IlsganConfig Tiny(DAugment augment = DAugment.None) => new()
    {
        Architecture = Architecture.Preset("small", 32), Batch = 8, Seed = 5, CentrePrior = 0f, Augment = augment,
        AugmentInterval = 2, AugmentSpeedImages = 64,
    };

    private static string Train(RunConfig<IlsganConfig> config)
    {
        var dir = new RunDirectory(Directory.CreateTempSubdirectory("kg-stats-").FullName);
        try
        {
            dir.Create();
            using var stop = new StopSignal();
            new IlsganRun(config, dir, Device.Cpu, TextWriter.Null).Train(SyntheticDataset.ObjectCentric(32, DataSplit.Train, seed: 3), stop);
            return File.ReadAllText(dir.Metrics);
        }
        finally { Directory.Delete(dir.Root, recursive: true); }
    }

    [Fact]
    public void MetricsRowsAreTheSameWhateverTheReadBackInterval()
    {
        var config = new RunConfig<IlsganConfig> { Data = "test", Gan = Tiny(DAugment.Diff), Steps = 9, SampleEvery = 100, CheckpointEvery = 4 };
        string everyStep = Train(config with { StatsEvery = 1 });
        Assert.Equal(10, everyStep.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(everyStep, Train(config with { StatsEvery = 3 }));
        Assert.Equal(everyStep, Train(config with { StatsEvery = 100 }));
    }

    [Fact]
    public void ADivergedStepBetweenReadBacksStopsTheRunBeforeTheNextCheckpoint()
    {
        var dir = new RunDirectory(Directory.CreateTempSubdirectory("kg-stats-nan-").FullName);
        using var stop = new StopSignal();
        try
        {
            dir.Create();
            var config = new RunConfig<IlsganConfig> { Data = "test", Gan = Tiny(), Steps = 4, SampleEvery = 100, CheckpointEvery = 4, StatsEvery = 50 };
            new IlsganRun(config, dir, Device.Cpu, TextWriter.Null).Train(SyntheticDataset.ObjectCentric(32, DataSplit.Train, seed: 3), stop);
            byte[] saved = File.ReadAllBytes(dir.Checkpoint);

            // Steps 5..7 run unread; step 8's checkpoint reads them back first and finds step 5's NaN.
            var poisoned = new IlsganRun(config with { Steps = 12 }, dir, Device.Cpu, TextWriter.Null);
            poisoned.Resume();
            var e = Assert.Throws<TrainingDivergedException>(() => poisoned.Train(new PoisonedImages(), stop));
            Assert.StartsWith("training diverged at step 5", e.Message);
            Assert.Equal(8, poisoned.Trainer.Step);
            Assert.Equal(saved, File.ReadAllBytes(dir.Checkpoint));
            Assert.Equal(5, File.ReadAllLines(dir.Metrics).Length); // header and steps 1-4
        }
        finally { Directory.Delete(dir.Root, recursive: true); }
    }

    [Fact]
    public void TheQueueReturnsEveryStagedRowInOrderAcrossItsCapacity()
    {
        var columns = new GanStepColumns(["loss_d", "loss_g", "extra"], _ => "");
        using var queue = new StepStatsQueue(Device.Cpu, capacity: 2);
        for (int step = 1; step <= 5; step++)
            queue.Stage(step, columns, [100f + step], Tensor.Scalar(step), Tensor.Scalar(-step));
        Assert.Equal(5, queue.Count);
        var rows = queue.Drain();
        Assert.Equal([1L, 2, 3, 4, 5], rows.Select(r => r.Step));
        Assert.All(rows, r => Assert.Equal([r.Step, -r.Step, 100 + r.Step], new[] { r.LossD, r.LossG, r["extra"] }.Select(v => (long)v)));
        Assert.Empty(queue.Drain());
        Assert.Throws<ArgumentException>(() => queue.Stage(6, columns, [], Tensor.Scalar(1f), Tensor.Scalar(2f)));
    }

    [Fact]
    public void AdaptiveAugmentMovesTheSameWayFromDeviceLogits()
    {
        var host = new AdaptiveAugment(0.6f, 3, 0.05f, seed: 9);
        var device = new AdaptiveAugment(0.6f, 3, 0.05f, seed: 9);
        var rng = new Random(4);
        float highest = 0f;
        for (int step = 0; step < 20; step++)
        {
            // Mostly positive logits (p climbs), then mostly negative; zeros and subnormals have signs 0 and +-1.
            var logits = Enumerable.Range(0, 16).Select(_ => (float)(rng.NextDouble() - (step < 10 ? 0.0 : 0.9))).ToArray();
            logits[0] = 0f;
            logits[1] = 1e-45f;
            logits[2] = -3e-39f;
            host.Observe(logits);
            device.Observe(Tensor.FromArray(logits, 16));
            Assert.Equal(host.P, device.P);
            highest = Math.Max(highest, host.P);
            if (step == 7) Assert.Equal(host.Save().ToJsonString(), device.Save().ToJsonString());
        }
        Assert.True(highest >= 0.1f && host.P < highest, $"the logits should have moved p up and back down (highest {highest}, last {host.P})");
        Assert.Equal(host.Save().ToJsonString(), device.Save().ToJsonString());
    }
}
