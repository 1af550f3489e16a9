using System.Text.Json.Nodes;
using KernelGan.Nn.Optim;

namespace KernelGan.Gan.Training;

/// <summary>
/// What a GAN trainer exposes so that <see cref="TrainerCheckpoint"/> can save it and restore it
/// exactly: its step, its noise stream, its optimizers' step counts and every state tensor.
/// </summary>
public interface IResumableTrainer
{
    long Step { get; set; }
    Rng Noise { get; }
    void RestoreNoise(ulong offset);
    Adam OptG { get; }
    Adam OptD { get; }
    Adam? OptMine { get; }

    /// <summary>Every tensor that defines the training state, named for the checkpoint.</summary>
    IEnumerable<(string Name, Tensor Value)> StateTensors();

    /// <summary>Scalar state beyond the step, noise and tensors (a switch step, an adaptive probability), saved in the checkpoint's metadata; null = none.</summary>
    JsonObject? ExtraState() => null;

    /// <summary>Restores what <see cref="ExtraState"/> saved (null from a checkpoint that has none).</summary>
    void RestoreExtraState(JsonObject? state) { }
}
