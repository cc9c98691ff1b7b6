using System.Net;
using System.Security.Claims;
using AuthActionApi.Authentication;
using AuthActionApi.Tests.Support;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace AuthActionApi.Tests;

/// <summary>
/// A token found in the cache is answered before JwtBearer parses it. These tests hold that shortcut to what a
/// full validation gives: the same ticket, the OnTokenValidated event with its outcome obeyed, a principal and
/// properties of the request's own, and the saved token when SaveToken is on.
/// </summary>
public sealed class CachedTokenAuthenticationTests : ApiFixture
{
    private ValidatedTokenCache Cache => Api.Services.GetRequiredService<ValidatedTokenCache>();

    private AuthActionJwtBearerEvents Events => Api.Services.GetRequiredService<AuthActionJwtBearerEvents>();

    [TearDown]
    public void ResetEvents() => Events.OnTokenValidated = _ => Task.CompletedTask;

    [Test]
    public async Task AuthenticateAsync_CacheHit_GivesTheSameTicketAsAFullValidation()
    {
        var token = Tenant.Token().Unique().Scope("read:messages write:messages").NotBefore(DateTimeOffset.UtcNow.AddMinutes(-1)).Build();
        var full = await AuthenticateAsync(Api.Services, token);
        var hitsBefore = Cache.Hits;

        var cached = await AuthenticateAsync(Api.Services, token);

        (Cache.Hits - hitsBefore).Should().Be(1, "the second call must be the cached one");
        full.Succeeded.Should().BeTrue();
        cached.Succeeded.Should().BeTrue();
        cached.Ticket!.AuthenticationScheme.Should().Be(full.Ticket!.AuthenticationScheme);
        Describe(cached.Principal!).Should().Equal(Describe(full.Principal!));
        cached.Properties!.Items.Should().BeEquivalentTo(full.Properties!.Items);
        cached.Properties.ExpiresUtc.Should().NotBeNull();
        cached.Properties.IssuedUtc.Should().NotBeNull();
    }

    [Test]
    public async Task GetProtected_CachedTokenFailedByOnTokenValidated_Returns401()
    {
        var token = Tenant.Token().Unique().Build();
        (await Client.GetWithTokenAsync("/protected", token)).StatusCode.Should().Be(HttpStatusCode.OK);
        Cache.Contains(token).Should().BeTrue("the token must be in the cache for this test to mean anything");
        Events.OnTokenValidated = context =>
        {
            context.Fail("This token was revoked.");
            return Task.CompletedTask;
        };
        var hitsBefore = Cache.Hits;

        var response = await Client.GetWithTokenAsync("/protected", token);

        (Cache.Hits - hitsBefore).Should().Be(1);
        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.WwwAuthenticate().Should().StartWith("Bearer error=\"invalid_token\"");
    }

    [Test]
    public async Task AuthenticateAsync_ClaimAddedByOnTokenValidated_StaysWithItsRequest()
    {
        var token = Tenant.Token().Unique().Build();
        Events.OnTokenValidated = context =>
        {
            ((ClaimsIdentity)context.Principal!.Identity!).AddClaim(new Claim("added", "once"));
            context.Properties.Items["added"] = "once";
            return Task.CompletedTask;
        };

        var results = new List<AuthenticateResult>();
        for (var i = 0; i < 3; i++)
        {
            results.Add(await AuthenticateAsync(Api.Services, token));
        }

        results.Should().AllSatisfy(result =>
        {
            result.Principal!.FindAll("added").Should().ContainSingle();
            result.Properties!.Items["added"].Should().Be("once");
        });
        Cache.TryGet(token, out var next).Should().BeTrue();
        next!.Identity.FindAll("added").Should().BeEmpty();
        next.Properties.Items.Should().NotContainKey("added");
    }

    [Test]
    public async Task TryGet_CachedToken_GivesEachCallerItsOwnIdentityAndProperties()
    {
        var token = Tenant.Token().Unique().Build();
        (await Client.GetWithTokenAsync("/protected", token)).StatusCode.Should().Be(HttpStatusCode.OK);

        Cache.TryGet(token, out var first).Should().BeTrue();
        first!.Identity.AddClaim(new Claim("scope", "admin:everything"));
        first.Properties.Items["tampered"] = "yes";
        Cache.TryGet(token, out var second).Should().BeTrue();

        second!.Identity.Should().NotBeSameAs(first.Identity);
        second.Identity.FindAll("scope").Select(c => c.Value).Should().Equal("read:messages");
        second.Identity.Name.Should().Be("test-client@clients");
        second.Properties.Should().NotBeSameAs(first.Properties);
        second.Properties.Items.Should().NotContainKey("tampered");
    }

    [Test]
    public async Task AuthenticateAsync_CacheHitWithSaveToken_SavesTheToken()
    {
        await using var api = Api.WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
            services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, options => options.SaveToken = true)));
        var token = Tenant.Token().Unique().Build();
        var cache = api.Services.GetRequiredService<ValidatedTokenCache>();

        var full = await AuthenticateAsync(api.Services, token);
        var hitsBefore = cache.Hits;
        var cached = await AuthenticateAsync(api.Services, token);

        (cache.Hits - hitsBefore).Should().Be(1);
        full.Properties!.GetTokenValue("access_token").Should().Be(token);
        cached.Properties!.GetTokenValue("access_token").Should().Be(token);
    }

    /// <summary>Authenticates one request carrying the token through the app's own authentication service.</summary>
    private static async Task<AuthenticateResult> AuthenticateAsync(IServiceProvider services, string token)
    {
        await using var scope = services.CreateAsyncScope();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        http.Request.Headers.Authorization = "Bearer " + token;
        return await http.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
    }

    /// <summary>Everything about a principal that code downstream can read.</summary>
    private static List<string> Describe(ClaimsPrincipal principal) =>
    [
        .. principal.Identities.Select(identity =>
            $"{identity.GetType().Name} {identity.AuthenticationType} name={identity.NameClaimType}:{identity.Name} role={identity.RoleClaimType}"),
        .. principal.Claims.Select(claim => $"{claim.Type}={claim.Value} ({claim.ValueType}, {claim.Issuer}, {claim.OriginalIssuer})"),
    ];

}
