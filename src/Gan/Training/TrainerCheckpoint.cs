using System.Text.Json.Nodes;

namespace KernelGan.Gan.Training;

/// <summary>
/// A trainer's checkpoint: its state tensors plus the counters that make a resumed run continue
/// bit for bit (step, noise offset, optimizer step counts), tagged with the kind of model so that
/// one kind of run never loads another's checkpoint.
/// </summary>
public static class TrainerCheckpoint
{
    public static void Save(string path, string kind, IResumableTrainer trainer, JsonNode config)
    {
        var meta = new JsonObject
        {
            ["kind"] = kind,
            ["step"] = trainer.Step,
            ["noise_offset"] = trainer.Noise.Offset,
            ["opt_g_steps"] = trainer.OptG.StepCount,
            ["opt_d_steps"] = trainer.OptD.StepCount,
            ["opt_mine_steps"] = trainer.OptMine?.StepCount ?? 0,
            ["config"] = config.DeepClone(),
        };
        if (trainer.ExtraState() is { } extra) meta["extra"] = extra;
        Checkpoint.Save(path, meta, trainer.StateTensors());
    }

    /// <summary>A trainer's state tensors named for the checkpoint: each part's names behind its prefix ("G.", "opt_D."); absent parts (null) are skipped.</summary>
    public static IEnumerable<(string Name, Tensor Value)> Prefixed(params (string Prefix, IEnumerable<(string Name, Tensor Value)>? Tensors)[] parts)
    {
        foreach (var (prefix, tensors) in parts)
            if (tensors is not null)
                foreach (var (name, value) in tensors) yield return (prefix + name, value);
    }

    /// <param name="description">What the model is called in errors, e.g. "ILSGAN model".</param>
    public static void Restore(Checkpoint ckpt, string kind, IResumableTrainer trainer, string description)
    {
        if (ckpt.Metadata["kind"]?.GetValue<string>() != kind)
            throw new CheckpointException($"the checkpoint holds a '{ckpt.Metadata["kind"]?.GetValue<string>() ?? "unknown"}' run, not an {description} ('{kind}')");
        ckpt.RestoreInto(trainer.StateTensors(), description);
        trainer.Step = ckpt.Metadata["step"]!.GetValue<long>();
        trainer.RestoreNoise(ckpt.Metadata["noise_offset"]!.GetValue<ulong>());
        trainer.OptG.StepCount = ckpt.Metadata["opt_g_steps"]!.GetValue<long>();
        trainer.OptD.StepCount = ckpt.Metadata["opt_d_steps"]!.GetValue<long>();
        if (trainer.OptMine is not null) trainer.OptMine.StepCount = ckpt.Metadata["opt_mine_steps"]!.GetValue<long>();
        trainer.RestoreExtraState(ckpt.Metadata["extra"]?.AsObject());
    }
}
