using System.Globalization;
using System.Text;
using KernelGan.Gan.Data;
using KernelGan.Gan.Models;
using KernelGan.Gan.Training;
using KernelGan.Kernels;

namespace KernelGan.Gan.Ilsgan.Generation;

/// <summary>What `kernelgan generate` makes: how many, in what batches, with what truncation, kept how.</summary>
public sealed record GenerateOptions(int Count, int Batch, float Truncation, int? TopK, bool Layers, ulong Seed)
{
    /// <summary>Batches of untruncated latents the batch norms are frozen on when psi != 1.</summary>
    public int CalibrationBatches { get; init; } = 16;
}

/// <summary>
/// Writes a generated image/mask set: DIR/images/NNNNNN.png (the composite), DIR/masks/NNNNNN.png
/// (the mask thresholded at 0.5), with layers also DIR/fg/ and DIR/bg/. NNNNNN is the sample's
/// index in the generated sequence, so a --topk set is a subset of the full set with the same
/// names and pixels. With a top-k the samples are drawn twice: once to score every composite with
/// D (scores.csv: index,score,kept), once to write the K highest-scored, so memory does not grow
/// with N. Every file is written to a temp file and renamed.
/// </summary>
public sealed class GeneratedSetWriter(LayeredGenerator generator, Discriminator? discriminator, IBackend backend, TextWriter log)
{
    public sealed record Result(int Written, int Generated, float? LowestKeptScore);

    public Result Write(string outDir, GenerateOptions o)
    {
        if (o.TopK is not null && discriminator is null) throw new ArgumentException("a top-k selection needs the discriminator", nameof(discriminator));
        if (o.Truncation != 1f)
        {
            log.WriteLine(FormattableString.Invariant($"truncation {o.Truncation}: freezing the batch norms on {o.CalibrationBatches} batches of untruncated latents"));
            BatchNormCalibration.Calibrate(generator, new Rng(SeedStreams.BatchNormCalibration(o.Seed)), o.CalibrationBatches, o.Batch, backend);
        }
        var draws = new GeneratedBatches(generator, o.TopK is null ? null : discriminator, o.Batch, o.Truncation, backend);
        HashSet<int>? keep = null;
        float? lowest = null;
        if (o.TopK is int k)
        {
            var scores = new float[o.Count];
            var progress = new ProgressReporter(log, "scored", 0, o.Count, null);
            foreach (var s in draws.Draw(o.Seed, o.Count))
            {
                scores[s.Index] = s.Score!.Value;
                progress.Report(s.Index + 1, () => "D scores", force: s.Index + 1 == o.Count);
            }
            // Highest score first; ties by index so the choice is deterministic.
            var ranked = Enumerable.Range(0, o.Count).OrderByDescending(i => scores[i]).ThenBy(i => i).Take(k).ToList();
            keep = ranked.ToHashSet();
            lowest = scores[ranked[^1]];
            WriteScores(Path.Combine(outDir, "scores.csv"), scores, keep);
        }

        int target = keep?.Count ?? o.Count, written = 0;
        var writing = new ProgressReporter(log, "written", 0, target, null);
        foreach (var s in draws.Draw(o.Seed, o.Count))
        {
            if (keep is not null && !keep.Contains(s.Index)) continue;
            string name = $"{s.Index:D6}.png";
            ImageIo.SavePng(Path.Combine(outDir, "images", name), s.Layers.Composite);
            ImageIo.SavePng(Path.Combine(outDir, "masks", name), ImageOps.Threshold(s.Layers.Mask, 0.5f));
            if (o.Layers)
            {
                ImageIo.SavePng(Path.Combine(outDir, "fg", name), s.Layers.Foreground);
                ImageIo.SavePng(Path.Combine(outDir, "bg", name), s.Layers.Background);
            }
            written++;
            writing.Report(written, () => "image/mask pairs", force: written == target);
        }
        return new Result(written, o.Count, lowest);
    }

    private static void WriteScores(string path, float[] scores, HashSet<int> keep)
    {
        var text = new StringBuilder("index,score,kept\n");
        for (int i = 0; i < scores.Length; i++)
            text.Append(i.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(scores[i].ToString("R", CultureInfo.InvariantCulture)).Append(',')
                .Append(keep.Contains(i) ? '1' : '0').Append('\n');
        AtomicFile.WriteAllBytes(path, Encoding.UTF8.GetBytes(text.ToString()));
    }
}
