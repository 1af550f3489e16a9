namespace KernelGan.Gan.Data;

/// <summary>
/// A keyed pseudo-random permutation of 0..n-1 evaluated one element at a time: a 4-round Feistel
/// network on the smallest even bit width covering n, with cycle walking to stay below n. It needs
/// no O(n) shuffle array and no state, so epoch-shuffled batch k can be computed directly from
/// (seed, epoch, position) — the property that makes resumed runs see exactly the same batches.
/// </summary>
internal readonly struct IndexPermutation
{
    private readonly long _n;
    private readonly int _halfBits;
    private readonly ulong _halfMask;
    private readonly ulong _key;

    public IndexPermutation(long n, ulong key)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), "permutation size must be positive");
        _n = n;
        int bits = 2;
        while ((1L << bits) < n) bits++;
        _halfBits = (bits + 1) / 2; // domain 2^(2*half) < 4n, so cycle walking takes under 4 steps on average
        _halfMask = (1UL << _halfBits) - 1;
        _key = key;
    }

    public long this[long position]
    {
        get
        {
            if (position < 0 || position >= _n) throw new ArgumentOutOfRangeException(nameof(position));
            ulong x = (ulong)position;
            do x = Encrypt(x); while (x >= (ulong)_n); // stays a bijection on [0, n)
            return (long)x;
        }
    }

    private ulong Encrypt(ulong x)
    {
        ulong left = x >> _halfBits, right = x & _halfMask;
        for (ulong round = 0; round < 4; round++)
        {
            ulong f = SplitMix64.Mix(_key ^ (round * 0x9E3779B97F4A7C15UL) ^ right) & _halfMask;
            (left, right) = (right, left ^ f);
        }
        return (left << _halfBits) | right;
    }
}
