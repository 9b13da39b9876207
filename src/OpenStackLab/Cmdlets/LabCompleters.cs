using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using OpenStackLab.Lab;
using OpenStackLab.Platforms;

namespace OpenStackLab.Cmdlets;

/// <summary>Tab completion from a fixed list of names.</summary>
public abstract class NameListCompleter : IArgumentCompleter
{
    protected abstract IEnumerable<string> Names { get; }

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var prefix = (wordToComplete ?? "").Trim('\'', '"');
        return Names.Where(n => n.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                    .Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, n));
    }
}

/// <summary>Completes platform names (CentOS8-Ussuri, Debian12-Zed, Debian13-Epoxy).</summary>
public sealed class PlatformNameCompleter : NameListCompleter
{
    protected override IEnumerable<string> Names => PlatformRegistry.Names;
}

/// <summary>Completes embedded lab template names.</summary>
public sealed class LabTemplateCompleter : NameListCompleter
{
    protected override IEnumerable<string> Names => LabTemplates.Names;
}

/// <summary>Completes lab roles.</summary>
public sealed class LabRoleCompleter : NameListCompleter
{
    protected override IEnumerable<string> Names => LabRoles.All;
}

/// <summary>Error records of the lab cmdlets: one place for ids, categories and targets.</summary>
internal static class LabErrors
{
    public static ErrorRecord Validation(LabValidationException e, object? target) =>
        new(e, "LabValidationFailed", ErrorCategory.InvalidData, target);

    public static ErrorRecord Secrets(LabSecretsException e, object? target) =>
        new(e, e.ErrorId, e.ErrorId == "SecretsFileTooOpen" ? ErrorCategory.SecurityError : ErrorCategory.InvalidData, target);

    public static ErrorRecord Io(Exception e, string errorId, object? target) =>
        new(e, errorId, e is UnauthorizedAccessException ? ErrorCategory.PermissionDenied : ErrorCategory.WriteError, target);

    public static ErrorRecord Argument(string message, string errorId, object? target) =>
        new(new ArgumentException(message), errorId, ErrorCategory.InvalidArgument, target);

    /// <summary>Validation context with every registered platform.</summary>
    public static LabValidationContext Context => new(PlatformRegistry.Releases);
}
