using KernelGan.Gan.Data;
using Xunit;

namespace KernelGan.Tests.Data;

public class ImageBatchLoaderTests
{
    [Theory]
    [InlineData(SamplingMode.EpochShuffle)]
    [InlineData(SamplingMode.WithReplacement)]
    public void Batch_depends_only_on_seed_and_step(SamplingMode mode)
    {
        var ds = SyntheticDataset.ObjectCentric(16, DataSplit.Train);
        using var a = new ImageBatchLoader(ds, 8, seed: 5, mode);
        using var b = new ImageBatchLoader(ds, 8, seed: 5, mode);
        // a walks sequentially (using its prefetch); b jumps straight to step 3 like a resumed run.
        for (long step = 0; step < 3; step++) a.Batch(step);
        var fromA = a.Batch(3);
        var fromB = b.Batch(3);
        Assert.Equal(fromA.Indices, fromB.Indices);
        Assert.Equal(fromA.Flipped, fromB.Flipped);
        Assert.Equal(fromA.Images, fromB.Images);
        using var other = new ImageBatchLoader(ds, 8, seed: 6, mode);
        Assert.NotEqual(fromA.Indices, other.Batch(3).Indices);
    }

    [Fact]
    public void Values_lie_in_minus_one_one_with_the_expected_layout()
    {
        var ds = SyntheticDataset.ObjectCentric(16, DataSplit.Test);
        using var loader = new ImageBatchLoader(ds, 4, seed: 1, withMasks: true);
        var batch = loader.Batch(0);
        Assert.Equal(4 * 3 * 16 * 16, batch.Images.Length);
        Assert.Equal(4 * 16 * 16, batch.Masks!.Length);
        Assert.All(batch.Images, v => Assert.InRange(v, -1f, 1f));
        Assert.All(batch.Masks, v => Assert.True(v is 0f or 1f));
        Assert.True(batch.Images.Min() < -0.5f && batch.Images.Max() > 0.5f);

        // Slot k holds item Indices[k], mirrored when Flipped[k], image and mask alike.
        for (int k = 0; k < 4; k++)
        {
            var (image, mask) = ds.ImageAndMask(batch.Indices[k]);
            if (batch.Flipped[k]) { image = ImageOps.FlipHorizontal(image); mask = ImageOps.FlipHorizontal(mask); }
            var got = batch.ImageAt(k);
            for (int i = 0; i < image.Data.Length; i++) Assert.Equal(image.Data[i], got.Data[i], 1e-5f);
            Assert.Equal(mask.Data, batch.MaskAt(k)!.Data);
        }
    }

    [Fact]
    public void Epoch_shuffle_visits_every_item_once_per_epoch()
    {
        var ds = new ListDataset(10);
        using var loader = new ImageBatchLoader(ds, 5, seed: 3, randomFlip: false, prefetch: false);
        var epoch0 = loader.Indices(0).Concat(loader.Indices(1)).Order();
        var epoch1 = loader.Indices(2).Concat(loader.Indices(3)).ToArray();
        Assert.Equal(Enumerable.Range(0, 10), epoch0);
        Assert.Equal(Enumerable.Range(0, 10), epoch1.Order());
        Assert.NotEqual(loader.Indices(0).Concat(loader.Indices(1)), epoch1); // a fresh order each epoch
    }

    [Fact]
    public void Asking_for_masks_of_an_unlabelled_split_is_a_data_error()
    {
        var ds = SyntheticDataset.ObjectCentric(16, DataSplit.Train);
        using var loader = new ImageBatchLoader(ds, 2, seed: 0, withMasks: true, prefetch: false);
        Assert.Throws<DataException>(() => loader.Batch(0));
    }

    /// <summary>Tiny in-memory dataset whose item i is a constant image of value i/10.</summary>
    private sealed class ListDataset(int count) : IImageDataset
    {
        public int Count => count;
        public int Size => 4;
        public HostImage Image(int index)
        {
            var img = new HostImage(3, 4, 4);
            Array.Fill(img.Data, index / 10f);
            return img;
        }
        public HostImage? Mask(int index) => null;
        public string Name(int index) => $"item{index}";
    }
}
