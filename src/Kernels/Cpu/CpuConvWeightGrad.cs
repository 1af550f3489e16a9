namespace KernelGan.Kernels.Cpu;

/// <summary>
/// The conv weight gradient gW[co, (ci,ki,kj)] = sum over images and pixels of gy * im2col(x):
/// a GEMM whose reduction runs over every output pixel of the batch. The input is transposed to
/// padded NHWC once, so each pixel's im2col values are runs of channels; the product is formed
/// with columns in (ki, kj, ci) order and permuted into the weight layout at the end.
/// Work is cut into two parts per core, handed out dynamically: by images, with one pooled partial
/// per extra part (added across the cores), or, for large gradients or few images, by columns.
/// </summary>
public sealed unsafe partial class CpuBackend
{
    [ThreadStatic] private static int[]? t_pixelOffsetsA;

    /// <summary>
    /// Gradients at least this large are split by columns, not images. Split by images, each part
    /// packs only its own images' gy and reads only their input once; split by columns, every part
    /// repacks all of gy and streams all of the input. Image parts were 1.2-1.9x faster on the
    /// U-Net's and the small GAN's layers (bench/results/cpu-weight-grad-split-2026-11-30.md); on
    /// ref64's deep layers the two ran level, and there image parts' partial sums would cost
    /// megabytes (3 x 8 MB at 256 -> 512 channels).
    /// </summary>
    private const long ColumnSplitGradientFloats = 1 << 18;

    public void Conv2dBackwardWeight(in ConvGeometry g, DeviceBuffer x, DeviceBuffer gy, DeviceBuffer gw, DeviceBuffer? gbias)
    {
        using var alive = Alive(x, gy, gw, gbias);
        using var operands = new SubnormalFreeOperands(this);
        float* px = operands.Of(x, g.InputSize), pgy = operands.Of(gy, g.OutputSize), pgw = Ptr(gw), pgb = PtrOrNull(gbias);
        if (IsFullyConnected(g)) FullyConnectedBackwardWeight(g, px, pgy, pgw);
        else BackwardWeightGemm(g, px, pgy, pgw);
        if (pgb != null) SumChannels(pgy, g.N, g.Cout, g.Hout * g.Wout, pgb);
    }

    private void BackwardWeightGemm(in ConvGeometry g, float* x, float* gy, float* gw)
    {
        var layout = new PaddedNhwc(g);
        int taps = g.Kh * g.Kw, k = taps * g.Cin;
        var nhwc = Allocate(g.N * layout.ImageSize);
        // One tap needs no permutation, so the GEMM can write the gradient itself.
        var tapMajor = taps == 1 ? null : Allocate(g.Cout * k);
        // A few parts per core, handed out dynamically, for balance when the machine is busy; one
        // core takes the product whole.
        int workers = CpuParallel.Workers, parts = workers == 1 ? 1 : 2 * workers;
        bool splitColumns = g.N < parts || (long)g.Cout * k >= ColumnSplitGradientFloats;
        var partials = new DeviceBuffer?[splitColumns ? 0 : parts - 1];
        try
        {
            float* pn = Ptr(nhwc), pt = tapMajor is null ? gw : Ptr(tapMajor);
            CpuParallel.For(g.N, 1, (n0, n1) =>
            {
                for (int n = n0; n < n1; n++) layout.BuildImage(x, n, pn);
            });
            var geo = g;
            if (splitColumns)
            {
                int strips = (k + GemmMicroKernel.NR - 1) / GemmMicroKernel.NR;
                int columnParts = Math.Min(parts, strips);
                CpuParallel.ForEach(columnParts, w =>
                {
                    int c0 = strips * w / columnParts * GemmMicroKernel.NR;
                    int c1 = Math.Min(k, strips * (w + 1) / columnParts * GemmMicroKernel.NR);
                    WeightGradPart(geo, layout, pn, gy, 0, geo.N, c0, c1, pt + c0, k);
                });
            }
            else
            {
                for (int i = 0; i < partials.Length; i++) partials[i] = Allocate(g.Cout * k);
                CpuParallel.ForEach(parts, w =>
                {
                    int n0 = (int)((long)geo.N * w / parts), n1 = (int)((long)geo.N * (w + 1) / parts);
                    float* c = w == 0 ? pt : Ptr(partials[w - 1]!);
                    WeightGradPart(geo, layout, pn, gy, n0, n1, 0, k, c, k);
                });
                AddPartials(pt, partials, g.Cout * k);
            }
            if (tapMajor is not null) TapMajorToWeight(geo, pt, gw);
        }
        finally
        {
            nhwc.Release();
            tapMajor?.Release();
            foreach (var partial in partials) partial?.Release();
        }
    }

