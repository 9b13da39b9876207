namespace OpenStackLab.Diagnostics;

/// <summary>How much a finding matters: Error stops a build, Warning will likely bite, Info is worth knowing.</summary>
public enum FindingSeverity { Info, Warning, Error }

/// <summary>
/// One thing a check found on a node, with what to do about it. Pre-flight checks and diagnoses return these;
/// a node that is as it should be gives none.
/// </summary>
public sealed class OsFinding
{
    public string Node { get; init; } = "";
    /// <summary>The chapter the finding concerns ("" when it concerns the node as a whole).</summary>
    public string Chapter { get; init; } = "";
    /// <summary>The check's short name, e.g. OperatingSystem, DiskSpace, PortInUse.</summary>
    public string Check { get; init; } = "";
    public FindingSeverity Severity { get; init; }
    public string Message { get; init; } = "";
    /// <summary>What to do about it.</summary>
    public string Fix { get; init; } = "";

    public override string ToString() => $"{Node} {Severity} {Check}: {Message}";
}
