using System.Security.Claims;
using AuthActionApi.Authorization;

namespace AuthActionApi.Tests;

/// <summary>
/// <see cref="ScopeClaims"/> on its own: the set of granted scopes a 403 body is built from, and the per-request check,
/// read by the one rule (space-separated scope tokens of the <c>scope</c> claims of authenticated identities). No app
/// endpoint needs two scopes, so the set is not reachable over HTTP here; ForbiddenResponseTests shows it in a 403 body.
/// </summary>
public sealed class ScopeClaimsTests
{
    [Test]
    public void ScopeRequirementToString_TwoScopes_NamesThemAsTheAuthorizationLogListsUnmetRequirements()
    {
        var requirement = new ScopeRequirement([Scopes.ReadMessages, "write:messages"]);

        var text = requirement.ToString();

        text.Should().Be("ScopeRequirement: the token must grant the scope(s) read:messages write:messages");
    }

    [Test]
    public void GrantedToAndGrantsAll_NullArgument_ThrowNamingIt()
    {
        var caller = Caller("read:messages");

        var grantedTo = () => ScopeClaims.GrantedTo(null!);
        var grantsAllWithoutPrincipal = () => ScopeClaims.GrantsAll(null!, [Scopes.ReadMessages]);
        var grantsAllWithoutScopes = () => ScopeClaims.GrantsAll(caller, null!);
        var requirementWithoutScopes = () => new ScopeRequirement(null!);

        grantedTo.Should().Throw<ArgumentNullException>().WithParameterName("principal");
        grantsAllWithoutPrincipal.Should().Throw<ArgumentNullException>().WithParameterName("principal");
        grantsAllWithoutScopes.Should().Throw<ArgumentNullException>().WithParameterName("scopes");
        requirementWithoutScopes.Should().Throw<ArgumentNullException>().WithParameterName("scopes");
    }

    [Test]
    public void GrantedTo_ScopeStringWithRepeatedAndOuterSpaces_IsEachScopeOnce()
    {
        var principal = Caller(" openid  read:messages read:messages ");

        var granted = ScopeClaims.GrantedTo(principal);

        granted.Should().BeEquivalentTo(["openid", "read:messages"]);
    }

    [Test]
    public void GrantedTo_ScopeArray_IsEveryElementsScopes()
    {
        var principal = Caller("openid read:messages", "write:messages");

        var granted = ScopeClaims.GrantedTo(principal);

        granted.Should().BeEquivalentTo(["openid", "read:messages", "write:messages"]);
    }

    [Test]
    public void GrantedTo_SeparatorsOtherThanSpace_AreKeptInsideTheScope()
    {
        var principal = Caller("read:messages,write:messages\tREAD:MESSAGES");

        var granted = ScopeClaims.GrantedTo(principal);

        granted.Should().BeEquivalentTo(["read:messages,write:messages\tREAD:MESSAGES"]);
    }

    [Test]
    public void GrantedTo_ScopesOfAnUnauthenticatedIdentityOrAnotherClaimType_AreLeftOut()
    {
        var authenticated = new ClaimsIdentity([new Claim(ScopeClaims.ClaimType, "openid"), new Claim("Scope", "admin"), new Claim("scp", "admin")], "AuthAction");
        var anonymous = new ClaimsIdentity([new Claim(ScopeClaims.ClaimType, "read:messages")], authenticationType: null);

        var granted = ScopeClaims.GrantedTo(new ClaimsPrincipal([anonymous, authenticated]));

        granted.Should().BeEquivalentTo(["openid"]);
    }

    [Test]
    public void GrantedTo_OnlySpaces_IsEmpty()
    {
        var granted = ScopeClaims.GrantedTo(Caller("   "));

        granted.Should().BeEmpty();
    }

    [TestCase("read:messages  write:messages")]
    [TestCase(" read:messages")]
    [TestCase("read:messages ")]
    public void GrantsAll_EmptyScopeAgainstAScopeStringWithEmptyTokens_IsFalse(string scope)
    {
        var grants = ScopeClaims.GrantsAll(Caller(scope), [string.Empty]);

        grants.Should().BeFalse("two spaces in a row, or one at either end, delimit no scope");
    }

    [TestCase("openid read:messages", "read:messages", true)]
    [TestCase(" read:messages ", "read:messages", true)]
    [TestCase("read:messages2", "read:messages", false)]
    [TestCase("read:messages,openid", "openid", false)]
    [TestCase("openid  read:messages", "", false)]
    public void GrantsAll_OneScope_AgreesWithGrantedTo(string claim, string scope, bool expected)
    {
        var principal = Caller(claim);

        var grants = ScopeClaims.GrantsAll(principal, [scope]);

        grants.Should().Be(expected);
        ScopeClaims.GrantedTo(principal).Contains(scope).Should().Be(expected);
    }

    /// <summary>A caller as JwtBearer builds it with <c>MapInboundClaims = false</c>: one <c>scope</c> claim per value.</summary>
    private static ClaimsPrincipal Caller(params string[] scopeClaims) =>
        new(new ClaimsIdentity(
            [new Claim("sub", "caller@clients"), .. scopeClaims.Select(s => new Claim(ScopeClaims.ClaimType, s))],
            authenticationType: "AuthAction"));
}
