namespace AuthActionApi.Settings;

/// <summary>
/// The one sentence an operator reads when a setting stops start-up: the key, what is wrong with it, both ways to
/// set it, and an example value.
/// </summary>
internal static class SettingProblem
{
    /// <param name="section">The configuration section, such as <c>AuthAction</c>.</param>
    /// <param name="key">The key under the section, such as <c>Jwks:RetryDelay</c>.</param>
    /// <param name="problem">What is wrong, phrased to follow the key: <c>is missing</c>.</param>
    /// <param name="example">A value that would be accepted; none when there is no sensible one.</param>
    /// <param name="legacyVariable">Another environment variable that sets the same key, such as <c>AUTHACTION_DOMAIN</c>.</param>
    public static string Describe(string section, string key, string problem, string? example, string? legacyVariable = null)
    {
        var variables = $"{section}:{key}".Replace(":", "__", StringComparison.Ordinal)
            + (legacyVariable is null ? string.Empty : $" or {legacyVariable}");
        var forExample = example is null ? string.Empty : $", for example {example}";
        return $"{section}:{key} {problem}: set it in appsettings.json (\"{section}\": {{ ... }}) or with the environment variable {variables}{forExample}.";
    }
}
