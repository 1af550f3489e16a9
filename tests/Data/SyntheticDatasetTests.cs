using KernelGan.Gan.Data;
using Xunit;

namespace KernelGan.Tests.Data;

public class SyntheticDatasetTests
{
    [Fact]
    public void Same_seed_and_index_give_identical_pixels_different_index_differs()
    {
        var a = SyntheticDataset.ObjectCentric(32, DataSplit.Train, seed: 7);
        var b = SyntheticDataset.ObjectCentric(32, DataSplit.Train, seed: 7);
        Assert.Equal(a.Image(123).Data, b.Image(123).Data);
        Assert.NotEqual(a.Image(123).Data, a.Image(124).Data);
        var otherSeed = SyntheticDataset.ObjectCentric(32, DataSplit.Train, seed: 8);
        Assert.NotEqual(a.Image(123).Data, otherSeed.Image(123).Data);
    }

    [Fact]
    public void Images_have_the_requested_shape_and_range()
    {
        var ds = SyntheticDataset.ObjectCentric(48, DataSplit.Train);
        Assert.Equal(SyntheticDataset.TrainCount, ds.Count);
        var img = ds.Image(5);
        Assert.Equal((3, 48, 48), (img.Channels, img.Height, img.Width));
        Assert.All(img.Data, v => Assert.InRange(v, 0f, 1f));
    }

    [Fact]
    public void Train_hides_masks_test_exposes_binary_masks()
    {
        var train = SyntheticDataset.ObjectCentric(32, DataSplit.Train);
        var test = SyntheticDataset.ObjectCentric(32, DataSplit.Test);
        Assert.Null(train.Mask(0));
        Assert.Equal(SyntheticDataset.TestCount, test.Count);
        for (int i = 0; i < 20; i++) Assert.All(test.Mask(i)!.Data, v => Assert.True(v is 0f or 1f));
        var (image, mask) = test.ImageAndMask(3);
        Assert.Equal(test.Image(3).Data, image.Data);
        Assert.Equal(test.Mask(3)!.Data, mask.Data);
    }

    [Fact]
    public void Object_area_fractions_fall_in_the_intended_range()
    {
        var test = SyntheticDataset.ObjectCentric(64, DataSplit.Test, seed: 3);
        var fractions = Enumerable.Range(0, 200).Select(i => DatasetStats.ForegroundFraction(test.Mask(i)!)).ToList();
        // Designed: 15-50% of the image (elongated shapes that would not fit are drawn smaller).
        Assert.All(fractions, f => Assert.InRange(f, 0.10, 0.55));
        Assert.True(fractions.Count(f => f is >= 0.15 and <= 0.50) >= 180);
        Assert.InRange(fractions.Average(), 0.22, 0.38);
        Assert.True(fractions.Min() < 0.2 && fractions.Max() > 0.42, "sizes should spread over the range");
    }

    [Fact]
    public void Train_and_test_are_disjoint()
    {
        var train = SyntheticDataset.ObjectCentric(16, DataSplit.Train);
        var test = SyntheticDataset.ObjectCentric(16, DataSplit.Test);
        var trainKeys = Enumerable.Range(0, train.Count).Select(train.SceneKey).ToHashSet();
        Assert.DoesNotContain(Enumerable.Range(0, test.Count).Select(test.SceneKey), trainKeys.Contains);
        Assert.NotEqual(train.Image(0).Data, test.Image(0).Data);
    }

    [Fact]
    public void Object_is_not_always_brighter_than_background()
    {
        var test = SyntheticDataset.ObjectCentric(32, DataSplit.Test, seed: 1);
        int brighter = 0, n = 100;
        for (int i = 0; i < n; i++)
        {
            var (image, mask) = test.ImageAndMask(i);
            double inside = 0, outside = 0;
            int ni = 0, no = 0;
            for (int p = 0; p < mask.Data.Length; p++)
            {
                double luma = 0.299 * image.Data[p] + 0.587 * image.Data[mask.Data.Length + p] + 0.114 * image.Data[2 * mask.Data.Length + p];
                if (mask.Data[p] > 0) { inside += luma; ni++; } else { outside += luma; no++; }
            }
            if (inside / ni > outside / no) brighter++;
        }
        Assert.InRange(brighter, 25, 75);
    }

