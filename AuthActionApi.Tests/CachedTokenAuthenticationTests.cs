using System.Collections.Concurrent;
using System.Net;
using System.Security.Claims;
using AuthActionApi.Authentication;
using AuthActionApi.Authentication.Caching;
using AuthActionApi.Authentication.Refusals;
using AuthActionApi.Authentication.Validation;
using Microsoft.Extensions.Configuration;
using AuthActionApi.Tests.Support;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AuthActionApi.Tests;

/// <summary>
/// A token found in the cache is answered by the token handler JwtBearer calls, without parsing it or checking its
/// signature again; JwtBearer does the rest as for any token. These tests hold that shortcut to what a full validation
/// gives: the same ticket, your own JwtBearer events run and obeyed (<c>OnMessageReceived</c>, <c>OnTokenValidated</c>,
/// <c>OnChallenge</c>) however you set them, a principal of the request's own, the saved token when SaveToken is on,
/// and entries that never cross from one authentication scheme to another. A test that needs a hook of its own
/// builds a host with it.
/// </summary>
public sealed class CachedTokenAuthenticationTests : ApiFixture
{
    private const string PartnerScheme = "partner";
    private const string PartnerAudience = "https://partner.example";

    private TokenCacheCounters Cache => new(Api.Services);

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
    public async Task GetProtected_CachedTokenRevokedInOnTokenValidated_Returns401()
    {
        var revoked = new ConcurrentDictionary<string, bool>();
        await using var api = await WithHook(options => options.Events.OnTokenValidated = context =>
        {
            if (revoked.ContainsKey(((Microsoft.IdentityModel.JsonWebTokens.JsonWebToken)context.SecurityToken).Id))
            {
                context.Fail("This token was revoked.");
            }

            return Task.CompletedTask;
        });
        using var client = api.CreateClient();
        await api.WaitForKeysAsync();
        var jti = Guid.NewGuid().ToString("N");
        var token = Tenant.Token().Claim("jti", jti).Build();
        (await client.GetWithTokenAsync("/protected", token)).StatusCode.Should().Be(HttpStatusCode.OK);
        var cache = new TokenCacheCounters(api.Services);
        var hitsBefore = cache.Hits;

        revoked[jti] = true;
        var response = await client.GetWithTokenAsync("/protected", token);

        (cache.Hits - hitsBefore).Should().Be(1, "the revoked token is still cached; the hook refuses it all the same");
        await response.ShouldBeRefusedAsync(Refusal.Invalid);
    }

    [Test]
    public async Task AuthenticateAsync_ClaimAddedByOnTokenValidated_StaysWithItsRequest()
    {
        await using var api = await WithHook(options => options.Events.OnTokenValidated = context =>
        {
            ((ClaimsIdentity)context.Principal!.Identity!).AddClaim(new Claim("added", "once"));
            context.Properties.Items["added"] = "once";
            return Task.CompletedTask;
        });
        await api.WaitForKeysAsync();
        var token = Tenant.Token().Unique().Build();

        var results = new List<AuthenticateResult>();
        for (var i = 0; i < 3; i++)
        {
            results.Add(await AuthenticateAsync(api.Services, token));
        }

        results.Should().AllSatisfy(result =>
        {
            result.Principal!.FindAll("added").Should().ContainSingle();
            result.Properties!.Items["added"].Should().Be("once");
        });
        var cache = api.Services.GetRequiredService<ValidatedTokenCache>();
        cache.TryGet(BearerTokenHandler(api.Services), token, out var next).Should().BeTrue();
        next!.ClaimsIdentity.FindAll("added").Should().BeEmpty();
    }

    [Test]
    public async Task TryGet_CachedToken_GivesEachCallerItsOwnIdentity()
    {
        var token = Tenant.Token().Unique().Build();
        (await Client.GetWithTokenAsync("/protected", token)).StatusCode.Should().Be(HttpStatusCode.OK);
        var cache = Api.Services.GetRequiredService<ValidatedTokenCache>();
        var owner = BearerTokenHandler(Api.Services);

        cache.TryGet(owner, token, out var first).Should().BeTrue();
        first!.ClaimsIdentity.AddClaim(new Claim("scope", "admin:everything"));
        cache.TryGet(owner, token, out var second).Should().BeTrue();

        second!.ClaimsIdentity.Should().NotBeSameAs(first.ClaimsIdentity);
        second.ClaimsIdentity.FindAll("scope").Select(c => c.Value).Should().Equal("read:messages");
        second.ClaimsIdentity.Name.Should().Be("test-client@clients");
    }

