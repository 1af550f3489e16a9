using KernelGan.Gan.Data;
using Xunit;

namespace KernelGan.Tests.Data;

public class FolderDatasetTests
{
    /// <summary>images/{a,b,c} (b as JPEG) with masks for a and c and a boxes.csv with two boxes on c.</summary>
    private static void WriteFolder(TempDirectory dir, string? boxes = "stem,x,y,w,h\na,10,5,20,30\nc,0,0,8,8\nc,30,20,10,10\n")
    {
        Directory.CreateDirectory(dir.Combine("images"));
        Directory.CreateDirectory(dir.Combine("masks"));
        ImageIo.SavePng(dir.Combine("images", "a.png"), TestImages.Gradient(40, 60));
        TestImages.SaveJpeg(dir.Combine("images", "b.jpg"), TestImages.Gradient(32, 32));
        ImageIo.SavePng(dir.Combine("images", "c.png"), TestImages.Gradient(48, 48));
        File.WriteAllText(dir.Combine("images", "notes.txt"), "ignored: not an image extension");
        ImageIo.SavePng(dir.Combine("masks", "a.png"), TestImages.RectMask(40, 60, 10, 5, 20, 30));
        ImageIo.SavePng(dir.Combine("masks", "c.png"), TestImages.RectMask(48, 48, 30, 20, 10, 10));
        if (boxes is not null) File.WriteAllText(dir.Combine("boxes.csv"), boxes);
    }

    [Fact]
    public void Centre_cropped_folder_with_masks()
    {
        using var dir = new TempDirectory();
        WriteFolder(dir);
        var ds = new FolderDataset(dir.Path, 16);
        Assert.Equal(3, ds.Count);
        Assert.Equal(["a", "b", "c"], Enumerable.Range(0, 3).Select(ds.Name));
        for (int i = 0; i < 3; i++)
        {
            var img = ds.Image(i);
            Assert.Equal((3, 16, 16), (img.Channels, img.Height, img.Width));
            Assert.All(img.Data, v => Assert.InRange(v, 0f, 1f));
        }
        Assert.Null(ds.Mask(1));
        var mask = ds.Mask(0)!;
        Assert.All(mask.Data, v => Assert.True(v is 0f or 1f));
        // a is 60x40: centre crop x 10..50 holds mask columns 10..30 -> left half, rows 5..35.
        Assert.InRange(DatasetStats.ForegroundFraction(mask), 0.3, 0.45);
        Assert.Equal(new CropWindow(10, 0, 40), ds.Window(0));
        Assert.Null(ds.Box(0));
    }

    [Fact]
    public void Box_mode_makes_one_item_per_box_and_keeps_boxes_for_paste_back()
    {
        using var dir = new TempDirectory();
        WriteFolder(dir);
        var ds = new FolderDataset(dir.Path, 16, useBoxes: true);
        Assert.Equal(3, ds.Count);
        Assert.Equal(1, ds.ImagesWithoutBox); // b has no box
        Assert.Equal(["a", "c", "c#1"], Enumerable.Range(0, 3).Select(ds.Name));
        Assert.Equal(new BoxAnnotation(10, 5, 20, 30, 60, 40), ds.Box(0));
        Assert.Equal(CropWindow.AroundBox(10, 5, 20, 30), ds.Window(0));

        // Pasting the item's mask back lands on the object in the full mask.
        var pasted = ImageOps.PasteCropMask(ds.Mask(2)!, ds.Window(2), 48, 48);
        Assert.True(MaskMetrics.Iou(pasted, ds.FullMask(2)!) > 0.8);
    }

    [Fact]
    public void Missing_directory_and_missing_images_folder_are_reported()
    {
        using var dir = new TempDirectory();
        string missing = dir.Combine("nope");
        Assert.Contains(missing, Assert.Throws<DataException>(() => new FolderDataset(missing, 16)).Message);
        var e = Assert.Throws<DataException>(() => new FolderDataset(dir.Path, 16));
        Assert.Contains("no images/ folder", e.Message);
    }

    [Fact]
    public void Empty_images_folder_is_reported()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("images"));
        var e = Assert.Throws<DataException>(() => new FolderDataset(dir.Path, 16));
        Assert.Contains(dir.Combine("images"), e.Message);
        Assert.Contains("no .png/.jpg", e.Message);
    }

    [Fact]
    public void Mask_of_wrong_size_names_both_sizes()
    {
        using var dir = new TempDirectory();
        WriteFolder(dir);
        ImageIo.SavePng(dir.Combine("masks", "c.png"), TestImages.RectMask(40, 48, 0, 0, 5, 5));
        var e = Assert.Throws<DataException>(() => new FolderDataset(dir.Path, 16));
        Assert.Contains(dir.Combine("masks", "c.png"), e.Message);
        Assert.Contains("48x40", e.Message);
        Assert.Contains("48x48", e.Message);
    }

    [Fact]
    public void Malformed_boxes_line_names_the_line()
    {
        using var dir = new TempDirectory();
        WriteFolder(dir, "a,10,5,20,30\nc,1,2,three,4\n");
        var e = Assert.Throws<DataException>(() => new FolderDataset(dir.Path, 16, useBoxes: true));
        Assert.Contains("boxes.csv line 2", e.Message);
    }

    [Fact]
    public void Box_with_wrong_field_count_or_unknown_stem_is_reported()
    {
        using var dir = new TempDirectory();
        WriteFolder(dir, "a,10,5,20\n");
        Assert.Contains("line 1", Assert.Throws<DataException>(() => new FolderDataset(dir.Path, 16, useBoxes: true)).Message);
        File.WriteAllText(dir.Combine("boxes.csv"), "# comment\na,10,5,20,30\n\nzebra,1,1,5,5\n");
        var e = Assert.Throws<DataException>(() => new FolderDataset(dir.Path, 16, useBoxes: true));
        Assert.Contains("line 4", e.Message);
        Assert.Contains("zebra", e.Message);
    }

    [Fact]
    public void Corrupt_image_in_folder_names_the_file()
    {
        using var dir = new TempDirectory();
        WriteFolder(dir);
        File.WriteAllText(dir.Combine("images", "b.jpg"), "garbage");
        var e = Assert.Throws<DataException>(() => new FolderDataset(dir.Path, 16));
        Assert.StartsWith(dir.Combine("images", "b.jpg") + ":", e.Message);
    }

    [Fact]
    public void Factory_opens_folders_and_rejects_unknown_specs()
    {
        using var dir = new TempDirectory();
        WriteFolder(dir);
        Assert.IsType<FolderDataset>(DatasetFactory.Open(dir.Path, 8));
        Assert.IsType<SyntheticObjectDataset>(DatasetFactory.Open("synthetic", 8));
        Assert.IsType<SyntheticBoxScenes>(DatasetFactory.Open("synthetic-boxes", 8));
        Assert.Equal(16, DatasetFactory.Open("synthetic-hoc", 16).Size);
        var e = Assert.Throws<DataException>(() => DatasetFactory.Open(dir.Combine("nowhere"), 8));
        Assert.Contains("dataset not found", e.Message);
    }
}
