using System.Text.Json.Nodes;
using KernelGan.Gan.Training;
using Xunit;

namespace KernelGan.Tests.Training;

public class CheckpointTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kg-ckpt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(out Tensor a, out Tensor b)
    {
        a = Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 2, 3);
        b = Tensor.FromArray([-1.5f], 1);
        string path = Path.Combine(_dir, "c.kgc");
        Checkpoint.Save(path, new JsonObject { ["step"] = 42 }, [("a", a), ("b", b)]);
        return path;
    }

    [Fact]
    public void RoundTripsTensorsAndMetadata()
    {
        string path = Write(out var a, out var b);
        var loaded = Checkpoint.Load(path);
        Assert.Equal(42, loaded.Metadata["step"]!.GetValue<int>());
        var a2 = Tensor.Zeros(2, 3);
        var b2 = Tensor.Zeros(1);
        loaded.RestoreInto([("a", a2), ("b", b2)], "test model");
        Assert.Equal(a.ToArray(), a2.ToArray());
        Assert.Equal(b.ToArray(), b2.ToArray());
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
    }

    [Fact]
    public void TruncatedFileIsDetected()
    {
        string path = Write(out _, out _);
        var bytes = File.ReadAllBytes(path);
        foreach (int keep in new[] { 3, 20, bytes.Length / 2, bytes.Length - 2 })
        {
            File.WriteAllBytes(path, bytes[..keep]);
            var e = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));
            Assert.Contains(path, e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }
    }

    [Fact]
    public void FlippedBitIsDetected()
    {
        string path = Write(out _, out _);
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length - 12] ^= 0x10; // inside the last tensor's data
        File.WriteAllBytes(path, bytes);
        Assert.Contains("checksum", Assert.Throws<CheckpointException>(() => Checkpoint.Load(path)).Message);
    }

    [Fact]
    public void ShapeMismatchNamesTheTensor()
    {
        string path = Write(out _, out _);
        var e = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path).RestoreInto([("a", Tensor.Zeros(3, 2))], "generator"));
        Assert.Contains("'a' is [2,3] but the generator expects [3,2]", e.Message);
    }

    [Fact]
    public void FailedWriteLeavesThePreviousCheckpoint()
    {
        string path = Write(out var a, out _);
        var before = File.ReadAllBytes(path);
        var disposed = Tensor.Zeros(2);
        disposed.Dispose();
        Assert.ThrowsAny<ObjectDisposedException>(() => Checkpoint.Save(path, new JsonObject(), [("a", a), ("x", disposed)]));
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
    }
}
