using KernelGan.Kernels;

namespace KernelGan.Gan.Prior;

/// <summary>The noise of one batch: per provider [N * SlotsPerProvider, zDim], layout anchors [N, Slots*7], background [N, zDim].</summary>
public sealed record PriorLatents(Tensor[] Instances, Tensor Anchors, Tensor Background);

/// <summary>One instance slot after placement on the canvas: appearance [N,3,S,S], mask [N,1,S,S].</summary>
public sealed record PlacedInstance(Tensor Appearance, Tensor Mask);

/// <summary>
/// Everything one generator call produces. Slot order is the composition order (bottom first).
/// Per provider p: its canonical instances and sampling matrices, rows n * SlotsPerProvider + j.
/// </summary>
public sealed record PriorLayers(
    Tensor Background, IReadOnlyList<PlacedInstance> Slots, IReadOnlyList<CanonicalInstance> Canonical,
    IReadOnlyList<Tensor> Theta, IReadOnlyList<AffinePose.Decoded> Poses, Tensor Composite)
{
    /// <summary>
    /// Each instance's area as a fraction of the canvas, [N * Slots, 1]: scale^2 times its canonical
    /// mask's mean (the determinant of the placement is scale^2). It ignores what falls off the
    /// canvas, so pushing an instance out of view does not count as shrinking it.
    /// </summary>
    public Tensor InstanceAreas()
    {
        var parts = new List<Tensor>();
        for (int p = 0; p < Canonical.Count; p++)
        {
            var mean = Ops.Mean(Canonical[p].Mask, [1, 2, 3], keepDims: false);
            var area = Ops.Reshape(mean, mean.Shape[0], 1) * Ops.Square(Poses[p].Scale);
            parts.Add(area);
        }
        return parts.Count == 1 ? parts[0] : Ops.Concat(0, [.. parts]);
    }

    /// <summary>Union of the placed instance masks as composited: 1 - prod_k (1 - m_k), [N,1,S,S].</summary>
    public Tensor UnionMask()
    {
        Tensor? clear = null;
        foreach (var s in Slots) clear = clear is null ? 1f - s.Mask : clear * (1f - s.Mask);
        return 1f - clear!;
    }

    /// <summary>The instances alone, composited in order over zeros (what the instances show), [N,3,S,S].</summary>
    public Tensor InstancesOverZero()
    {
        var zero = Tensor.Zeros(Background.Shape, Background.Backend);
        return Ops.CompositeLayers(zero, Slots.Select(s => (s.Mask, s.Appearance)).ToList());
    }
}

/// <summary>
/// The multi-instance generator of the independence prior (Dai et al., AAAI 2019): instance
/// providers make instances at a canonical pose from their own noise, the layout module poses
/// each one, a spatial transformer (affine grid + bilinear grid sample, gradients to pose,
/// appearance and mask) places appearance and mask on the canvas, a background provider paints
/// the background from its own noise, and the composition module stacks the placed instances
/// over it in order: x = m_k * f_k + (1 - m_k) * x.
/// </summary>
public sealed class PriorGenerator : Nn.Module
{
    private readonly List<InstanceProvider> _providers = new();

    public PriorGenerator(IBackend backend, Rng rng, PriorArchitecture arch)
    {
        arch.Validate();
        Architecture = arch;
        for (int p = 0; p < arch.Providers; p++)
            _providers.Add(AddChild($"provider{p}", new InstanceProvider(backend, rng, arch.CanonicalSize, arch.LatentDim, arch.ProviderWidth, arch.InitialMaskLogit)));
        Layout = AddChild("layout", new LayoutModule(backend, rng, arch.Slots, arch.Pose,
            instanceFeatures: arch.LayoutSeesInstance ? LayoutModule.DescribedFeatures : 0));
        Background = AddChild("bg", new BackgroundProvider(backend, rng, arch.LatentDim, arch.CanvasSize, arch.BackgroundGrid, arch.BackgroundDetail, arch.BackgroundWidth));
    }

    public PriorArchitecture Architecture { get; }
    public IReadOnlyList<InstanceProvider> Providers => _providers;
    public LayoutModule Layout { get; }
    public BackgroundProvider Background { get; }

    public PriorLatents SampleLatents(Rng rng, int batch, IBackend backend)
    {
        var a = Architecture;
        var instances = _providers.Select(_ => rng.Normal([batch * a.SlotsPerProvider, a.LatentDim], backend: backend)).ToArray();
        var anchors = Layout.SampleAnchors(rng, batch, backend);
        var background = rng.Normal([batch, a.LatentDim], backend: backend);
        return new PriorLatents(instances, anchors, background);
    }

    /// <summary>
    /// Composes a batch. <paramref name="shifts"/> (training only; one [N * SlotsPerProvider, 2]
    /// per provider, in normalized canvas units) moves each placed instance, appearance and mask
    /// together, by an offset the layout module never sees: ILSGAN's shift perturbation, which
    /// shows D any copy of the object that the background painted under the instance.
    /// </summary>
    public PriorLayers Forward(PriorLatents z, IReadOnlyList<Tensor>? shifts = null)
    {
        var a = Architecture;
        int n = z.Background.Shape[0], size = a.CanvasSize, per = a.SlotsPerProvider;
        var canonical = _providers.Select((provider, p) => provider.Forward(z.Instances[p])).ToList();
        var rawAll = Ops.Reshape(Layout.Forward(z.Anchors, a.LayoutSeesInstance ? SlotFeatures(canonical, n) : null), n, a.Slots, AffinePose.RawDims);

        var slots = new List<PlacedInstance>();
        var thetas = new List<Tensor>();
        var poses = new List<AffinePose.Decoded>();
        for (int p = 0; p < _providers.Count; p++)
        {
            var instance = canonical[p];
            var raw = Ops.Reshape(Ops.Narrow(rawAll, 1, p * per, per), n * per, AffinePose.RawDims);
            var pose = AffinePose.Decode(raw, a.Pose);
            if (shifts is not null)
                pose = pose with { Tx = pose.Tx + Ops.Narrow(shifts[p], 1, 0, 1), Ty = pose.Ty + Ops.Narrow(shifts[p], 1, 1, 1) };
            var theta = AffinePose.Theta(pose);
            var grid = Ops.AffineGrid(theta, size, size);
            // Appearance and mask are sampled together: one grid, one pass.
            var placed = Ops.GridSample(Ops.Concat(1, instance.Appearance, instance.Mask), grid);
            var perImage = Ops.Reshape(placed, n, per * 4, size, size);
            for (int j = 0; j < per; j++)
                slots.Add(new PlacedInstance(Ops.Narrow(perImage, 1, 4 * j, 3), Ops.Narrow(perImage, 1, 4 * j + 3, 1)));
            thetas.Add(theta);
            poses.Add(pose);
        }

        var background = Background.Forward(z.Background);
        var composite = Ops.CompositeLayers(background, slots.Select(s => (s.Mask, s.Appearance)).ToList());
        return new PriorLayers(background, slots, canonical, thetas, poses, composite);
    }

    /// <summary>
    /// Each image's instances as the layout sees them, [N, Slots * 64] in slot order: provider p's
    /// rows n * SlotsPerProvider + j are image n's slots of that provider.
    /// </summary>
    private Tensor SlotFeatures(List<CanonicalInstance> canonical, int n)
    {
        int per = Architecture.SlotsPerProvider;
        var parts = canonical.Select(c => Ops.Reshape(LayoutModule.Describe(c), n, per * LayoutModule.DescribedFeatures)).ToArray();
        return parts.Length == 1 ? parts[0] : Ops.Concat(1, parts);
    }
}
