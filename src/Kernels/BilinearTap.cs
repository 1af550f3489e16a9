namespace KernelGan.Kernels;

/// <summary>
/// The four neighbours of one bilinear sample and their weights, with zeros padding: a neighbour
/// outside the image reads as 0 and receives no gradient.
/// </summary>
public readonly unsafe struct BilinearTap
{
    private readonly int _x0, _y0;
    private readonly float _fx, _fy;
    private readonly bool _in00, _in01, _in10, _in11;

    private BilinearTap(int x0, int y0, float fx, float fy, int h, int w)
    {
        _x0 = x0; _y0 = y0; _fx = fx; _fy = fy;
        bool x0In = (uint)x0 < (uint)w, x1In = (uint)(x0 + 1) < (uint)w;
        bool y0In = (uint)y0 < (uint)h, y1In = (uint)(y0 + 1) < (uint)h;
        _in00 = y0In && x0In; _in01 = y0In && x1In; _in10 = y1In && x0In; _in11 = y1In && x1In;
    }

    public static BilinearTap At(float gridX, float gridY, int h, int w, bool alignCorners)
    {
        float ix = SamplingMath.Unnormalize(gridX, w, alignCorners);
        float iy = SamplingMath.Unnormalize(gridY, h, alignCorners);
        // Far-off coordinates (a wild pose) would overflow int; anything beyond the border is all zeros.
        ix = Math.Clamp(ix, -2f, w + 1f);
        iy = Math.Clamp(iy, -2f, h + 1f);
        int x0 = (int)MathF.Floor(ix), y0 = (int)MathF.Floor(iy);
        return new BilinearTap(x0, y0, ix - x0, iy - y0, h, w);
    }

    public float Sample(float* plane, int w)
    {
        float v00 = _in00 ? plane[_y0 * w + _x0] : 0f;
        float v01 = _in01 ? plane[_y0 * w + _x0 + 1] : 0f;
        float v10 = _in10 ? plane[(_y0 + 1) * w + _x0] : 0f;
        float v11 = _in11 ? plane[(_y0 + 1) * w + _x0 + 1] : 0f;
        return (1f - _fy) * ((1f - _fx) * v00 + _fx * v01) + _fy * ((1f - _fx) * v10 + _fx * v11);
    }

    public void Scatter(float* plane, int w, float g)
    {
        if (_in00) plane[_y0 * w + _x0] += g * (1f - _fy) * (1f - _fx);
        if (_in01) plane[_y0 * w + _x0 + 1] += g * (1f - _fy) * _fx;
        if (_in10) plane[(_y0 + 1) * w + _x0] += g * _fy * (1f - _fx);
        if (_in11) plane[(_y0 + 1) * w + _x0 + 1] += g * _fy * _fx;
    }

    /// <summary>Adds g * d(sample)/d(pixel x) and d/d(pixel y) to the running sums.</summary>
    public void AccumulatePositionGradient(float* plane, int w, float g, ref float gx, ref float gy)
    {
        float v00 = _in00 ? plane[_y0 * w + _x0] : 0f;
        float v01 = _in01 ? plane[_y0 * w + _x0 + 1] : 0f;
        float v10 = _in10 ? plane[(_y0 + 1) * w + _x0] : 0f;
        float v11 = _in11 ? plane[(_y0 + 1) * w + _x0 + 1] : 0f;
        gx += g * ((1f - _fy) * (v01 - v00) + _fy * (v11 - v10));
        gy += g * ((1f - _fx) * (v10 - v00) + _fx * (v11 - v01));
    }
}
