using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using Newtonsoft.Json.Linq;
using OpenStackLab.Api;
using OpenStackLab.Identity;

namespace OpenStackLab.Orchestration;

/// <summary>
/// Heat's checks (Test-OsHeat): heat-engine reports up, and a stack of built-in resources (no server, no network:
/// OS::Heat::RandomString and OS::Heat::None) reaches CREATE_COMPLETE with its output, is deleted and is gone.
/// </summary>
public static class HeatChecks
{
    /// <summary>The quick check's template: built-in resources only, one parameter, one output.</summary>
    public const string BuiltInTemplate = @"heat_template_version: 2018-08-31
description: OpenStackLab check stack of built-in resources
parameters:
  Length:
    type: number
    default: 16
resources:
  secret:
    type: OS::Heat::RandomString
    properties:
      length: { get_param: Length }
  nothing:
    type: OS::Heat::None
    depends_on: secret
outputs:
  secret_length:
    value: { get_param: Length }
";

    public static IReadOnlyList<OsCheck> Run(OpenStackApi api, string node, TimeSpan timeout)
    {
        var heat = new HeatStacks(api, node);
        var stages = new Compute.ComputeChecks.Stages(node);
        void Stage(string name, Func<(bool, string)> run) => stages.Run(name, run);

        Stage("EngineUp", () =>
        {
            var services = (api.Get($"{heat.Url}/services")["services"] as JArray ?? new JArray()).OfType<JObject>()
                .Where(s => (string?)s["binary"] == "heat-engine").ToList();
            var up = services.Where(s => (string?)s["status"] == "up").Select(s => (string?)s["host"]).Distinct().ToList();
            return up.Count > 0 ? (true, $"heat-engine up on {string.Join(", ", up)}") : (false, $"no heat-engine up ({services.Count} registered)");
        });
        var name = "osl-check-stack-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant();
        OsStack? stack = null;
        Stage("StackCreate", () =>
        {
            stack = heat.Create(name, StackTemplate.Parse("(built-in check template)", BuiltInTemplate), new Dictionary<string, string> { ["Length"] = "24" }, Math.Max(1, (int)timeout.TotalMinutes));
            stack = api.Poll(() => heat.Find(stack.Id) is { } s && s.Status != "CREATE_IN_PROGRESS" ? s : null, timeout, TimeSpan.FromSeconds(2), $"stack {name}");
            if (stack.Status != "CREATE_COMPLETE") return (false, $"{name} is {stack.Status}: {stack.StatusReason}");
            return Convert.ToString(stack.Outputs["secret_length"], System.Globalization.CultureInfo.InvariantCulture) == "24"
                ? (true, $"{name} ({stack.Id}) CREATE_COMPLETE with its output")
                : (false, $"{name} is CREATE_COMPLETE but its output secret_length is '{stack.Outputs["secret_length"]}', not 24");
        });
        Stage("StackDelete", () =>
        {
            heat.Delete(stack!);
            api.Poll(() => heat.Find(stack!.Id) is { } s && s.Status != "DELETE_COMPLETE" ? (s.Status == "DELETE_FAILED" ? throw new OsApiException(node, OsApiFailure.RequestFailed, $"{name}: DELETE_FAILED: {s.StatusReason}") : null) : "gone", timeout, TimeSpan.FromSeconds(2), $"stack {name} to go");
            return (true, $"deleted {name} (DELETE_COMPLETE)");
        });
        if (!stages.Ok && stack is not null) try { heat.Delete(stack); } catch (OsApiException) { /* gone or unreachable: the failed check says why */ }
        return stages.Checks;
    }
}
