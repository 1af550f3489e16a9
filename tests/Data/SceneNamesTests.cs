using KernelGan.Gan.Data;
using Xunit;

namespace KernelGan.Tests.Data;

public class SceneNamesTests
{
    [Fact]
    public void A_box_item_belongs_to_the_scene_it_was_named_after()
    {
        Assert.Equal("street_04", SceneNames.SceneOf(SceneNames.BoxItem("street_04", 3)));
        Assert.Equal("street_04#3", SceneNames.BoxItem("street_04", 3));
    }

    [Fact]
    public void A_name_without_a_box_is_its_own_scene()
    {
        Assert.Equal("street_04", SceneNames.SceneOf("street_04"));
        Assert.Equal("sub/dir/a", SceneNames.SceneOf("sub/dir/a#12"));
    }
}
