namespace KernelGan.Gan.Training;

/// <summary>
/// What one GAN training step measured (both methods), read back from the device once per step:
/// named values in the order of the method's metrics.csv columns (<see cref="GanStepColumns"/>).
/// The values every method reports have properties; a method's own (r1, floor, scale, augment_p)
/// are read by column name.
/// </summary>
public sealed class GanStepStats
{
    private readonly float[] _values;

    /// <param name="values">One value per column of <paramref name="columns"/> after "step".</param>
    public GanStepStats(long step, GanStepColumns columns, float[] values)
    {
        if (values.Length != columns.Values.Count)
            throw new ArgumentException($"{values.Length} values for the {columns.Values.Count} columns {string.Join(",", columns.Values)}");
        Step = step;
        Columns = columns;
        _values = values;
    }

    public long Step { get; }
    public GanStepColumns Columns { get; }

    /// <summary>The value of a column, e.g. "r1"; throws naming the columns when the method has no such column.</summary>
    public float this[string column] => _values[Columns.IndexOf(column)];

    /// <summary>The value of a column, or null when the method (or this run's options) has none.</summary>
    public float? Find(string column) => Columns.Has(column) ? this[column] : null;

    public float LossD => this["loss_d"];
    public float LossG => this["loss_g"];
    public float Adversarial => this["adv"];
    public float Binarization => this["binarization"];
    public float Area => this["area"];
    public float MutualInformation => this["mi"];
    public float MaskMean => this["mask_mean"];
    public float RealScore => this["d_real"];
    public float FakeScore => this["d_fake"];

    /// <summary>Whether the losses are numbers; a step that is not stops the run (see <see cref="GanTrainingLoop"/>).</summary>
    public bool IsFinite => float.IsFinite(LossD) && float.IsFinite(LossG);

    /// <summary>A metrics.csv row under <see cref="GanStepColumns.CsvHeader"/>.</summary>
    public string ToCsv() => Step.ToString(System.Globalization.CultureInfo.InvariantCulture)
        + string.Concat(_values.Select(v => FormattableString.Invariant($",{v:G6}")));

    /// <summary>The losses on a progress line.</summary>
    public string Describe() => Columns.Describe(this);
}
