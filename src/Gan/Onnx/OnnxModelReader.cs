using System.Buffers.Binary;
using KernelGan.Gan.Data;
using KernelGan.Gan.Onnx.Protobuf;
using F = KernelGan.Gan.Onnx.Protobuf.OnnxFields;

namespace KernelGan.Gan.Onnx;

/// <summary>
/// Parses an ONNX file (a ModelProto) into an <see cref="OnnxModel"/>: what our writer emits and
/// what common exporters (PyTorch, tf2onnx) emit for plain feed-forward networks. Tensor values
/// may be raw_data or the typed repeated fields; weights stored in external files are refused by
/// name (ONNX uses them only above 2 GB).
/// </summary>
public static class OnnxModelReader
{
    public static OnnxModel ReadFile(string path)
    {
        if (!File.Exists(path)) throw DataException.ForPath(path, "no such ONNX file");
        try { return Read(File.ReadAllBytes(path)); }
        catch (OnnxFormatException e) { throw new OnnxFormatException($"{path}: {e.Message}"); }
        catch (OnnxException e) { throw new OnnxException($"{path}: {e.Message}"); }
    }

    public static OnnxModel Read(ReadOnlyMemory<byte> bytes)
    {
        var r = new ProtoReader(bytes);
        OnnxGraph? graph = null;
        var opsets = new List<OnnxOpset>();
        var metadata = new List<KeyValuePair<string, string>>();
        long ir = 0;
        string producer = "", version = "", doc = "";
        while (!r.AtEnd)
        {
            var (field, wire) = r.ReadTag();
            switch (field)
            {
                case F.Model.IrVersion: ir = r.ReadInt64(wire); break;
                case F.Model.ProducerName: producer = r.ReadString(wire); break;
                case F.Model.ProducerVersion: version = r.ReadString(wire); break;
                case F.Model.DocString: doc = r.ReadString(wire); break;
                case F.Model.Graph: graph = ReadGraph(r.ReadMessage(wire)); break;
                case F.Model.OpsetImport: opsets.Add(ReadOpset(r.ReadMessage(wire))); break;
                case F.Model.MetadataProps: metadata.Add(ReadEntry(r.ReadMessage(wire))); break;
                default: r.Skip(wire); break;
            }
        }
        if (graph is null) throw new OnnxFormatException("not an ONNX model: it has no graph");
        return new OnnxModel(graph, opsets) { IrVersion = ir, ProducerName = producer, ProducerVersion = version, DocString = doc, Metadata = metadata };
    }

    private static OnnxOpset ReadOpset(ProtoReader r)
    {
        string domain = "";
        long version = 0;
        while (!r.AtEnd)
        {
            var (field, wire) = r.ReadTag();
            if (field == F.OperatorSetId.Domain) domain = r.ReadString(wire);
            else if (field == F.OperatorSetId.Version) version = r.ReadInt64(wire);
            else r.Skip(wire);
        }
        return new OnnxOpset(domain, version);
    }

    private static KeyValuePair<string, string> ReadEntry(ProtoReader r)
    {
        string key = "", value = "";
        while (!r.AtEnd)
        {
            var (field, wire) = r.ReadTag();
            if (field == F.StringStringEntry.Key) key = r.ReadString(wire);
            else if (field == F.StringStringEntry.Value) value = r.ReadString(wire);
            else r.Skip(wire);
        }
        return new(key, value);
    }

    private static OnnxGraph ReadGraph(ProtoReader r)
    {
        var nodes = new List<OnnxNode>();
        var initializers = new List<OnnxTensor>();
        var inputs = new List<OnnxValueInfo>();
        var outputs = new List<OnnxValueInfo>();
        string name = "";
        while (!r.AtEnd)
        {
            var (field, wire) = r.ReadTag();
            switch (field)
            {
                case F.Graph.Node: nodes.Add(ReadNode(r.ReadMessage(wire))); break;
                case F.Graph.Name: name = r.ReadString(wire); break;
                case F.Graph.Initializer: initializers.Add(ReadTensor(r.ReadMessage(wire))); break;
                case F.Graph.Input: inputs.Add(ReadValueInfo(r.ReadMessage(wire))); break;
                case F.Graph.Output: outputs.Add(ReadValueInfo(r.ReadMessage(wire))); break;
                default: r.Skip(wire); break;
            }
        }
        return new OnnxGraph(name, nodes, initializers, inputs, outputs);
    }

