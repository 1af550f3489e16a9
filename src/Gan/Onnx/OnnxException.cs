namespace KernelGan.Gan.Onnx;

/// <summary>
/// An ONNX model we cannot read, run or write: an unsupported op (named with its node), a shape
/// it does not fit, a missing input. The CLI prints its message alone on one line (as for
/// <see cref="Data.DataException"/>), so every message must stand alone.
/// </summary>
public class OnnxException(string message) : Exception(message);

/// <summary>The bytes are not a well-formed ONNX protobuf (truncated, corrupt, or another format).</summary>
public sealed class OnnxFormatException(string message) : OnnxException(message);
