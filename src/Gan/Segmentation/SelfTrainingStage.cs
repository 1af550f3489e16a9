using KernelGan.Gan.Classical;
using KernelGan.Gan.Data;
using KernelGan.Gan.Training;
using KernelGan.Kernels;

namespace KernelGan.Gan.Segmentation;

/// <summary>
/// The self-training round as a step of a run: reads the generated-pairs U-Net (RUN/segmenter.kgc,
/// or segmenter-generated.kgc once a round has run), labels the real training images
/// (<see cref="SelfTraining.PseudoLabels"/>), trains a U-Net on them at the data's resolution and
/// saves it as RUN/segmenter.kgc, keeping the generated-pairs one as segmenter-generated.kgc.
/// </summary>
public sealed class SelfTrainingStage(RunDirectory dir, IBackend backend, TextWriter log)
{
    public const long DefaultSteps = 1200;

    /// <param name="Size">The side the self-trained U-Net works at (the data's resolution).</param>
    public sealed record Result(SegmenterTrainer.Result Fit, int Size, int Labelled);

    /// <summary>Box crops are labelled at twice the model's side (at most <see cref="BoxLabelMaxSize"/>): finer than the generator, still a crop.</summary>
    public const int BoxLabelMaxSize = 64;

    /// <param name="boxes">The data is box-level: its training items are the crops around its boxes, each label bounded by its box.</param>
    public Result Run(string dataSpec, SegmenterConfig config, ulong seed, StopSignal? stop = null, bool boxes = false)
    {
        if (!File.Exists(dir.GeneratedPairsSegmenter))
        {
            if (!File.Exists(dir.Segmenter)) throw new CheckpointException($"{dir.Segmenter}: no segmenter in this run to start self-training from (did training finish?)");
            File.Copy(dir.Segmenter, dir.GeneratedPairsSegmenter);
        }
        using var teacher = MaskPredictor.Load(dir.GeneratedPairsSegmenter, backend);
        int size = boxes ? Math.Min(BoxLabelMaxSize, 2 * teacher.ImageSize) : DatasetFactory.EvaluationSize(dataSpec, teacher.ImageSize);
        var real = DatasetFactory.Open(dataSpec, size, DataSplit.Train, useBoxes: boxes);
        log.WriteLine($"self-training: labelling {real.Count} real {(boxes ? "box crops" : "images")} at {size} px with the generated-pairs U-Net ({teacher.ImageSize} px), refined on each{(boxes ? ", the box as a bound" : "")}");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var labelled = SelfTraining.PseudoLabels(teacher, real, boxes ? BoxRefinement.DefaultOptions : new GrabCut.RefineOptions(), log);
        // config.Minutes bounds the whole round: what labelling took is the U-Net's less.
        var fitting = config with { Minutes = config.Minutes is { } m ? Math.Max(JobBudget.MinSegmenterMinutes, m - clock.Elapsed.TotalMinutes) : null };
        var fit = new SegmenterTrainer(fitting, backend, log).TrainOnPairs(labelled, seed, dir.Segmenter, dir.SelfTrainingMetrics, stop);
        return new Result(fit, size, labelled.Count);
    }
}
