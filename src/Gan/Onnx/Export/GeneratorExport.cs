using KernelGan.Gan.Ilsgan;
using KernelGan.Gan.Models;

namespace KernelGan.Gan.Onnx.Export;

/// <summary>
/// The layered ILSGAN generator as an ONNX model: latent(s) in, four images out, each
/// [N, C, S, S] float: "composite", "foreground", "background" (RGB in [-1, 1], as the generator
/// makes them; (v + 1) / 2 gives [0, 1]) and "mask" ([N, 1, S, S] in [0, 1]).
/// Inputs: one "z" [N, L] when the run shares one latent between the layers (--shared-latent),
/// else "z_fg" and "z_bg" [N, L], each z ~ N(0, 1); multiply them by psi for truncation.
///
/// The generator is trained and sampled with batch statistics in its batch norms, so a sample
/// depends on the others in its batch; a graph of z alone needs fixed statistics. The caller
/// freezes them first (<see cref="Generation.BatchNormCalibration"/>, as `generate --truncation`
/// does): the graph then computes exactly the frozen generator in evaluation mode.
/// </summary>
public static class GeneratorExport
{
    public const string SharedInput = "z", ForegroundInput = "z_fg", BackgroundInput = "z_bg";
    public const string Composite = "composite", Foreground = "foreground", Background = "background", Mask = "mask";

    public static OnnxModel Build(LayeredGenerator g, IReadOnlyList<KeyValuePair<string, string>>? metadata = null)
    {
        if (g.Training)
            throw new InvalidOperationException("onnx export: the generator normalizes with batch statistics; freeze its batch norms first (BatchNormCalibration.Calibrate)");
        CheckExportable(g);
        var fgBranch = (GeneratorBranch)g.ForegroundBranch;
        var bgBranch = (GeneratorBranch)g.BackgroundBranch;
        var arch = g.Architecture;
        var b = new OnnxGraphBuilder();
        string zf = g.SharedLatent ? SharedInput : ForegroundInput, zb = g.SharedLatent ? SharedInput : BackgroundInput;

        string fgOut = Branch(b, fgBranch, zf, arch.LatentDim, "fg");
        string fg = b.Node("Tanh", Foreground, [Channels(b, fgOut, 0, 3, "fg.rgb")]);
        string logit = Channels(b, fgOut, 3, 4, "fg.mask_logit");
        if (g.CentrePriorMap is { } prior)
            logit = b.Node("Add", "fg.mask_logit_with_prior", [logit, b.Weight("centre_prior", prior)]);
        logit = b.Node("Clip", "fg.mask_logit_floored", [logit, b.Scalar("mask_logit_floor", LayeredGenerator.MaskLogitFloor)]);
        string mask = b.Node("Sigmoid", Mask, [logit]);
        string bg = b.Node("Tanh", Background, [Branch(b, bgBranch, zb, arch.LatentDim, "bg")]);

        // m * fg + (1 - m) * bg, as Ops.Composite computes.
        string visible = b.Node("Mul", "fg_visible", [mask, fg]);
        string rest = b.Node("Sub", "one_minus_mask", [b.Scalar("one", 1f), mask]);
        string hidden = b.Node("Mul", "bg_visible", [rest, bg]);
        b.Node("Add", Composite, [visible, hidden]);

        OnnxDim n = OnnxDim.Symbolic("N"), s = OnnxDim.Fixed(arch.ImageSize), l = OnnxDim.Fixed(arch.LatentDim);
        var inputs = g.SharedLatent
            ? new[] { new OnnxValueInfo(SharedInput, OnnxDataType.Float, [n, l]) }
            : [new OnnxValueInfo(ForegroundInput, OnnxDataType.Float, [n, l]), new OnnxValueInfo(BackgroundInput, OnnxDataType.Float, [n, l])];
        OnnxValueInfo Image(string name, long channels) => new(name, OnnxDataType.Float, [n, OnnxDim.Fixed(channels), s, s]);
        var graph = b.Build("kernelgan_generator", inputs, [Image(Composite, 3), Image(Foreground, 3), Image(Background, 3), Image(Mask, 1)]);
        string latent = g.SharedLatent
            ? $"'{SharedInput}' float [N,{arch.LatentDim}] ~ N(0,1), shared by both layers"
            : $"'{ForegroundInput}' and '{BackgroundInput}' float [N,{arch.LatentDim}] ~ N(0,1), one per layer";
        string doc = (
            $"KernelGan layered ILSGAN generator ({arch.Name}, {arch.ImageSize}x{arch.ImageSize}), batch norms frozen at calibrated statistics. " +
            $"Input {latent} (scale by psi for truncation). Outputs: '{Composite}', '{Foreground}', '{Background}' float [N,3,S,S] in [-1,1]; " +
            $"'{Mask}' float [N,1,S,S] in [0,1]; composite = mask*foreground + (1-mask)*background.");
        return OnnxGraphBuilder.Model(graph, doc, metadata ?? []);
    }

    /// <summary>Throws what keeps <paramref name="g"/> from an ONNX form here (so a caller can refuse before any work).</summary>
    public static void CheckExportable(LayeredGenerator g)
    {
        if (g.MaskBlurred)
            throw new OnnxException("onnx export: a generator trained with --mask-blur is not exportable yet (its blur has no ONNX form here)");
        if (g.ForegroundBranch is not GeneratorBranch || g.BackgroundBranch is not GeneratorBranch)
            throw new OnnxException($"onnx export: the {g.Architecture.Name} architecture's generator (StyleGAN2's shape) is not exportable yet; only the DCGAN-shaped presets are (the run's segmenter is: --model segmenter)");
    }

    /// <summary>GeneratorBranch.Forward: z as [N, L, 1, 1], then transposed conv (+ batch norm + ReLU) stages.</summary>
    private static string Branch(OnnxGraphBuilder b, GeneratorBranch branch, string z, int latentDim, string name)
    {
        string x = b.Node("Reshape", $"{name}.z_as_image", [z, b.Int64s($"{name}.z_shape", -1, latentDim, 1, 1)]);
        for (int i = 0; i < branch.Layers.Count; i++)
        {
            var (conv, norm) = branch.Layers[i];
            x = LayerExport.ConvTranspose(b, conv, x, $"{name}.conv{i}");
            if (norm is not null) x = LayerExport.Relu(b, LayerExport.BatchNorm(b, norm, x, $"{name}.bn{i}"), $"{name}.relu{i}");
        }
        return x;
    }

    /// <summary>Channels [from, to) of an NCHW tensor.</summary>
    private static string Channels(OnnxGraphBuilder b, string x, long from, long to, string name) =>
        b.Node("Slice", name, [x, b.Int64s($"{name}.starts", from), b.Int64s($"{name}.ends", to), b.Int64s($"{name}.axes", 1)]);
}
