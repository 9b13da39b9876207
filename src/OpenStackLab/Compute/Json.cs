using System;
using System.Globalization;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace OpenStackLab.Compute;

/// <summary>Lenient readers for API fields that may be missing, null, or (Nova's old swap "") of another type.</summary>
internal static class Json
{
    public static string Text(JObject o, string key) =>
        o[key] is { Type: not JTokenType.Null and not JTokenType.Undefined } v ? (v.Type is JTokenType.String or JTokenType.Date ? (string)v! : v.ToString(Formatting.None)) : "";

    public static bool Flag(JObject o, string key) => o[key] is { Type: JTokenType.Boolean } v && (bool)v;

    public static long Long(JObject o, string key) =>
        o[key] is { Type: JTokenType.Integer or JTokenType.Float } v ? (long)v : long.TryParse(Text(o, key), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0;

    public static int Int(JObject o, string key) => (int)Math.Clamp(Long(o, key), int.MinValue, int.MaxValue);

    // Newtonsoft reads ISO times as dates already; the services write UTC, with or without a zone.
    public static DateTimeOffset? Time(JObject o, string key) =>
        o[key] is { Type: JTokenType.Date } d ? new DateTimeOffset(DateTime.SpecifyKind((DateTime)d, DateTimeKind.Utc))
        : DateTimeOffset.TryParse(Text(o, key), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;
}
