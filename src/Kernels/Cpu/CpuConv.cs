namespace KernelGan.Kernels.Cpu;

/// <summary>
/// Convolutions as GEMMs over groups of images: each group's im2col columns sit side by side
/// (column = image * Hout*Wout + pixel), so layers with small feature maps (4x4, 8x8) still make
/// GEMMs hundreds of columns wide. Groups are handed to cores dynamically; each core packs operands
/// straight from padded layouts (no column matrix for the forward or weight gradient) and runs
/// <see cref="PackedGemm"/> on its own. Weights are packed once per call and shared.
/// A convolution whose kernel covers its whole unpadded input (1x1 output: ref64's first
/// generator and last discriminator layer) is a plain matrix product over the batch.
/// </summary>
public sealed unsafe partial class CpuBackend
{
    /// <summary>Columns a group's GEMM aims at (half as many when the cores need more groups to balance).</summary>
    private const int TargetColumns = 256;

    [ThreadStatic] private static float[]? t_planes, t_panelA, t_panelB, t_cols;
    [ThreadStatic] private static int[]? t_rowOffsets, t_runs, t_runStarts;

    private static bool IsFullyConnected(in ConvGeometry g) =>
        g.Hout == 1 && g.Wout == 1 && g.PadH == 0 && g.PadW == 0 && g.Kh == g.Hin && g.Kw == g.Win;

    public void Conv2dForward(in ConvGeometry g, DeviceBuffer x, DeviceBuffer w, DeviceBuffer? bias, DeviceBuffer y)
    {
        using var alive = Alive(x, w, bias, y);
        using var operands = new SubnormalFreeOperands(this);
        float* px = operands.Of(x, g.InputSize), pw = operands.Of(w, g.WeightSize), pb = PtrOrNull(bias), py = Ptr(y);
        if (IsFullyConnected(g))
        {
            FullyConnectedForward(g, px, pw, pb, py);
            return;
        }
        int k = g.Cin * g.Kh * g.Kw;
        var packedW = Allocate((int)PackedGemm.RowStripsLength(g.Cout, k));
        try
        {
            float* pa = Ptr(packedW);
            PackedGemm.PackRowStrips(pw, g.Cout, k, k, 1, pa);
            var geo = g;
            ForEachImageGroup(g.N, g.Hout * g.Wout, (first, end) => ForwardImages(geo, px, pa, pb, py, first, end));
        }
        finally { packedW.Release(); }
    }

    /// <summary>One core's share of the forward pass: images [first, end) in groups.</summary>
    private static void ForwardImages(in ConvGeometry g, float* x, float* packedW, float* bias, float* y, int first, int end)
    {
        int k = g.Cin * g.Kh * g.Kw, plane = g.Hout * g.Wout;
        var planes = new PhasePlanes(g);
        int* rowOffsets = ScratchInts(ref t_rowOffsets, k);
        planes.RowOffsets(rowOffsets);
        int groups = GroupCount(end - first, plane), runsFor = 0;
        int* runs = ScratchInts(ref t_runs, ColumnRuns.RunsLength(GroupSize(end - first, groups) * plane));
        int* starts = ScratchInts(ref t_runStarts, ColumnRuns.StartsLength(GroupSize(end - first, groups) * plane));
        for (int i = 0; i < groups; i++)
        {
            int n0 = first + (end - first) * i / groups, count = first + (end - first) * (i + 1) / groups - n0;
            if (count != runsFor)
            {
                ColumnRuns.Build(planes.Pixels, count * plane, runs, starts);
                runsFor = count;
            }
            ForwardGroup(g, planes, x, packedW, bias, y, n0, count, rowOffsets, runs, starts);
        }
    }

