using KernelGan.Gan.Ilsgan;
using KernelGan.Tests.Engine;
using Xunit;

namespace KernelGan.Tests.Training;

public class MaskBlurTests
{
    [Fact]
    public void ACheckerboardBlursToItsMeanAndAConstantStaysPut()
    {
        const int s = 8;
        var board = new float[s * s];
        for (int y = 0; y < s; y++)
        for (int x = 0; x < s; x++) board[y * s + x] = (x + y) % 2 == 0 ? 3f : -1f;
        var blurred = MaskBlur.Apply(Tensor.FromArray(board, [1, 1, s, s])).ToArray();
        // Inside, [1,2,1] x [1,2,1] / 16 has zero response at the Nyquist frequency: the mean, 1.
        for (int y = 1; y < s - 1; y++)
        for (int x = 1; x < s - 1; x++) Assert.Equal(1f, blurred[y * s + x], 1e-5f);

        var flat = MaskBlur.Apply(Tensor.FromArray(Enumerable.Repeat(2.5f, 2 * s * s).ToArray(), [2, 1, s, s])).ToArray();
        Assert.All(flat, v => Assert.Equal(2.5f, v, 1e-6f)); // replicated edges: no darkening at the border
    }

    [Fact]
    public void TheBlurIsCentredAndKeepsTheShape()
    {
        var impulse = new float[25];
        impulse[12] = 16f; // centre of 5x5
        var y = MaskBlur.Apply(Tensor.FromArray(impulse, [1, 1, 5, 5]));
        Assert.Equal([1, 1, 5, 5], y.Shape);
        float[] expected = [0, 0, 0, 0, 0, 0, 1, 2, 1, 0, 0, 2, 4, 2, 0, 0, 1, 2, 1, 0, 0, 0, 0, 0, 0];
        Assert.Equal(expected, y.ToArray().Select(v => MathF.Round(v, 5)).ToArray());
    }

    [Fact]
    public void TheBlurHasTheGradientOfItsFormula() =>
        GradCheck.Check("mask blur", x => MaskBlur.Apply(x[0]), [GradCheck.Random([2, 1, 4, 5], 7, -1f, 1f)]);
}
