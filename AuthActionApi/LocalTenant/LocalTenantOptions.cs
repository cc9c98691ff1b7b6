using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AuthActionApi.LocalTenant;

/// <summary>
/// The built-in AuthAction look-alike, section <c>LocalTenant</c>. It runs only in Development and only while
/// no <c>AuthAction:Domain</c> is configured; in any other environment nothing here has an effect, and nothing here
/// is checked. While it runs, a bad value stops start-up like a bad AuthAction setting. Surrounding whitespace is
/// ignored in every string setting.
/// </summary>
public sealed class LocalTenantOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "LocalTenant";

    /// <summary>Set to false to refuse to start without a real tenant even in Development. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Where this app, and so the local tenant, is reached, such as <c>http://localhost:3000</c>. Default: the
    /// first http address in <c>urls</c> (<c>--urls</c>, <c>ASPNETCORE_URLS</c>, launch settings). When set, an absolute
    /// http or https URL; empty means the default.
    /// </summary>
    public string? Address { get; set; }

    /// <summary>
    /// The audience of the tokens it issues, used as <c>AuthAction:Audience</c> when that is not set. Required, with no
    /// whitespace or control characters inside.
    /// </summary>
    [Required(ErrorMessage = "{0} is missing")]
    public string Audience { get; set; } = "https://authactionapi.local/api";

    /// <summary>How long its access tokens live. Default one hour, as AuthAction's; one minute to one day.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The machine clients that may ask <c>POST /oauth2/m2m/token</c> for a token; each needs an id and a secret.</summary>
    [ValidateEnumeratedItems]
    public IList<LocalTenantClient> Clients { get; } = [];
}
