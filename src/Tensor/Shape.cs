namespace KernelGan;

/// <summary>Helpers for shapes (int arrays, outermost dim first) and the errors ops throw about them.</summary>
public static class Shape
{
    public static int Count(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw new ArgumentException($"negative dimension in shape {Format(shape)}");
            n *= d;
        }
        if (n > int.MaxValue) throw new ArgumentException($"shape {Format(shape)} has more than 2^31 elements");
        return (int)n;
    }

    public static string Format(ReadOnlySpan<int> shape) => "[" + string.Join(",", shape.ToArray()) + "]";

    public static bool Equal(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => a.SequenceEqual(b);

    /// <summary>numpy broadcasting of two shapes, or null when they don't broadcast.</summary>
    public static int[]? Broadcast(int[] a, int[] b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var result = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            int db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            if (da != db && da != 1 && db != 1) return null;
            result[i] = da == 1 ? db : da;
        }
        return result;
    }

    /// <summary><paramref name="shape"/> with ones prepended up to <paramref name="rank"/>.</summary>
    public static int[] PadLeft(int[] shape, int rank)
    {
        if (shape.Length == rank) return shape;
        var r = new int[rank];
        Array.Fill(r, 1);
        shape.CopyTo(r, rank - shape.Length);
        return r;
    }

    /// <summary>Resolves a negative axis against a rank, naming the op when it is out of range.</summary>
    public static int Axis(string op, int axis, int rank)
    {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) throw new ShapeException($"{op}: axis {axis} is out of range for a rank-{rank} tensor");
        return a;
    }
}

/// <summary>A shape or argument mismatch in an op; the message names the op and the shapes.</summary>
public sealed class ShapeException(string message) : ArgumentException(message);
