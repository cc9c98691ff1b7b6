namespace AuthActionApi.Authorization;

/// <summary>The scopes this API defines, as configured on its API in the AuthAction dashboard.</summary>
public static class Scopes
{
    /// <summary>Read the messages: needed by <c>GET /protected/scoped</c>.</summary>
    public const string ReadMessages = "read:messages";
}
