using System.Runtime.InteropServices;
using KernelGan.Gan.Data;
using KernelGan.Gan.Onnx.Protobuf;
using F = KernelGan.Gan.Onnx.Protobuf.OnnxFields;

namespace KernelGan.Gan.Onnx;

/// <summary>
/// Serializes an <see cref="OnnxModel"/> to the ONNX file format (a ModelProto). Tensor values go
/// into raw_data (little-endian, as ONNX defines it), the compact form every reader accepts.
/// </summary>
public static class OnnxModelWriter
{
    public static byte[] ToBytes(OnnxModel model)
    {
        if (!BitConverter.IsLittleEndian) throw new OnnxException("onnx: writing raw tensor data needs a little-endian machine");
        var w = new ProtoWriter();
        w.WriteInt64(F.Model.IrVersion, model.IrVersion);
        w.WriteString(F.Model.ProducerName, model.ProducerName);
        if (model.ProducerVersion.Length > 0) w.WriteString(F.Model.ProducerVersion, model.ProducerVersion);
        if (model.DocString.Length > 0) w.WriteString(F.Model.DocString, model.DocString);
        w.WriteMessage(F.Model.Graph, g => WriteGraph(g, model.Graph));
        foreach (var opset in model.Opsets)
            w.WriteMessage(F.Model.OpsetImport, o =>
            {
                if (opset.Domain.Length > 0) o.WriteString(F.OperatorSetId.Domain, opset.Domain);
                o.WriteInt64(F.OperatorSetId.Version, opset.Version);
            });
        foreach (var (key, value) in model.Metadata)
            w.WriteMessage(F.Model.MetadataProps, e =>
            {
                e.WriteString(F.StringStringEntry.Key, key);
                e.WriteString(F.StringStringEntry.Value, value);
            });
        return w.ToArray();
    }

    /// <summary>Writes the model to a temp file beside <paramref name="path"/> and renames it into place.</summary>
    public static void WriteFile(string path, OnnxModel model) => AtomicFile.WriteAllBytes(path, ToBytes(model));

    private static void WriteGraph(ProtoWriter w, OnnxGraph graph)
    {
        foreach (var node in graph.Nodes) w.WriteMessage(F.Graph.Node, n => WriteNode(n, node));
        w.WriteString(F.Graph.Name, graph.Name);
        foreach (var t in graph.Initializers) w.WriteMessage(F.Graph.Initializer, m => WriteTensor(m, t));
        foreach (var v in graph.Inputs) w.WriteMessage(F.Graph.Input, m => WriteValueInfo(m, v));
        foreach (var v in graph.Outputs) w.WriteMessage(F.Graph.Output, m => WriteValueInfo(m, v));
    }

    private static void WriteNode(ProtoWriter w, OnnxNode node)
    {
        foreach (var i in node.Inputs) w.WriteString(F.Node.Input, i);
        foreach (var o in node.Outputs) w.WriteString(F.Node.Output, o);
        if (node.Name.Length > 0) w.WriteString(F.Node.Name, node.Name);
        w.WriteString(F.Node.OpType, node.OpType);
        foreach (var a in node.Attributes) w.WriteMessage(F.Node.Attribute, m => WriteAttribute(m, a));
        if (node.Domain.Length > 0) w.WriteString(F.Node.Domain, node.Domain);
    }

    private static void WriteAttribute(ProtoWriter w, OnnxAttribute a)
    {
        w.WriteString(F.Attribute.Name, a.Name);
        w.WriteInt64(F.Attribute.Type, (long)a.Type);
        switch (a.Type)
        {
            case OnnxAttributeType.Float: w.WriteFloat(F.Attribute.F, a.F); break;
            case OnnxAttributeType.Int: w.WriteInt64(F.Attribute.I, a.I); break;
            case OnnxAttributeType.String: w.WriteString(F.Attribute.S, a.S); break;
            case OnnxAttributeType.Tensor: w.WriteMessage(F.Attribute.T, m => WriteTensor(m, a.T!)); break;
            case OnnxAttributeType.Floats: w.WritePackedFloats(F.Attribute.Floats, a.Floats); break;
            case OnnxAttributeType.Ints: w.WritePackedInt64s(F.Attribute.Ints, a.Ints); break;
            case OnnxAttributeType.Strings: foreach (var s in a.Strings) w.WriteString(F.Attribute.Strings, s); break;
            default: throw new OnnxException($"onnx: attribute '{a.Name}' of type {a.Type} cannot be written");
        }
    }

    private static void WriteTensor(ProtoWriter w, OnnxTensor t)
    {
        w.WritePackedInt64s(F.Tensor.Dims, t.Dims);
        w.WriteInt64(F.Tensor.DataType, (long)t.DataType);
        if (t.Name.Length > 0) w.WriteString(F.Tensor.Name, t.Name);
        if (t.Floats is not null && t.Floats.Length != t.Count || t.Integers is not null && t.Integers.Length != t.Count)
            throw new OnnxException($"onnx: tensor '{t.Name}' has {t.Floats?.Length ?? t.Integers?.Length} values for dims [{string.Join(",", t.Dims)}]");
        switch (t.DataType)
        {
            case OnnxDataType.Float:
                w.WriteBytes(F.Tensor.RawData, MemoryMarshal.AsBytes(t.Floats.AsSpan()));
                break;
            case OnnxDataType.Int64:
                w.WriteBytes(F.Tensor.RawData, MemoryMarshal.AsBytes(t.Integers.AsSpan()));
                break;
            default:
                throw new OnnxException($"onnx: tensor '{t.Name}' of type {t.DataType} cannot be written (float and int64 only)");
        }
    }

    private static void WriteValueInfo(ProtoWriter w, OnnxValueInfo v)
    {
        w.WriteString(F.ValueInfo.Name, v.Name);
        w.WriteMessage(F.ValueInfo.Type, type => type.WriteMessage(F.Type.TensorType, tensor =>
        {
            tensor.WriteInt64(F.TensorType.ElemType, (long)v.ElementType);
            if (v.Shape is null) return;
            tensor.WriteMessage(F.TensorType.Shape, shape =>
            {
                foreach (var d in v.Shape)
                    shape.WriteMessage(F.Shape.Dim, dim =>
                    {
                        if (d.Value is long value) dim.WriteInt64(F.Dimension.DimValue, value);
                        else if (d.Param is string name) dim.WriteString(F.Dimension.DimParam, name);
                    });
            });
        }));
    }
}
