using System.Globalization;

namespace KernelGan.Gan.Training;

/// <summary>
/// How a job's wall-clock budget (--minutes) is spent across its phases: the GAN until
/// <see cref="GanUntil"/>, the segmenter until <see cref="SegmenterUntil"/>, and what follows
/// (masks, evaluation, report) in the rest; with a self-training round
/// (<see cref="SelfTrainUntil"/>), that round between the segmenter and the rest. Times are minutes
/// since the job's clock started, so a phase that ends early (by its step count) leaves its time to
/// the next one.
/// </summary>
public sealed record JobBudget(double TotalMinutes, double GanUntil, double SegmenterUntil, string SegmenterName = "segmenter", string RestName = "masks/report", double? SelfTrainUntil = null, int SelfTrainRounds = 1, bool SelfTrainRoundsWhileTimeAllows = false)
{
    /// <summary>
    /// The self-training round's share (labelling the real images, then a U-Net at the data's
    /// resolution, 4x the pixels of the 32 px segmenter: 1200 steps took about 6 minutes on 2 idle
    /// AVX-512 cores). Taken from the GAN's share, which at 32 px usually ends by its steps anyway.
    /// </summary>
    public const double SelfTrainShare = 0.25;

    /// <summary>
    /// train's split: the segmenter gets <see cref="SegmenterShare"/> of the budget when it runs its
    /// pipeline's default steps (1200 U-Net steps took 1.5 min at 32 px and 5-10 min at 64 px on 2
    /// cores, beside 15-20 min of GAN), scaled by the steps asked for (at most twice that share);
    /// masks, evaluation and report keep <see cref="RestShare"/>; the GAN gets everything else.
    /// </summary>
    public const double SegmenterShare = 0.175, RestShare = 0.05;

    /// <summary>A segmenter left less than this (the GAN overran its share) still trains this long, so it has seen some batches.</summary>
    public const double MinSegmenterMinutes = 0.2;

    public static JobBudget ForTrain(double totalMinutes, long segmenterSteps, long defaultSegmenterSteps, bool withSegmenter, bool selfTraining = false,
                                     int selfTrainRounds = 1, bool selfTrainRoundsWhileTimeAllows = false)
    {
        if (!(totalMinutes > 0)) throw new ArgumentOutOfRangeException(nameof(totalMinutes), "a time budget must be positive");
        if (!withSegmenter) return new JobBudget(totalMinutes, totalMinutes, totalMinutes);
        double share = SegmenterShare * Math.Clamp((double)segmenterSteps / defaultSegmenterSteps, 0, 2);
        double lastUntil = totalMinutes * (1 - RestShare);
        double segmenterUntil = selfTraining ? lastUntil - totalMinutes * SelfTrainShare : lastUntil;
        return new JobBudget(totalMinutes, segmenterUntil - totalMinutes * share, segmenterUntil, SelfTrainUntil: selfTraining ? lastUntil : null,
                             SelfTrainRounds: selfTrainRounds, SelfTrainRoundsWhileTimeAllows: selfTrainRoundsWhileTimeAllows);
    }

    /// <summary>What the self-training round may still spend (at least <see cref="MinSegmenterMinutes"/>).</summary>
    public double SelfTrainMinutesLeft(TimeSpan elapsed) => Math.Max(MinSegmenterMinutes, (SelfTrainUntil ?? SegmenterUntil) - elapsed.TotalMinutes);

    /// <summary>What the GAN phase may still spend, <paramref name="elapsed"/> into the job.</summary>
    public double GanMinutesLeft(TimeSpan elapsed) => Math.Max(0, GanUntil - elapsed.TotalMinutes);

    /// <summary>What the segmenter may still spend, never less than <see cref="MinSegmenterMinutes"/>.</summary>
    public double SegmenterMinutesLeft(TimeSpan elapsed) => Math.Max(MinSegmenterMinutes, SegmenterUntil - elapsed.TotalMinutes);

    /// <summary>The line a job prints first, e.g. "budget 20 min: GAN until 15:30, segmenter until 19:00 (3:30), masks/report the rest (1:00)".</summary>
    public string Describe()
    {
        string total = TotalMinutes.ToString("0.##", CultureInfo.InvariantCulture);
        if (SegmenterUntil <= GanUntil && GanUntil >= TotalMinutes) return $"budget {total} min: all of it for the GAN";
        double restFrom = SelfTrainUntil ?? SegmenterUntil;
        string rounds = SelfTrainRoundsWhileTimeAllows ? $", up to {SelfTrainRounds} rounds while time allows" : SelfTrainRounds > 1 ? $", {SelfTrainRounds} rounds" : "";
        string selfTrain = SelfTrainUntil is { } until ? $"self-training until {Clock(until)} ({Clock(until - SegmenterUntil)}{rounds}), " : "";
        return $"budget {total} min: GAN until {Clock(GanUntil)}, {SegmenterName} until {Clock(SegmenterUntil)} ({Clock(SegmenterUntil - GanUntil)}), " +
               $"{selfTrain}{RestName} the rest ({Clock(TotalMinutes - restFrom)})";
    }

    /// <summary>Minutes as m:ss (h:mm:ss from an hour), the way progress lines show elapsed time.</summary>
    public static string Clock(double minutes)
    {
        var t = TimeSpan.FromSeconds(Math.Round(Math.Max(0, minutes) * 60));
        return t.TotalHours >= 1 ? $"{(int)t.TotalHours}:{t.Minutes:D2}:{t.Seconds:D2}" : $"{(int)t.TotalMinutes}:{t.Seconds:D2}";
    }
}
