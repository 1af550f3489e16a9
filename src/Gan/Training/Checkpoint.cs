using System.Text;
using System.Text.Json.Nodes;

namespace KernelGan.Gan.Training;

/// <summary>
/// A binary snapshot of named tensors plus JSON metadata. Layout: "KGCK", version, JSON, then
/// (name, shape, float32 data) records, then "KEND" and an FNV-1a checksum of everything before,
/// so truncation and corruption are detected on load. Writes go to a temp file that is flushed
/// and then renamed over the target: a crash mid-write leaves the previous checkpoint intact.
/// </summary>
public sealed class Checkpoint
{
    private const uint Magic = 0x4B43474B; // "KGCK"
    private const uint EndMagic = 0x444E454B; // "KEND"
    private const int Version = 1;

    private Checkpoint(JsonObject metadata, Dictionary<string, (int[] Shape, float[] Data)> tensors)
    {
        Metadata = metadata;
        Tensors = tensors;
    }

    public JsonObject Metadata { get; }
    public IReadOnlyDictionary<string, (int[] Shape, float[] Data)> Tensors { get; }

    public static void Save(string path, JsonObject metadata, IEnumerable<(string Name, Tensor Value)> tensors)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        string temp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        try
        {
            using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                var hashing = new HashingStream(file);
                using (var w = new BinaryWriter(hashing, Encoding.UTF8, leaveOpen: true))
                {
                    w.Write(Magic);
                    w.Write(Version);
                    WriteString(w, metadata.ToJsonString());
                    var list = tensors.ToList();
                    w.Write(list.Count);
                    foreach (var (name, t) in list)
                    {
                        WriteString(w, name);
                        w.Write(t.Rank);
                        foreach (int d in t.Shape) w.Write(d);
                        var data = t.ToArray();
                        w.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan()));
                    }
                    w.Write(EndMagic);
                }
                using (var tail = new BinaryWriter(file, Encoding.UTF8, leaveOpen: true)) tail.Write(hashing.Hash);
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch (IOException e)
        {
            // A full disk or a failing device: the rename never happened, so the previous file stands.
            throw new CheckpointException($"{path}: cannot write the checkpoint ({e.Message.Trim()}); " +
                                          (File.Exists(path) ? "the previous checkpoint is kept" : "there is no earlier checkpoint"));
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    public static Checkpoint Load(string path)
    {
        if (!File.Exists(path)) throw new CheckpointException($"{path}: no such checkpoint");
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            var hashing = new HashingStream(file);
            using var r = new BinaryReader(hashing, Encoding.UTF8, leaveOpen: true);
            if (r.ReadUInt32() != Magic) throw new CheckpointException($"{path}: not a KernelGan checkpoint");
            int version = r.ReadInt32();
            if (version != Version) throw new CheckpointException($"{path}: checkpoint version {version}, this build reads {Version}");
            var meta = JsonNode.Parse(ReadString(r, 1 << 24)) as JsonObject
                       ?? throw new CheckpointException($"{path}: metadata is not a JSON object");
            int count = r.ReadInt32();
            if (count < 0 || count > 1_000_000) throw new CheckpointException($"{path}: corrupt (tensor count {count})");
            var tensors = new Dictionary<string, (int[], float[])>();
            long remaining = file.Length;
            for (int i = 0; i < count; i++)
            {
                string name = ReadString(r, 4096);
                int rank = r.ReadInt32();
                if (rank < 0 || rank > 8) throw new CheckpointException($"{path}: corrupt (rank {rank} for {name})");
                var shape = new int[rank];
                for (int d = 0; d < rank; d++) shape[d] = r.ReadInt32();
                long n = shape.Aggregate(1L, (a, b) => a * b);
                if (shape.Any(d => d < 0) || n * 4 > remaining) throw new CheckpointException($"{path}: truncated or corrupt at tensor '{name}'");
                var data = new float[n];
                var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan());
                int read = 0;
                while (read < bytes.Length)
                {
                    int got = r.Read(bytes[read..]);
                    if (got == 0) throw new EndOfStreamException();
                    read += got;
                }
                tensors[name] = (shape, data);
            }
            if (r.ReadUInt32() != EndMagic) throw new CheckpointException($"{path}: corrupt (end marker missing)");
            uint expected = hashing.Hash;
            using var tail = new BinaryReader(file, Encoding.UTF8, leaveOpen: true);
            if (tail.ReadUInt32() != expected) throw new CheckpointException($"{path}: checksum mismatch (corrupt file)");
            return new Checkpoint(meta, tensors);
        }
        catch (EndOfStreamException)
        {
            throw new CheckpointException($"{path}: truncated (the file ends early; was the write interrupted?)");
        }
        catch (System.Text.Json.JsonException)
        {
            throw new CheckpointException($"{path}: corrupt metadata");
        }
    }

    /// <summary>Copies the stored values into <paramref name="targets"/>; every name must be present with the same shape.</summary>
    public void RestoreInto(IEnumerable<(string Name, Tensor Value)> targets, string what)
    {
        foreach (var (name, t) in targets)
        {
            if (!Tensors.TryGetValue(name, out var stored))
                throw new CheckpointException($"checkpoint has no '{name}' for the {what} (written by a different model?)");
            if (!Shape.Equal(stored.Shape, t.Shape))
                throw new CheckpointException($"checkpoint '{name}' is {Shape.Format(stored.Shape)} but the {what} expects {Shape.Format(t.Shape)} (different architecture?)");
            t.Backend.Upload(stored.Data, t.Buffer);
        }
    }

    private static void WriteString(BinaryWriter w, string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        w.Write(bytes.Length);
        w.Write(bytes);
    }

    private static string ReadString(BinaryReader r, int maxBytes)
    {
        int n = r.ReadInt32();
        if (n < 0 || n > maxBytes) throw new CheckpointException("corrupt checkpoint (bad string length)");
        var bytes = r.ReadBytes(n);
        if (bytes.Length != n) throw new EndOfStreamException();
        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>Passes bytes through while folding them into a 32-bit FNV-1a hash.</summary>
    private sealed class HashingStream(Stream inner) : Stream
    {
        public uint Hash { get; private set; } = 2166136261;

        private void Fold(ReadOnlySpan<byte> bytes)
        {
            uint h = Hash;
            foreach (byte b in bytes) h = (h ^ b) * 16777619;
            Hash = h;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int n = inner.Read(buffer);
            Fold(buffer[..n]);
            return n;
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Fold(buffer);
            inner.Write(buffer);
        }

        public override bool CanRead => inner.CanRead;
        public override bool CanSeek => false;
        public override bool CanWrite => inner.CanWrite;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
