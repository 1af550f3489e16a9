using KernelGan.Kernels;
using KernelGan.Nn;
using KernelGan.Nn.Optim;

namespace KernelGan.Gan.Models;

/// <summary>
/// MINE (Belghazi et al. 2018): a statistics network T(x, y) whose Donsker-Varadhan bound
/// I(X;Y) >= E_joint[T] - log E_marginal[exp T] estimates mutual information; marginal samples
/// pair x with a shuffled y. T's gradient uses the paper's moving-average bias correction: the
/// denominator E[exp T] is replaced by a running average kept on the device.
/// </summary>
public sealed class MineEstimator : Module
{
    private readonly Conv2d _c1, _c2, _c3;
    private readonly Linear _head;
    private readonly Tensor _movingAverage;

    public MineEstimator(IBackend backend, Rng rng, int channelsPerInput, int width = 32, float averageRate = 0.01f)
    {
        AverageRate = averageRate;
        _c1 = AddChild("c1", new Conv2d(backend, rng, 2 * channelsPerInput, width, 4, 2, 1));
        _c2 = AddChild("c2", new Conv2d(backend, rng, width, 2 * width, 4, 2, 1));
        _c3 = AddChild("c3", new Conv2d(backend, rng, 2 * width, 4 * width, 4, 2, 1));
        _head = AddChild("head", new Linear(backend, rng, 4 * width, 1));
        _movingAverage = AddBuffer("exp_average", Init.Constant([], 1f, backend));
    }

    public float AverageRate { get; }

    // One setting for every MINE network here (ILSGAN's and the prior's independence terms, and
    // the measurement after training): a slow learning rate, since T chases a moving target.
    private const float OptimizerLearningRate = 1e-4f, OptimizerBeta1 = 0.5f, OptimizerBeta2 = 0.999f;

    /// <summary>The Adam optimizer MINE networks train with.</summary>
    public static Adam Optimizer(IEnumerable<Tensor> parameters) =>
        new(parameters, OptimizerLearningRate, OptimizerBeta1, OptimizerBeta2);

    /// <summary>T(x_i, y_i) for each pair: [N].</summary>
    public Tensor Scores(Tensor x, Tensor y)
    {
        var h = Ops.LeakyRelu(_c1.Forward(Ops.Concat(1, x, y)), 0.2f);
        h = Ops.LeakyRelu(_c2.Forward(h), 0.2f);
        h = Ops.LeakyRelu(_c3.Forward(h), 0.2f);
        var pooled = Ops.Mean(h, [2, 3]);
        return Ops.Reshape(_head.Forward(pooled), x.Shape[0]);
    }

    /// <summary>The DV lower bound on I(X;Y) from matched pairs and pairs (x_i, y_perm(i)).</summary>
    public Tensor LowerBound(Tensor x, Tensor y, int[] permutation)
    {
        var joint = Scores(x, y);
        var marginal = Scores(x, Ops.Gather(y, permutation));
        // log mean exp = logsumexp - log n
        var logMeanExp = Ops.LogSumExp(marginal, 0) - MathF.Log(marginal.Count);
        return Ops.Mean(joint) - logMeanExp;
    }

    /// <summary>
    /// Loss whose gradient trains T to raise the bound, with the bias-corrected gradient:
    /// -(mean T_joint - mean exp(T_marginal) / movingAverage). Also returns the plain DV bound.
    /// </summary>
    public (Tensor Loss, Tensor Bound) TrainingLoss(Tensor x, Tensor y, int[] permutation)
    {
        var joint = Scores(x, y);
        var marginal = Scores(x, Ops.Gather(y, permutation));
        var meanExp = Ops.Mean(Ops.Exp(marginal));
        using (Tensor.NoGrad())
            _movingAverage.Backend.Axpby(AverageRate, meanExp.Buffer, 1f - AverageRate, _movingAverage.Buffer, 1);
        var loss = -(Ops.Mean(joint) - meanExp / _movingAverage.Detach());
        Tensor bound;
        using (Tensor.NoGrad()) bound = Ops.Mean(joint) - Ops.Log(meanExp);
        return (loss, bound);
    }
}
