using System.Buffers.Binary;
using System.Text;

namespace KernelGan.Gan.Onnx.Protobuf;

/// <summary>
/// Protocol-buffer wire format, the writing half: varints, fixed-width numbers and
/// length-delimited fields (strings, bytes, nested messages, packed repeated numbers). Only what
/// the ONNX subset we write needs; field numbers come from <see cref="OnnxFields"/>.
/// A nested message is written into its own writer first, because its length precedes it.
/// </summary>
public sealed class ProtoWriter
{
    private const int Varint = 0, Fixed64 = 1, LengthDelimited = 2, Fixed32 = 5;

    private byte[] _buffer = new byte[256];
    private int _length;

    public int Length => _length;

    public byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    public void WriteInt64(int field, long value)
    {
        WriteTag(field, Varint);
        WriteVarint((ulong)value); // negative numbers take ten bytes, as protobuf's int64 does
    }

    public void WriteFloat(int field, float value)
    {
        WriteTag(field, Fixed32);
        BinaryPrimitives.WriteSingleLittleEndian(Grow(4), value);
    }

    public void WriteString(int field, string value) => WriteBytes(field, Encoding.UTF8.GetBytes(value));

    public void WriteBytes(int field, ReadOnlySpan<byte> value)
    {
        WriteTag(field, LengthDelimited);
        WriteVarint((ulong)value.Length);
        value.CopyTo(Grow(value.Length));
    }

    /// <summary>A nested message: <paramref name="write"/> fills it, then it is written with its length.</summary>
    public void WriteMessage(int field, Action<ProtoWriter> write)
    {
        var inner = new ProtoWriter();
        write(inner);
        WriteBytes(field, inner.WrittenSpan);
    }

    /// <summary>Repeated int64 as one packed field (proto3's default; proto2 readers accept it too).</summary>
    public void WritePackedInt64s(int field, ReadOnlySpan<long> values)
    {
        var inner = new ProtoWriter();
        foreach (long v in values) inner.WriteVarint((ulong)v);
        WriteBytes(field, inner.WrittenSpan);
    }

    /// <summary>Repeated float as one packed field of little-endian fixed32 values.</summary>
    public void WritePackedFloats(int field, ReadOnlySpan<float> values)
    {
        WriteTag(field, LengthDelimited);
        WriteVarint((ulong)values.Length * 4);
        var span = Grow(values.Length * 4);
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(span[(4 * i)..], values[i]);
    }

    private void WriteTag(int field, int wireType) => WriteVarint(((ulong)field << 3) | (uint)wireType);

    private void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            Grow(1)[0] = (byte)(value | 0x80);
            value >>= 7;
        }
        Grow(1)[0] = (byte)value;
    }

    private Span<byte> Grow(int count)
    {
        if (_length + count > _buffer.Length)
        {
            long wanted = Math.Max((long)_buffer.Length * 2, (long)_length + count);
            if (wanted > Array.MaxLength)
                throw new OnnxFormatException($"onnx: the model is larger than {Array.MaxLength} bytes, which one protobuf message cannot hold");
            Array.Resize(ref _buffer, (int)wanted);
        }
        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }
}
