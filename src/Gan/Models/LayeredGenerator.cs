using KernelGan.Gan.Nn;

namespace KernelGan.Gan.Models;

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
    public LayeredGenerator(Rng rng, Architecture arch, float maskLogitBias = 0f)
    {
        Architecture = arch;
        ForegroundBranch = AddChild("fg", new GeneratorBranch(rng, arch, 4));
        BackgroundBranch = AddChild("bg", new GeneratorBranch(rng, arch, 3));
        if (maskLogitBias != 0f)
        {
            // Channel 3 of the fg branch is the mask logit; its bias sets the initial mask level.
            var bias = ForegroundBranch.OutputBias;
            var values = bias.ToArray();
            values[3] = maskLogitBias;
            bias.Backend.Upload(values, bias.Buffer);
        }
    }

    public Architecture Architecture { get; }
    public GeneratorBranch ForegroundBranch { get; }
    public GeneratorBranch BackgroundBranch { get; }

    public Layers Forward(Tensor zForeground, Tensor zBackground)
    {
        var fgOut = ForegroundBranch.Forward(zForeground);
        var fg = Ops.Tanh(Ops.Narrow(fgOut, 1, 0, 3));
        var mask = Ops.Sigmoid(Ops.Narrow(fgOut, 1, 3, 1));
        var bg = Ops.Tanh(BackgroundBranch.Forward(zBackground));
        return new Layers(fg, mask, bg);
    }

    /// <summary>Draws the two noise tensors for a batch from <paramref name="rng"/>.</summary>
    public (Tensor Foreground, Tensor Background) SampleLatents(Rng rng, int batch, KernelGan.Kernels.IBackend? backend = null) =>
        (rng.Normal([batch, Architecture.LatentDim], backend: backend), rng.Normal([batch, Architecture.LatentDim], backend: backend));
}
