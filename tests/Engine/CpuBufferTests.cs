using System.Reflection;
using System.Runtime.CompilerServices;
using KernelGan.Kernels;
using KernelGan.Kernels.Cpu;
using Xunit;

namespace KernelGan.Tests.Engine;

/// <summary>The CPU buffers' ownership rules: native aligned blocks, pooled reuse, clear errors after release, leak reports.</summary>
public class CpuBufferTests
{
    [Fact]
    public unsafe void BlocksAreAlignedToACacheLineAndReusedByBucket()
    {
        using var backend = new CpuBackend(); // a private pool: other tests allocate in parallel
        var first = (CpuBuffer)backend.Allocate(100);
        float* block = first.Pointer;
        Assert.Equal(0, (long)block % CpuMemory.Alignment);
        first.Release();
        var sameBucket = (CpuBuffer)backend.Allocate(128); // 100 and 128 both round up to 128 floats
        Assert.True(sameBucket.Pointer == block, "a released block is reused for the next request of its bucket");
        var otherBucket = (CpuBuffer)backend.Allocate(129);
        Assert.False(otherBucket.Pointer == block);
        Assert.Equal(0, (long)otherBucket.Pointer % CpuMemory.Alignment);
        Assert.Equal((4L * (128 + 192), 0L), backend.MemoryStats);
        sameBucket.Release();
        otherBucket.Release();
        Assert.Equal((0L, 4L * (128 + 192)), backend.MemoryStats);
    }

    [Fact]
    public void UseAfterReleaseThrowsNamingTheBuffer()
    {
        var cpu = Device.Cpu;
        var x = cpu.Allocate(7);
        var y = cpu.Allocate(7);
        cpu.Fill(x, 0, 7, 1f);
        x.Release();
        var kernel = Assert.Throws<ObjectDisposedException>(() => cpu.Unary(UnaryOp.Exp, x, y, 7));
        Assert.Contains($"{x}", kernel.Message);
        Assert.Contains("released", kernel.Message);
        Assert.Matches(@"CPU buffer #\d+ \(7 floats\)", x.ToString());
        Assert.Throws<ObjectDisposedException>(() => cpu.Download(x, 0, new float[7]));
        Assert.Throws<ObjectDisposedException>(() => cpu.Upload(new float[7], x));
        Assert.Throws<ObjectDisposedException>(() => cpu.Copy2D(y, 0, 7, x, 0, 7, 1, 7));
        Assert.Contains($"{x}", Assert.Throws<ObjectDisposedException>(() => x.Release()).Message);
        Assert.Contains($"{x}", Assert.Throws<ObjectDisposedException>(() => x.Retain()).Message);
        y.Release();
    }