    [Test]
    public async Task AuthenticateAsync_CacheHitWithSaveToken_SavesTheToken()
    {
        await using var api = await WithHook(options => options.SaveToken = true);
        await api.WaitForKeysAsync();
        var token = Tenant.Token().Unique().Build();
        var cache = new TokenCacheCounters(api.Services);

        var full = await AuthenticateAsync(api.Services, token);
        var hitsBefore = cache.Hits;
        var cached = await AuthenticateAsync(api.Services, token);

        (cache.Hits - hitsBefore).Should().Be(1);
        full.Properties!.GetTokenValue("access_token").Should().Be(token);
        cached.Properties!.GetTokenValue("access_token").Should().Be(token);
    }

    [Test]
    public async Task GetScoped_TokenSuppliedByOnMessageReceived_IsHonouredFullAndCached()
    {
        var calls = 0;
        await using var api = await WithHook(options => options.Events.OnMessageReceived = context =>
        {
            Interlocked.Increment(ref calls);
            // As a SignalR hub does: a token in the query string, on this one route only.
            if (context.Request.Path == "/protected/scoped" && context.Request.Query["access_token"] is [{ } token])
            {
                context.Token = token;
            }

            return Task.CompletedTask;
        });
        using var client = api.CreateClient();
        await api.WaitForKeysAsync();
        var cache = new TokenCacheCounters(api.Services);
        var query = "?access_token=" + Uri.EscapeDataString(Tenant.Token().Unique().Build());

        var full = await client.GetAsync("/protected/scoped" + query);
        var hitsBefore = cache.Hits;
        var cached = await client.GetAsync("/protected/scoped" + query);
        var elsewhere = await client.GetAsync("/protected" + query);

        full.StatusCode.Should().Be(HttpStatusCode.OK);
        cached.StatusCode.Should().Be(HttpStatusCode.OK);
        (cache.Hits - hitsBefore).Should().Be(1, "the token from OnMessageReceived is looked up in the cache too");
        // Your OnMessageReceived read it for the scoped route only: the API's default never reads a token from the query string.
        await elsewhere.ShouldAskForATokenAsync();
        calls.Should().Be(3, "your OnMessageReceived runs on every request, cached token or not");
    }

    [Test]
    public async Task GetProtected_OnMessageReceivedFailsACachedToken_Returns401()
    {
        await using var api = await WithHook(options => options.Events.OnMessageReceived = context =>
        {
            if (context.Request.Headers.ContainsKey("X-Blocked-Client"))
            {
                context.Fail("This client is blocked.");
            }

            return Task.CompletedTask;
        });
        using var client = api.CreateClient();
        await api.WaitForKeysAsync();
        var token = Tenant.Token().Unique().Build();
        (await client.GetWithTokenAsync("/protected", token)).StatusCode.Should().Be(HttpStatusCode.OK);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/protected");
        request.Headers.Authorization = new("Bearer", token);
        request.Headers.Add("X-Blocked-Client", "yes");

        var response = await client.SendAsync(request);

        await response.ShouldBeRefusedAsync(Refusal.Invalid);
    }

    [Test]
    public async Task AuthenticateAsync_TokenCachedForOneSchemeOnAnotherAudience_IsRefusedThere()
    {
        await using var api = await WithPartnerScheme();
        await api.WaitForKeysAsync();
        var token = Tenant.Token().Unique().Build();

        var main = await AuthenticateAsync(api.Services, token);
        var mainAgain = await AuthenticateAsync(api.Services, token);
        var partner = await AuthenticateAsync(api.Services, token, PartnerScheme);

        main.Succeeded.Should().BeTrue();
        mainAgain.Succeeded.Should().BeTrue();
        partner.Succeeded.Should().BeFalse("a token for this API's audience is not one for the partner's");
        RefusalReason.Describe(partner.Failure!).Should().Be(Refusal.InvalidAudience);
    }

