using KernelGan.Gan.Onnx;
using KernelGan.Gan.Onnx.Protobuf;
using Xunit;

namespace KernelGan.Tests.Onnx;

/// <summary>Our protobuf writer and reader: a model survives the round trip field for field, and proto2-style unpacked fields read too.</summary>
public class OnnxFormatTests
{
    [Fact]
    public void AModelSurvivesWritingAndReading()
    {
        var node = new OnnxNode("Conv", "conv", ["x", "w", ""], ["y"],
        [
            OnnxAttribute.Int("group", -3), OnnxAttribute.Float("alpha", 0.25f), OnnxAttribute.String("auto_pad", "SAME_UPPER"),
            OnnxAttribute.IntList("pads", 0, 1, long.MinValue, long.MaxValue),
            new OnnxAttribute("scales", OnnxAttributeType.Floats) { Floats = [1.5f, -2f] },
            new OnnxAttribute("names", OnnxAttributeType.Strings) { Strings = ["a", "é"] },
            OnnxAttribute.Tensor("value", OnnxTensor.FromInt64s("", [1, -2, 3, -4], 2, 2)),
        ]) { Domain = "ai.onnx" };
        var model = new OnnxModel(new OnnxGraph("g", [node],
                [OnnxTensor.FromFloats("w", [1f, float.NaN, -0f, float.MaxValue, 1e-30f, 2f], 1, 2, 3), OnnxTensor.Vector("shape", 0, -1)],
                [new OnnxValueInfo("x", OnnxDataType.Float, [OnnxDim.Symbolic("N"), OnnxDim.Fixed(3)])],
                [new OnnxValueInfo("y", OnnxDataType.Float, null)]),
            [new OnnxOpset("", 17), new OnnxOpset("com.example", 2)])
        { ProducerVersion = "9.9", DocString = "doc", Metadata = [new("k", "v")] };

        var back = OnnxModelReader.Read(OnnxModelWriter.ToBytes(model));

        Assert.Equal((8L, "kernelgan", "9.9", "doc"), (back.IrVersion, back.ProducerName, back.ProducerVersion, back.DocString));
        Assert.Equal(model.Opsets, back.Opsets);
        Assert.Equal(model.Metadata, back.Metadata);
        Assert.Equal(17, back.DefaultOpset);
        var n = Assert.Single(back.Graph.Nodes);
        Assert.Equal(("Conv", "conv", "ai.onnx"), (n.OpType, n.Name, n.Domain));
        Assert.Equal(["x", "w", ""], n.Inputs);
        Assert.Equal(["y"], n.Outputs);
        Assert.Equal(-3, n.Attribute("group")!.I);
        Assert.Equal(0.25f, n.Attribute("alpha")!.F);
        Assert.Equal("SAME_UPPER", n.Attribute("auto_pad")!.S);
        Assert.Equal([0, 1, long.MinValue, long.MaxValue], n.Attribute("pads")!.Ints);
        Assert.Equal([1.5f, -2f], n.Attribute("scales")!.Floats);
        Assert.Equal(["a", "é"], n.Attribute("names")!.Strings);
        Assert.Equal([1L, -2, 3, -4], n.Attribute("value")!.T!.Integers!);
        Assert.Equal([2L, 2], n.Attribute("value")!.T!.Dims);
        var w = back.Graph.Initializers[0];
        Assert.Equal(("w", OnnxDataType.Float), (w.Name, w.DataType));
        Assert.Equal([1L, 2, 3], w.Dims);
        Assert.Equal(model.Graph.Initializers[0].Floats!.Select(BitConverter.SingleToInt32Bits), w.Floats!.Select(BitConverter.SingleToInt32Bits));
        Assert.Equal([0L, -1], back.Graph.Initializers[1].Integers!);
        Assert.Equal([OnnxDim.Symbolic("N"), OnnxDim.Fixed(3)], back.Graph.Inputs[0].Shape);
        Assert.Null(back.Graph.Outputs[0].Shape);
    }

    [Fact]
    public void UnpackedRepeatedFieldsAndTypedDataRead()
    {
        // A TensorProto as proto2 writers emit it: dims one per tag, values in int32_data, plus an unknown field.
        var w = new ProtoWriter();
        w.WriteInt64(OnnxFields.Tensor.Dims, 2);
        w.WriteInt64(OnnxFields.Tensor.Dims, 3);
        w.WriteInt64(OnnxFields.Tensor.DataType, (long)OnnxDataType.Int32);
        foreach (long v in new long[] { 1, -2, 3, 4, 5, -6 }) w.WriteInt64(OnnxFields.Tensor.Int32Data, v);
        w.WriteString(99, "ignored");
        w.WriteString(OnnxFields.Tensor.Name, "t");
        var graph = new ProtoWriter();
        graph.WriteBytes(OnnxFields.Graph.Initializer, w.WrittenSpan);
        var model = new ProtoWriter();
        model.WriteBytes(OnnxFields.Model.Graph, graph.WrittenSpan);

        var t = Assert.Single(OnnxModelReader.Read(model.ToArray()).Graph.Initializers);
        Assert.Equal([2L, 3], t.Dims);
        Assert.Equal([1L, -2, 3, 4, 5, -6], t.Integers!);
        Assert.Equal("t", t.Name);
    }

    [Fact]
    public void MalformedBytesAreRefusedWithAReason()
    {
        Assert.Contains("no graph", Assert.Throws<OnnxFormatException>(() => OnnxModelReader.Read(Array.Empty<byte>())).Message);
        var bytes = OnnxModelWriter.ToBytes(TestNetworks.InceptionLike(1));
        Assert.Contains("runs past the end", Assert.Throws<OnnxFormatException>(() => OnnxModelReader.Read(bytes[..^5])).Message);
        // A tensor whose data does not fill its dims.
        var w = new ProtoWriter();
        w.WriteInt64(OnnxFields.Tensor.Dims, 4);
        w.WriteInt64(OnnxFields.Tensor.DataType, (long)OnnxDataType.Float);
        w.WritePackedFloats(OnnxFields.Tensor.FloatData, [1f, 2f]);
        var graph = new ProtoWriter();
        graph.WriteBytes(OnnxFields.Graph.Initializer, w.WrittenSpan);
        var model = new ProtoWriter();
        model.WriteBytes(OnnxFields.Model.Graph, graph.WrittenSpan);
        Assert.Contains("holds 2 values", Assert.Throws<OnnxFormatException>(() => OnnxModelReader.Read(model.ToArray())).Message);
    }
}
