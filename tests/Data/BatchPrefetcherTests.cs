using KernelGan.Gan.Data;
using KernelGan.Gan.Hoc;
using Xunit;

namespace KernelGan.Tests.Data;

/// <summary>
/// Batches prepared ahead are the batches of a direct call, in the same order, whatever the caller
/// does: walk step by step, jump (a resume), go back, or hit a failing batch.
/// </summary>
public class BatchPrefetcherTests
{
    [Fact]
    public void PrefetchedBatchesEqualDirectBuildsAcrossWalksAndJumps()
    {
        int builds = 0;
        int[] Build(long step) { Interlocked.Increment(ref builds); Thread.Sleep(1); return [(int)step, (int)(step * 31 % 7)]; }
        using var prefetcher = new BatchPrefetcher<int[]>(Build, depth: 2);
        foreach (long step in new long[] { 0, 1, 2, 3, 10, 11, 12, 5, 6, 6, 7 })
            Assert.Equal(Build(step), prefetcher.Get(step));
        Assert.True(builds > 11, "batches should have been built ahead");
    }

    [Fact]
    public void ABatchThatFailsInTheBackgroundFailsWhenItsStepIsAskedFor()
    {
        using var prefetcher = new BatchPrefetcher<long>(step => step == 2 ? throw new DataException("bad image in batch 2") : step, depth: 2);
        Assert.Equal(0, prefetcher.Get(0));
        Assert.Equal(1, prefetcher.Get(1));
        var e = Assert.Throws<DataException>(() => prefetcher.Get(2));
        Assert.Equal("bad image in batch 2", e.Message);
        Assert.Equal(3, prefetcher.Get(3));
    }

    [Fact]
    public void LoaderBatchesAreTheSameWithAndWithoutPrefetch()
    {
        var ds = SyntheticDataset.ObjectCentric(32, DataSplit.Train, seed: 4);
        using var ahead = new ImageBatchLoader(ds, 6, seed: 9);
        using var direct = new ImageBatchLoader(ds, 6, seed: 9, prefetch: false);
        foreach (long step in new long[] { 0, 1, 2, 3, 4, 9, 10, 11 })
        {
            var a = ahead.Batch(step);
            var b = direct.Batch(step);
            Assert.Equal(b.Indices, a.Indices);
            Assert.Equal(b.Images, a.Images);
        }
    }

    [Fact]
    public void RecycledArraysGiveTheSameBatches()
    {
        var ds = SyntheticDataset.ObjectCentric(32, DataSplit.Train, seed: 4);
        using var recycling = new ImageBatchLoader(ds, 5, seed: 2);
        using var direct = new ImageBatchLoader(ds, 5, seed: 2, prefetch: false);
        var seen = new HashSet<float[]>(ReferenceEqualityComparer.Instance);
        for (long step = 0; step < 12; step++)
        {
            var a = recycling.Batch(step);
            Assert.Equal(direct.Batch(step).Images, a.Images);
            seen.Add(a.Images);
            recycling.Recycle(a);
        }
        Assert.True(seen.Count < 12, "arrays handed back should have been reused");
    }

    [Fact]
    public void SceneCropsAreTheSameWithPrefetch()
    {
        var scene = new HostImage(3, 40, 48, Enumerable.Range(0, 3 * 40 * 48).Select(i => (i % 97) / 97f).ToArray());
        var sampler = new SceneCropSampler(scene, 16, 4, 7);
        using var batches = new SceneCropBatches(sampler);
        foreach (long step in new long[] { 0, 1, 2, 7, 8 })
            Assert.Equal(sampler.Batch(step), batches.Batch(step));
    }
}
