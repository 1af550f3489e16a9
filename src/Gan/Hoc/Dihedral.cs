namespace KernelGan.Gan.Hoc;

/// <summary>
/// The 8 symmetries of a square (rotations by 90 degrees, with or without a mirror), applied to
/// every plane of a [C, S, S] block alike: HOC instances lie in every orientation, so the
/// segmenter's training pairs can be turned freely.
/// </summary>
public static class Dihedral
{
    /// <summary>Transform <paramref name="code"/> (0..7) of <paramref name="planes"/> planes of side <paramref name="size"/>, in place.</summary>
    public static void Apply(Span<float> data, int planes, int size, int code)
    {
        if (code == 0) return;
        int plane = size * size;
        var copy = new float[plane];
        for (int c = 0; c < planes; c++)
        {
            var p = data.Slice(c * plane, plane);
            p.CopyTo(copy);
            for (int y = 0; y < size; y++)
                for (int x = 0; x < size; x++)
                {
                    var (sy, sx) = Source(y, x, size, code);
                    p[y * size + x] = copy[sy * size + sx];
                }
        }
    }

    private static (int Y, int X) Source(int y, int x, int size, int code)
    {
        int m = size - 1;
        if ((code & 4) != 0) x = m - x; // mirror first
        return (code & 3) switch
        {
            0 => (y, x),
            1 => (x, m - y),
            2 => (m - y, m - x),
            _ => (m - x, y),
        };
    }
}