    private static OnnxNode ReadNode(ProtoReader r)
    {
        var inputs = new List<string>();
        var outputs = new List<string>();
        var attributes = new List<OnnxAttribute>();
        string name = "", op = "", domain = "";
        while (!r.AtEnd)
        {
            var (field, wire) = r.ReadTag();
            switch (field)
            {
                case F.Node.Input: inputs.Add(r.ReadString(wire)); break;
                case F.Node.Output: outputs.Add(r.ReadString(wire)); break;
                case F.Node.Name: name = r.ReadString(wire); break;
                case F.Node.OpType: op = r.ReadString(wire); break;
                case F.Node.Attribute: attributes.Add(ReadAttribute(r.ReadMessage(wire))); break;
                case F.Node.Domain: domain = r.ReadString(wire); break;
                default: r.Skip(wire); break;
            }
        }
        return new OnnxNode(op, name, inputs, outputs, attributes) { Domain = domain };
    }

    private static OnnxAttribute ReadAttribute(ProtoReader r)
    {
        string name = "", s = "";
        var type = OnnxAttributeType.Undefined;
        float f = 0;
        long i = 0;
        OnnxTensor? t = null;
        var floats = new List<float>();
        var ints = new List<long>();
        var strings = new List<string>();
        while (!r.AtEnd)
        {
            var (field, wire) = r.ReadTag();
            switch (field)
            {
                case F.Attribute.Name: name = r.ReadString(wire); break;
                case F.Attribute.Type: type = (OnnxAttributeType)r.ReadInt64(wire); break;
                case F.Attribute.F: f = r.ReadFloat(wire); break;
                case F.Attribute.I: i = r.ReadInt64(wire); break;
                case F.Attribute.S: s = r.ReadString(wire); break;
                case F.Attribute.T: t = ReadTensor(r.ReadMessage(wire)); break;
                case F.Attribute.Floats: r.ReadFloats(wire, floats); break;
                case F.Attribute.Ints: r.ReadInt64s(wire, ints); break;
                case F.Attribute.Strings: strings.Add(r.ReadString(wire)); break;
                default: r.Skip(wire); break; // subgraphs (If, Loop) and the rest: not modelled
            }
        }
        return new OnnxAttribute(name, type) { F = f, I = i, S = s, T = t, Floats = floats.ToArray(), Ints = ints.ToArray(), Strings = strings.ToArray() };
    }

    private static OnnxTensor ReadTensor(ProtoReader r)
    {
        var dims = new List<long>();
        var type = OnnxDataType.Undefined;
        string name = "";
        ReadOnlyMemory<byte>? raw = null;
        var floats = new List<float>();
        var doubles = new List<double>();
        var ints = new List<long>();
        bool external = false;
        while (!r.AtEnd)
        {
            var (field, wire) = r.ReadTag();
            switch (field)
            {
                case F.Tensor.Dims: r.ReadInt64s(wire, dims); break;
                case F.Tensor.DataType: type = (OnnxDataType)r.ReadInt64(wire); break;
                case F.Tensor.Name: name = r.ReadString(wire); break;
                case F.Tensor.RawData: raw = r.ReadBytes(wire); break;
                case F.Tensor.FloatData: r.ReadFloats(wire, floats); break;
                case F.Tensor.DoubleData: r.ReadDoubles(wire, doubles); break;
                case F.Tensor.Int32Data or F.Tensor.Int64Data or F.Tensor.Uint64Data: r.ReadInt64s(wire, ints); break;
                case F.Tensor.DataLocation: external = r.ReadInt64(wire) == 1; break;
                case F.Tensor.ExternalData: external = true; r.Skip(wire); break;
                default: r.Skip(wire); break;
            }
        }
        if (external) throw new OnnxException($"onnx: tensor '{name}' keeps its values in an external file, which is not supported (save the model with its weights inside)");
        long count = dims.Aggregate(1L, (a, d) => a * d);
        if (count < 0 || count > Array.MaxLength) throw new OnnxFormatException($"tensor '{name}' has dims [{string.Join(",", dims)}]");
        var tensor = new OnnxTensor(name, type, dims.ToArray(), null, null);
        if (OnnxTensor.IsFloating(type))
        {
            float[] values = raw is { } bytes ? RawFloats(bytes.Span, type, name)
                : type == OnnxDataType.Double ? doubles.Select(d => (float)d).ToArray()
                : type == OnnxDataType.Float16 ? ints.Select(h => (float)BitConverter.UInt16BitsToHalf((ushort)h)).ToArray()
                : floats.ToArray();
            return Checked(tensor with { Floats = values }, values.Length, count);
        }
        if (OnnxTensor.IsInteger(type))
        {
            long[] values = raw is { } bytes ? RawIntegers(bytes.Span, type, name) : ints.ToArray();
            return Checked(tensor with { Integers = values }, values.Length, count);
        }
        // Strings and other kinds: kept without values; an op that needs them says so.
        return tensor;
    }

