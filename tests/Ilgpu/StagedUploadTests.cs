using KernelGan.Kernels;
using KernelGan.Kernels.Ilgpu;
using Xunit;
using Xunit.Abstractions;

namespace KernelGan.Tests.Ilgpu;

/// <summary>
/// Uploads staged in the backend's host ring and queued without waiting (<see cref="StagingRing{T}"/>):
/// far more of them than the ring holds, with no synchronization in between, must all arrive intact
/// (the ring waits for the stream before it overwrites a stretch whose copy may not have run).
/// </summary>
public static class StagedUploads
{
    public static void ManyUploadsWithoutWaitingArriveIntact(IlgpuBackend backend, ITestOutputHelper output)
    {
        // Ten uploads of a quarter ring each: the ring wraps twice with every copy possibly still queued.
        int length = backend.UploadRingFloats / 4 + 3, uploads = 10;
        long waitsBefore = backend.ForcedUploadWaits;
        var table = backend.Allocate(3);
        backend.Upload([10f, 20f, 30f], table);
        var buffers = new List<DeviceBuffer>();
        var gathered = new List<DeviceBuffer>();
        var values = new float[length];
        for (int u = 0; u < uploads; u++)
        {
            for (int i = 0; i < length; i++) values[i] = u * 7 + i % 1000;
            var b = backend.Allocate(length);
            backend.Upload(values, b);
            buffers.Add(b);
            // Index uploads take the other ring; a kernel queued right behind one reads it.
            using var index = backend.UploadIndices([u % 3, (u + 1) % 3]);
            var g = backend.Allocate(2);
            backend.GatherRows(table, index, g, 2, 1);
            gathered.Add(g);
            // The same host array is refilled at once: the staged copy must not depend on it.
            Array.Clear(values);
        }
        for (int u = 0; u < uploads; u++)
        {
            var back = new float[length];
            backend.Download(buffers[u], 0, back);
            for (int i = 0; i < length; i += 997) Assert.Equal((float)(u * 7 + i % 1000), back[i]);
            Assert.Equal((float)(u * 7 + (length - 1) % 1000), back[^1]);
            var rows = new float[2];
            backend.Download(gathered[u], 0, rows);
            Assert.Equal([10f * (u % 3 + 1), 10f * ((u + 1) % 3 + 1)], rows);
            buffers[u].Release();
            gathered[u].Release();
        }
        table.Release();
        Assert.True(backend.ForcedUploadWaits > waitsBefore, "the ring should have filled and waited at least once");
        output.WriteLine($"{backend.Name}: uploads staged in {(backend.UploadsPageLocked == true ? "page-locked" : "ordinary")} host memory, {backend.ForcedUploadWaits - waitsBefore} forced waits");
    }
}

[Collection(SimulatorCollection.Name)]
public class StagedUploadOnSimulatorTests(ITestOutputHelper output)
{
    [Fact]
    public void ManyUploadsWithoutWaitingArriveIntact() =>
        StagedUploads.ManyUploadsWithoutWaitingArriveIntact((IlgpuBackend)Device.Open("ilgpu-cpu"), output);
}

[Collection(OpenCLCollection.Name)]
public class StagedUploadOnOpenCLTests(ITestOutputHelper output)
{
    [OpenCLFact]
    public void ManyUploadsWithoutWaitingArriveIntact() =>
        StagedUploads.ManyUploadsWithoutWaitingArriveIntact((IlgpuBackend)OpenCLRuntime.Backend, output);
}