    [Test]
    public async Task AuthenticateAsync_PartnerTokenOnItsOwnScheme_IsAcceptedAndCachedThere()
    {
        await using var api = await WithPartnerScheme();
        await api.WaitForKeysAsync();
        var token = Tenant.Token().Unique().Audience(PartnerAudience).Build();
        var cache = new TokenCacheCounters(api.Services);

        var partner = await AuthenticateAsync(api.Services, token, PartnerScheme);
        var hitsBefore = cache.Hits;
        var partnerAgain = await AuthenticateAsync(api.Services, token, PartnerScheme);
        var main = await AuthenticateAsync(api.Services, token);

        partner.Succeeded.Should().BeTrue();
        partnerAgain.Succeeded.Should().BeTrue();
        (cache.Hits - hitsBefore).Should().Be(1, "the partner scheme has entries of its own");
        main.Succeeded.Should().BeFalse();
        RefusalReason.Describe(main.Failure!).Should().Be(Refusal.InvalidAudience);
    }

    [Test]
    public async Task GetProtected_CachedTokenAfterTheSchemesOptionsAreBuiltAnew_IsValidatedWithTheNewOnes()
    {
        var otherAudience = false;
        await using var api = await WithHook(options =>
        {
            if (Volatile.Read(ref otherAudience))
            {
                options.TokenValidationParameters.ValidAudience = PartnerAudience;
            }
        });
        using var client = api.CreateClient();
        await api.WaitForKeysAsync();
        var token = Tenant.Token().Unique().Build();
        (await client.GetWithTokenAsync("/protected", token)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await client.GetWithTokenAsync("/protected", token)).StatusCode.Should().Be(HttpStatusCode.OK);

        // What a configuration reload does: the options monitor drops the scheme's options and builds them again.
        Volatile.Write(ref otherAudience, true);
        api.Services.GetRequiredService<IOptionsMonitorCache<JwtBearerOptions>>().TryRemove(JwtBearerDefaults.AuthenticationScheme);
        var response = await client.GetWithTokenAsync("/protected", token);

        await response.ShouldBeRefusedAsync(Refusal.InvalidAudience);
    }

    [Test]
    public async Task GetProtected_EventsObjectReplacedWithOneThatRefusesASubject_IsObeyedFullAndCached()
    {
        await using var api = await WithHook(options => options.Events = new JwtBearerEvents
        {
            OnTokenValidated = context =>
            {
                if (context.Principal?.FindFirst("sub")?.Value == "blocked@clients")
                {
                    context.Fail("This client is blocked.");
                }

                return Task.CompletedTask;
            },
        });
        using var client = api.CreateClient();
        await api.WaitForKeysAsync();
        var cache = new TokenCacheCounters(api.Services);
        var blocked = Tenant.Token().Unique().Claim("sub", "blocked@clients").Build();
        var allowed = Tenant.Token().Unique().Build();

        var first = await client.GetWithTokenAsync("/protected", blocked);
        var second = await client.GetWithTokenAsync("/protected", blocked);
        (await client.GetWithTokenAsync("/protected", allowed)).StatusCode.Should().Be(HttpStatusCode.OK);
        var hitsBefore = cache.Hits;
        var allowedAgain = await client.GetWithTokenAsync("/protected", allowed);

        await first.ShouldBeRefusedAsync(Refusal.Invalid);
        await second.ShouldBeRefusedAsync(Refusal.Invalid);
        allowedAgain.StatusCode.Should().Be(HttpStatusCode.OK);
        (cache.Hits - hitsBefore).Should().Be(1, "a token your OnTokenValidated accepted is cached under a replaced events object too");
    }

    [Test]
    public async Task GetProtected_EventsObjectReplacedBeforeTheAuthActionWiring_KeepsTheRefusals()
    {
        // Registered before the app's own set-up, as a library called before AddAuthAction would.
        await using var api = await ApiHost.StartAsync(Tenant, services: services =>
            services.Insert(0, ServiceDescriptor.Singleton<IConfigureOptions<JwtBearerOptions>>(
                new ConfigureNamedOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, options => options.Events = new JwtBearerEvents()))));
        using var client = api.CreateClient();
        await api.WaitForKeysAsync();

