using System.Buffers.Binary;
using System.Text;

namespace KernelGan.Gan.Onnx.Protobuf;

/// <summary>
/// Protocol-buffer wire format, the reading half: walks one message's fields in order. Unknown
/// fields are skipped by their wire type, so files with fields we do not model still load.
/// Every malformed input ends in an <see cref="OnnxFormatException"/> naming what was wrong.
/// </summary>
public sealed class ProtoReader(ReadOnlyMemory<byte> data)
{
    public const int Varint = 0, Fixed64 = 1, LengthDelimited = 2, Fixed32 = 5;

    private int _position;

    public bool AtEnd => _position >= data.Length;

    /// <summary>The next field's number and wire type.</summary>
    public (int Field, int WireType) ReadTag()
    {
        ulong tag = ReadVarint();
        int field = (int)(tag >> 3), wireType = (int)(tag & 7);
        if (field <= 0) throw Malformed($"field number {field}");
        return (field, wireType);
    }

    public ulong ReadVarint()
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (_position >= data.Length) throw Malformed("a varint runs past the end");
            byte b = data.Span[_position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        throw Malformed("a varint longer than ten bytes");
    }

    public long ReadInt64(int wireType)
    {
        Expect(wireType, Varint);
        return (long)ReadVarint();
    }

    public float ReadFloat(int wireType)
    {
        Expect(wireType, Fixed32);
        return BinaryPrimitives.ReadSingleLittleEndian(Take(4).Span);
    }

    public ReadOnlyMemory<byte> ReadBytes(int wireType)
    {
        Expect(wireType, LengthDelimited);
        ulong length = ReadVarint();
        if (length > (ulong)(data.Length - _position)) throw Malformed($"a field of {length} bytes runs past the end");
        return Take((int)length);
    }

    public string ReadString(int wireType) => Encoding.UTF8.GetString(ReadBytes(wireType).Span);

    public ProtoReader ReadMessage(int wireType) => new(ReadBytes(wireType));

    /// <summary>A repeated int64 field's values, packed or one per tag (proto2 writes them unpacked).</summary>
    public void ReadInt64s(int wireType, List<long> into)
    {
        if (wireType == Varint) { into.Add((long)ReadVarint()); return; }
        var packed = new ProtoReader(ReadBytes(wireType));
        while (!packed.AtEnd) into.Add((long)packed.ReadVarint());
    }

    /// <summary>A repeated float field's values, packed or one per tag.</summary>
    public void ReadFloats(int wireType, List<float> into)
    {
        if (wireType == Fixed32) { into.Add(ReadFloat(wireType)); return; }
        var bytes = ReadBytes(wireType).Span;
        if (bytes.Length % 4 != 0) throw Malformed($"packed floats of {bytes.Length} bytes");
        for (int i = 0; i < bytes.Length; i += 4) into.Add(BinaryPrimitives.ReadSingleLittleEndian(bytes[i..]));
    }

    /// <summary>A repeated double field's values, packed or one per tag.</summary>
    public void ReadDoubles(int wireType, List<double> into)
    {
        if (wireType == Fixed64) { into.Add(BinaryPrimitives.ReadDoubleLittleEndian(Take(8).Span)); return; }
        var bytes = ReadBytes(wireType).Span;
        if (bytes.Length % 8 != 0) throw Malformed($"packed doubles of {bytes.Length} bytes");
        for (int i = 0; i < bytes.Length; i += 8) into.Add(BinaryPrimitives.ReadDoubleLittleEndian(bytes[i..]));
    }

    /// <summary>Skips a field we do not model.</summary>
    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case Varint: ReadVarint(); break;
            case Fixed64: Take(8); break;
            case LengthDelimited: ReadBytes(wireType); break;
            case Fixed32: Take(4); break;
            default: throw Malformed($"wire type {wireType}"); // groups (3, 4) are not used by onnx.proto
        }
    }

    private ReadOnlyMemory<byte> Take(int count)
    {
        if (count > data.Length - _position) throw Malformed($"a field of {count} bytes runs past the end");
        var slice = data.Slice(_position, count);
        _position += count;
        return slice;
    }

    private static void Expect(int wireType, int expected)
    {
        if (wireType != expected) throw Malformed($"wire type {wireType} where {expected} was expected");
    }

    private static OnnxFormatException Malformed(string what) => new($"not a valid ONNX (protobuf) file: {what}");
}
