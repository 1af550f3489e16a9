namespace KernelGan.Kernels.Checks;

/// <summary>Memory: allocation, uploads/downloads at offsets, fills, strided and overlapping copies, pool statistics.</summary>
public sealed partial class BackendComparison
{
    private void CheckMemory()
    {
        Expect("Name", "non-empty", !string.IsNullOrWhiteSpace(_candidate.Name), "empty device name");

        int n = Tiny ? 53 : 1 << 20;
        var data = Uniform("memory", n);
        Compare("Upload", $"n={n} at offset 3", 0, s =>
        {
            var b = s.Out(n + 3);
            s.B.Upload(data, b, 3);
            return [s.Down(b)];
        });
        Compare("Download", $"n={n - 5} from offset 5", 0, s =>
        {
            var b = s.Up(data);
            var part = new float[n - 5];
            s.B.Download(b, 5, part);
            return [part];
        });
        Compare("Allocate", $"n={n} then full overwrite", 0, s =>
        {
            var b = s.B.Allocate(n);
            try
            {
                if (b.Length != n || !ReferenceEquals(b.Backend, s.B)) throw new InvalidOperationException($"allocated {b.Length} floats on {b.Backend.Name}");
                s.B.Upload(data, b);
                return [s.Down(b)];
            }
            finally
            {
                b.Release();
            }
        });
        foreach (float value in new[] { 0f, -2.5f })
            Compare("Fill", $"value={value} on [7, n-4)", 0, s =>
            {
                var b = s.Up(data);
                s.B.Fill(b, 7, n - 11, value);
                return [s.Down(b)];
            });

        // A slice shares its parent's memory: writes through the slice (upload, fill, copy, a kernel)
        // land at the slice's offset in the parent, reads see the parent's values, and the parent
        // outlives its own release while the slice holds it.
        Compare("Slice", $"[16, n-3) of n={n}: upload, fill, copy, axpby through it", 0, s =>
        {
            var parent = s.B.Allocate(n);
            s.B.Upload(data, parent);
            var slice = s.B.Slice(parent, 16, n - 19);
            parent.Release();
            try
            {
                var seen = s.Down(slice);
                s.B.Fill(slice, 2, 3, -1f);
                s.B.Upload(data.AsSpan(0, 4), slice, 6);
                s.B.Copy2D(slice, 0, 4, slice, 12, 4, 1, 4);
                s.B.Axpby(2f, slice, 0.5f, slice, 5);
                var inner = s.B.Slice(slice, 16, 8);
                s.B.Fill(inner, 0, 8, 7f);
                inner.Release();
                return [seen, s.Down(slice)];
            }
            finally
            {
                slice.Release();
            }
        });

        int rows = Tiny ? 5 : 512, cols = Tiny ? 7 : 1000;
        var source = Uniform("copy2d", rows * (cols + 3) + 8);
        Compare("Copy2D", $"contiguous {rows}x{cols}", 0, s =>
        {
            var src = s.Up(source);
            var dst = s.Out(rows * cols + 2);
            s.B.Copy2D(src, 1, cols, dst, 2, cols, rows, cols);
            return [s.Down(dst)];
        });
        Compare("Copy2D", $"strided {rows}x{cols} (narrow)", 0, s =>
        {
            var src = s.Up(source);
            var dst = s.Up(Uniform("copy2d-dst", rows * (cols + 5)));
            s.B.Copy2D(src, 4, cols + 3, dst, 1, cols + 5, rows, cols);
            return [s.Down(dst)];
        });
        foreach (int shift in new[] { 3, -3 })
            // Overlap is defined (as memmove) only for contiguous runs; the tensor layer never overlaps strided copies.
            Compare("Copy2D", $"overlapping contiguous runs in one buffer, shift {shift}", 0, s =>
            {
                var b = s.Up(source);
                s.B.Copy2D(b, 4, cols, b, 4 + shift, cols, rows, cols);
                return [s.Down(b)];
            });

        var (before, _) = _candidate.MemoryStats;
        var probe = _candidate.Allocate(10_000);
        var (during, _) = _candidate.MemoryStats;
        probe.Release();
        var (after, pooled) = _candidate.MemoryStats;
        Expect("MemoryStats", "allocate 10000 floats, release", during - before >= 40_000 && after == before && pooled >= 40_000,
            $"in use {before} -> {during} -> {after} bytes, pooled {pooled}");

        try
        {
            _candidate.Synchronize();
            Expect("Synchronize", "idle device", true, null);
        }
        catch (Exception e)
        {
            Expect("Synchronize", "idle device", false, e.Message);
        }
    }
}
