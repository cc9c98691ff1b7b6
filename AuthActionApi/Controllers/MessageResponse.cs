namespace AuthActionApi.Controllers;

/// <summary>The body of every successful answer: <c>{"message": "..."}</c>.</summary>
public sealed record MessageResponse(string Message);
