using System.Security.Claims;
using AuthActionApi.Authorization;
using AuthActionApi.Tests.Support;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;

namespace AuthActionApi.Tests;

/// <summary>
/// The scope rules without HTTP: the app's own <see cref="IAuthorizationService"/> judging hand-built principals
/// shaped as JwtBearer shapes them (a space-separated <c>scope</c> string is one claim, a JSON array one claim per element).
/// </summary>
public sealed class ScopePolicyTests : ApiFixture
{
    private IAuthorizationService _authorization = null!;

    [OneTimeSetUp]
    public void ResolveAuthorizationService() => _authorization = Api.Services.GetRequiredService<IAuthorizationService>();

    [TestCase("read:messages")]
    [TestCase("read:messages write:messages")]
    [TestCase("write:messages read:messages")]
    [TestCase("openid  read:messages ")]
    public async Task ReadMessagesPolicy_ScopeStringGrantingIt_Succeeds(string scope)
    {
        var result = await _authorization.AuthorizeAsync(Caller(scope), resource: null, ScopePolicies.ReadMessages);

        result.Succeeded.Should().BeTrue();
    }

    [Test]
    public async Task ReadMessagesPolicy_ScopeArrayGrantingIt_Succeeds()
    {
        var result = await _authorization.AuthorizeAsync(Caller("write:messages", "read:messages"), resource: null, ScopePolicies.ReadMessages);

        result.Succeeded.Should().BeTrue();
    }

    [TestCase("read:messages2", TestName = "ReadMessagesPolicy_LongerScope_Fails")]
    [TestCase("read:message", TestName = "ReadMessagesPolicy_ShorterScope_Fails")]
    [TestCase("read", TestName = "ReadMessagesPolicy_ScopePrefix_Fails")]
    [TestCase("xread:messages", TestName = "ReadMessagesPolicy_ScopeSuffix_Fails")]
    [TestCase("READ:MESSAGES", TestName = "ReadMessagesPolicy_UpperCaseScope_Fails")]
    [TestCase("Read:Messages", TestName = "ReadMessagesPolicy_MixedCaseScope_Fails")]
    [TestCase("read:*", TestName = "ReadMessagesPolicy_WildcardScope_Fails")]
    [TestCase("read:messages,write:messages", TestName = "ReadMessagesPolicy_CommaSeparatedScopes_Fails")]
    [TestCase("read:messages\twrite:messages", TestName = "ReadMessagesPolicy_TabSeparatedScopes_Fails")]
    [TestCase("write:messages", TestName = "ReadMessagesPolicy_OtherScope_Fails")]
    [TestCase("", TestName = "ReadMessagesPolicy_EmptyScope_Fails")]
    public async Task ReadMessagesPolicy_ScopeStringNotGrantingIt_Fails(string scope)
    {
        var result = await _authorization.AuthorizeAsync(Caller(scope), resource: null, ScopePolicies.ReadMessages);

        result.Succeeded.Should().BeFalse();
        result.Failure!.FailedRequirements.OfType<ScopeRequirement>().Should().ContainSingle()
            .Which.Scopes.Should().Equal("read:messages");
    }

    [Test]
    public async Task ReadMessagesPolicy_ScopeArrayNotGrantingIt_Fails()
    {
        var result = await _authorization.AuthorizeAsync(Caller("read:messages2", "READ:MESSAGES"), resource: null, ScopePolicies.ReadMessages);

        result.Succeeded.Should().BeFalse();
    }

    [Test]
    public async Task ReadMessagesPolicy_NoScopeClaim_Fails()
    {
        var result = await _authorization.AuthorizeAsync(Caller(), resource: null, ScopePolicies.ReadMessages);

        result.Succeeded.Should().BeFalse();
    }

    [TestCase("scp")]
    [TestCase("http://schemas.microsoft.com/identity/claims/scope")]
    [TestCase("Scope")]
    public async Task ReadMessagesPolicy_ScopeUnderAnotherClaimType_Fails(string claimType)
    {
        var identity = new ClaimsIdentity([new Claim("sub", "caller@clients"), new Claim(claimType, "read:messages")], "AuthAction");

        var result = await _authorization.AuthorizeAsync(new ClaimsPrincipal(identity), resource: null, ScopePolicies.ReadMessages);

        result.Succeeded.Should().BeFalse();
    }