    private static void ForwardGroup(in ConvGeometry g, in PhasePlanes planes, float* x, float* packedW, float* bias, float* y,
                                     int n0, int count, int* rowOffsets, int* runs, int* starts)
    {
        int k = g.Cin * g.Kh * g.Kw, plane = g.Hout * g.Wout, columns = count * plane;
        float* split = Scratch(ref t_planes, (long)count * planes.ImageSize);
        planes.Build(x + (long)n0 * g.Cin * g.Hin * g.Win, count, split);

        var a = new PrepackedPanel(packedW, k, GemmMicroKernel.MR);
        var b = new RunPackedPanel(split, rowOffsets, runs, starts, columns, Scratch(ref t_panelB, RunPackedPanel.ScratchLength(columns)));
        float* yGroup = y + (long)n0 * g.Cout * plane;
        if (plane % 16 == 0)
        {
            PackedGemm.Run(g.Cout, columns, k, ref a, ref b, OutputMatrix.PerImage(yGroup, plane, (long)g.Cout * plane), 0f);
            if (bias != null)
                for (int nl = 0; nl < count; nl++)
                for (int co = 0; co < g.Cout; co++)
                    AddConstant(yGroup + ((long)nl * g.Cout + co) * plane, plane, bias[co]);
            return;
        }
        // Feature maps that aren't a multiple of 16 wide go through a dense tile, then to NCHW.
        float* dense = Scratch(ref t_cols, (long)g.Cout * columns);
        PackedGemm.Run(g.Cout, columns, k, ref a, ref b, OutputMatrix.Dense(dense, columns), 0f);
        for (int nl = 0; nl < count; nl++)
        for (int co = 0; co < g.Cout; co++)
        {
            float* src = dense + (long)co * columns + nl * plane;
            float* dst = yGroup + ((long)nl * g.Cout + co) * plane;
            float bv = bias == null ? 0f : bias[co];
            for (int p = 0; p < plane; p++) dst[p] = src[p] + bv;
        }
    }

    public void Conv2dBackwardData(in ConvGeometry g, DeviceBuffer gy, DeviceBuffer w, DeviceBuffer gx)
    {
        using var alive = Alive(gy, w, gx);
        if (IsStrideOneTransposable(g) && !IsFullyConnected(g))
        {
            StrideOneBackwardData(g, gy, Ptr(w), gx); // a forward pass, which flushes gy itself
            return;
        }
        using var operands = new SubnormalFreeOperands(this);
        float* pgy = operands.Of(gy, g.OutputSize), pw = operands.Of(w, g.WeightSize), pgx = Ptr(gx);
        if (IsFullyConnected(g))
        {
            FullyConnectedBackwardData(g, pgy, pw, pgx);
            return;
        }
        int k = g.Cin * g.Kh * g.Kw;
        // The column matrix is W^T gy: A = W^T, whose rows (the taps) are adjacent in W.
        var packedWt = Allocate((int)PackedGemm.RowStripsLength(k, g.Cout));
        try
        {
            float* pa = Ptr(packedWt);
            PackedGemm.PackRowStrips(pw, k, g.Cout, 1, k, pa);
            var geo = g;
            ForEachImageGroup(g.N, g.Hout * g.Wout, (first, end) => BackwardDataImages(geo, pgy, pa, pgx, first, end));
        }
        finally { packedWt.Release(); }
    }

    /// <summary>A stride-1 convolution whose padding is at most its kernel's size less one (every "same" and "valid" conv).</summary>
    private static bool IsStrideOneTransposable(in ConvGeometry g) =>
        g.StrideH == 1 && g.StrideW == 1 && g.PadH <= g.Kh - 1 && g.PadW <= g.Kw - 1;

    /// <summary>
    /// With stride 1, the data gradient is itself a convolution: gy convolved with the kernel
    /// flipped in space and transposed in channels, padded by K-1-p, gives gx at the input's size.
    /// The forward path packs straight from padded planes and writes NCHW; the general path's
    /// column matrix and fold cost about twice as much on thin layers (a U-Net's 16-channel
    /// 32x32 level: 21 against 53 GFLOP/s on the AVX2 path, `bench profile --config unet`).
    /// </summary>
    private void StrideOneBackwardData(in ConvGeometry g, DeviceBuffer gy, float* w, DeviceBuffer gx)
    {
        var flipped = Allocate(g.WeightSize);
        try
        {
            float* pf = Ptr(flipped);
            int taps = g.Kh * g.Kw;
            for (int co = 0; co < g.Cout; co++)
            for (int ci = 0; ci < g.Cin; ci++)
            {
                float* src = w + ((long)co * g.Cin + ci) * taps, dst = pf + ((long)ci * g.Cout + co) * taps;
                for (int t = 0; t < taps; t++) dst[t] = src[taps - 1 - t];
            }
            var transposed = new ConvGeometry(g.N, g.Cout, g.Hout, g.Wout, g.Cin, g.Kh, g.Kw, 1, 1, g.Kh - 1 - g.PadH, g.Kw - 1 - g.PadW);
            Conv2dForward(transposed, gy, flipped, null, gx);
        }
        finally { flipped.Release(); }
    }