    private static OnnxTensor Checked(OnnxTensor t, long length, long count) =>
        length == count ? t : throw new OnnxFormatException($"tensor '{t.Name}' holds {length} values for dims [{string.Join(",", t.Dims)}] ({count})");

    private static float[] RawFloats(ReadOnlySpan<byte> raw, OnnxDataType type, string name)
    {
        int size = type switch { OnnxDataType.Float => 4, OnnxDataType.Double => 8, _ => 2 };
        if (raw.Length % size != 0) throw new OnnxFormatException($"tensor '{name}': {raw.Length} raw bytes of {type}");
        var values = new float[raw.Length / size];
        for (int i = 0; i < values.Length; i++)
            values[i] = type switch
            {
                OnnxDataType.Float => BinaryPrimitives.ReadSingleLittleEndian(raw[(4 * i)..]),
                OnnxDataType.Double => (float)BinaryPrimitives.ReadDoubleLittleEndian(raw[(8 * i)..]),
                _ => (float)BinaryPrimitives.ReadHalfLittleEndian(raw[(2 * i)..]),
            };
        return values;
    }

    private static long[] RawIntegers(ReadOnlySpan<byte> raw, OnnxDataType type, string name)
    {
        int size = type switch
        {
            OnnxDataType.Int64 or OnnxDataType.Uint64 => 8,
            OnnxDataType.Int32 or OnnxDataType.Uint32 => 4,
            OnnxDataType.Int16 or OnnxDataType.Uint16 => 2,
            _ => 1,
        };
        if (raw.Length % size != 0) throw new OnnxFormatException($"tensor '{name}': {raw.Length} raw bytes of {type}");
        var values = new long[raw.Length / size];
        for (int i = 0; i < values.Length; i++)
        {
            var at = raw[(size * i)..];
            values[i] = type switch
            {
                OnnxDataType.Int64 or OnnxDataType.Uint64 => BinaryPrimitives.ReadInt64LittleEndian(at),
                OnnxDataType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(at),
                OnnxDataType.Uint32 => BinaryPrimitives.ReadUInt32LittleEndian(at),
                OnnxDataType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(at),
                OnnxDataType.Uint16 => BinaryPrimitives.ReadUInt16LittleEndian(at),
                OnnxDataType.Int8 => (sbyte)at[0],
                _ => at[0], // uint8, bool
            };
        }
        return values;
    }

    private static OnnxValueInfo ReadValueInfo(ProtoReader r)
    {
        string name = "";
        var elem = OnnxDataType.Undefined;
        List<OnnxDim>? shape = null;
        while (!r.AtEnd)
        {
            var (field, wire) = r.ReadTag();
            if (field == F.ValueInfo.Name) { name = r.ReadString(wire); continue; }
            if (field != F.ValueInfo.Type) { r.Skip(wire); continue; }
            var type = r.ReadMessage(wire);
            while (!type.AtEnd)
            {
                var (tf, tw) = type.ReadTag();
                if (tf != F.Type.TensorType) { type.Skip(tw); continue; }
                var tensor = type.ReadMessage(tw);
                while (!tensor.AtEnd)
                {
                    var (f, w) = tensor.ReadTag();
                    if (f == F.TensorType.ElemType) elem = (OnnxDataType)tensor.ReadInt64(w);
                    else if (f == F.TensorType.Shape) shape = ReadShape(tensor.ReadMessage(w));
                    else tensor.Skip(w);
                }
            }
        }
        return new OnnxValueInfo(name, elem, shape);
    }

    private static List<OnnxDim> ReadShape(ProtoReader r)
    {
        var dims = new List<OnnxDim>();
        while (!r.AtEnd)
        {
            var (field, wire) = r.ReadTag();
            if (field != F.Shape.Dim) { r.Skip(wire); continue; }
            var d = r.ReadMessage(wire);
            long? value = null;
            string? param = null;
            while (!d.AtEnd)
            {
                var (f, w) = d.ReadTag();
                if (f == F.Dimension.DimValue) value = d.ReadInt64(w);
                else if (f == F.Dimension.DimParam) param = d.ReadString(w);
                else d.Skip(w);
            }
            dims.Add(new OnnxDim(value, param));
        }
        return dims;
    }
}
