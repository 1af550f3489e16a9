using KernelGan.Gan.Data;
using KernelGan.Gan.Training;
using KernelGan.Kernels;

namespace KernelGan.Gan.Ilsgan.Generation;

/// <summary>
/// Opens a finished (or running) ILSGAN run's checkpoint for sampling: the models as last saved,
/// built with the configuration stored in the checkpoint itself (not config.json, which a resumed
/// run may have rewritten). Shared by the commands that draw from a run (generate, eval --fid), so
/// they refuse the same things with the same one-line errors.
/// </summary>
public static class TrainedIlsgan
{
    /// <summary>
    /// RUN/checkpoint.kgc, checked to hold an ILSGAN model. <paramref name="command"/> names the
    /// caller in the errors: a missing run directory, an independence-prior run, a run without a
    /// checkpoint, or a checkpoint of another kind of model. Nothing is built on a device yet, so
    /// callers can refuse bad input before opening one.
    /// </summary>
    public static Checkpoint Open(RunDirectory dir, string command)
    {
        if (!Directory.Exists(dir.Root)) throw DataException.ForPath(dir.Root, "no such run directory");
        if (RunConfigVersions.ModelOf(dir.Config) is { } model && model != IlsganConfig.ModelName)
            throw new CheckpointException($"{dir.Root} is an independence-prior run (--model prior); {command} supports ILSGAN runs only");
        if (!File.Exists(dir.Checkpoint)) throw new CheckpointException($"{dir.Checkpoint}: the run has no GAN checkpoint (did training start?)");
        var ckpt = Checkpoint.Load(dir.Checkpoint);
        string kind = ckpt.Metadata["kind"]?.GetValue<string>() ?? "unknown";
        if (kind != IlsganRun.CheckpointKind)
            throw new CheckpointException($"{dir.Checkpoint} holds a '{kind}' model; {command} supports ILSGAN runs only");
        return ckpt;
    }

    /// <summary>The run's configuration as the checkpoint recorded it (<paramref name="source"/> names the file in errors).</summary>
    public static RunConfig<IlsganConfig> Config(Checkpoint ckpt, string source) => RunConfig<IlsganConfig>.FromJson(ckpt.Metadata["config"]!.ToJsonString(), source);

    /// <summary>The trainer (G, its EMA G_ema, D) a checkpoint from <see cref="Open"/> holds, built on <paramref name="backend"/>.</summary>
    public static IlsganTrainer Restore(Checkpoint ckpt, string source, IBackend backend)
    {
        var trainer = new IlsganTrainer(Config(ckpt, source).Gan, backend);
        IlsganRun.RestoreFrom(ckpt, trainer);
        return trainer;
    }
}
