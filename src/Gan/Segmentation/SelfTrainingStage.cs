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
    /// <param name="Rounds">How many rounds ran.</param>
    public sealed record Result(SegmenterTrainer.Result Fit, int Size, int Labelled, int Rounds = 1)
    {
        /// <summary>The report's note on the rounds (train's whole images, or box-level crops).</summary>
        public string ReportNote(bool boxes)
        {
            string items = boxes ? "crops" : "images";
            string refined = boxes ? "refined on each crop with its box as a bound" : "refined on each image (GrabCut seeded by its probabilities)";
            return FormattableString.Invariant(
                $"Self-training: the {Labelled} real training {items} labelled by that U-Net, {refined}{LaterRounds(Rounds)}; a U-Net at {Size} px trained on those labels agrees with them at IoU {Fit.BestValidationIou:F3} on {Fit.ValidationPairs} held-out {items} (step {Fit.BestStep}). It is the run's segmenter (segmenter.kgc); the generated-pairs U-Net is segmenter-generated.kgc.");
        }
    }

    /// <summary>Box crops are labelled at twice the model's side (at most <see cref="BoxLabelMaxSize"/>): finer than the generator, still a crop.</summary>
    public const int BoxLabelMaxSize = 64;

    /// <summary>
    /// The most rounds <c>--self-train-rounds auto</c> runs. A second round gained 0.016 on devset
    /// centric and 0.012-0.016 on box crops; a third 0.001-0.020 on box crops
    /// (docs/real-photos.md, docs/independence-prior.md): little beyond that to buy.
    /// </summary>
    public const int MaxRoundsWhileTimeAllows = 3;

    /// <summary>
    /// With <c>auto</c>, a further round starts if the time left is at least this fraction of what
    /// the round before took, so it runs at least about this share of its steps. The U-Net's learning
    /// rate is constant and it keeps its best-validation snapshot, so a round cut late loses little:
    /// in two devset centric jobs the validation IoU at step 900 of 1200 was within 0.002 and 0.004
    /// of the round's best. A whole-round rule (fraction 1) declined a second round that would have
    /// run 97% of its steps (8.7 minutes left, 9.0 taken; docs/real-photos.md).
    /// </summary>
    public const double FurtherRoundFraction = 0.75;

    /// <summary>
    /// <paramref name="rounds"/> rounds: the first labels with the generated-pairs U-Net, each later
    /// one with the U-Net the round before trained. <paramref name="minutes"/> (null: unbounded)
    /// bounds them together. With a fixed count it is split evenly over the rounds still to run, so
    /// a round that ends early leaves its time to the next. With <paramref name="whileTimeAllows"/>,
    /// <paramref name="rounds"/> is a cap: each round may use all the time left, and a further one
    /// starts only if what is left is at least <see cref="FurtherRoundFraction"/> of what the round
    /// before took; without a budget that is one round. Returns the last round's result.
    /// </summary>
    public Result RunRounds(int rounds, string dataSpec, SegmenterConfig config, ulong seed, double? minutes, StopSignal? stop = null,
                            bool boxes = false, bool whileTimeAllows = false)
    {
        if (rounds < 1) throw new ArgumentOutOfRangeException(nameof(rounds), rounds, "at least one self-training round");
        if (whileTimeAllows && minutes is null) rounds = 1; // no budget to measure a further round against
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Result? last = null;
        string? lastMetrics = null;
        double lastRoundMinutes = 0;
        for (int round = 0; round < rounds; round++)
        {
            double? left = minutes is { } m ? m - clock.Elapsed.TotalMinutes : null;
            if (whileTimeAllows && round > 0 && left < FurtherRoundFraction * lastRoundMinutes)
            {
                log.WriteLine(FormattableString.Invariant($"self-training: {left:F1} min left, less than {FurtherRoundFraction * 100:0}% of what round {round} took ({lastRoundMinutes:F1} min): no round {round + 1}"));
                break;
            }
            double? share = left is { } time ? Math.Max(JobBudget.MinSegmenterMinutes, whileTimeAllows ? time : time / (rounds - round)) : null;
            if (rounds > 1)
                log.WriteLine($"self-training: round {round + 1} of {(whileTimeAllows ? $"at most {rounds}, while time allows" : $"{rounds}")}" +
                              (share is { } s ? FormattableString.Invariant($", {s:F1} min") : ""));
            bool more = round < rounds - 1;
            lastMetrics = more ? dir.SelfTrainingRoundMetrics(round + 1) : dir.SelfTrainingMetrics;
            double startedAt = clock.Elapsed.TotalMinutes;
            last = Run(dataSpec, config with { Minutes = share }, seed, stop, boxes, fromCurrent: round > 0, metrics: lastMetrics)
                   with { Rounds = round + 1 };
            lastRoundMinutes = clock.Elapsed.TotalMinutes - startedAt;
            if (stop?.Requested == true) break;
        }
        // The last round's metrics go to selftrain.csv, also when time, not the count, ended the rounds.
        if (lastMetrics != dir.SelfTrainingMetrics && File.Exists(lastMetrics)) File.Move(lastMetrics!, dir.SelfTrainingMetrics, overwrite: true);
        return last!;
    }

    /// <summary>The report's words for the rounds after the first ("" for one round).</summary>
    public static string LaterRounds(int rounds) => rounds switch
    {
        <= 1 => "",
        2 => ", then once more by the U-Net that learned those labels",
        _ => $", then {rounds - 1} more times, each by the U-Net the round before trained",
    };

    /// <summary>One round: label the real images with a U-Net, refine each label, train a U-Net on them (see the class summary).</summary>
    /// <param name="boxes">The data is box-level: its training items are the crops around its boxes, each label bounded by its box.</param>
    /// <param name="metrics">Where the U-Net's training metrics go (default RUN/selftrain.csv).</param>
    /// <param name="fromCurrent">Label with the run's current segmenter (a self-trained one after a first round) instead of the generated-pairs U-Net: a further round.</param>
    public Result Run(string dataSpec, SegmenterConfig config, ulong seed, StopSignal? stop = null, bool boxes = false, bool fromCurrent = false, string? metrics = null)
    {
        if (!File.Exists(dir.GeneratedPairsSegmenter))
        {
            if (!File.Exists(dir.Segmenter)) throw new CheckpointException($"{dir.Segmenter}: no segmenter in this run to start self-training from (did training finish?)");
            File.Copy(dir.Segmenter, dir.GeneratedPairsSegmenter);
        }
        using var teacher = MaskPredictor.Load(fromCurrent ? dir.Segmenter : dir.GeneratedPairsSegmenter, backend);
        int size = boxes ? Math.Min(BoxLabelMaxSize, 2 * teacher.ImageSize) : DatasetFactory.EvaluationSize(dataSpec, teacher.ImageSize);
        var real = DatasetFactory.Open(dataSpec, size, DataSplit.Train, useBoxes: boxes);
        log.WriteLine($"self-training: labelling {real.Count} real {(boxes ? "box crops" : "images")} at {size} px with the {(fromCurrent ? "current" : "generated-pairs")} U-Net ({teacher.ImageSize} px), refined on each{(boxes ? ", the box as a bound" : "")}");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var labelled = SelfTraining.PseudoLabels(teacher, real, boxes ? BoxRefinement.DefaultOptions : new GrabCut.RefineOptions(), log);
        // config.Minutes bounds the whole round: what labelling took is the U-Net's less.
        var fitting = config with { Minutes = config.Minutes is { } m ? Math.Max(JobBudget.MinSegmenterMinutes, m - clock.Elapsed.TotalMinutes) : null };
        var fit = new SegmenterTrainer(fitting, backend, log).TrainOnPairs(labelled, seed, dir.Segmenter, metrics ?? dir.SelfTrainingMetrics, stop);
        return new Result(fit, size, labelled.Count);
    }
}
