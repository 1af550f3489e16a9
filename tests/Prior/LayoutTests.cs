using KernelGan.Gan.Prior;
using Xunit;

namespace KernelGan.Tests.Prior;

/// <summary>The layout module that sees the instance it places (the paper's), beside the blind one.</summary>
public class LayoutTests
{
    private static PriorArchitecture Arch(bool seesInstance) => new()
    {
        CanvasSize = 16, CanonicalSize = 16, Slots = 2, Providers = 1, LatentDim = 8, ProviderWidth = 8,
        BackgroundGrid = 2, DiscriminatorWidth = 8, LayoutSeesInstance = seesInstance,
        Pose = new PoseRanges(MinScale: 0.5f, MaxScale: 1.2f, MaxTranslation: 0.2f, MaxRotationDegrees: 30f, MaxLogAspect: 0.3f, MaxShear: 0.2f),
    };

    [Fact]
    public void ThePoseDependsOnTheInstanceAndItsGradientReachesTheProvider()
    {
        var g = new PriorGenerator(Device.Cpu, new Rng(1), Arch(seesInstance: true));
        using var scope = new TensorScope();
        var z = g.SampleLatents(new Rng(2), 3, Device.Cpu);
        var other = z with { Instances = [new Rng(3).Normal(z.Instances[0].Shape)] }; // same anchors, other instances
        var scale = g.Forward(z).Poses[0].Scale;
        float[] a, b;
        using (Tensor.NoGrad()) { a = scale.ToArray(); b = g.Forward(other).Poses[0].Scale.ToArray(); }
        Assert.Contains(a.Zip(b), p => Math.Abs(p.First - p.Second) > 1e-7f);

        // d(scale)/d(provider weights) is nonzero only through the layout's view of the instance.
        Ops.Sum(scale).Backward();
        var providerGrad = g.Providers[0].Parameters().Select(p => p.Grad?.ToArray() ?? []).SelectMany(v => v);
        Assert.Contains(providerGrad, v => v != 0f);
    }

    [Fact]
    public void TheBlindLayoutIgnoresTheInstance()
    {
        var g = new PriorGenerator(Device.Cpu, new Rng(1), Arch(seesInstance: false));
        using var scope = new TensorScope();
        using var noGrad = Tensor.NoGrad();
        var z = g.SampleLatents(new Rng(2), 3, Device.Cpu);
        var other = z with { Instances = [new Rng(3).Normal(z.Instances[0].Shape)] };
        Assert.Equal(g.Forward(z).Poses[0].Scale.ToArray(), g.Forward(other).Poses[0].Scale.ToArray());
    }
}
