using KernelGan.Gan.Models;
using KernelGan.Kernels;
using KernelGan.Nn;

namespace KernelGan.Gan.Ilsgan;

/// <summary>The layers one generator call produces: fg in [-1,1], mask in [0,1], bg in [-1,1].</summary>
public sealed record Layers(Tensor Foreground, Tensor Mask, Tensor Background)
{
    public Tensor Composite() => Ops.Composite(Mask, Foreground, Background);
}

/// <summary>
/// ILSGAN's generator: two independent branches, each with its own noise. The fg branch emits
/// RGB + a mask logit (4 channels), the bg branch RGB; fg = tanh(rgb), m = sigmoid(logit), bg = tanh.
/// </summary>
public sealed class LayeredGenerator : Module
{
    public LayeredGenerator(IBackend backend, Rng rng, Architecture arch, float maskLogitBias = 0f, float centrePrior = 0f)
    {
        Backend = backend;
        Architecture = arch;
        CentrePriorStrength = centrePrior;
        ForegroundBranch = AddChild("fg", LayerBranch.For(backend, rng, arch, 4));
        BackgroundBranch = AddChild("bg", LayerBranch.For(backend, rng, arch, 3));
        if (maskLogitBias != 0f)
        {
            // Channel 3 of the fg branch is the mask logit; its bias sets the initial mask level.
            var bias = ForegroundBranch.OutputBias;
            var values = bias.ToArray();
            values[3] = maskLogitBias;
            bias.Backend.Upload(values, bias.Buffer);
        }
    }

    private Tensor? _centrePrior;
    private float _centrePriorStrength;

    /// <summary>Where the weights live, and where a changed centre prior's map is made.</summary>
    public IBackend Backend { get; }

    public Architecture Architecture { get; }

    /// <summary>
    /// Height of the centred bump added to the mask logit (0 = none). Not a parameter: the
    /// trainer may lower it on a schedule, and the map is rebuilt only when it changes.
    /// </summary>
    public float CentrePriorStrength
    {
        get => _centrePriorStrength;
        set
        {
            if (value == _centrePriorStrength && (_centrePrior is not null || value == 0f)) return;
            _centrePriorStrength = value;
            _centrePrior?.Dispose();
            _centrePrior = null;
            if (value != 0f)
                using (TensorScope.Suspend()) _centrePrior = CentreLogitMap(Architecture.ImageSize, value, Backend);
        }
    }
    /// <summary>The centre prior's logit map [1, 1, S, S] added to the mask logit, or null; for the ONNX exporter.</summary>
    internal Tensor? CentrePriorMap => _centrePrior;

    public LayerBranch ForegroundBranch { get; }
    public LayerBranch BackgroundBranch { get; }

    /// <summary>
    /// The mask logit's floor. Our float32 sigmoid returns exactly 1 above a logit of about 16.64
    /// (1 + e^-x rounds to 1), so there the mask's gradient is already 0; the floor makes the low
    /// side the same, and the mask stays at or above 6e-8. Without it a saturating mask goes on
    /// down through float's subnormal range (below 2^-126), and every gradient it scales (m * gy
    /// into the foreground, 5-7% of the generator's last gradient late in the README's main job)
    /// costs x86 a microcode assist per multiply: the GAN step ran at 24 steps/s late against 41
    /// fresh on AVX2, and at 41 with the floor (bench/results/cpu-denormals-2026-11-30.md). The
    /// official code's torch.sigmoid has no floor; what it cuts is a gradient below 6e-8 of the
    /// upstream one.
    /// </summary>
    public const float MaskLogitFloor = -16.64f;

    public Layers Forward(Tensor zForeground, Tensor zBackground)
    {
        var fgOut = ForegroundBranch.Forward(zForeground);
        var fg = Ops.Tanh(Ops.Narrow(fgOut, 1, 0, 3));
        var logit = Ops.Narrow(fgOut, 1, 3, 1);
        if (MaskBlurred) logit = MaskBlur.Apply(logit);
        if (_centrePrior is not null) logit = logit + _centrePrior;
        var mask = Ops.Sigmoid(Ops.Clamp(logit, MaskLogitFloor, float.PositiveInfinity));
        var bg = Ops.Tanh(BackgroundBranch.Forward(zBackground));
        return new Layers(fg, mask, bg);
    }

    /// <summary>
    /// A fixed logit map [1,1,S,S]: +strength at the centre, 0 on a circle covering about 30% of
    /// the image, falling to -strength outside. Object-centric photos have the object near the
    /// centre, so the mask starts as the object's likely place and the background layer starts
    /// with the rest; training then moves the boundary to the object's edges (the generator can
    /// override the prior anywhere by its own logits).
    /// </summary>
    private static Tensor CentreLogitMap(int size, float strength, IBackend backend)
    {
        var map = new float[size * size];
        const float radius = 0.62f; // in coordinates where the image spans [-1, 1]
        for (int y = 0; y < size; y++)
        for (int x = 0; x < size; x++)
        {
            float u = (2f * x + 1f) / size - 1f, v = (2f * y + 1f) / size - 1f;
            float d2 = (u * u + v * v) / (radius * radius);
            map[y * size + x] = strength * Math.Clamp(1f - d2, -1f, 1f);
        }
        return Tensor.FromArray(map, [1, 1, size, size], backend);
    }

    /// <summary>
    /// Both branches take the same z (the official ILSGAN generator feeds one z to each branch's
    /// own mapping network; here the branches' first layers are their own maps of it). Shared,
    /// the layers can carry common information, which the independence term must then remove.
    /// </summary>
    public bool SharedLatent { get; set; }

    /// <summary>The mask logit is low-passed (<see cref="MaskBlur"/>) so that it cannot dither.</summary>
    public bool MaskBlurred { get; set; }

    /// <summary>
    /// Draws the two noise tensors for a batch from <paramref name="rng"/>: one draw each, or one
    /// for both when <see cref="SharedLatent"/>; on <paramref name="backend"/>, or the generator's own.
    /// </summary>
    public (Tensor Foreground, Tensor Background) SampleLatents(Rng rng, int batch, IBackend? backend = null)
    {
        backend ??= Backend;
        var zf = rng.Normal([batch, Architecture.LatentDim], backend: backend);
        return SharedLatent ? (zf, zf) : (zf, rng.Normal([batch, Architecture.LatentDim], backend: backend));
    }
}
