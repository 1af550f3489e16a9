namespace KernelGan.Gan.Classical;

/// <summary>
/// Minimum s-t cut by Dinic's max-flow (BFS level graph + blocking flow by DFS), for the
/// GrabCut baseline's grid graphs of a few thousand pixels.
/// </summary>
internal sealed class MaxFlow
{
    private readonly List<int>[] _adjacency;
    private readonly List<int> _to = new();
    private readonly List<double> _capacity = new();
    private int[] _level = [], _next = [];

    public MaxFlow(int nodes)
    {
        _adjacency = new List<int>[nodes];
        for (int i = 0; i < nodes; i++) _adjacency[i] = new List<int>(6);
    }

    /// <summary>An edge u->v of capacity c and its reverse of capacity reverseC (both residual).</summary>
    public void AddEdge(int u, int v, double c, double reverseC = 0)
    {
        _adjacency[u].Add(_to.Count); _to.Add(v); _capacity.Add(c);
        _adjacency[v].Add(_to.Count); _to.Add(u); _capacity.Add(reverseC);
    }

    public double Run(int source, int sink)
    {
        double flow = 0;
        while (BuildLevels(source, sink))
        {
            _next = new int[_adjacency.Length];
            double pushed;
            while ((pushed = Push(source, sink, double.PositiveInfinity)) > 0) flow += pushed;
        }
        return flow;
    }

    /// <summary>After <see cref="Run"/>: whether each node is on the source side of the minimum cut.</summary>
    public bool[] SourceSide(int source)
    {
        var seen = new bool[_adjacency.Length];
        var queue = new Queue<int>();
        queue.Enqueue(source);
        seen[source] = true;
        while (queue.Count > 0)
        {
            int u = queue.Dequeue();
            foreach (int e in _adjacency[u])
                if (_capacity[e] > 1e-12 && !seen[_to[e]]) { seen[_to[e]] = true; queue.Enqueue(_to[e]); }
        }
        return seen;
    }

    private bool BuildLevels(int source, int sink)
    {
        _level = Enumerable.Repeat(-1, _adjacency.Length).ToArray();
        var queue = new Queue<int>();
        _level[source] = 0;
        queue.Enqueue(source);
        while (queue.Count > 0)
        {
            int u = queue.Dequeue();
            foreach (int e in _adjacency[u])
            {
                int v = _to[e];
                if (_capacity[e] > 1e-12 && _level[v] < 0) { _level[v] = _level[u] + 1; queue.Enqueue(v); }
            }
        }
        return _level[sink] >= 0;
    }

    /// <summary>One augmenting path in the level graph, iteratively (grid paths can be thousands of nodes long).</summary>
    private double Push(int source, int sink, double limit)
    {
        var pathEdges = new List<int>();
        int u = source;
        while (true)
        {
            if (u == sink)
            {
                double amount = limit;
                foreach (int e in pathEdges) amount = Math.Min(amount, _capacity[e]);
                foreach (int e in pathEdges) { _capacity[e] -= amount; _capacity[e ^ 1] += amount; }
                return amount;
            }
            bool advanced = false;
            var edges = _adjacency[u];
            for (; _next[u] < edges.Count; _next[u]++)
            {
                int e = edges[_next[u]], v = _to[e];
                if (_capacity[e] > 1e-12 && _level[v] == _level[u] + 1)
                {
                    pathEdges.Add(e);
                    u = v;
                    advanced = true;
                    break;
                }
            }
            if (advanced) continue;
            // Dead end: retreat one edge and never try this node again in this phase.
            if (u == source) return 0;
            _level[u] = -1;
            int back = pathEdges[^1];
            pathEdges.RemoveAt(pathEdges.Count - 1);
            u = _to[back ^ 1];
            _next[u]++;
        }
    }
}