    /// <summary>One core's share of the data gradient: images [first, end) in groups.</summary>
    private static void BackwardDataImages(in ConvGeometry g, float* gy, float* packedWt, float* gx, int first, int end)
    {
        int plane = g.Hout * g.Wout;
        int* rowOffsets = ScratchInts(ref t_rowOffsets, g.Cout);
        for (int co = 0; co < g.Cout; co++) rowOffsets[co] = co * plane;
        int groups = GroupCount(end - first, plane), runsFor = 0;
        int* runs = ScratchInts(ref t_runs, ColumnRuns.RunsLength(GroupSize(end - first, groups) * plane));
        int* starts = ScratchInts(ref t_runStarts, ColumnRuns.StartsLength(GroupSize(end - first, groups) * plane));
        for (int i = 0; i < groups; i++)
        {
            int n0 = first + (end - first) * i / groups, count = first + (end - first) * (i + 1) / groups - n0;
            if (count != runsFor)
            {
                ColumnRuns.Build(new WholeImages(plane, g.Cout * plane), count * plane, runs, starts);
                runsFor = count;
            }
            BackwardDataGroup(g, gy, packedWt, gx, n0, count, rowOffsets, runs, starts);
        }
    }

    private static void BackwardDataGroup(in ConvGeometry g, float* gy, float* packedWt, float* gx, int n0, int count,
                                          int* rowOffsets, int* runs, int* starts)
    {
        int k = g.Cin * g.Kh * g.Kw, plane = g.Hout * g.Wout, columns = count * plane;

        var a = new PrepackedPanel(packedWt, g.Cout, GemmMicroKernel.MR);
        var b = new RunPackedPanel(gy + (long)n0 * g.Cout * plane, rowOffsets, runs, starts, columns,
                                   Scratch(ref t_panelB, RunPackedPanel.ScratchLength(columns)));
        float* cols = Scratch(ref t_cols, (long)k * columns);
        PackedGemm.Run(k, columns, g.Cout, ref a, ref b, OutputMatrix.Dense(cols, columns), 0f);

        int imageSize = g.Cin * g.Hin * g.Win;
        bool doubling = Col2Im.IsDoublingK4S2P1(g);
        for (int nl = 0; nl < count; nl++)
        {
            float* image = gx + (long)(n0 + nl) * imageSize;
            if (doubling) Col2Im.FoldDoublingK4S2P1(g, cols, columns, nl, image);
            else
            {
                new Span<float>(image, imageSize).Clear();
                Col2Im.FoldAdd(g, cols, columns, nl, image);
            }
        }
    }

    /// <summary>A group's columns: each image's NCHW plane, images a fixed stride apart.</summary>
    private struct WholeImages(int plane, int imageStride) : ISegments
    {
        private int _image;

        public bool Next(out int offset, out int length)
        {
            offset = _image++ * imageStride;
            length = plane;
            return true;
        }
    }

    /// <summary>
    /// Cuts the batch into near-equal groups of consecutive images and runs body(first, end) on
    /// each, groups handed to cores dynamically. Groups aim at <see cref="TargetColumns"/> im2col
    /// columns, but go down to half that to give each core a few groups to balance with.
    /// </summary>
    private static void ForEachImageGroup(int images, int plane, Action<int, int> body)
    {
        int groups = GroupCount(images, plane);
        int wanted = 4 * CpuParallel.Workers;
        if (groups < wanted)
        {
            int smallest = Math.Max(1, (TargetColumns / 2 + plane - 1) / plane);
            groups = Math.Min(wanted, (images + smallest - 1) / smallest);
        }
        groups = Math.Clamp(groups, 1, images);
        CpuParallel.ForEach(groups, i => body((int)((long)images * i / groups), (int)((long)images * (i + 1) / groups)));
    }

    /// <summary>Groups for a share of images so each GEMM gets about <see cref="TargetColumns"/> columns; equal sizes, no runt.</summary>
    private static int GroupCount(int images, int plane)
    {
        int perGroup = Math.Max(1, (TargetColumns + plane - 1) / plane);
        return Math.Max(1, (images + perGroup - 1) / perGroup);
    }

    /// <summary>The largest group when <paramref name="images"/> are cut into <paramref name="groups"/> near-equal groups.</summary>
    private static int GroupSize(int images, int groups) => (images + groups - 1) / groups;

    private static void AddConstant(float* row, int length, float value)
    {
        if (System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated) AddConstant<Simd.V512>(row, length, value);
        else if (System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated) AddConstant<Simd.V256>(row, length, value);
        else AddConstant<Simd.V128>(row, length, value);
    }

    private static void AddConstant<TV>(float* row, int length, float value) where TV : unmanaged, Simd.IVec<TV>
    {
        int i = 0;
        var v = TV.Broadcast(value);
        for (; i + TV.Lanes <= length; i += TV.Lanes) (TV.Load(row + i) + v).Store(row + i);
        for (; i < length; i++) row[i] += value;
    }
}
