using KernelGan.Gan.Data;
using Xunit;

namespace KernelGan.Tests.Data;

public class CubDatasetTests
{
    /// <summary>A three-image CUB tree: ids 1 and 3 train, 2 test; soft masks like CUB's.</summary>
    private static void WriteCub(TempDirectory root)
    {
        string[] relative = ["001.Fake_Bird/bird_1.jpg", "001.Fake_Bird/bird_2.jpg", "002.Other_Bird/bird_3.jpg"];
        for (int i = 0; i < relative.Length; i++)
        {
            string image = root.Combine("images", relative[i]);
            Directory.CreateDirectory(Path.GetDirectoryName(image)!);
            TestImages.SaveJpeg(image, TestImages.Gradient(30 + 10 * i, 50));
            string seg = root.Combine("segmentations", Path.ChangeExtension(relative[i], ".png"));
            Directory.CreateDirectory(Path.GetDirectoryName(seg)!);
            var soft = TestImages.RectMask(30 + 10 * i, 50, 10, 8, 20, 12);
            for (int k = 0; k < soft.Data.Length; k++) soft.Data[k] = soft.Data[k] > 0 ? 0.8f : 0.3f; // soft grey, foreground > 127
            ImageIo.SavePng(seg, soft);
        }
        File.WriteAllLines(root.Combine("images.txt"), relative.Select((r, i) => $"{i + 1} {r}"));
        File.WriteAllLines(root.Combine("bounding_boxes.txt"), ["1 10.0 8.0 20.0 12.0", "2 10.0 8.0 20.0 12.0", "3 10.0 8.0 20.0 12.0"]);
        File.WriteAllLines(root.Combine("train_test_split.txt"), ["1 1", "2 0", "3 1"]);
    }

    [Fact]
    public void Reads_splits_boxes_and_soft_masks()
    {
        using var root = new TempDirectory();
        WriteCub(root);
        var train = new CubDataset(root.Path, 24, DataSplit.Train);
        var test = new CubDataset(root.Path, 24, DataSplit.Test);
        Assert.Equal(2, train.Count);
        Assert.Single(Enumerable.Range(0, test.Count));
        Assert.Equal(["001.Fake_Bird/bird_1", "002.Other_Bird/bird_3"], Enumerable.Range(0, 2).Select(train.Name));
        Assert.Null(train.Mask(0)); // labels stay hidden in the train split
        Assert.Equal(new BoxAnnotation(10, 8, 20, 12, 50, 40), test.Box(0));
        Assert.Equal(new CropWindow(5, -1, 30), test.Window(0)); // 1.5 x 20, centred on (20, 14)

        var mask = test.Mask(0)!;
        Assert.All(mask.Data, v => Assert.True(v is 0f or 1f));
        // The box fills 20x12 of the 30x30 crop.
        Assert.InRange(DatasetStats.ForegroundFraction(mask), 0.2, 0.33);
        var pasted = ImageOps.PasteCropMask(mask, test.Window(0), 40, 50);
        Assert.True(MaskMetrics.Iou(pasted, test.FullMask(0)!) > 0.85);
        Assert.IsType<CubDataset>(DatasetFactory.Open(root.Path, 24, DataSplit.Test));
    }

    [Fact]
    public void Malformed_cub_files_name_file_and_line()
    {
        using var root = new TempDirectory();
        WriteCub(root);
        File.WriteAllLines(root.Combine("bounding_boxes.txt"), ["1 10.0 8.0 20.0 12.0", "2 10.0 eight 20.0 12.0", "3 1 1 1 1"]);
        var e = Assert.Throws<DataException>(() => new CubDataset(root.Path, 24, DataSplit.Train));
        Assert.Contains("bounding_boxes.txt line 2", e.Message);

        File.WriteAllLines(root.Combine("bounding_boxes.txt"), ["1 10.0 8.0 20.0 12.0", "2 10.0 8.0 20.0 12.0", "3 1 1 1 1"]);
        File.Delete(root.Combine("train_test_split.txt"));
        e = Assert.Throws<DataException>(() => new CubDataset(root.Path, 24, DataSplit.Train));
        Assert.Contains("train_test_split.txt", e.Message);
    }
}
