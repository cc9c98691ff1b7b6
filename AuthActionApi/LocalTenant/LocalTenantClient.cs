using System.ComponentModel.DataAnnotations;

namespace AuthActionApi.LocalTenant;

/// <summary>A development machine client of the local tenant.</summary>
public sealed class LocalTenantClient
{
    /// <summary>The client id; its tokens carry <c>sub</c> = <c>{ClientId}@clients</c>.</summary>
    [Required(ErrorMessage = "{0} is missing")]
    public string ClientId { get; set; } = string.Empty;

    /// <summary>The client secret. Development only: these never authenticate anything outside Development.</summary>
    [Required(ErrorMessage = "{0} is missing")]
    public string ClientSecret { get; set; } = string.Empty;

    /// <summary>The scopes written into its tokens, space-separated as AuthAction writes them.</summary>
    public string Scopes { get; set; } = string.Empty;
}
