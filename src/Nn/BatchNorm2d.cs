using KernelGan.Kernels;
namespace KernelGan.Nn;

/// <summary>Batch norm over channels with learned scale/shift and running statistics (momentum 0.1, eps 1e-5).</summary>
public sealed class BatchNorm2d : Layer
{
    public BatchNorm2d(IBackend backend, int channels, float momentum = 0.1f, float eps = 1e-5f)
    {
        Momentum = momentum;
        Eps = eps;
        Gamma = AddParameter("weight", Init.Constant([channels], 1f, backend));
        Beta = AddParameter("bias", Init.Constant([channels], 0f, backend));
        RunningMean = AddBuffer("running_mean", Init.Constant([channels], 0f, backend));
        RunningVar = AddBuffer("running_var", Init.Constant([channels], 1f, backend));
    }

    /// <summary>Weight of each batch in the running statistics; settable so a calibration can take an exact average (see BatchNormCalibration).</summary>
    public float Momentum { get; set; }
    public float Eps { get; }
    public Tensor Gamma { get; }
    public Tensor Beta { get; }
    public Tensor RunningMean { get; }
    public Tensor RunningVar { get; }

    public override Tensor Forward(Tensor x) => Ops.BatchNorm(x, Gamma, Beta, RunningMean, RunningVar, Training, Momentum, Eps);
}
