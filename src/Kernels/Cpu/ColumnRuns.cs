using System.Runtime.Intrinsics;
using KernelGan.Kernels.Cpu.Simd;

namespace KernelGan.Kernels.Cpu;

/// <summary>
/// The columns of a B operand as a sequence of contiguous source segments, in column order:
/// segment i holds <c>length</c> columns whose values start at <c>offset</c> (relative to a row's offset).
/// </summary>
internal interface ISegments
{
    bool Next(out int offset, out int length);
}

/// <summary>
/// The columns of each NR-wide B strip as runs of consecutive source floats, (dstColumn, length,
/// srcOffset) triples. Convolution operands are runs by nature (pixels along a row of an image,
/// channels of one NHWC pixel), so packing becomes a few vector copies per row instead of an
/// index computation per element.
/// </summary>
internal static unsafe class ColumnRuns
{
    private const int NR = GemmMicroKernel.NR;

    /// <summary>Ints needed for the runs of n columns (worst case: every column its own run).</summary>
    public static int RunsLength(int n) => 3 * n;

    public static int StartsLength(int n) => (n + NR - 1) / NR + 1;

    /// <summary>
    /// Cuts the segments (n columns in all) at strip boundaries into runs, and records per strip s the
    /// index of its first run (starts[s]; starts[strips] = total).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void Build<TSegments>(TSegments segments, int n, int* runs, int* starts) where TSegments : struct, ISegments
    {
        int count = 0, column = 0;
        starts[0] = 0;
        while (column < n && segments.Next(out int offset, out int length))
        {
            length = Math.Min(length, n - column);
            while (length > 0)
            {
                int inStrip = column & (NR - 1);
                int take = Math.Min(length, NR - inStrip);
                runs[3 * count] = inStrip;
                runs[3 * count + 1] = take;
                runs[3 * count + 2] = offset;
                count++;
                column += take;
                offset += take;
                length -= take;
                if ((column & (NR - 1)) == 0) starts[column / NR] = count;
            }
        }
        starts[(n + NR - 1) / NR] = count;
    }

    /// <summary>
    /// Packs kc rows of one strip: row q of the strip is the columns' values at
    /// src + rowOffsets[q] + run offsets; columns past <paramref name="valid"/> are zero.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void PackStrip(float* src, int* rowOffsets, int kc, int* runs, int runCount, int valid, float* dst)
    {
        // The common shapes: one 32-wide run (maps 32+ wide) or two 16-wide ones (16-wide maps, 4x4 maps of two images).
        if (runCount == 1 && runs[1] == NR)
        {
            float* s = src + runs[2];
            for (int q = 0; q < kc; q++)
            {
                float* row = s + rowOffsets[q];
                Vec.Copy16(row, dst + q * NR);
                Vec.Copy16(row + 16, dst + q * NR + 16);
            }
            return;
        }
        if (runCount == 2 && runs[1] == 16 && runs[4] == 16)
        {
            float* s0 = src + runs[2], s1 = src + runs[5];
            for (int q = 0; q < kc; q++)
            {
                int o = rowOffsets[q];
                Vec.Copy16(s0 + o, dst + q * NR);
                Vec.Copy16(s1 + o, dst + q * NR + 16);
            }
            return;
        }
        if (runCount == 4 && valid == NR && runs[1] == 8 && runs[4] == 8 && runs[7] == 8 && runs[10] == 8)
        {
            // 8x8 maps: four rows of 8 pixels per strip.
            float* s0 = src + runs[2], s1 = src + runs[5], s2 = src + runs[8], s3 = src + runs[11];
            for (int q = 0; q < kc; q++)
            {
                int o = rowOffsets[q];
                float* d = dst + q * NR;
                Vec.Copy8(s0 + o, d);
                Vec.Copy8(s1 + o, d + 8);
                Vec.Copy8(s2 + o, d + 16);
                Vec.Copy8(s3 + o, d + 24);
            }
            return;
        }
        if (runCount == 8 && valid == NR && AllRunsHaveLength(runs, 8, 4))
        {
            // 4x4 maps: eight rows of 4 pixels (two images) per strip.
            for (int q = 0; q < kc; q++)
            {
                float* s = src + rowOffsets[q];
                float* d = dst + q * NR;
                for (int r = 0; r < 8; r++) Vector128.Load(s + runs[3 * r + 2]).Store(d + 4 * r);
            }
            return;
        }
        for (int q = 0; q < kc; q++)
        {
            float* s = src + rowOffsets[q];
            float* d = dst + q * NR;
            if (valid < NR)
            {
                // Zero the padding columns first; the runs then overwrite the valid ones.
                if (valid < 16) Vec.Zero16(d);
                Vec.Zero16(d + 16);
            }
            for (int r = 0; r < runCount; r++)
                CopyRun(s + runs[3 * r + 2], d + runs[3 * r], runs[3 * r + 1]);
        }
    }

    private static bool AllRunsHaveLength(int* runs, int count, int length)
    {
        for (int r = 0; r < count; r++)
            if (runs[3 * r + 1] != length) return false;
        return true;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void CopyRun(float* s, float* d, int length)
    {
        int i = 0;
        for (; i + 16 <= length; i += 16) Vec.Copy16(s + i, d + i);
        if (i + 8 <= length) { Vec.Copy8(s + i, d + i); i += 8; }
        if (i + 4 <= length) { Vector128.Store(Vector128.Load(s + i), d + i); i += 4; }
        for (; i < length; i++) d[i] = s[i];
    }
}
