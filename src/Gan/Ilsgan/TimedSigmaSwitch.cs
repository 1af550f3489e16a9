namespace KernelGan.Gan.Ilsgan;

/// <summary>
/// The sigma switch measured on the run actually trained: once <paramref name="fraction"/> of the
/// GAN phase's time budget has passed, sigma takes its late value (the step schedule may switch
/// it sooner). A run stopped by its budget thus always switches, which a switch at a fraction of
/// --steps does not promise. The budget is this session's (a resume's own --minutes); the step
/// it switched at is saved in checkpoints, so a resume after the switch keeps the late sigma.
/// </summary>
public sealed class TimedSigmaSwitch(double fraction, TimeSpan budget)
{
    public double Fraction => fraction;
    public TimeSpan At { get; } = budget * fraction;

    /// <summary>Switches <paramref name="trainer"/>'s sigma if <paramref name="elapsed"/> (the phase's clock) has reached <see cref="At"/>.</summary>
    /// <returns>Whether it switched at this call.</returns>
    public bool Apply(IlsganTrainer trainer, TimeSpan elapsed) => elapsed >= At && trainer.SwitchSigmaNow();
}
