using KernelGan.Kernels;
using KernelGan.Kernels.Ilgpu;
using Xunit;
using Xunit.Abstractions;
using KernelGan.Nn;
using KernelGan.Nn.Optim;

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

    [Fact]
    public void RepeatedStepsReuseMemoryAndCompiledKernels()
    {
        // Once the steady state is reached every shape has a pooled buffer and every kernel a
        // compiled launcher: later steps must neither allocate device memory nor compile. (Step 1
        // creates the gradients; step 2 is the first to accumulate into existing ones.)
        var simulator = (IlgpuBackend)Device.Open("ilgpu-cpu");
        var model = new TinyModel(simulator);
        model.Step();
        model.Step();
        long allocations = simulator.DeviceAllocations;
        int kernels = simulator.CompiledKernels;
        var (inUse, _) = simulator.MemoryStats;
        model.Step();
        model.Step();
        Assert.Equal(allocations, simulator.DeviceAllocations);
        Assert.Equal(kernels, simulator.CompiledKernels);
        Assert.Equal(inUse, simulator.MemoryStats.InUse);
        model.Dispose();
    }

    /// <summary>Conv -> BN -> LeakyReLU -> ConvTranspose (x2) -> tanh, regressing a fixed random target.</summary>
    private static (float[] Losses, float[] Parameters) Train(IBackend backend)
    {
        using var model = new TinyModel(backend);
        var losses = new float[Steps];
        for (int step = 0; step < Steps; step++) losses[step] = model.Step();
        return (losses, model.ParameterValues());
    }

    private sealed class TinyModel : IDisposable
    {
        private readonly Conv2d _conv;
        private readonly BatchNorm2d _norm;
        private readonly ConvTranspose2d _up;
        private readonly List<Tensor> _parameters;
        private readonly Adam _adam;
        private readonly Tensor _x, _target;

        public TinyModel(IBackend backend)
        {
            var init = new Rng(21);
            _conv = new Conv2d(backend, init, 2, 6, kernel: 3, stride: 1, padding: 1, bias: false);
            _norm = new BatchNorm2d(backend, 6);
            _up = new ConvTranspose2d(backend, init, 6, 3, kernel: 4, stride: 2, padding: 1);
            _parameters = _conv.Parameters().Concat(_norm.Parameters()).Concat(_up.Parameters()).ToList();
            _adam = new Adam(_parameters, lr: 1e-2f, beta1: 0.5f, beta2: 0.999f);
            var data = new Rng(22);
            _x = data.Normal([4, 2, 8, 8], backend: backend);
            _target = data.Uniform([4, 3, 16, 16], -0.8f, 0.8f, backend);
        }

        public float Step()
        {
            using var scope = new TensorScope();
            _adam.ZeroGrad();
            var y = Ops.Tanh(_up.Forward(Ops.LeakyRelu(_norm.Forward(_conv.Forward(_x)))));
            var loss = Ops.Mean(Ops.Square(y - _target));
            loss.Backward();
            _adam.Step();
            return loss.Item();
        }

        public float[] ParameterValues() =>
            _parameters.Concat(_norm.NamedBuffers().Select(b => b.Value)).SelectMany(p => p.ToArray()).ToArray();

        public void Dispose()
        {
            _x.Dispose();
            _target.Dispose();
        }
    }
}
