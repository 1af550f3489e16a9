using KernelGan.Gan.Nn;
using KernelGan.Gan.Optim;
using KernelGan.Kernels;
using Xunit;
using Xunit.Abstractions;

namespace KernelGan.Tests.Ilgpu;

/// <summary>
/// End to end: the same tiny conv model, seed and data trained for a few steps on the CPU backend
/// and on ILGPU's simulator must follow the same loss curve (the tensor layer, autograd and Adam
/// see only IBackend, so every difference would be a kernel difference).
/// </summary>
[Collection(SimulatorCollection.Name)]
public class TrainingOnSimulatorTests(ITestOutputHelper output)
{
    private const int Steps = 5;

    [Fact]
    public void TinyConvModelTrainsTheSameOnSimulatorAndCpu()
    {
        var (cpuLosses, cpuParameters) = Train(Device.Cpu);
        var (simLosses, simParameters) = Train(Device.Open("ilgpu-cpu"));
        for (int i = 0; i < Steps; i++) output.WriteLine($"step {i}: cpu {cpuLosses[i]:G9}  ilgpu-cpu {simLosses[i]:G9}");

        Assert.True(cpuLosses[^1] < 0.9f * cpuLosses[0], $"the model should learn: loss {cpuLosses[0]} -> {cpuLosses[^1]}");
        for (int i = 0; i < Steps; i++)
            Assert.True(Math.Abs(cpuLosses[i] - simLosses[i]) <= 1e-5f * (1 + Math.Abs(cpuLosses[i])),
                $"step {i}: cpu loss {cpuLosses[i]:G9}, simulator {simLosses[i]:G9}");
        Assert.Equal(cpuParameters.Length, simParameters.Length);
        double worst = cpuParameters.Zip(simParameters, (a, b) => Math.Abs(a - b)).Max();
        output.WriteLine($"largest parameter difference after {Steps} steps: {worst:E2}");
        Assert.True(worst <= 1e-4, $"parameters drifted apart by {worst}");
    }

    /// <summary>Conv -> BN -> LeakyReLU -> ConvTranspose (x2) -> tanh, regressing a fixed random target.</summary>
    private static (float[] Losses, float[] Parameters) Train(IBackend backend)
    {
        Conv2d conv;
        BatchNorm2d norm;
        ConvTranspose2d up;
        var previous = Device.Default;
        Device.Default = backend; // modules create their parameters on the default device
        try
        {
            var init = new Rng(21);
            conv = new Conv2d(init, 2, 6, kernel: 3, stride: 1, padding: 1, bias: false);
            norm = new BatchNorm2d(6);
            up = new ConvTranspose2d(init, 6, 3, kernel: 4, stride: 2, padding: 1);
        }
        finally
        {
            Device.Default = previous;
        }
        var parameters = conv.Parameters().Concat(norm.Parameters()).Concat(up.Parameters()).ToList();
        var adam = new Adam(parameters, lr: 1e-2f, beta1: 0.5f, beta2: 0.999f);
        var data = new Rng(22);
        using var x = data.Normal([4, 2, 8, 8], backend: backend);
        using var target = data.Uniform([4, 3, 16, 16], -0.8f, 0.8f, backend);
        var losses = new float[Steps];
        for (int step = 0; step < Steps; step++)
        {
            using var scope = new TensorScope();
            adam.ZeroGrad();
            var y = Ops.Tanh(up.Forward(Ops.LeakyRelu(norm.Forward(conv.Forward(x)))));
            var loss = Ops.Mean(Ops.Square(y - target));
            loss.Backward();
            adam.Step();
            losses[step] = loss.Item();
        }
        var values = parameters.Concat(norm.NamedBuffers().Select(b => b.Value)).SelectMany(p => p.ToArray()).ToArray();
        return (losses, values);
    }
}
