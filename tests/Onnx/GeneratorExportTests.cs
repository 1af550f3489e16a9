using KernelGan.Gan.Ilsgan;
using KernelGan.Gan.Ilsgan.Generation;
using KernelGan.Gan.Models;
using KernelGan.Gan.Onnx;
using KernelGan.Gan.Onnx.Export;
using Xunit;
using Xunit.Abstractions;

namespace KernelGan.Tests.Onnx;

/// <summary>
/// The exported generator, run by OnnxRuntime, gives our generator's four outputs (with its batch
/// norms frozen the way export freezes them) for every architecture preset and image size.
/// </summary>
public class GeneratorExportTests(ITestOutputHelper output)
{
    internal static LayeredGenerator FrozenGenerator(Architecture arch, bool sharedLatent, int seed)
    {
        var g = new LayeredGenerator(Device.Cpu, new Rng((ulong)seed), arch, maskLogitBias: 0.5f, centrePrior: 1.5f) { SharedLatent = sharedLatent };
        BatchNormCalibration.Calibrate(g, new Rng((ulong)seed + 1), batches: 2, batch: 4, Device.Cpu);
        return g;
    }

    public static TheoryData<string, int> Presets()
    {
        var data = new TheoryData<string, int>();
        foreach (var name in new[] { "small", "ref64", "wide" })
            foreach (int size in new[] { 32, 64, 128 })
                data.Add(name, size);
        return data;
    }

    [Theory]
    [MemberData(nameof(Presets))]
    public void OnnxRuntimeMatchesTheFrozenGenerator(string preset, int size)
    {
        const int n = 2;
        var arch = Architecture.Preset(preset, size);
        bool shared = size == 64; // both input forms across the presets
        var g = FrozenGenerator(arch, shared, size);
        var model = OnnxModelWriter.ToBytes(GeneratorExport.Build(g));

        var rng = new Rng(77);
        float[] zf, zb;
        Layers ours;
        var expected = new Dictionary<string, float[]>();
        using (new TensorScope())
        using (Tensor.NoGrad())
        {
            var (tf, tb) = g.SampleLatents(rng, n, Device.Cpu);
            zf = tf.ToArray();
            zb = tb.ToArray();
            ours = g.Forward(tf, tb);
            expected[GeneratorExport.Composite] = ours.Composite().ToArray();
            expected[GeneratorExport.Foreground] = ours.Foreground.ToArray();
            expected[GeneratorExport.Background] = ours.Background.ToArray();
            expected[GeneratorExport.Mask] = ours.Mask.ToArray();
        }
        int[] zShape = [n, arch.LatentDim];
        var inputs = shared
            ? new[] { new OnnxRuntimeReference.Input(GeneratorExport.SharedInput, zShape, zf) }
            : [new OnnxRuntimeReference.Input(GeneratorExport.ForegroundInput, zShape, zf), new OnnxRuntimeReference.Input(GeneratorExport.BackgroundInput, zShape, zb)];
        var theirs = OnnxRuntimeReference.Run(model, inputs);

        Assert.Equal(expected.Keys.Order(), theirs.Keys.Order());
        foreach (var (name, values) in expected)
        {
            float diff = OnnxRuntimeReference.MaxAbsDifference(values, theirs[name]);
            output.WriteLine($"{preset} {size}px {name}: max |ours - OnnxRuntime| = {diff:E2} ({values.Length} values, {model.Length / 1e6:F1} MB model)");
            Assert.True(diff <= 1e-4f, $"{name}: max abs difference {diff}");
            Assert.True(values.Max() - values.Min() > 0.05f, $"{name} spans only [{values.Min()}, {values.Max()}]");
        }
    }

    [Fact]
    public void SeparateLatentsAreTwoInputsAndEachDrivesItsLayer()
    {
        var arch = Architecture.Preset("small", 32);
        var g = FrozenGenerator(arch, sharedLatent: false, 3);
        var model = OnnxModelWriter.ToBytes(GeneratorExport.Build(g));
        var parsed = OnnxModelReader.Read(model);
        Assert.Equal([GeneratorExport.ForegroundInput, GeneratorExport.BackgroundInput], parsed.Graph.Inputs.Select(i => i.Name));

        var random = new Rng(1);
        float[] Z() { using var z = random.Normal([2, arch.LatentDim], backend: Device.Cpu); return z.ToArray(); }
        float[] zf = Z(), zb = Z(), zb2 = Z();
        int[] shape = [2, arch.LatentDim];
        var a = OnnxRuntimeReference.Run(model, new(GeneratorExport.ForegroundInput, shape, zf), new(GeneratorExport.BackgroundInput, shape, zb));
        var b = OnnxRuntimeReference.Run(model, new(GeneratorExport.ForegroundInput, shape, zf), new(GeneratorExport.BackgroundInput, shape, zb2));
        // Another background latent changes the background, not the foreground or the mask.
        Assert.Equal(a[GeneratorExport.Foreground], b[GeneratorExport.Foreground]);
        Assert.Equal(a[GeneratorExport.Mask], b[GeneratorExport.Mask]);
        Assert.True(OnnxRuntimeReference.MaxAbsDifference(a[GeneratorExport.Background], b[GeneratorExport.Background]) > 0.01f);
    }

    [Fact]
    public void AGeneratorWithBatchStatisticsIsRefused()
    {
        var g = new LayeredGenerator(Device.Cpu, new Rng(1), Architecture.Preset("small", 32));
        var e = Assert.Throws<InvalidOperationException>(() => GeneratorExport.Build(g));
        Assert.Contains("BatchNormCalibration", e.Message);
    }

    [Fact]
    public void TheStyleGeneratorIsRefusedWithItsArchitecture()
    {
        var g = new LayeredGenerator(Device.Cpu, new Rng(1), Architecture.Preset("style", 32));
        g.Eval();
        var e = Assert.Throws<OnnxException>(() => GeneratorExport.Build(g));
        Assert.Contains("style", e.Message);
        Assert.Contains("not exportable", e.Message);
    }
}
