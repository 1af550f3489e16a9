namespace KernelGan.Gan.Onnx.Protobuf;

/// <summary>
/// Field numbers of the onnx.proto messages we write and read (onnx/onnx.proto, stable since IR
/// version 3). One table for the writer and the reader, so the two cannot disagree.
/// </summary>
public static class OnnxFields
{
    public static class Model
    {
        public const int IrVersion = 1, ProducerName = 2, ProducerVersion = 3, Domain = 4, ModelVersion = 5,
            DocString = 6, Graph = 7, OpsetImport = 8, MetadataProps = 14;
    }

    public static class OperatorSetId { public const int Domain = 1, Version = 2; }

    public static class StringStringEntry { public const int Key = 1, Value = 2; }

    public static class Graph
    {
        public const int Node = 1, Name = 2, Initializer = 5, DocString = 10, Input = 11, Output = 12, ValueInfo = 13;
    }

    public static class Node
    {
        public const int Input = 1, Output = 2, Name = 3, OpType = 4, Attribute = 5, DocString = 6, Domain = 7;
    }

    public static class Attribute
    {
        public const int Name = 1, F = 2, I = 3, S = 4, T = 5, G = 6, Floats = 7, Ints = 8, Strings = 9, Type = 20;
    }

    public static class Tensor
    {
        public const int Dims = 1, DataType = 2, FloatData = 4, Int32Data = 5, Int64Data = 7, Name = 8, RawData = 9,
            DoubleData = 10, Uint64Data = 11, ExternalData = 13, DataLocation = 14;
    }

    public static class ValueInfo { public const int Name = 1, Type = 2; }

    /// <summary>TypeProto: only its tensor_type member.</summary>
    public static class Type { public const int TensorType = 1; }

    /// <summary>TypeProto.Tensor.</summary>
    public static class TensorType { public const int ElemType = 1, Shape = 2; }

    /// <summary>TensorShapeProto and its Dimension.</summary>
    public static class Shape { public const int Dim = 1; }

    public static class Dimension { public const int DimValue = 1, DimParam = 2; }
}
