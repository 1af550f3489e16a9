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
/// </summary>
public sealed class LayoutModule : Module
{
    private readonly Linear _l1, _l2, _out;

    public LayoutModule(IBackend backend, Rng rng, int slots, PoseRanges ranges, int hidden = 128)
    {
        ranges.Validate();
        Slots = slots;
        Ranges = ranges;
        int dims = slots * AffinePose.RawDims;
        _l1 = AddChild("l1", new Linear(backend, rng, dims, hidden));
        _l2 = AddChild("l2", new Linear(backend, rng, hidden, hidden));
        _out = AddChild("out", new Linear(backend, rng, hidden, dims));
        using var small = Init.FanInUniform(rng, _out.Weight.Shape, 100 * hidden, backend);
        _out.Weight.CopyFrom(small);
        using var zero = Init.Constant(_out.Bias!.Shape, 0f, backend);
        _out.Bias.CopyFrom(zero);
    }

    public int Slots { get; }
    public PoseRanges Ranges { get; }

    /// <summary>Anchor noise for a batch: [N, Slots * 7], N(0, 1).</summary>
    public Tensor SampleAnchors(Rng rng, int batch, KernelGan.Kernels.IBackend backend) =>
        rng.Normal([batch, Slots * AffinePose.RawDims], backend: backend);

    /// <summary>Raw poses [N * Slots, 7], row n * Slots + k for slot k of image n.</summary>
    public Tensor Forward(Tensor anchors)
    {
        var h = Ops.LeakyRelu(_l1.Forward(anchors), 0.2f);
        h = Ops.LeakyRelu(_l2.Forward(h), 0.2f);
        var raw = anchors + _out.Forward(h);
        return Ops.Reshape(raw, anchors.Shape[0] * Slots, AffinePose.RawDims);
    }
}
