using KernelGan.Gan.Training;
using KernelGan.Kernels;
using KernelGan.Nn;
using KernelGan.Nn.Optim;
using Xunit;

namespace KernelGan.Tests.Engine;

/// <summary>
/// Adam and the EMA over packed parameters (one backend call per update) against the per-tensor
/// path (<see cref="TensorArena.Suspend"/>): the same bits, step after step, including a parameter
/// that never receives a gradient (it must stay untouched) and a 90,000-weight tensor that the CPU
/// backend cuts into several chunks, each with its own SIMD body and scalar tail.
/// </summary>
public class PackedUpdateTests
{
    [Fact]
    public void PackedAdamAndEmaMatchPerTensorBitForBitOnCpu() => AssertSameBits(Device.Cpu, width: 300, steps: 4);

    [Fact]
    public void PackingMovesValuesIntoOneBufferAndKeepsTensorsUsable()
    {
        var rng = new Rng(5);
        var a = rng.Normal([3, 5]);
        var b = rng.Normal([17]);
        float[] before = [.. a.ToArray(), .. b.ToArray()];
        {
            var arena = TensorArena.Pack([a, b])!;
            Assert.NotNull(arena);
            Assert.Equal([new BufferSegment(0, 15), new BufferSegment(16, 17)], arena.Segments.ToArray());
            Assert.Equal(48, arena.Length);
            Assert.Equal(before, a.ToArray().Concat(b.ToArray()).ToArray());
            // A tensor can be packed only once: a second arena would leave the first one's updates behind.
            Assert.Null(TensorArena.Pack([b]));
            Assert.Same(arena, TensorArena.Of([a, b]));
            Assert.Null(TensorArena.Of([b, a]));
            // Writes through the tensor land in the arena.
            a.CopyFrom(Tensor.Zeros([3, 5]));
            var all = new float[arena.Length];
            arena.Backend.Download(arena.Buffer, 0, all);
            Assert.All(all.Take(15), x => Assert.Equal(0f, x));
            Assert.Equal(b.ToArray(), all.Skip(16).Take(17));
        }
    }

    internal static void AssertSameBits(IBackend backend, int width, int steps)
    {
        Net perTensor, perTensorAverage, packed;
        Ema perTensorEma, packedEma;
        Adam perTensorAdam, packedAdam;
        using (TensorArena.Suspend())
        {
            perTensor = new Net(backend, width);
            perTensorAdam = new Adam(perTensor.Parameters(), lr: 1e-2f, beta1: 0.5f, beta2: 0.999f);
            perTensorAverage = new Net(backend, width);
            perTensorEma = new Ema(perTensor, perTensorAverage, halfLifeImages: 10);
        }
        packed = new Net(backend, width);
        packedAdam = new Adam(packed.Parameters(), lr: 1e-2f, beta1: 0.5f, beta2: 0.999f);
        var packedAverage = new Net(backend, width);
        packedEma = new Ema(packed, packedAverage, halfLifeImages: 10);
        Assert.False(perTensorAdam.Packed);
        Assert.True(packedAdam.Packed);
        Assert.True(packedEma.Packed);

        var x = new Rng(8).Normal([6, width, 2, 2], backend: backend);
        for (int step = 0; step < steps; step++)
        {
            Train(perTensor, perTensorAdam, perTensorEma, x);
            Train(packed, packedAdam, packedEma, x);
            AssertBits(perTensor.StateTensors(), packed.StateTensors(), $"weights after step {step + 1}");
            AssertBits(perTensorAdam.StateTensors(), packedAdam.StateTensors(), $"Adam moments after step {step + 1}");
            AssertBits(perTensorAverage.StateTensors(), packedAverage.StateTensors(), $"EMA after step {step + 1}");
        }
        Assert.All(packed.Unused.ToArray(), v => Assert.Equal(0.5f, v));
        Assert.Null(packed.Unused.Grad);
    }

    private static void Train(Net net, Adam adam, Ema ema, Tensor x)
    {
        using var scope = new TensorScope();
        adam.ZeroGrad();
        var loss = Ops.Mean(Ops.Square(net.Forward(x) - 0.25f));
        loss.Backward();
        adam.Step();
        ema.Update(batch: 6);
    }

    private static void AssertBits(IEnumerable<(string Name, Tensor Value)> expected, IEnumerable<(string Name, Tensor Value)> actual, string what)
    {
        var e = expected.ToList();
        var a = actual.ToList();
        Assert.Equal(e.Count, a.Count);
        for (int i = 0; i < e.Count; i++)
        {
            Assert.Equal(e[i].Name, a[i].Name);
            var eb = e[i].Value.ToArray().Select(BitConverter.SingleToInt32Bits).ToArray();
            var ab = a[i].Value.ToArray().Select(BitConverter.SingleToInt32Bits).ToArray();
            int differing = eb.Zip(ab, (p, q) => p != q).Count(d => d);
            Assert.True(differing == 0, $"{what}: {e[i].Name} differs in {differing} of {eb.Length} elements");
        }
    }

    /// <summary>A 1x1 conv of width x width (90,000 weights at 300), batch norm, a small head, and a parameter nothing uses.</summary>
    private sealed class Net : Module
    {
        private readonly Conv2d _wide, _head;
        private readonly BatchNorm2d _norm;

        public Net(IBackend backend, int width)
        {
            var init = new Rng(3);
            _wide = AddChild("wide", new Conv2d(backend, init, width, width, kernel: 1, stride: 1, padding: 0));
            _norm = AddChild("norm", new BatchNorm2d(backend, width));
            _head = AddChild("head", new Conv2d(backend, init, width, 3, kernel: 2, stride: 1, padding: 0));
            Unused = AddParameter("unused", Tensor.Full([7], 0.5f, backend));
        }

        public Tensor Unused { get; }

        public Tensor Forward(Tensor x) => _head.Forward(Ops.LeakyRelu(_norm.Forward(_wide.Forward(x))));
    }
}
