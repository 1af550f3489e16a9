using KernelGan.Gan.Onnx.Interpreter;
using KernelGan.Tests.Onnx;
using Xunit;
using Xunit.Abstractions;

namespace KernelGan.Tests.Ilgpu;

/// <summary>
/// The ONNX interpreter is written over tensor ops only, so it runs on every backend; here the
/// Inception-like test network (non-square kernels and strides, asymmetric pads, pooling built
/// from strided views, gathers) runs on ILGPU's simulator and must give the CPU backend's numbers.
/// </summary>
[Collection(SimulatorCollection.Name)]
public class OnnxInterpreterOnSimulatorTests(ITestOutputHelper output)
{
    [Fact]
    public void TheInceptionLikeNetworkGivesTheCpuBackendsOutputs()
    {
        const int n = 2, size = 33;
        var random = new Random(3);
        var images = Enumerable.Range(0, n * 3 * size * size).Select(_ => (float)random.NextDouble()).ToArray();
        var model = TestNetworks.InceptionLike(5, size);
        Dictionary<string, float[]> Run(KernelGan.Kernels.IBackend backend)
        {
            using var interpreter = new OnnxInterpreter(model, backend);
            return interpreter.Run((TestNetworks.Input, images, [n, 3, size, size]));
        }
        var cpu = Run(Device.Cpu);
        var simulator = Run(Device.Open("ilgpu-cpu"));
        foreach (var name in new[] { TestNetworks.Features, TestNetworks.Probabilities })
        {
            float diff = OnnxRuntimeReference.MaxAbsDifference(cpu[name], simulator[name]);
            output.WriteLine($"{name}: max |cpu - ilgpu-cpu| = {diff:E2}");
            Assert.True(diff <= 1e-4f, $"{name}: max abs difference {diff}");
        }
    }
}