        var expired = await client.GetWithTokenAsync("/protected", Tenant.Token().ExpiresAt(DateTimeOffset.UtcNow.AddMinutes(-5)).Build());
        var missing = await client.GetAsync("/protected");

        await expired.ShouldBeRefusedAsync(Refusal.Expired);
        await missing.ShouldAskForATokenAsync();
    }

    [Test]
    public async Task GetProtected_EventsTypeOfYourOwn_RunsItAndKeepsTheRefusals()
    {
        await using var api = await ApiHost.StartAsync(Tenant, services: services =>
        {
            services.AddScoped<CountingEvents>();
            services.Configure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, options => options.EventsType = typeof(CountingEvents));
        });
        using var client = api.CreateClient();
        await api.WaitForKeysAsync();
        CountingEvents.Reset();
        using var stranger = new TestSigningKey();

        var ok = await client.GetWithTokenAsync("/protected", Tenant.Token().Unique().Build());
        var forged = await client.GetWithTokenAsync("/protected", Tenant.Token().SignedWith(stranger).Build());

        ok.StatusCode.Should().Be(HttpStatusCode.OK);
        await forged.ShouldBeRefusedAsync(Refusal.UnknownSigningKey);
        CountingEvents.Validated.Should().Be(1);
        CountingEvents.Challenged.Should().Be(1);
    }

    /// <summary>The scheme's options as JwtBearer reads them, and the token handler of that options instance.</summary>
    private static AuthActionTokenHandler BearerTokenHandler(IServiceProvider services) =>
        services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(JwtBearerDefaults.AuthenticationScheme)
            .TokenHandlers.OfType<AuthActionTokenHandler>().Single();

    /// <summary>A host of its own whose Bearer scheme has your settings and delegates, set the documented way after the app's set-up.</summary>
    private Task<ApiHost> WithHook(Action<JwtBearerOptions> configure) =>
        ApiHost.StartAsync(Tenant, services: services => services.Configure(JwtBearerDefaults.AuthenticationScheme, configure));

    /// <summary>A second AuthAction scheme for a partner's audience, as a team that accepts tokens for two APIs would add it.</summary>
    private Task<ApiHost> WithPartnerScheme() => ApiHost.StartAsync(Tenant, services: services =>
        services.AddAuthentication().AddAuthAction(
            new ConfigurationBuilder().Build().GetSection(AuthActionOptions.SectionName),
            options => options.TokenValidationParameters.ValidAudience = PartnerAudience,
            PartnerScheme));

    /// <summary>Events of your own, resolved per request from <c>EventsType</c> as JwtBearer documents it.</summary>
    private sealed class CountingEvents : JwtBearerEvents
    {
        private static int s_validated;
        private static int s_challenged;

        public static int Validated => Volatile.Read(ref s_validated);

        public static int Challenged => Volatile.Read(ref s_challenged);

        public static void Reset()
        {
            Interlocked.Exchange(ref s_validated, 0);
            Interlocked.Exchange(ref s_challenged, 0);
        }

        public override Task TokenValidated(TokenValidatedContext context)
        {
            Interlocked.Increment(ref s_validated);
            return base.TokenValidated(context);
        }

        public override Task Challenge(JwtBearerChallengeContext context)
        {
            Interlocked.Increment(ref s_challenged);
            return base.Challenge(context);
        }
    }

    /// <summary>Authenticates one request carrying the token through the app's own authentication service.</summary>
    private static async Task<AuthenticateResult> AuthenticateAsync(IServiceProvider services, string token, string scheme = JwtBearerDefaults.AuthenticationScheme)
    {
        await using var scope = services.CreateAsyncScope();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        http.Request.Headers.Authorization = "Bearer " + token;
        return await http.AuthenticateAsync(scheme);
    }

    /// <summary>Everything about a principal that code downstream can read.</summary>
    private static List<string> Describe(ClaimsPrincipal principal) =>
    [
        .. principal.Identities.Select(identity =>
            $"{identity.GetType().Name} {identity.AuthenticationType} name={identity.NameClaimType}:{identity.Name} role={identity.RoleClaimType}"),
        .. principal.Claims.Select(claim => $"{claim.Type}={claim.Value} ({claim.ValueType}, {claim.Issuer}, {claim.OriginalIssuer})"),
    ];
}
