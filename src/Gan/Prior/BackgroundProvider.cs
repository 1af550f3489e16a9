using KernelGan.Gan.Models;
using KernelGan.Kernels;
using KernelGan.Nn;

namespace KernelGan.Gan.Prior;

/// <summary>
/// The background provider: from its own noise, an MLP paints a coarse G x G colour grid that is
/// upsampled smoothly (bilinear, corners aligned) to the canvas, plus, optionally, a full-resolution
/// detail layer from a DCGAN branch whose amplitude is capped at <see cref="DetailAmplitude"/>.
/// The limits are the point: the background is exempt from the area penalty, so a background
/// that could paint objects would take them all and leave the instance masks empty. A smooth
/// field cannot draw an object, and a faint detail layer cannot draw one that stands out.
/// </summary>
public sealed class BackgroundProvider : Module
{
    private readonly Linear _l1, _l2;

    public BackgroundProvider(IBackend backend, Rng rng, int latentDim, int canvasSize, int grid, float detailAmplitude, int detailWidth)
    {
        if (grid < 1 || grid > canvasSize) throw new ArgumentException($"background grid must be 1..{canvasSize}, got {grid}");
        Grid = grid;
        CanvasSize = canvasSize;
        DetailAmplitude = detailAmplitude;
        _l1 = AddChild("l1", new Linear(backend, rng, latentDim, 128));
        _l2 = AddChild("l2", new Linear(backend, rng, 128, 3 * grid * grid));
        if (detailAmplitude > 0)
            Detail = AddChild("detail", new GeneratorBranch(backend, rng, new Architecture("bg-detail", canvasSize, latentDim, detailWidth, 0, false), 3));
    }

    public int Grid { get; }
    public int CanvasSize { get; }
    public float DetailAmplitude { get; }
    public GeneratorBranch? Detail { get; }

    /// <summary>Background [N, 3, S, S] in [-1, 1] for noise [N, zDim].</summary>
    public Tensor Forward(Tensor z)
    {
        int n = z.Shape[0];
        var coarse = Ops.Tanh(_l2.Forward(Ops.LeakyRelu(_l1.Forward(z), 0.2f)));
        var field = Ops.Reshape(coarse, n, 3, Grid, Grid);
        var smooth = Grid == CanvasSize ? field : Ops.ResizeBilinear(field, CanvasSize, CanvasSize, alignCorners: true);
        if (Detail is null) return smooth;
        var detail = Ops.Tanh(Detail.Forward(z)) * DetailAmplitude;
        return Ops.Clamp(smooth + detail, -1f, 1f);
    }
}
