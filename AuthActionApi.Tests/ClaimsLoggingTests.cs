using AuthActionApi.Authentication;
using System.Net;
using System.Text.Json.Nodes;
using AuthActionApi.Tests.Support;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Events;

namespace AuthActionApi.Tests;

/// <summary>
/// The OnTokenValidated handler logs the claims payload of every token it accepted, each claim with its JSON type,
/// as one structured property; never a token it refused, never the token itself.
/// </summary>
public sealed class ClaimsLoggingTests : TenantFixture
{
    private const string ClaimsCategory = "AuthActionApi.Authentication.TokenValidatedHandler";

    [Test]
    public async Task TokenValidated_InDevelopment_LogsTheClaimsPayloadWithItsJsonTypes()
    {
        await using var api = await ApiHost.StartAsync(Tenant, environment: "Development");
        using var client = api.CreateClient();
        await api.WaitForKeysAsync();
        var expires = DateTimeOffset.UtcNow.AddMinutes(30);
        var token = Tenant.Token().Scope("read:messages write:messages").ExpiresAt(expires)
            .Claim("org_id", "org_42")
            .Claim("permissions", new JsonArray("read:messages", "delete:messages"))
            .Claim("email_verified", true)
            .Claim("address", new JsonObject { ["country"] = "NL", ["floor"] = 3 })
            .Build();

        (await client.GetWithTokenAsync("/protected", token)).StatusCode.Should().Be(HttpStatusCode.OK);

        var logged = api.Logs.From(ClaimsCategory).Should().ContainSingle().Subject;
        Scalar(logged, "Subject").Should().Be("test-client@clients");
        var claims = Dictionary(logged.Properties["Claims"]);
        claims.Keys.Should().BeEquivalentTo("iss", "aud", "sub", "azp", "scope", "iat", "exp", "org_id", "permissions", "email_verified", "address");
        ((ScalarValue)claims["iss"]).Value.Should().Be(Tenant.Issuer);
        ((ScalarValue)claims["scope"]).Value.Should().Be("read:messages write:messages", "scope is one space-separated string, as the token carries it");
        ((ScalarValue)claims["exp"]).Value.Should().Be(expires.ToUnixTimeSeconds(), "a NumericDate stays a number");
        ((ScalarValue)claims["org_id"]).Value.Should().Be("org_42");
        ((ScalarValue)claims["email_verified"]).Value.Should().Be(true);
        ((SequenceValue)claims["permissions"]).Elements.Select(e => ((ScalarValue)e).Value).Should().Equal("read:messages", "delete:messages");
        var address = Dictionary(claims["address"]);
        ((ScalarValue)address["country"]).Value.Should().Be("NL");
        ((ScalarValue)address["floor"]).Value.Should().Be(3L);
    }

    [Test]
    public async Task TokenValidated_TokenRefusedByACheckBeforeTheLog_IsNeverLoggedAsValidated()
    {
        // A check of your own in front of the handler, as its summary says to write one.
        await using var api = await ApiHost.StartAsync(Tenant, environment: "Development", services: services =>
            services.Configure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, options => options.Events.OnTokenValidated = context =>
            {
                if (context.Principal!.HasClaim("org_id", "revoked-org"))
                {
                    context.Fail("This organisation was revoked.");
                    return Task.CompletedTask;
                }

                return TokenValidatedHandler.OnTokenValidated(context);
            }));
        using var client = api.CreateClient();
        await api.WaitForKeysAsync();
        var revoked = Tenant.Token().Unique().Claim("org_id", "revoked-org").Build();
        var allowed = Tenant.Token().Unique().Claim("org_id", "org_42").Build();

        var full = await client.GetWithTokenAsync("/protected", revoked);
        var again = await client.GetWithTokenAsync("/protected", revoked);
        (await client.GetWithTokenAsync("/protected", allowed)).StatusCode.Should().Be(HttpStatusCode.OK);

        await full.ShouldBeRefusedAsync(Refusal.Invalid);
        await again.ShouldBeRefusedAsync(Refusal.Invalid);
        var logged = api.Logs.From(ClaimsCategory).Should().ContainSingle("only the allowed token was validated").Subject;
        ((ScalarValue)logged.Properties["Subject"]).Value.Should().Be("test-client@clients");
        Dictionary(logged.Properties["Claims"]).Should().ContainKey("org_id").WhoseValue.ToString().Should().Be("\"org_42\"");
        api.Logs.WithEventId(AuthenticationEventIds.TokenRefused).Should().HaveCount(2);
    }

    [TestCase(60)]
    [TestCase(100)]
    [TestCase(500)]
    public async Task GetProtected_DeeplyNestedClaimInDevelopment_IsAnsweredNever500(int depth)
    {
        await using var api = await ApiHost.StartAsync(Tenant, environment: "Development");
        using var client = api.CreateClient();
        await api.WaitForKeysAsync();
        JsonNode nested = "bottom";
        for (var i = 0; i < depth; i++)
        {
            nested = new JsonArray(nested);
        }

        var response = await client.GetWithTokenAsync("/protected", Tenant.Token().Unique().Claim("deep", nested).Build());

        if (response.StatusCode == HttpStatusCode.OK)
        {
            api.Logs.From(ClaimsCategory).Should().ContainSingle("an accepted token's claims are logged, however deep");
        }
        else
        {
            await response.ShouldBeRefusedAsync(Refusal.Malformed);
        }
    }

    [Test]
    public async Task TokenValidated_AnyEnvironment_NeverLogsTheTokenOrAuthorizationHeader()
    {
        await using var api = await ApiHost.StartAsync(Tenant, environment: "Development");
        using var client = api.CreateClient();
        await api.WaitForKeysAsync();
        var token = Tenant.Token().Build();

        (await client.GetWithTokenAsync("/protected", token)).StatusCode.Should().Be(HttpStatusCode.OK);
        await (await client.GetWithTokenAsync("/protected", token + "tampered")).ShouldBeRefusedAsync(Refusal.InvalidSignature);

        var everything = api.Logs.RenderAll();
        api.Logs.From(ClaimsCategory).Should().NotBeEmpty();
        everything.Should().NotContain(token.Split('.')[1], "the payload segment is the token");
        everything.Should().NotContain(token.Split('.')[2], "the signature segment is the token");
        everything.Should().NotContain("Bearer ey");
    }

    [Test]
    public async Task TokenValidated_InProduction_IsQuietByDefault()
    {
        await using var api = await ApiHost.StartAsync(Tenant, environment: "Production");
        using var client = api.CreateClient();
        await api.WaitForKeysAsync();

        (await client.GetWithTokenAsync("/protected", Tenant.Token().Build())).StatusCode.Should().Be(HttpStatusCode.OK);

        api.Logs.From(ClaimsCategory).Should().BeEmpty();
    }

    private static string? Scalar(LogEvent logEvent, string name) =>
        ((ScalarValue)logEvent.Properties[name]).Value as string;

    private static Dictionary<string, LogEventPropertyValue> Dictionary(LogEventPropertyValue value) =>
        ((DictionaryValue)value).Elements.ToDictionary(pair => (string)pair.Key.Value!, pair => pair.Value);
}
