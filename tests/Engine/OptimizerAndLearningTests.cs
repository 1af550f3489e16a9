using Xunit;
using KernelGan.Nn;
using KernelGan.Nn.Optim;

namespace KernelGan.Tests.Engine;

public class OptimizerAndLearningTests
{
    [Fact]
    public void AdamMatchesHandComputedSteps()
    {
        // Two steps of Adam by hand (PyTorch's formula) on p = [1, -2] with gradients g1, g2.
        var p = Tensor.FromArray([1f, -2f], 2);
        p.RequiresGrad = true;
        var adam = new Adam([p], lr: 0.1f, beta1: 0.9f, beta2: 0.99f, eps: 1e-8f);
        double[] pv = [1, -2], m = [0, 0], v = [0, 0];
        double[][] grads = [[0.5, -1.0], [0.2, 3.0]];
        for (int t = 1; t <= 2; t++)
        {
            p.Grad = Tensor.FromArray(grads[t - 1].Select(x => (float)x).ToArray(), 2);
            adam.Step();
            for (int i = 0; i < 2; i++)
            {
                m[i] = 0.9 * m[i] + 0.1 * grads[t - 1][i];
                v[i] = 0.99 * v[i] + 0.01 * grads[t - 1][i] * grads[t - 1][i];
                double mhat = m[i] / (1 - Math.Pow(0.9, t)), vhat = v[i] / (1 - Math.Pow(0.99, t));
                pv[i] -= 0.1 * mhat / (Math.Sqrt(vhat) + 1e-8);
            }
        }
        var got = p.ToArray();
        for (int i = 0; i < 2; i++) Assert.Equal(pv[i], got[i], 5);
    }

    [Fact]
    public void AdamWDecouplesWeightDecay()
    {
        var p = Tensor.FromArray([2f], 1);
        p.RequiresGrad = true;
        p.Grad = Tensor.Zeros(1);
        new Adam([p], lr: 0.1f, weightDecay: 0.5f, decoupled: true).Step();
        // Zero gradient: only the decay acts, p *= 1 - lr*wd.
        Assert.Equal(2f * (1 - 0.05f), p.ToArray()[0], 5);
    }

    [Fact]
    public void TinyMlpLearnsXor()
    {
        var rng = new Rng(11);
        var l1 = new Linear(Device.Cpu, rng, 2, 16);
        var l2 = new Linear(Device.Cpu, rng, 16, 1);
        var adam = new Adam(l1.Parameters().Concat(l2.Parameters()), lr: 0.05f, beta1: 0.9f);
        var x = Tensor.FromArray([0f, 0f, 0f, 1f, 1f, 0f, 1f, 1f], 4, 2);
        var target = Tensor.FromArray([0f, 1f, 1f, 0f], 4, 1);
        float first = 0, last = 0;
        for (int step = 0; step < 300; step++)
        {
            using var scope = new TensorScope();
            adam.ZeroGrad();
            var pred = l2.Forward(Ops.Tanh(l1.Forward(x)));
            var loss = Ops.Mean(Ops.Square(pred - target));
            loss.Backward();
            adam.Step();
            float value = loss.Item();
            if (step == 0) first = value;
            last = value;
        }
        Assert.True(last < 0.01f && last < first / 10, $"XOR loss went from {first} to {last}");
    }

    [Fact]
    public void TinyConvNetLearnsToFindBrightQuadrant()
    {
        // Classify which half of a noisy 8x8 image is brighter: needs spatial features.
        var rng = new Rng(12);
        var conv1 = new Conv2d(Device.Cpu, rng, 1, 8, 3, 1, 1);
        var bn = new BatchNorm2d(Device.Cpu, 8);
        var conv2 = new Conv2d(Device.Cpu, rng, 8, 8, 4, 2, 1);
        var head = new Linear(Device.Cpu, rng, 8 * 4 * 4, 1);
        var all = conv1.Parameters().Concat(bn.Parameters()).Concat(conv2.Parameters()).Concat(head.Parameters());
        var adam = new Adam(all, lr: 0.01f, beta1: 0.9f);
        var data = new Random(3);
        var (heldX, heldY) = Batch(new Random(99), 256);
        float Accuracy()
        {
            using var scope = new TensorScope();
            using var _ = Tensor.NoGrad();
            bn.Eval();
            var x = Tensor.FromArray(heldX, 256, 1, 8, 8);
            var l = head.Forward(Ops.Flatten(Ops.LeakyRelu(conv2.Forward(Ops.Relu(bn.Forward(conv1.Forward(x))))))).ToArray();
            bn.Train();
            return l.Select((v, i) => (v > 0 ? 1f : -1f) == heldY[i] ? 1f : 0f).Average();
        }
        float before = Accuracy();
        for (int step = 0; step < 60; step++)
        {
            using var scope = new TensorScope();
            var (xs, ys) = Batch(data, 32);
            var x = Tensor.FromArray(xs, 32, 1, 8, 8);
            var y = Tensor.FromArray(ys, 32, 1);
            adam.ZeroGrad();
            var h = Ops.LeakyRelu(conv2.Forward(Ops.Relu(bn.Forward(conv1.Forward(x)))));
            var logits = head.Forward(Ops.Flatten(h));
            // Logistic loss: softplus(-y*logit) with y in {-1, 1}.
            var loss = Ops.Mean(Ops.Softplus(Ops.Neg(logits * y)));
            loss.Backward();
            adam.Step();
        }
        float after = Accuracy();
        Assert.True(after > 0.85f && after > before + 0.2f, $"held-out accuracy went from {before} to {after}");
    }

    private static (float[] X, float[] Y) Batch(Random r, int n)
    {
        var x = new float[n * 64];
        var y = new float[n];
        for (int i = 0; i < n; i++)
        {
            bool top = r.Next(2) == 0;
            y[i] = top ? 1f : -1f;
            for (int p = 0; p < 64; p++)
                x[i * 64 + p] = (float)(r.NextDouble() - 0.5) + ((p < 32) == top ? 0.12f : 0f);
        }
        return (x, y);
    }

    [Fact]
    public void SpectralNormBoundsTheLargestSingularValue()
    {
        var rng = new Rng(13);
        var layer = new Linear(Device.Cpu, rng, 6, 5).WithSpectralNorm(rng);
        Tensor w = null!;
        for (int i = 0; i < 30; i++) w = layer.SpectralNorm!.Normalize(layer.Weight, training: true);
        // Power iteration on the normalized weight: its top singular value should be ~1.
        var m = w.ToArray();
        var v = Enumerable.Repeat(1.0, 6).ToArray();
        double sigma = 0;
        for (int it = 0; it < 200; it++)
        {
            var u = new double[5];
            for (int i = 0; i < 5; i++) for (int j = 0; j < 6; j++) u[i] += m[i * 6 + j] * v[j];
            var nv = new double[6];
            for (int j = 0; j < 6; j++) for (int i = 0; i < 5; i++) nv[j] += m[i * 6 + j] * u[i];
            double norm = Math.Sqrt(nv.Sum(t => t * t));
            sigma = Math.Sqrt(norm);
            v = nv.Select(t => t / norm).ToArray();
        }
        Assert.InRange(sigma, 0.97, 1.03);
        GradCheck.Check("spectral norm", x => layer.SpectralNorm!.Normalize(x[0], training: false), [layer.Weight]);
    }
}
