using System.Net.Http.Headers;

namespace AuthActionApi.Tests.Support;

/// <summary>Small helpers for what a client reads from an answer.</summary>
public static class ApiResponse
{
    public static Task<HttpResponseMessage> GetWithTokenAsync(this HttpClient client, string path, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client.SendAsync(request);
    }

    /// <summary>The one <c>WWW-Authenticate</c> header, exactly as sent.</summary>
    public static string? WwwAuthenticate(this HttpResponseMessage response) =>
        response.Headers.TryGetValues("WWW-Authenticate", out var values) ? string.Join(", ", values) : null;
}
