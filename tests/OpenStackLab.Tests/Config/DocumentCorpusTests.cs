using System;
using System.IO;
using System.Linq;
using System.Text;
using OpenStackLab.Config;
using Xunit;

namespace OpenStackLab.Tests.Config;

/// <summary>
/// The reference nobody here wrote: Debian's pristine OpenStack config files, the document's edits applied by our
/// editor and by real crudini (one --set per call), compared byte for byte, then read back by oslo.config itself.
/// </summary>
public class DocumentCorpusTests
{
    [Theory]
    [MemberData(nameof(TestSupport.Cases), MemberType = typeof(TestSupport))]
    public void Document_edits_match_crudini_byte_for_byte_and_read_back_in_oslo_config(string @case)
    {
        var edits = TestSupport.DocumentEdits().Where(e => e.Case == @case).ToList();
        string file = edits[0].File;
        byte[] pristine = File.ReadAllBytes(TestSupport.Pristine(file));

        var ours = ConfigEditor.Apply(ConfigFileKind.OsloIni, pristine, edits.Select(e => new ConfigEdit(e.Section, e.Key, e.Value)));
        string dir = TestSupport.TempDir();
        try
        {
            string crudiniFile = Path.Combine(dir, file);
            File.WriteAllBytes(crudiniFile, pristine);
            foreach (var e in edits)   // crudini 0.9.4 applies only the first of several --set in one call
            {
                var r = TestSupport.Run("crudini", new[] { "--set", crudiniFile, e.Section, e.Key, e.Value });
                Assert.True(r.ExitCode == 0, r.StdErr);
            }
            string expected = KnownDifferences(Encoding.Latin1.GetString(pristine), Encoding.Latin1.GetString(File.ReadAllBytes(crudiniFile)));
            string actual = Encoding.Latin1.GetString(ours.Content);
            if (expected != actual)
                Assert.Fail("Differs from crudini:\n" + UnifiedDiff.Create(expected.Split('\n'), actual.Split('\n'), "crudini", "ours"));

            // oslo.config's own parser reads every value back (the last edit of a key is the one that counts).
            string oursFile = Path.Combine(dir, "ours-" + file);
            File.WriteAllBytes(oursFile, ours.Content);
            var expectedValues = edits.GroupBy(e => (e.Section, e.Key)).Select(g => g.Last()).Select(e => $"{e.Section}\t{e.Key}\t{e.Value}");
            var check = TestSupport.Run("/usr/bin/python3", new[] { Path.Combine(TestSupport.DataDir, "oslo-readback.py"), oursFile }, string.Join("\n", expectedValues) + "\n");
            Assert.True(check.ExitCode == 0, check.StdOut + check.StdErr);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    /// <summary>
    /// Where we differ from crudini on purpose. crudini appends a new section as "\n\n[section]" after the file's
    /// final newline, leaving two blank lines (three when the file already ends with a blank line: the run grows
    /// each time). We separate a new section by exactly one blank line. Nothing oslo.config reads differs.
    /// </summary>
    static string KnownDifferences(string pristine, string crudini)
    {
        foreach (var line in crudini.Split('\n').Where(l => l.StartsWith('[') && l.EndsWith(']')))
            if (!pristine.Split('\n').Contains(line))
                crudini = crudini.Replace("\n\n\n" + line + "\n", "\n\n" + line + "\n");
        return crudini;
    }

    [Fact]
    public void Every_case_names_a_pristine_file()
    {
        foreach (var file in TestSupport.DocumentEdits().Select(e => e.File).Distinct())
            Assert.True(File.Exists(TestSupport.Pristine(file)), file);
    }

    [Theory]
    [MemberData(nameof(PristineFileNames))]
    public void Every_pristine_file_round_trips_byte_identical(string file)
    {
        byte[] pristine = File.ReadAllBytes(TestSupport.Pristine(file));
        var kind = ConfigEditor.InferKind(file);
        var outcome = ConfigEditor.Apply(kind, pristine, Array.Empty<ConfigEdit>());
        Assert.False(outcome.Changed);
        Assert.Equal(pristine, outcome.Content);
        ConfigEditor.Read(kind, pristine);   // parses without error
    }

    public static TheoryData<string> PristineFileNames()
    {
        var data = new TheoryData<string>();
        foreach (var f in TestSupport.PristineFiles()) data.Add(f);
        return data;
    }

    [Fact]
    public void Setting_the_same_edits_twice_changes_nothing_the_second_time()
    {
        var edits = TestSupport.DocumentEdits().Where(e => e.Case == "nova-compute").Select(e => new ConfigEdit(e.Section, e.Key, e.Value)).ToList();
        var first = ConfigEditor.Apply(ConfigFileKind.OsloIni, File.ReadAllBytes(TestSupport.Pristine("nova.conf")), edits);
        var second = ConfigEditor.Apply(ConfigFileKind.OsloIni, first.Content, edits);
        Assert.False(second.Changed);
        Assert.Equal(first.Content, second.Content);
    }
}