    /// <summary>gW columns [c0, c1) (tap-major order) summed over images [n0, n1), written at c with row stride ldc.</summary>
    private static void WeightGradPart(in ConvGeometry g, in PaddedNhwc layout, float* nhwc, float* gy,
                                       int n0, int n1, int c0, int c1, float* c, int ldc)
    {
        int plane = g.Hout * g.Wout, pixels = (n1 - n0) * plane, columns = c1 - c0;
        int* gyOffsets = ScratchInts(ref t_pixelOffsetsA, pixels);
        int* xOffsets = ScratchInts(ref t_rowOffsets, pixels);
        for (int n = n0, q = 0; n < n1; n++)
        for (int oh = 0; oh < g.Hout; oh++)
        for (int ow = 0; ow < g.Wout; ow++, q++)
        {
            gyOffsets[q] = n * g.Cout * plane + oh * g.Wout + ow;
            xOffsets[q] = layout.PixelOffset(n, oh, ow);
        }
        int* runs = ScratchInts(ref t_runs, ColumnRuns.RunsLength(columns));
        int* starts = ScratchInts(ref t_runStarts, ColumnRuns.StartsLength(columns));
        ColumnRuns.Build(layout.TapsFrom(c0), columns, runs, starts);

        var a = new ChannelRowsPanel(gy, g.Cout, plane, gyOffsets, Scratch(ref t_panelA, ChannelRowsPanel.ScratchLength(g.Cout)));
        var b = new RunPackedPanel(nhwc, xOffsets, runs, starts, columns, Scratch(ref t_panelB, RunPackedPanel.ScratchLength(columns)));
        PackedGemm.Run(g.Cout, columns, pixels, ref a, ref b, OutputMatrix.Dense(c, ldc), 0f);
    }

    /// <summary>gw[co, ci, ki, kj] = tapMajor[co, (ki*Kw + kj)*Cin + ci].</summary>
    private static void TapMajorToWeight(in ConvGeometry g, float* tapMajor, float* gw)
    {
        int taps = g.Kh * g.Kw, k = taps * g.Cin;
        bool blocks = taps % 8 == 0 && g.Cin % 16 == 0 && Transpose.HasRows8x16;
        for (int co = 0; co < g.Cout; co++)
        {
            float* src = tapMajor + (long)co * k;
            float* dst = gw + (long)co * k;
            if (blocks)
            {
                // Each row is a [taps, Cin] matrix to transpose: 8 taps x 16 channels at a time.
                for (int t = 0; t < taps; t += 8)
                for (int ci = 0; ci < g.Cin; ci += 16)
                    Transpose.Rows8x16(src + t * g.Cin + ci, g.Cin, dst + ci * taps + t, taps);
                continue;
            }
            for (int ci = 0; ci < g.Cin; ci++)
            for (int t = 0; t < taps; t++)
                dst[ci * taps + t] = src[t * g.Cin + ci];
        }
    }

    /// <summary>dst += each partial, in a fixed order (the same bits on every run), cut across the cores.</summary>
    private void AddPartials(float* dst, DeviceBuffer?[] partials, int length)
    {
        var sources = new IntPtr[partials.Length];
        for (int i = 0; i < partials.Length; i++) sources[i] = (IntPtr)Ptr(partials[i]!);
        CpuParallel.For(length, PointwiseGrain, (i0, i1) =>
        {
            foreach (var source in sources) AddInto(dst + i0, (float*)source + i0, i1 - i0);
        });
    }

    private static void AddInto(float* dst, float* src, int length)
    {
        if (System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated) AddInto<Simd.V512>(dst, src, length);
        else if (System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated) AddInto<Simd.V256>(dst, src, length);
        else AddInto<Simd.V128>(dst, src, length);
    }

    private static void AddInto<TV>(float* dst, float* src, int length) where TV : unmanaged, Simd.IVec<TV>
    {
        int i = 0;
        for (; i + TV.Lanes <= length; i += TV.Lanes) (TV.Load(dst + i) + TV.Load(src + i)).Store(dst + i);
        for (; i < length; i++) dst[i] += src[i];
    }

    /// <summary>gbias[c] = sum of gy over images and pixels of channel c.</summary>
    private static void SumChannels(float* gy, int n, int channels, int plane, float* gbias)
    {
        CpuParallel.For(channels, Math.Max(1, PointwiseGrain / Math.Max(1, n * plane)), (c0, c1) =>
        {
            for (int co = c0; co < c1; co++)
            {
                double s = 0;
                for (int i = 0; i < n; i++) s += SumRun(gy + ((long)i * channels + co) * plane, plane);
                gbias[co] = (float)s;
            }
        });
    }
}
