namespace KernelGan.Gan.Data;

/// <summary>
/// How a box item is named after the image it was cut from: "stem#k" for the k-th box of "stem".
/// Evaluation, mask files and the background bank group items by scene, so the convention lives here once.
/// </summary>
public static class SceneNames
{
    public const char BoxSeparator = '#';

    /// <summary>The name of box <paramref name="box"/>'s item in scene <paramref name="scene"/>.</summary>
    public static string BoxItem(string scene, int box) => $"{scene}{BoxSeparator}{box}";

    /// <summary>The scene an item belongs to: its name up to the separator (the whole name when it has none).</summary>
    public static string SceneOf(string itemName)
    {
        int at = itemName.IndexOf(BoxSeparator);
        return at < 0 ? itemName : itemName[..at];
    }
}
