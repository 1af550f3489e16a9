using KernelGan.Kernels;
using KernelGan.Nn;

namespace KernelGan.Gan.Prior;

/// <summary>
/// The layout module: predicts one affine pose per instance slot from noise. Each slot draws its
/// own 7 "anchor" numbers (the raw pose coordinates of <see cref="AffinePose"/>); an MLP that
/// sees every slot's anchors at once adds a learned correction, so raw = anchor + MLP(anchors).
/// The MLP's last layer starts near zero, so training starts from the noise prior itself (uniform
/// angles, translations spread over the canvas) instead of a collapsed layout, and the MLP can
/// still learn what the data needs: sizes, orientation habits, and keeping instances apart.
/// With <c>instanceFeatures</c> &gt; 0 the MLP also sees each slot's instance as its provider drew
/// it (the canonical appearance and mask pooled to 4x4), as the paper's layout module does: it
/// corrects the pose of the instance it places (a tall one drawn small, a wide one kept in view)
/// rather than guessing a pose blind.
/// </summary>
public sealed class LayoutModule : Module
{
    private readonly Linear _l1, _l2, _out;

    public LayoutModule(IBackend backend, Rng rng, int slots, PoseRanges ranges, int hidden = 128, int instanceFeatures = 0)
    {
        ranges.Validate();
        Slots = slots;
        Ranges = ranges;
        InstanceFeatures = instanceFeatures;
        int dims = slots * AffinePose.RawDims;
        _l1 = AddChild("l1", new Linear(backend, rng, dims + slots * instanceFeatures, hidden));
        _l2 = AddChild("l2", new Linear(backend, rng, hidden, hidden));
        _out = AddChild("out", new Linear(backend, rng, hidden, dims));
        using var small = Init.FanInUniform(rng, _out.Weight.Shape, 100 * hidden, backend);
        _out.Weight.CopyFrom(small);
        using var zero = Init.Constant(_out.Bias!.Shape, 0f, backend);
        _out.Bias.CopyFrom(zero);
    }

    public int Slots { get; }
    public PoseRanges Ranges { get; }

    /// <summary>Numbers per slot the MLP sees of the instance it places (0 = noise only).</summary>
    public int InstanceFeatures { get; }

    /// <summary>What the layout sees of instances [M, 4, c, c] (appearance and mask): 4x4 average pools, [M, 64].</summary>
    public static Tensor Describe(CanonicalInstance instance)
    {
        var both = Ops.Concat(1, instance.Appearance, instance.Mask);
        int c = both.Shape[2];
        var pooled = Ops.AvgPool2d(both, c / 4);
        return Ops.Reshape(pooled, both.Shape[0], 4 * 4 * 4);
    }

    /// <summary>Feature count of <see cref="Describe"/>.</summary>
    public const int DescribedFeatures = 64;

    /// <summary>Anchor noise for a batch: [N, Slots * 7], N(0, 1).</summary>
    public Tensor SampleAnchors(Rng rng, int batch, KernelGan.Kernels.IBackend backend) =>
        rng.Normal([batch, Slots * AffinePose.RawDims], backend: backend);

    /// <summary>
    /// Raw poses [N * Slots, 7], row n * Slots + k for slot k of image n; <paramref name="instances"/>
    /// [N, Slots * InstanceFeatures] when the module sees them.
    /// </summary>
    public Tensor Forward(Tensor anchors, Tensor? instances = null)
    {
        if ((instances is null) != (InstanceFeatures == 0))
            throw new ArgumentException(InstanceFeatures == 0 ? "this layout module does not take instances" : "this layout module needs the instances it places");
        var input = instances is null ? anchors : Ops.Concat(1, anchors, instances);
        var h = Ops.LeakyRelu(_l1.Forward(input), 0.2f);
        h = Ops.LeakyRelu(_l2.Forward(h), 0.2f);
        var raw = anchors + _out.Forward(h);
        return Ops.Reshape(raw, anchors.Shape[0] * Slots, AffinePose.RawDims);
    }
}
