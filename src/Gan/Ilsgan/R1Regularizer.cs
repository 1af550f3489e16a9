using KernelGan.Gan.Models;

namespace KernelGan.Gan.Ilsgan;

/// <summary>
/// Lazy R1 (Mescheder et al. 2018): penalty (gamma/2) * E|grad_x D(x)|^2 on real images.
/// Its parameter gradient needs a second derivative, gamma * E[H g] with g = grad_x D and
/// H = d(grad_x D)/d(theta). Our tape is first-order, so H g is taken as a central difference
/// of parameter gradients along g: [grad_theta D(x + eps g) - grad_theta D(x - eps g)] / (2 eps),
/// exact to O(eps^2) and costing three extra D passes every R1Interval steps.
/// </summary>
public static class R1Regularizer
{
    /// <summary>
    /// The official ILSGAN / StyleGAN2-ADA heuristic gamma = 0.0002 * res^2 / batch
    /// (train_ILS_64.py: spec.gamma), e.g. 0.0256 at 64 px and batch 32.
    /// </summary>
    public static float OfficialGamma(int resolution, int batch) => 0.0002f * resolution * resolution / batch;

    /// <summary>Adds the penalty's gradient (times <paramref name="weight"/> = gamma * interval) to D's gradients; returns E|g|^2.</summary>
    public static Tensor Accumulate(Discriminator d, Tensor real, float weight)
    {
        int n = real.Shape[0];
        // 1) g = grad_x sum_i D(x_i): D has no batch coupling, so row i is grad of D(x_i).
        var x = real.Clone();
        x.RequiresGrad = true;
        // Eval mode: spectral norm keeps its current estimate, so all passes see the same D.
        d.Eval();
        d.SetParametersTrainable(false);
        Ops.Sum(d.Forward(x)).Backward();
        d.SetParametersTrainable(true);
        var g = x.Grad!;
        x.Grad = null;
        var squaredNorm = Ops.Mean(Ops.Sum(Ops.Square(g), [1, 2, 3]));

        // 2) Step along g small enough that D stays locally quadratic: mean |eps*g| = 1e-3 (pixels span [-1, 1]).
        // eps and the scale stay on the device (a read-back would make the host wait for the GPU
        // in the middle of the step); each is the same float operation the host would do.
        var backend = real.Backend;
        var eps = Ops.Div(Tensor.Scalar(1e-3f, backend), Ops.Mean(Ops.Abs(g)) + 1e-12f);
        var scale = Ops.Div(Tensor.Scalar(weight, backend), eps * (n * 2f));
        var step = eps * g;
        var plus = Ops.Sum(d.Forward(real + step)) * scale;
        plus.Backward();
        var minus = Ops.Sum(d.Forward(real - step)) * -scale;
        minus.Backward();
        d.Train();
        g.Dispose();
        return squaredNorm;
    }
}