    [Fact]
    public void AccessOutsideTheRequestedLengthThrows()
    {
        var cpu = Device.Cpu;
        var b = cpu.Allocate(10); // its block holds 64 floats, but only 10 are the buffer's
        try
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => cpu.Upload(new float[4], b, 7));
            Assert.Contains($"{b}", e.Message);
            Assert.Throws<ArgumentOutOfRangeException>(() => cpu.Download(b, 0, new float[11]));
            Assert.Throws<ArgumentOutOfRangeException>(() => cpu.Fill(b, -1, 2, 0f));
            Assert.Throws<ArgumentOutOfRangeException>(() => cpu.Copy2D(b, 0, 5, b, 0, 6, 2, 5));
        }
        finally
        {
            b.Release();
        }
    }

    [Fact]
    public void UseOfADisposedIndexBufferThrows()
    {
        var cpu = Device.Cpu;
        var index = cpu.UploadIndices([1, 0]);
        index.Dispose();
        using var x = Tensor.FromArray([1f, 2f], 2, 1);
        using var y = Tensor.Zeros(2, 1);
        Assert.Throws<ObjectDisposedException>(() => cpu.GatherRows(x.Buffer, index, y.Buffer, 2, 1));
    }

    [Fact]
    public void AnUnreleasedBufferIsReclaimedByItsFinalizer()
    {
        using var backend = new CpuBackend();
        long leaksBefore = BufferLeaks.Count;
        DropUnreleased(backend, 1000);
        WaitFor(() => backend.MemoryStats.InUse == 0);
        Assert.Equal((0L, 4L * 1024), backend.MemoryStats); // the block went back to the pool
        Assert.True(BufferLeaks.Count > leaksBefore);
    }

    [Fact]
    public void LeakedNativeMemoryPromptsCollections()
    {
        // 2000 leaked 4 MB buffers: the collector sees only small objects, so unless the backend
        // collects when its memory in use grows, all 8 GB stay allocated (they did, before).
        using var backend = new CpuBackend();
        long peak = 0;
        for (int i = 0; i < 2000; i++)
        {
            DropUnreleased(backend, 1 << 20);
            var (inUse, pooled) = backend.MemoryStats;
            peak = Math.Max(peak, inUse + pooled);
        }
        Assert.True(peak < 1L << 30, $"{peak >> 20} MB of leaked buffers were allocated before a collection reclaimed them");
    }

    [Fact]
    public void ABufferOutlivesItsDisposedBackend()
    {
        var backend = new CpuBackend();
        var b = backend.Allocate(50);
        backend.Allocate(50).Release(); // one block pooled
        backend.Dispose();
        Assert.Equal((4L * 64, 0L), backend.MemoryStats); // the pooled block was freed
        backend.Upload([1f, 2f], b);
        var back = new float[2];
        backend.Download(b, 0, back);
        Assert.Equal([1f, 2f], back);
        b.Release();
        Assert.Equal((0L, 4L * 64), backend.MemoryStats);
    }

    [Fact]
    public unsafe void AClosedMemoryFreesBlocksInsteadOfPoolingThem()
    {
        var memory = new CpuMemory();
        float* inUse = memory.Take(64), pooled = memory.Take(64);
        memory.Return(pooled, 64);
        memory.Close();
        Assert.Equal((4L * 64, 0L), memory.Stats);
        inUse[63] = 1f; // still valid
        memory.Return(inUse, 64);
        Assert.Equal((0L, 0L), memory.Stats);
    }

    /// <summary>
    /// The rule <see cref="BufferStressTests"/> depends on, checked for every kernel including
    /// future ones: each public CpuBackend method with buffer parameters calls Alive(...).
    /// </summary>
    [Fact]
    public void EveryKernelEntryKeepsItsBufferArgumentsAlive()
    {
        var alive = typeof(CpuBackend).GetMethod("Alive", BindingFlags.NonPublic | BindingFlags.Static)!;
        var entries = typeof(CpuBackend).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => m.GetParameters().Any(p => p.ParameterType == typeof(DeviceBuffer)))
            .ToList();
        Assert.True(entries.Count >= 38, $"found only {entries.Count} kernel entries");
        var missing = entries.Where(m => !Calls(m, alive)).Select(m => m.Name).ToList();
        Assert.True(missing.Count == 0, $"these CpuBackend methods do not begin with 'using var alive = Alive(...)': {string.Join(", ", missing)}");
    }

    private static bool Calls(MethodInfo method, MethodInfo target)
    {
        byte[] il = method.GetMethodBody()!.GetILAsByteArray()!;
        for (int i = 0; i + 4 < il.Length; i++)
        {
            if (il[i] != 0x28) continue; // call <token>
            try
            {
                if (method.Module.ResolveMethod(BitConverter.ToInt32(il, i + 1)) == target) return true;
            }
            catch (ArgumentException) { } // operand bytes that only look like a call
        }
        return false;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static void DropUnreleased(IBackend backend, int length) => backend.Allocate(length);

    internal static void WaitFor(Func<bool> condition)
    {
        for (int i = 0; i < 100 && !condition(); i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        Assert.True(condition(), "the finalizer did not run");
    }
}
