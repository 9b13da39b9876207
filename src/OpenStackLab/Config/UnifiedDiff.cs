using System;
using System.Collections.Generic;
using System.Text;

namespace OpenStackLab.Config;

/// <summary>A small unified diff (Myers' O(ND) algorithm) with 3 lines of context, as `diff -u` prints it.</summary>
public static class UnifiedDiff
{
    enum Op { Same, Delete, Insert }

    /// <summary>The diff of two line arrays; "" when equal. <paramref name="show"/> maps each line to what is printed (masking).</summary>
    public static string Create(IReadOnlyList<string> a, IReadOnlyList<string> b, string nameA, string nameB,
        Func<string, string>? show = null, int context = 3)
    {
        show ??= s => s;
        var script = Script(a, b);
        if (script.TrueForAll(s => s.Op == Op.Same)) return "";
        var sb = new StringBuilder();
        sb.Append("--- ").Append(nameA).Append('\n').Append("+++ ").Append(nameB).Append('\n');

        int i = 0;
        while (i < script.Count)
        {
            if (script[i].Op == Op.Same) { i++; continue; }
            // A hunk: from `context` lines before this change to `context` lines after the last change within reach.
            int start = Math.Max(0, i - context);
            while (start < i && script[start].Op != Op.Same) start++;
            int end = i;
            while (true)
            {
                while (end < script.Count && script[end].Op != Op.Same) end++;
                int same = 0;
                while (end + same < script.Count && script[end + same].Op == Op.Same) same++;
                if (end + same >= script.Count || same > 2 * context) { end = Math.Min(script.Count, end + Math.Min(same, context)); break; }
                end += same;
            }
            int aStart = script[start].A, bStart = script[start].B, aCount = 0, bCount = 0;
            var body = new StringBuilder();
            for (int k = start; k < end; k++)
            {
                var s = script[k];
                switch (s.Op)
                {
                    case Op.Same: body.Append(' ').Append(show(a[s.A])).Append('\n'); aCount++; bCount++; break;
                    case Op.Delete: body.Append('-').Append(show(a[s.A])).Append('\n'); aCount++; break;
                    case Op.Insert: body.Append('+').Append(show(b[s.B])).Append('\n'); bCount++; break;
                }
            }
            sb.Append("@@ -").Append(Range(aStart, aCount)).Append(" +").Append(Range(bStart, bCount)).Append(" @@\n").Append(body);
            i = end;
        }
        return sb.ToString();
    }

    static string Range(int start, int count) => count switch
    {
        0 => $"{start},0",                 // diff -u names the line before an empty range
        1 => $"{start + 1}",
        _ => $"{start + 1},{count}",
    };

    readonly record struct Step(Op Op, int A, int B);

    /// <summary>The edit script: each step names its position in a and b (for inserts, A is where it goes).</summary>
    static List<Step> Script(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        int prefix = 0;
        while (prefix < a.Count && prefix < b.Count && a[prefix] == b[prefix]) prefix++;
        int suffix = 0;
        while (suffix < a.Count - prefix && suffix < b.Count - prefix && a[a.Count - 1 - suffix] == b[b.Count - 1 - suffix]) suffix++;

        var steps = new List<Step>(Math.Max(a.Count, b.Count) + 8);
        for (int k = 0; k < prefix; k++) steps.Add(new Step(Op.Same, k, k));
        Middle(a, b, prefix, a.Count - suffix, prefix, b.Count - suffix, steps);
        for (int k = suffix; k > 0; k--) steps.Add(new Step(Op.Same, a.Count - k, b.Count - k));
        return steps;
    }

    /// <summary>Myers' greedy forward search over a[a0..a1) and b[b0..b1), then a backtrack through the saved frontiers.</summary>
    static void Middle(IReadOnlyList<string> a, IReadOnlyList<string> b, int a0, int a1, int b0, int b1, List<Step> steps)
    {
        int n = a1 - a0, m = b1 - b0, max = n + m, offset = max + 1;
        var v = new int[2 * max + 3];
        var trace = new List<int[]>();
        int dFound = -1;
        for (int d = 0; d <= max && dFound < 0; d++)
        {
            trace.Add((int[])v.Clone());
            for (int k = -d; k <= d; k += 2)
            {
                int x = k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
                int y = x - k;
                while (x < n && y < m && a[a0 + x] == b[b0 + y]) { x++; y++; }
                v[offset + k] = x;
                if (x >= n && y >= m) { dFound = d; break; }
            }
        }
        // Backtrack from (n, m) to (0, 0), collecting steps in reverse.
        var reversed = new List<Step>();
        int cx = n, cy = m;
        for (int d = dFound; d > 0; d--)
        {
            var vd = trace[d];
            int k = cx - cy;
            int prevK = k == -d || (k != d && vd[offset + k - 1] < vd[offset + k + 1]) ? k + 1 : k - 1;
            int prevX = vd[offset + prevK], prevY = prevX - prevK;
            while (cx > prevX && cy > prevY) { cx--; cy--; reversed.Add(new Step(Op.Same, a0 + cx, b0 + cy)); }
            if (cx == prevX) { cy--; reversed.Add(new Step(Op.Insert, a0 + cx, b0 + cy)); }
            else { cx--; reversed.Add(new Step(Op.Delete, a0 + cx, b0 + cy)); }
        }
        while (cx > 0 && cy > 0) { cx--; cy--; reversed.Add(new Step(Op.Same, a0 + cx, b0 + cy)); }
        reversed.Reverse();
        steps.AddRange(reversed);
    }
}