    [Test]
    public async Task RequireScope_ScopeOnlyOnUnauthenticatedIdentity_Fails()
    {
        // The scope requirement alone, without the attribute's authenticated-user rule: the handler itself ignores
        // claims on an identity no scheme authenticated.
        var anonymous = new ClaimsIdentity([new Claim("scope", "read:messages")], authenticationType: null);
        var authenticated = new ClaimsIdentity([new Claim("sub", "caller@clients")], "AuthAction");

        var result = await _authorization.AuthorizeAsync(new ClaimsPrincipal([authenticated, anonymous]), resource: null, new RequireScopeAttribute("read:messages").GetRequirements());

        result.Succeeded.Should().BeFalse();
        result.Failure!.FailedRequirements.Should().ContainSingle().Which.Should().BeOfType<ScopeRequirement>();
    }

    [TestCase("read:messages write:messages")]
    [TestCase("write:messages", "read:messages")]
    [TestCase("read:messages write:messages", "openid")]
    public async Task RequireScopeWithTwoScopes_TokenGrantingBoth_Succeeds(params string[] scopeClaims)
    {
        var attribute = new RequireScopeAttribute("read:messages", "write:messages");

        var result = await _authorization.AuthorizeAsync(Caller(scopeClaims), resource: null, attribute.GetRequirements());

        result.Succeeded.Should().BeTrue();
    }

    [TestCase("read:messages")]
    [TestCase("write:messages")]
    [TestCase("read:messages write:messages2")]
    public async Task RequireScopeWithTwoScopes_TokenGrantingOne_Fails(string scope)
    {
        var attribute = new RequireScopeAttribute("read:messages", "write:messages");

        var result = await _authorization.AuthorizeAsync(Caller(scope), resource: null, attribute.GetRequirements());

        result.Succeeded.Should().BeFalse();
    }

    [Test]
    public async Task RequireScope_ProvidedThroughTheAttribute_UsesTheSameRules()
    {
        var attribute = new RequireScopeAttribute("read:messages");

        var granted = await _authorization.AuthorizeAsync(Caller("read:messages"), resource: null, attribute.GetRequirements());
        var refused = await _authorization.AuthorizeAsync(Caller("read:messages2"), resource: null, attribute.GetRequirements());

        granted.Succeeded.Should().BeTrue();
        refused.Succeeded.Should().BeFalse();
    }

    [TestCase("read messages")]
    [TestCase("read:\"messages\"")]
    [TestCase("read:messages\\")]
    [TestCase("")]
    [TestCase("read:messages\u007F", TestName = "RequireScope_DeleteCharacter_ThrowsNamingIt")]
    [TestCase("read:messages\u001F", TestName = "RequireScope_ControlCharacter_ThrowsNamingIt")]
    [TestCase("read:messagé", TestName = "RequireScope_NonAsciiLetter_ThrowsNamingIt")]
    public void RequireScope_NotAScopeToken_ThrowsNamingIt(string scope)
    {
        var create = () => new RequireScopeAttribute(scope);

        create.Should().Throw<ArgumentException>().WithMessage($"'{scope}' is not a scope*").Which.ParamName.Should().Be("scopes");
    }

    [TestCase("!", TestName = "RequireScope_LowestScopeCharacter_IsAccepted")]
    [TestCase("#", TestName = "RequireScope_CharacterAfterTheQuote_IsAccepted")]
    [TestCase("[", TestName = "RequireScope_CharacterBeforeTheBackslash_IsAccepted")]
    [TestCase("]", TestName = "RequireScope_CharacterAfterTheBackslash_IsAccepted")]
    [TestCase("~", TestName = "RequireScope_HighestScopeCharacter_IsAccepted")]
    public void RequireScope_EdgeOfTheScopeCharacterSet_IsAccepted(string scope)
    {
        // RFC 6749 3.3: %x21 / %x23-5B / %x5D-7E, each range tried at both ends.
        var attribute = new RequireScopeAttribute("read:" + scope);

        attribute.Scopes.Should().Equal("read:" + scope);
    }

    [Test]
    public void RequireScope_NoScope_Throws()
    {
        var create = () => new RequireScopeAttribute();

        create.Should().Throw<ArgumentException>().WithMessage("Name at least one scope.*");
    }

    /// <summary>A caller as JwtBearer builds it with <c>MapInboundClaims = false</c>: one <c>scope</c> claim per value.</summary>
    private static ClaimsPrincipal Caller(params string[] scopeClaims) =>
        new(new ClaimsIdentity(
            [new Claim("sub", "caller@clients"), .. scopeClaims.Select(s => new Claim(ScopeClaims.ClaimType, s))],
            authenticationType: "AuthAction"));
}
