using System.Text.Json;

namespace SecretAgent.Core.Policy;

/// <summary>One condition test: Operator { Key: [values] }.</summary>
internal sealed record PolicyCondition(string Operator, string Key, IReadOnlyList<string> Values);

/// <summary>Writes one Allow statement; conditions sharing an operator are grouped under it, in the order given.</summary>
internal static class PolicyStatement
{
    public static void Write(Utf8JsonWriter writer, string sid, string action, IEnumerable<string> resources, params IReadOnlyList<PolicyCondition> conditions) =>
        Write(writer, sid, [action], resources, conditions);

    /// <summary>One Allow statement granting several actions (written as an array, or a string when only one).</summary>
    public static void Write(Utf8JsonWriter writer, string sid, IReadOnlyList<string> actions, IEnumerable<string> resources, params IReadOnlyList<PolicyCondition> conditions)
    {
        writer.WriteStartObject();
        writer.WriteString("Sid", sid);
        writer.WriteString("Effect", "Allow");
        WriteStrings(writer, "Action", actions);
        WriteStrings(writer, "Resource", resources);
        if (conditions.Count > 0)
        {
            WriteConditions(writer, conditions);
        }

        writer.WriteEndObject();
    }

    private static void WriteConditions(Utf8JsonWriter writer, IReadOnlyList<PolicyCondition> conditions)
    {
        writer.WriteStartObject("Condition");
        foreach (var group in conditions.GroupBy(c => c.Operator, StringComparer.Ordinal))
        {
            writer.WriteStartObject(group.Key);
            foreach (var condition in group)
            {
                WriteStrings(writer, condition.Key, condition.Values);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    // A single value is written as a string, several as an array, as IAM's own examples do.
    private static void WriteStrings(Utf8JsonWriter writer, string name, IEnumerable<string> values)
    {
        var list = values.ToList();
        if (list.Count == 1)
        {
            writer.WriteString(name, list[0]);
            return;
        }

        writer.WriteStartArray(name);
        foreach (var value in list)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }
}