    [Fact]
    public void Box_scenes_give_crops_boxes_and_full_masks()
    {
        var ds = SyntheticDataset.BoxScenes(32, DataSplit.Test, seed: 2);
        Assert.InRange(ds.Count, ds.SceneCount, 3 * ds.SceneCount);
        var (scene, box) = ds.Locate(5);
        var boxes = ds.SceneBoxes(scene);
        Assert.InRange(boxes.Count, 1, 3);
        var full = ds.SceneMask(scene)!;
        Assert.Equal(SyntheticDataset.DefaultBoxSceneSize, full.Width);

        // Each box is tight: the mask touches all four of its sides.
        var b = boxes[box];
        Assert.Equal(1f, Enumerable.Range((int)b.Y, (int)b.Height).Max(y => full[0, y, (int)b.X]));
        Assert.Equal(1f, Enumerable.Range((int)b.X, (int)b.Width).Max(x => full[0, (int)b.Y, x]));

        // The crop item equals cropping the full scene render, though only the crop was rendered.
        var expected = ImageOps.Resize(ImageOps.Crop(ds.SceneImage(scene), b.Window(), OutsideFill.EdgeReplicate), 32);
        var actual = ds.Image(5);
        for (int i = 0; i < expected.Data.Length; i++) Assert.Equal(expected.Data[i], actual.Data[i], 1e-5f);
        Assert.All(ds.Mask(5)!.Data, v => Assert.True(v is 0f or 1f));

        var train = SyntheticDataset.BoxScenes(32, DataSplit.Train);
        Assert.Null(train.Mask(0));
        Assert.Null(train.SceneMask(0));
        Assert.NotEmpty(train.SceneBoxes(0));
    }

    [Fact]
    public void Hoc_scene_has_15_to_30_disjoint_instances()
    {
        foreach (long seed in new long[] { 0, 1, 2 })
        {
            var hoc = SyntheticDataset.Hoc(64, seed);
            Assert.Equal(256, hoc.SceneSize);
            Assert.InRange(hoc.InstanceCount, 15, 30);
            Assert.Equal(hoc.SceneSize * hoc.SceneSize, hoc.InstanceMap.Length);
            var pixels = new int[hoc.InstanceCount + 1];
            foreach (int id in hoc.InstanceMap) pixels[id]++;
            Assert.All(pixels.Skip(1), n => Assert.True(n > 30, "every copy is visible"));
            // Disjoint: the per-instance masks sum to the foreground mask, never exceeding 1.
            var sum = new float[hoc.InstanceMap.Length];
            for (int id = 1; id <= hoc.InstanceCount; id++)
            {
                var m = hoc.InstanceMask(id).Data;
                for (int p = 0; p < sum.Length; p++) sum[p] += m[p];
            }
            Assert.Equal(hoc.ForegroundMask().Data, sum);
        }
    }

    [Fact]
    public void Hoc_random_crops_are_deterministic_and_consistent()
    {
        var hoc = SyntheticDataset.Hoc(48, seed: 4);
        var r1 = new SplitMix64(99);
        var r2 = new SplitMix64(99);
        var c1 = hoc.RandomCrop(ref r1, 48);
        var c2 = hoc.RandomCrop(ref r2, 48);
        Assert.Equal((c1.X, c1.Y), (c2.X, c2.Y));
        Assert.Equal(c1.Image.Data, c2.Image.Data);
        Assert.Equal(hoc.Image[1, c1.Y + 5, c1.X + 7], c1.Image[1, 5, 7]);
        Assert.Equal(hoc.InstanceMap[(c1.Y + 9) * hoc.SceneSize + c1.X + 3], c1.InstanceMap[9 * 48 + 3]);
        var crops = hoc.AsCropDataset(100);
        Assert.Equal(100, crops.Count);
        Assert.Equal(crops.Image(17).Data, crops.Image(17).Data);
    }
}
